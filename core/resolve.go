package core

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
)

// Resolver turns parsed auth files into resolved accounts.
type Resolver struct {
	Catalog *catalog.Catalog
	Rules   RuleSet
	Now     time.Time // expiry and staleness are judged at this instant

	// base holds, per provider and tier, the models before per-file rules;
	// accounts without exclusions, aliases or prefix share them. Built by
	// prepared; nil means compute each time.
	base map[string]baseModels
	// aliasRules holds aliasRule's text for every known plan, by plan key;
	// built by prepared along with base.
	aliasRules map[string]string
}

// baseModels are a section's models with the built-ins, and their ids
// sorted. Shared between accounts: never modified.
type baseModels struct {
	details []ModelDetail
	ids     []string
}

// prepared returns r with its base table built, ready for many accounts
// (and for concurrent use: the table is read-only afterwards).
func (r Resolver) prepared() Resolver {
	if r.base != nil || r.Catalog == nil {
		return r
	}
	r.base = map[string]baseModels{}
	r.aliasRules = make(map[string]string, len(r.Rules.Aliases))
	for key, tier := range r.Rules.Aliases {
		r.aliasRules[key] = r.aliasRuleText(key, tier)
	}
	add := func(provider, tier string, section []catalog.Model) {
		details := withBuiltIns(section, catalog.BuiltIns(provider))
		r.base[provider+"\x00"+tier] = baseModels{details: details, ids: detailIDs(details, "", false)}
	}
	for _, t := range TierNames {
		add("codex", t, r.tierModels(t))
	}
	for _, name := range r.Catalog.Sections() {
		add(name, name, r.Catalog.Section(name))
		if name == "gemini-cli" {
			add("gemini", name, r.Catalog.Section(name))
		}
	}
	return r
}

// Thresholds of the time-based warnings.
const (
	ExpiringWithin   = 24 * time.Hour
	StaleRefreshOver = 7 * 24 * time.Hour
)

// ResolveAll resolves every account, in parallel for large folders, and
// marks duplicates across them.
func (r Resolver) ResolveAll(raw []*auth.Account) []*Account {
	r = r.prepared()
	out := make([]*Account, len(raw))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(raw)/512))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(raw); i += workers {
				out[i] = r.Resolve(raw[i])
			}
		})
	}
	wg.Wait()
	MarkDuplicates(out)
	return out
}

// Resolve resolves one account. Duplicates need the other accounts: see
// MarkDuplicates.
func (r Resolver) Resolve(a *auth.Account) *Account {
	out := &Account{
		File: a.File, Path: a.Path, Raw: a,
		Tier: TierNone, Models: []string{}, WhenEnabled: []string{}, Warnings: []Warning{},
	}
	if a.Err != nil {
		msg := a.Err.Error()
		out.Error = &msg
		out.warn(WarnParseError, msg)
		return out
	}
	out.Provider, out.Email, out.AccountID, out.Disabled = a.Provider, a.Email, a.AccountID, a.Disabled
	out.ExpiresAt = a.ExpiresAt
	if a.ExpiresAt != nil {
		out.Expired = a.ExpiresAt.Before(r.Now)
	}
	if a.IDToken != nil && a.IDToken.Err == nil {
		sig := a.IDToken.Signature
		out.Signature = &sig
	}

	var section []catalog.Model
	if out.Provider == "codex" {
		out.Plan, section = r.resolveCodex(out, a)
	} else {
		section = r.providerSection(out)
	}
	if !r.Rules.loads(out.Provider) {
		out.Tier = TierNone
		out.warn(WarnNotLoaded, fmt.Sprintf("the proxy (rules %s) does not load %s files: it registers no models for them", r.Rules.Name, out.Provider))
	} else {
		r.visibleModels(out, a, section)
	}
	r.fileWarnings(out, a)
	return out
}

// providerSection picks the section of a non-Codex provider: named like the
// provider, except gemini (Gemini CLI logins) which uses gemini-cli.
func (r Resolver) providerSection(out *Account) []catalog.Model {
	name := out.Provider
	if name == "gemini" {
		name = "gemini-cli"
	}
	switch {
	case name == "":
		out.warn(WarnNoSection, `the file has no "type": no provider, so no catalog section`)
		return nil
	case !r.Catalog.HasSection(name):
		out.warn(WarnNoSection, fmt.Sprintf("the catalog has no %q section: the proxy offers %s accounts no catalog models", name, out.Provider))
		return nil
	}
	out.Tier = name
	return r.Catalog.Section(name)
}

// codexPlan is where a Codex account's plan came from.
type codexPlan struct {
	raw, source string
	tier        string
	known       bool
}

// findPlan applies the rule set's plan sources in order: the first that is
// present, a string and not blank wins.
func (r Resolver) findPlan(a *auth.Account) codexPlan {
	for _, src := range r.Rules.PlanSources {
		var t auth.Text
		switch src {
		case SourceIDToken:
			if a.IDToken != nil && a.IDToken.Err == nil {
				t = a.IDToken.Claims.PlanType
			}
		case SourcePlanType:
			t = a.StoredPlan
		case SourceChatGPTPlanType:
			t = a.StoredChatGPTPlan
		}
		if t.IsString && strings.TrimSpace(t.Value) != "" {
			p := codexPlan{raw: t.Value, source: src}
			p.tier, p.known = r.Rules.normalize(t.Value)
			return p
		}
	}
	return codexPlan{}
}

// planStrings is a Plan with room for the strings it points to: one
// allocation per account instead of six.
type planStrings struct {
	plan                                     Plan
	raw, source, stored, idToken, normalized string
}

func (r Resolver) resolveCodex(out *Account, a *auth.Account) (*Plan, []catalog.Model) {
	p := r.findPlan(a)
	ps := &planStrings{}
	plan := &ps.plan
	if p.source != "" {
		ps.raw, ps.source = p.raw, p.source
		plan.Raw, plan.Source = &ps.raw, &ps.source
	}
	if a.StoredPlan.IsString {
		ps.stored = a.StoredPlan.Value
		plan.Stored = &ps.stored
	}
	if tok := a.IDToken; tok != nil && tok.Err == nil && tok.Claims.PlanType.IsString {
		ps.idToken = tok.Claims.PlanType.Value
		plan.IDToken = &ps.idToken
	}
	switch {
	case p.known:
		ps.normalized = p.tier
		plan.Normalized = &ps.normalized
		out.Tier = p.tier
		plan.Rule = r.aliasRule(p)
	case p.source != "":
		out.Tier = r.unknownTier()
		plan.Rule = fmt.Sprintf("unknown plan %q → %s (%s)", planKey(p.raw), r.Rules.Unknown, r.policyOrigin())
		out.warn(WarnUnknownPlan, fmt.Sprintf("plan %q (from %s) is not a known plan; the %s policy gives it %s", p.raw, p.source, r.Rules.Unknown, describeTier(out.Tier)))
	default:
		out.Tier = r.unknownTier()
		plan.Rule = fmt.Sprintf("no plan → %s (%s)", r.Rules.Unknown, r.policyOrigin())
		out.warn(WarnNoPlan, fmt.Sprintf("no plan in %s; the %s policy gives it %s", describeSources(r.Rules.PlanSources), r.Rules.Unknown, describeTier(out.Tier)))
	}
	r.planWarnings(out, a, p)
	return plan, r.tierModels(out.Tier)
}

func (r Resolver) aliasRule(p codexPlan) string {
	key := planKey(p.raw)
	if text, ok := r.aliasRules[key]; ok {
		return text
	}
	return r.aliasRuleText(key, p.tier)
}

func (r Resolver) aliasRuleText(key, tier string) string {
	origin := r.Rules.Name
	if _, ok := r.Rules.AliasOverrides[key]; ok {
		origin = "--plan-alias, " + r.Rules.Name
	}
	if key == tier {
		return fmt.Sprintf("plan %s (%s)", tier, origin)
	}
	return fmt.Sprintf("alias %s→%s (%s)", key, tier, origin)
}

func (r Resolver) policyOrigin() string {
	if r.Rules.UnknownOverride {
		return "--unknown-plan, " + r.Rules.Name
	}
	return r.Rules.Name
}

func (r Resolver) unknownTier() string {
	if r.Rules.Unknown == PolicyUnion {
		return TierUnion
	}
	return r.Rules.Unknown
}

// tierModels returns the catalog models of a Codex tier; the union is every
// tier's section in order, first occurrence of an id kept.
func (r Resolver) tierModels(tier string) []catalog.Model {
	if tier != TierUnion {
		return r.Catalog.Section("codex-" + tier)
	}
	var out []catalog.Model
	seen := map[string]bool{}
	for _, name := range catalog.CodexSections {
		for _, m := range r.Catalog.Section(name) {
			if !seen[m.ID] {
				seen[m.ID] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// TierModels returns the ids a Codex account of the tier would see with no
// exclusions, aliases or prefix (built-ins included), sorted.
func (r Resolver) TierModels(tier string) []string {
	details := withBuiltIns(r.tierModels(tier), catalog.BuiltIns("codex"))
	ids := make([]string, len(details))
	for i, d := range details {
		ids[i] = d.ID
	}
	slices.Sort(ids)
	return ids
}

// visibleModels applies DESIGN §4 steps 2–6 to the section's models, in the
// proxy's order: built-ins, exclusions, aliases, prefix, disabled.
func (r Resolver) visibleModels(out *Account, a *auth.Account, section []catalog.Model) {
	base, ok := r.base[out.Provider+"\x00"+out.Tier]
	if !ok {
		details := withBuiltIns(section, catalog.BuiltIns(out.Provider))
		base = baseModels{details: details, ids: detailIDs(details, "", false)}
	}
	out.Prefix = r.prefix(out, a)
	exclusions := r.Rules.exclusionsFor(out.Provider, a.ExcludedModels)
	aliases := r.Rules.aliasesFor(out.Provider, a.ModelAliases)
	if len(exclusions) == 0 && len(aliases) == 0 && out.Prefix == "" {
		// The common case: the tier's models as they are, shared.
		out.Details, out.WhenEnabled = base.details, base.ids
		if !out.Disabled {
			out.Models = out.WhenEnabled
		}
		return
	}
	details := exclude(slices.Clone(base.details), exclusions)
	out.Notes = append(out.Notes, excludedAliasNotes(details, exclusions, aliases)...)
	details = applyAliases(details, aliases)
	out.Details = details
	out.WhenEnabled = detailIDs(details, out.Prefix, r.Rules.ForceModelPrefix)
	if !out.Disabled {
		out.Models = out.WhenEnabled
	}
}

func withBuiltIns(section []catalog.Model, builtIns []catalog.Model) []ModelDetail {
	out := make([]ModelDetail, 0, len(section)+len(builtIns))
	for _, m := range section {
		out = append(out, ModelDetail{ID: m.ID, DisplayName: m.DisplayName})
	}
	for _, b := range builtIns {
		d := ModelDetail{ID: b.ID, DisplayName: b.DisplayName, BuiltIn: true}
		if i := slices.IndexFunc(out, func(m ModelDetail) bool { return m.ID == b.ID }); i >= 0 {
			out[i] = d
		} else {
			out = append(out, d)
		}
	}
	return out
}

// exclude drops models matching any pattern: case-insensitive, * matches
// any substring.
func exclude(details []ModelDetail, patterns []string) []ModelDetail {
	if len(patterns) == 0 {
		return details
	}
	return slices.DeleteFunc(details, func(m ModelDetail) bool { return excluded(m.ID, patterns) })
}

func excluded(id string, patterns []string) bool {
	for _, p := range patterns {
		if wildcardMatch(p, id) {
			return true
		}
	}
	return false
}

// wildcardMatch matches s against a pattern where * is any substring,
// ignoring case.
func wildcardMatch(pattern, s string) bool {
	pattern, s = strings.ToLower(strings.TrimSpace(pattern)), strings.ToLower(s)
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, last)
}

// excludedAliasNotes explains exclusions that name an alias: exclusions run
// before aliases, so they do nothing.
func excludedAliasNotes(details []ModelDetail, exclusions []string, aliases []auth.ModelAlias) []string {
	var notes []string
	for _, p := range exclusions {
		for _, al := range aliases {
			if wildcardMatch(p, al.Alias) && !slices.ContainsFunc(details, func(m ModelDetail) bool { return wildcardMatch(p, m.ID) }) {
				notes = append(notes, fmt.Sprintf("exclusion %q names the alias %q: exclusions run before aliases, so it excludes nothing", p, al.Alias))
				break
			}
		}
	}
	return notes
}

// applyAliases renames models: an alias replaces its model unless some alias
// of that model forks, then the original stays too. Ids are de-duplicated
// case-insensitively, first kept.
func applyAliases(details []ModelDetail, aliases []auth.ModelAlias) []ModelDetail {
	if len(aliases) == 0 {
		return details
	}
	out := make([]ModelDetail, 0, len(details)+len(aliases))
	for _, m := range details {
		var mine []auth.ModelAlias
		fork := false
		for _, al := range aliases {
			if strings.EqualFold(al.Name, m.ID) && !strings.EqualFold(al.Alias, al.Name) {
				mine = append(mine, al)
				fork = fork || al.Fork
			}
		}
		if len(mine) == 0 || fork {
			out = append(out, m)
		}
		for _, al := range mine {
			name := al.DisplayName
			if name == "" {
				name = m.DisplayName
			}
			out = append(out, ModelDetail{ID: al.Alias, DisplayName: name, BuiltIn: m.BuiltIn, AliasOf: m.ID})
		}
	}
	seen := make(map[string]bool, len(out))
	return slices.DeleteFunc(out, func(m ModelDetail) bool {
		k := strings.ToLower(m.ID)
		dup := seen[k]
		seen[k] = true
		return dup
	})
}

// prefix returns the effective prefix: trimmed of spaces and slashes, and
// ignored (with a warning) if a slash remains inside.
func (r Resolver) prefix(out *Account, a *auth.Account) string {
	p := strings.Trim(a.Prefix, " \t/")
	if strings.Contains(p, "/") {
		out.warn(WarnIgnoredField, fmt.Sprintf("prefix %q contains a slash inside; the proxy ignores it", a.Prefix))
		return ""
	}
	return p
}

func detailIDs(details []ModelDetail, prefix string, force bool) []string {
	ids := make([]string, 0, 2*len(details))
	for _, d := range details {
		if prefix == "" || !force {
			ids = append(ids, d.ID)
		}
		if prefix != "" {
			ids = append(ids, prefix+"/"+d.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

func (out *Account) warn(code, msg string) {
	out.Warnings = append(out.Warnings, Warning{Code: code, Severity: Severity(code), Message: msg})
}

func ptr[T any](v T) *T { return &v }

func describeTier(tier string) string {
	if tier == TierUnion {
		return "the union of every Codex tier"
	}
	return "the " + tier + " tier"
}

func describeSources(sources []string) string {
	if len(sources) == 1 {
		return "the " + sources[0]
	}
	return strings.Join(sources, ", ")
}

// fileNamePlan finds the plan part of a name like
// codex-<hash8>-<email>-<plan>.json: the text after the file's own email.
func fileNamePlan(file, email string) string {
	if email == "" {
		return ""
	}
	base := file
	if n := len(base) - len(".json"); n >= 0 && strings.EqualFold(base[n:], ".json") {
		base = base[:n]
	}
	// The last place where the email (any case) is followed by '-'.
	for i := len(base) - len(email) - 1; i >= 0; i-- {
		if base[i+len(email)] == '-' && strings.EqualFold(base[i:i+len(email)], email) {
			return base[i+len(email)+1:]
		}
	}
	return ""
}
