package main

import (
	"net/http"
	"net/http/httptest"
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
		{"candidate URL under --offline", []string{"--auth-dir", refDir, "--offline", "--candidate", "https://example.com/models.json"}, "a URL needs the network"},
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

// diff --candidate URL downloads the candidate (validated, never cached)
// and gives the same diff as the same catalog from a file.
func TestDiffCandidateByURL(t *testing.T) {
	after := mustRead(t, filepath.Join(historyDir, "models-2026-04-24T0505-4f4afb8.json"))
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		switch r.URL.Path {
		case "/models.json":
			_, _ = w.Write(after)
		default:
			_, _ = w.Write([]byte(`{"codex-free": []}`))
		}
	}))
	defer srv.Close()
	cache := t.TempDir()
	before := filepath.Join(historyDir, "models-2026-04-24T0242-d6b2557.json")
	env := map[string]string{"TIERSCOPE_CACHE_DIR": cache}
	byURL := runCLI(t, env, "diff", "--json", "--catalog", before, "--candidate", srv.URL+"/models.json", "--auth-dir", refDir)
	byFile := runCLI(t, env, "diff", "--json", "--catalog", before, "--candidate", filepath.Join(historyDir, "models-2026-04-24T0505-4f4afb8.json"), "--auth-dir", refDir)
	if byURL.code != 1 || byURL.stdout != byFile.stdout || hits != 1 {
		t.Fatalf("by URL: exit %d, %d requests, same as by file: %v\n%s", byURL.code, hits, byURL.stdout == byFile.stdout, byURL.stderr)
	}
	if _, err := os.Stat(filepath.Join(cache, "catalog", "models.json")); err == nil {
		t.Error("a candidate was saved as the cached catalog")
	}
	bad := runCLI(t, env, "diff", "--catalog", before, "--candidate", srv.URL+"/partial.json", "--auth-dir", refDir)
	if bad.code != 2 || !strings.Contains(bad.stderr, "codex-team") {
		t.Errorf("an invalid candidate: exit %d, stderr %q", bad.code, bad.stderr)
	}
	off := runCLI(t, env, "diff", "--offline", "--candidate", srv.URL+"/models.json", "--auth-dir", refDir)
	if off.code != 2 || hits != 2 {
		t.Errorf("--offline: exit %d after %d requests; want 2 and no request", off.code, hits)
	}
}
