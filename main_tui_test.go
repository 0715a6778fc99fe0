package main

import (
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRefreshEveryUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"not a duration", []string{"--auth-dir", refDir, "--refresh-every", "often"}, "refresh-every"},
		{"negative", []string{"--auth-dir", refDir, "--refresh-every", "-1h"}, "want a positive duration"},
		{"too often", []string{"--auth-dir", refDir, "--refresh-every", "1s"}, "at least 10s"},
		{"offline", []string{"--auth-dir", refDir, "--offline", "--refresh-every", "3h"}, "needs the network"},
		{"catalog file", []string{"--auth-dir", refDir, "--catalog", refModels, "--refresh-every", "3h"}, "needs the network"},
		{"demo", []string{"demo", "--refresh-every", "3h"}, "needs the network"},
		{"headless command", []string{"list", "--auth-dir", refDir, "--refresh-every", "3h"}, "does not apply to tierscope list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q: want 2 and one line mentioning %q", r.code, r.stderr, tt.want)
			}
		})
	}
}

func TestTUIFetcherFollowsTheNetworkFlags(t *testing.T) {
	env := func(string) string { return "" }
	parse := func(args ...string) *cli {
		t.Helper()
		c, err := parseArgs(append(args, "--cache-dir", t.TempDir()), env)
		if err != nil {
			t.Fatal(err)
		}
		c.stdout, c.stderr = io.Discard, io.Discard
		return c
	}
	for _, args := range [][]string{{"--offline"}, {"--catalog", refModels}} {
		f, err := parse(args...).tuiFetcher()
		if err != nil || f != nil {
			t.Errorf("%v: fetcher %v, error %v; want none (no network)", args, f, err)
		}
	}
	c := parse("--catalog-url", "http://catalog.test/models.json", "--refresh-every", "3h")
	f, err := c.tuiFetcher()
	if err != nil || f == nil {
		t.Fatalf("fetcher %v, error %v", f, err)
	}
	if !slices.Equal(f.URLs, []string{"http://catalog.test/models.json"}) || f.Cache.Dir == "" || f.Client == nil {
		t.Errorf("fetcher %+v: want the --catalog-url, the cache and a proxy-aware client", f)
	}
	if c.refreshEvery != 3*time.Hour {
		t.Errorf("--refresh-every read as %s", c.refreshEvery)
	}
}
