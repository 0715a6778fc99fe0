package core_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/core"
)

const configReference = "../testdata/reference/proxy-a7e3596-config"

// TestUpstreamWithConfigReproducesTheRealProxy: the real proxy, given a
// config.yaml with global exclusions, global aliases and
// force-model-prefix, registered exactly these models for each file.
func TestUpstreamWithConfigReproducesTheRealProxy(t *testing.T) {
	var want map[string][]string
	if err := json.Unmarshal(mustReadFile(t, filepath.Join(configReference, "registered.json")), &want); err != nil {
		t.Fatal(err)
	}
	cfg, err := core.LoadProxyConfig(filepath.Join(configReference, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(cfg.AuthDir, "proxy-a7e3596-config/auths") {
		t.Fatalf("auth-dir %q: a relative path is taken from the config's folder", cfg.AuthDir)
	}
	r := rules(t, "upstream").WithProxyConfig(cfg)
	dir, err := auth.NewDir(cfg.AuthDir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := core.Load(context.Background(), dir, refCatalog(t), r, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Accounts) != len(want) {
		t.Fatalf("%d accounts, the recording has %d", len(s.Accounts), len(want))
	}
	for _, a := range s.Accounts {
		if !slices.Equal(a.Models, want[a.File]) {
			t.Errorf("%s:\n got  %q\n want %q", a.File, a.Models, want[a.File])
		}
	}
	if !strings.Contains(r.Describe(), "config ") {
		t.Errorf("Describe %q should name the config", r.Describe())
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseProxyConfig(t *testing.T) {
	full := `
host: 0.0.0.0
port: 8317
auth-dir: "~/auths"
debug: true
force-model-prefix: true
remote-management:
  secret-key: "$2a$10$abc"
oauth-excluded-models:
  Codex: ["gpt-5.6-*", " "]
  gemini-cli: ["gemini-2.5-*"]
oauth-model-alias:
  codex:
    - {name: "gpt-5.5", alias: "five", fork: true, display-name: "Five"}
    - {name: "", alias: "nothing"}
  claude:
    - {name: "claude-opus-4-8", alias: "opus-latest"}
some-future-key: {nested: [1, 2]}
`
	cfg, err := core.ParseProxyConfig([]byte(full), "/etc/proxy/config.yaml", "/home/op")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AuthDir != "/home/op/auths" || !cfg.ForceModelPrefix {
		t.Errorf("auth dir %q, force %v", cfg.AuthDir, cfg.ForceModelPrefix)
	}
	if !slices.Equal(cfg.Exclusions["codex"], []string{"gpt-5.6-*"}) || len(cfg.Exclusions["gemini-cli"]) != 1 {
		t.Errorf("exclusions %v (channel names are lower-cased, blanks dropped)", cfg.Exclusions)
	}
	if a := cfg.Aliases["codex"]; len(a) != 1 || a[0].Alias != "five" || !a[0].Fork || a[0].DisplayName != "Five" {
		t.Errorf("codex aliases %+v (an entry without a name is dropped)", a)
	}
	rel, err := core.ParseProxyConfig([]byte(`auth-dir: ./a`), "/etc/proxy/config.yaml", "/home/op")
	if err != nil || rel.AuthDir != "/etc/proxy/a" {
		t.Errorf("relative auth-dir: %q %v", rel.AuthDir, err)
	}
	for _, bad := range []string{"oauth-excluded-models: [1, 2", "force-model-prefix: maybe", "oauth-excluded-models: x"} {
		if _, err := core.ParseProxyConfig([]byte(bad), "c.yaml", "/h"); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// A gemini file's global rules come from the gemini-cli channel.
func TestGeminiFilesUseTheGeminiCLIChannel(t *testing.T) {
	cfg, err := core.ParseProxyConfig([]byte("oauth-excluded-models:\n  gemini-cli: [\"gemini-2.5-*\"]\n"), "c.yaml", "/h")
	if err != nil {
		t.Fatal(err)
	}
	a := resolve(t, rules(t, "pr2024").WithProxyConfig(cfg), "gemini.json", file(map[string]any{"type": "gemini"}))
	for _, m := range a.Models {
		if strings.HasPrefix(m, "gemini-2.5-") {
			t.Errorf("%s should be excluded by the gemini-cli channel", m)
		}
	}
	if len(a.Models) != 4 {
		t.Errorf("models %q", a.Models)
	}
}
