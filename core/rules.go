// Package core is tierscope's engine: it combines auth accounts and a model
// catalog under a rule set into resolved accounts (plan, tier, visible
// models, warnings), and computes the diffs that the TUI and the headless
// commands show. It imports no UI package.
package core

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Codex tiers, and the pseudo-tiers a resolved account can carry.
const (
	TierFree  = "free"
	TierTeam  = "team"
	TierPlus  = "plus"
	TierPro   = "pro"
	TierUnion = "union" // unknown plan under the union policy: every Codex tier
	TierNone  = "none"  // no models: broken file, no section, not loaded
)

// Tiers are the four Codex catalog tiers, in union order.
var Tiers = []string{TierFree, TierTeam, TierPlus, TierPro}

// Unknown-plan policies.
const (
	PolicyUnion = "union"
	PolicyFree  = "free"
	PolicyPro   = "pro"
)

// Policies are the unknown-plan policies accepted by --unknown-plan.
var Policies = []string{PolicyUnion, PolicyFree, PolicyPro}

// Plan sources, in the order a rule set may list them.
const (
	SourceIDToken         = "id_token"
	SourcePlanType        = "plan_type"
	SourceChatGPTPlanType = "chatgpt_plan_type"
)

// RuleSet is everything that differs between proxy versions, as values: one
// resolver reads it, so a new proxy version is a new table, not a new path.
type RuleSet struct {
	Name        string            // "pr2024" or "upstream"
	PlanSources []string          // tried in order; the first usable string wins
	Aliases     map[string]string // trimmed lower-case raw plan → tier
	Unknown     string            // unknown-plan policy
	NotLoaded   []string          // providers the proxy does not load at all

	// Overrides record what the operator changed, for the rule texts.
	AliasOverrides  map[string]string
	UnknownOverride bool

	// ForceModelPrefix is the proxy's force-model-prefix: a prefixed account
	// serves only prefix/id, not id.
	ForceModelPrefix bool

	// Config is the proxy's config.yaml in force (--proxy-config), if any:
	// global exclusions and aliases per channel.
	Config *ProxyConfig
}

// RuleSetNames lists the built-in rule sets.
var RuleSetNames = []string{"pr2024", "upstream"}

var ruleSets = map[string]RuleSet{
	// pr2024: the proxy's PR #2024 with its review's fix: a readable
	// id_token always wins over a stored plan.
	"pr2024": {
		Name:        "pr2024",
		PlanSources: []string{SourceIDToken, SourcePlanType, SourceChatGPTPlanType},
		Aliases: map[string]string{
			"free": TierFree, "plus": TierPlus, "pro": TierPro, "team": TierTeam,
			"business": TierTeam, "enterprise": TierTeam, "edu": TierTeam, "education": TierTeam, "go": TierTeam,
		},
		Unknown: PolicyUnion,
	},
	// upstream: the proxy's main branch at a7e3596 (2026-08-22), checked
	// against the real binary account by account.
	"upstream": {
		Name:        "upstream",
		PlanSources: []string{SourceIDToken},
		Aliases: map[string]string{
			"free": TierFree, "plus": TierPlus, "pro": TierPro,
			"team": TierTeam, "business": TierTeam, "go": TierTeam,
		},
		Unknown:   PolicyPro,
		NotLoaded: []string{"gemini"},
	},
}

// LookupRuleSet returns a copy of a named rule set.
func LookupRuleSet(name string) (RuleSet, error) {
	r, ok := ruleSets[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return RuleSet{}, fmt.Errorf("unknown rule set %q (want %s)", name, strings.Join(RuleSetNames, " or "))
	}
	r.Aliases = cloneMap(r.Aliases)
	r.PlanSources = slices.Clone(r.PlanSources)
	r.NotLoaded = slices.Clone(r.NotLoaded)
	return r, nil
}

// WithAlias returns r with raw → tier added to (or replacing in) its alias table.
func (r RuleSet) WithAlias(raw, tier string) (RuleSet, error) {
	raw = strings.ToLower(strings.TrimSpace(raw))
	tier = strings.ToLower(strings.TrimSpace(tier))
	if raw == "" {
		return r, fmt.Errorf("plan alias %q: empty plan", raw+"="+tier)
	}
	if !slices.Contains(Tiers, tier) {
		return r, fmt.Errorf("plan alias %s=%s: tier must be one of %s", raw, tier, strings.Join(Tiers, ", "))
	}
	r.Aliases = cloneMap(r.Aliases)
	r.Aliases[raw] = tier
	r.AliasOverrides = cloneMap(r.AliasOverrides)
	r.AliasOverrides[raw] = tier
	return r, nil
}

// ParsePlanAlias splits a --plan-alias RAW=TIER value.
func ParsePlanAlias(s string) (raw, tier string, err error) {
	raw, tier, ok := strings.Cut(s, "=")
	if !ok {
		return "", "", fmt.Errorf("plan alias %q: want RAW=TIER", s)
	}
	return raw, tier, nil
}

// WithUnknown returns r with another unknown-plan policy.
func (r RuleSet) WithUnknown(policy string) (RuleSet, error) {
	policy = strings.ToLower(strings.TrimSpace(policy))
	if !slices.Contains(Policies, policy) {
		return r, fmt.Errorf("unknown-plan policy %q: want one of %s", policy, strings.Join(Policies, ", "))
	}
	r.Unknown = policy
	r.UnknownOverride = true
	return r, nil
}

// Describe is the rule set as the header shows it.
func (r RuleSet) Describe() string {
	s := "rules " + r.Name + " · unknown→" + r.Unknown
	if len(r.AliasOverrides) > 0 {
		keys := make([]string, 0, len(r.AliasOverrides))
		for k := range r.AliasOverrides {
			keys = append(keys, k+"→"+r.AliasOverrides[k])
		}
		sort.Strings(keys)
		s += " · aliases " + strings.Join(keys, ",")
	}
	if r.ForceModelPrefix {
		s += " · force-model-prefix"
	}
	if r.Config != nil {
		s += " · config " + r.Config.Path
	}
	return s
}

// loads reports whether the proxy under r loads files of this provider.
func (r RuleSet) loads(provider string) bool { return !slices.Contains(r.NotLoaded, provider) }

// normalize maps a raw plan to a tier; ok is false for an unknown plan.
func (r RuleSet) normalize(raw string) (tier string, ok bool) {
	tier, ok = r.Aliases[planKey(raw)]
	return tier, ok
}

func planKey(raw string) string { return strings.ToLower(strings.TrimSpace(raw)) }

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
