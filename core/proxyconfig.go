package core

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/tierscope/tierscope/auth"
)

// ProxyConfig is what tierscope reads from the proxy's config.yaml: the
// rules that change which models an account serves, and the auth dir.
// Unknown keys are ignored, as the proxy ignores what it does not know.
type ProxyConfig struct {
	Path             string                       // the file read
	AuthDir          string                       // absolute; "" when the config has none
	ForceModelPrefix bool                         // force-model-prefix
	Exclusions       map[string][]string          // oauth-excluded-models, by channel
	Aliases          map[string][]auth.ModelAlias // oauth-model-alias, by channel
}

type proxyConfigYAML struct {
	AuthDir             string              `yaml:"auth-dir"`
	ForceModelPrefix    bool                `yaml:"force-model-prefix"`
	OAuthExcludedModels map[string][]string `yaml:"oauth-excluded-models"`
	OAuthModelAlias     map[string][]struct {
		Name        string `yaml:"name"`
		Alias       string `yaml:"alias"`
		Fork        bool   `yaml:"fork"`
		DisplayName string `yaml:"display-name"`
	} `yaml:"oauth-model-alias"`
}

// ParseProxyConfig reads a config.yaml's bytes; path is the file's path, to
// resolve a relative auth-dir against its folder. home expands "~".
func ParseProxyConfig(data []byte, path, home string) (ProxyConfig, error) {
	var y proxyConfigYAML
	if err := yaml.Unmarshal(data, &y); err != nil {
		return ProxyConfig{}, fmt.Errorf("proxy config %s: %s", path, oneLine(err.Error()))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ProxyConfig{}, err
	}
	cfg := ProxyConfig{Path: abs, ForceModelPrefix: y.ForceModelPrefix, Exclusions: map[string][]string{}, Aliases: map[string][]auth.ModelAlias{}}
	if dir := strings.TrimSpace(y.AuthDir); dir != "" {
		switch {
		case dir == "~" || strings.HasPrefix(dir, "~/"):
			dir = filepath.Join(home, strings.TrimPrefix(dir, "~"))
		case !filepath.IsAbs(dir):
			dir = filepath.Join(filepath.Dir(abs), dir)
		}
		cfg.AuthDir = filepath.Clean(dir)
	}
	for channel, ids := range y.OAuthExcludedModels {
		for _, id := range ids {
			if id = strings.TrimSpace(id); id != "" {
				key := channelKey(channel)
				cfg.Exclusions[key] = append(cfg.Exclusions[key], id)
			}
		}
	}
	for channel, entries := range y.OAuthModelAlias {
		for _, e := range entries {
			name, alias := strings.TrimSpace(e.Name), strings.TrimSpace(e.Alias)
			if name == "" || alias == "" {
				continue
			}
			key := channelKey(channel)
			cfg.Aliases[key] = append(cfg.Aliases[key], auth.ModelAlias{Name: name, Alias: alias, Fork: e.Fork, DisplayName: e.DisplayName})
		}
	}
	return cfg, nil
}

// LoadProxyConfig reads and parses a config.yaml.
func LoadProxyConfig(path string) (ProxyConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return ProxyConfig{}, fmt.Errorf("proxy config: %w", err)
	}
	home, _ := os.UserHomeDir()
	return ParseProxyConfig(data, path, home)
}

// channelKey is a config channel name as looked up: trimmed, lower-case.
func channelKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// channelOf is the config channel of a provider: gemini files (Gemini CLI
// logins) are the gemini-cli channel, as in the proxy.
func channelOf(provider string) string {
	if provider == "gemini" {
		return "gemini-cli"
	}
	return provider
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// WithProxyConfig returns r with a config's rules: its global exclusions and
// aliases, and force-model-prefix when it is on.
func (r RuleSet) WithProxyConfig(cfg ProxyConfig) RuleSet {
	r.Config = &cfg
	if cfg.ForceModelPrefix {
		r.ForceModelPrefix = true
	}
	return r
}

// exclusionsFor merges a file's exclusions with the config's for its channel.
func (r RuleSet) exclusionsFor(provider string, own []string) []string {
	if r.Config == nil {
		return own
	}
	global := r.Config.Exclusions[channelOf(provider)]
	if len(global) == 0 {
		return own
	}
	return append(append(make([]string, 0, len(own)+len(global)), own...), global...)
}

// aliasesFor is a file's aliases, then the config's for its channel, less
// any global alias whose alias name the file already uses.
func (r RuleSet) aliasesFor(provider string, own []auth.ModelAlias) []auth.ModelAlias {
	if r.Config == nil {
		return own
	}
	global := r.Config.Aliases[channelOf(provider)]
	if len(global) == 0 {
		return own
	}
	out := append(make([]auth.ModelAlias, 0, len(own)+len(global)), own...)
	for _, g := range global {
		used := false
		for _, a := range own {
			if strings.EqualFold(a.Alias, g.Alias) {
				used = true
				break
			}
		}
		if !used {
			out = append(out, g)
		}
	}
	return out
}
