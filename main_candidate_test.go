package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --candidate PATH opens the TUI on a candidate catalog; what it cannot
// load is a usage error before any screen is drawn.
func TestTUICandidateUsageErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"codex-free": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"invalid candidate", []string{"--auth-dir", refDir, "--offline", "--candidate", bad}, "--candidate: catalog"},
		{"missing candidate", []string{"--auth-dir", refDir, "--offline", "--candidate", filepath.Join(t.TempDir(), "nope.json")}, "no such file"},
		{"candidate URL", []string{"--auth-dir", refDir, "--offline", "--candidate", "https://example.com/models.json"}, "by URL is not supported yet"},
		{"demo invalid candidate", []string{"demo", "--candidate", bad}, "--candidate: catalog"},
		{"demo --generate", []string{"demo", "--generate", t.TempDir(), "--candidate", bad}, "not with --generate"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, nil, c.args...)
			if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, stderr %q: want 2 and one line with %q", r.code, r.stderr, c.want)
			}
		})
	}
}

func TestTUICandidateFlagIsAccepted(t *testing.T) {
	for _, args := range [][]string{{"--candidate", "x.json"}, {"demo", "--candidate", "x.json"}} {
		c, err := parseArgs(args, func(string) string { return "" })
		if err != nil || c.candidate != "x.json" {
			t.Errorf("%q: %v", args, err)
		}
	}
}
