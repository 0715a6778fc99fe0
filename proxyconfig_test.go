package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const configRef = "testdata/reference/proxy-a7e3596-config"

// The README's promise under a proxy config: the auth dir comes from the
// config, and models equal what the real proxy registered.
func TestListWithProxyConfigEqualsTheRecordedProxy(t *testing.T) {
	r := runCLI(t, nil, "list", "--json", "--rules", "upstream", "--proxy-config", filepath.Join(configRef, "config.yaml"), "--catalog", refModels)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// (No --auth-dir: it comes from the config.)
	assertRegistered(t, r.stdout, filepath.Join(configRef, "registered.json"))
}

func TestProxyConfigFromTheEnvironmentAndInCatalogJSON(t *testing.T) {
	env := map[string]string{"TIERSCOPE_PROXY_CONFIG": filepath.Join(configRef, "config.yaml")}
	r := runCLI(t, env, "catalog", "--json")
	var got struct {
		Rules struct {
			ProxyConfig      *string `json:"proxy_config"`
			ForceModelPrefix bool    `json:"force_model_prefix"`
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("exit %d %v: %s", r.code, err, r.stderr)
	}
	if got.Rules.ProxyConfig == nil || !strings.HasSuffix(*got.Rules.ProxyConfig, "config.yaml") || !got.Rules.ForceModelPrefix {
		t.Errorf("catalog --json rules: %+v", got.Rules)
	}
	r = runCLI(t, nil, "catalog", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Rules.ProxyConfig != nil {
		t.Errorf("without a config, proxy_config must be null: %v %v", err, got.Rules.ProxyConfig)
	}
}

func TestABrokenProxyConfigIsAUsageError(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(bad, []byte("oauth-excluded-models: [unclosed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{bad, filepath.Join(t.TempDir(), "missing.yaml")} {
		r := runCLI(t, nil, "list", "--proxy-config", path, "--auth-dir", refDir)
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "--proxy-config") {
			t.Errorf("%s: exit %d, stderr %q", path, r.code, r.stderr)
		}
	}
}
