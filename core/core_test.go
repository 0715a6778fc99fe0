package core_test

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// idToken builds an (unsigned) JWT whose auth claim carries plan; plan nil
// leaves the claim out. Decoding never verifies, so a fake signature is fine.
func idToken(plan any) string {
	enc := base64.RawURLEncoding
	ns := map[string]any{"chatgpt_account_id": "acct-1"}
	if plan != nil {
		ns["chatgpt_plan_type"] = plan
	}
	payload, _ := json.Marshal(map[string]any{"email": "a@example.com", "exp": 1767225600, "https://api.openai.com/auth": ns})
	return enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc.EncodeToString(payload) + ".c2ln"
}

// file returns auth file bytes from members; "plan" becomes an id_token.
func file(members map[string]any) []byte {
	m := map[string]any{}
	for k, v := range members {
		if k == "plan" {
			m["id_token"] = idToken(v)
			continue
		}
		m[k] = v
	}
	data, _ := json.Marshal(m)
	return data
}

func codex(members map[string]any) map[string]any {
	members["type"] = "codex"
	if _, ok := members["email"]; !ok {
		members["email"] = "a@example.com"
	}
	return members
}

func refCatalog(t *testing.T) catalog.Loaded {
	t.Helper()
	l, err := catalog.LoadFile("../testdata/reference/models.json")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func rules(t *testing.T, name string, edits ...func(core.RuleSet) (core.RuleSet, error)) core.RuleSet {
	t.Helper()
	r, err := core.LookupRuleSet(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		if r, err = e(r); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func resolve(t *testing.T, r core.RuleSet, name string, data []byte) *core.Account {
	t.Helper()
	return core.Resolver{Catalog: refCatalog(t).Catalog, Rules: r, Now: now}.Resolve(auth.Parse(name, "/x/"+name, data))
}

func codes(a *core.Account) []string {
	var out []string
	for _, w := range a.Warnings {
		out = append(out, w.Code)
	}
	return out
}

func alias(raw, tier string) func(core.RuleSet) (core.RuleSet, error) {
	return func(r core.RuleSet) (core.RuleSet, error) { return r.WithAlias(raw, tier) }
}

func unknown(p string) func(core.RuleSet) (core.RuleSet, error) {
	return func(r core.RuleSet) (core.RuleSet, error) { return r.WithUnknown(p) }
}

func TestPlanSourcesAndTiers(t *testing.T) {
	pr, up := rules(t, "pr2024"), rules(t, "upstream")
	tests := []struct {
		name       string
		rules      core.RuleSet
		file       map[string]any
		tier       string
		source     string // "" for none
		normalized string // "" for null
		ruleHas    string
	}{
		{"id_token plan wins over a stored plan", pr, codex(map[string]any{"plan": "pro", "plan_type": "plus"}), "pro", "id_token", "pro", "plan pro (pr2024)"},
		{"stored plan_type without an id_token", pr, codex(map[string]any{"plan_type": "plus"}), "plus", "plan_type", "plus", ""},
		{"chatgpt_plan_type after plan_type", pr, codex(map[string]any{"chatgpt_plan_type": "free"}), "free", "chatgpt_plan_type", "free", ""},
		{"a non-string claim is skipped", pr, codex(map[string]any{"plan": 3, "plan_type": "team"}), "team", "plan_type", "team", ""},
		{"an empty plan_type is skipped", pr, codex(map[string]any{"plan_type": " ", "chatgpt_plan_type": "pro"}), "pro", "chatgpt_plan_type", "pro", ""},
		{"a non-string plan_type is skipped", pr, codex(map[string]any{"plan_type": true, "chatgpt_plan_type": "pro"}), "pro", "chatgpt_plan_type", "pro", ""},
		{"business is team", pr, codex(map[string]any{"plan": "business"}), "team", "id_token", "team", "alias business→team (pr2024)"},
		{"enterprise is team", pr, codex(map[string]any{"plan": "enterprise"}), "team", "id_token", "team", "alias enterprise→team"},
		{"edu is team", pr, codex(map[string]any{"plan": "edu"}), "team", "id_token", "team", ""},
		{"education is team", pr, codex(map[string]any{"plan": "education"}), "team", "id_token", "team", ""},
		{"go is team", pr, codex(map[string]any{"plan": "go"}), "team", "id_token", "team", ""},
		{"trimmed and lower-cased", pr, codex(map[string]any{"plan": " Plus "}), "plus", "id_token", "plus", ""},
		{"unknown plan gets the union", pr, codex(map[string]any{"plan": "k12"}), "union", "id_token", "", `unknown plan "k12" → union (pr2024)`},
		{"no plan gets the union", pr, codex(map[string]any{}), "union", "", "", "no plan → union"},
		{"policy free", rules(t, "pr2024", unknown("free")), codex(map[string]any{"plan": "k12"}), "free", "id_token", "", "--unknown-plan"},
		{"policy pro", rules(t, "pr2024", unknown("pro")), codex(map[string]any{}), "pro", "", "", ""},
		{"--plan-alias adds a mapping", rules(t, "pr2024", alias("K12", "free")), codex(map[string]any{"plan": "k12"}), "free", "id_token", "free", "--plan-alias"},
		{"--plan-alias overrides one", rules(t, "pr2024", alias("go", "free")), codex(map[string]any{"plan": "go"}), "free", "id_token", "free", "alias go→free"},
		{"upstream ignores a stored plan", up, codex(map[string]any{"plan_type": "plus"}), "pro", "", "", "no plan → pro (upstream)"},
		{"upstream: enterprise is unknown", up, codex(map[string]any{"plan": "enterprise"}), "pro", "id_token", "", `unknown plan "enterprise" → pro (upstream)`},
		{"upstream: education is unknown", up, codex(map[string]any{"plan": "education"}), "pro", "id_token", "", ""},
		{"upstream: go is team", up, codex(map[string]any{"plan": "go"}), "team", "id_token", "team", "alias go→team (upstream)"},
		{"upstream: business is team", up, codex(map[string]any{"plan": "business"}), "team", "id_token", "team", ""},
		{"upstream with the union policy", rules(t, "upstream", unknown("union")), codex(map[string]any{"plan": "edu"}), "union", "id_token", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := resolve(t, tt.rules, "codex-a.json", file(tt.file))
			if a.Tier != tt.tier {
				t.Errorf("tier %s, want %s", a.Tier, tt.tier)
			}
			if got := deref(a.Plan.Source); got != tt.source {
				t.Errorf("source %q, want %q", got, tt.source)
			}
			if got := deref(a.Plan.Normalized); got != tt.normalized {
				t.Errorf("normalized %q, want %q", got, tt.normalized)
			}
			if !strings.Contains(a.Plan.Rule, tt.ruleHas) || !strings.Contains(a.Plan.Rule, tt.rules.Name) {
				t.Errorf("rule %q should name the rule set and contain %q", a.Plan.Rule, tt.ruleHas)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestVisibleModels(t *testing.T) {
	pr := rules(t, "pr2024")
	force := pr
	force.ForceModelPrefix = true
	free := []string{"codex-auto-review", "gpt-5.4-mini", "gpt-5.5", "gpt-5.6-luna", "gpt-5.6-terra", "gpt-image-1.5", "gpt-image-2"}
	tests := []struct {
		name    string
		rules   core.RuleSet
		file    map[string]any
		want    []string
		warning string
	}{
		{"free tier with the codex built-ins", pr, codex(map[string]any{"plan": "free"}), free, ""},
		{"the union is every tier, first occurrence kept", pr, codex(map[string]any{"plan": "k12"}),
			[]string{"codex-auto-review", "gpt-5.3-codex-spark", "gpt-5.4", "gpt-5.4-mini", "gpt-5.5", "gpt-5.6-luna", "gpt-5.6-sol", "gpt-5.6-terra", "gpt-image-1.5", "gpt-image-2"}, ""},
		{"gemini files use gemini-cli", pr, map[string]any{"type": "gemini"},
			[]string{"gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.5-pro", "gemini-3-flash-preview", "gemini-3-pro-preview", "gemini-3.1-flash-lite-preview", "gemini-3.1-pro-preview"}, ""},
		{"xai gets its six built-ins", pr, map[string]any{"type": "XAI ", "excluded_models": []any{"grok-4*", "grok-3*", "grok-build*", "grok-composer*"}},
			[]string{"grok-imagine-image", "grok-imagine-image-2.0", "grok-imagine-image-quality", "grok-imagine-video", "grok-imagine-video-1.5", "grok-imagine-video-1.5-preview"}, ""},
		{"exclusions: wildcards, any case", pr, codex(map[string]any{"plan": "free", "excluded_models": []any{"GPT-5.6*", "*review", "gpt-image-2", 7}}),
			[]string{"gpt-5.4-mini", "gpt-5.5", "gpt-image-1.5"}, core.WarnIgnoredField},
		{"legacy excluded-models when the canonical key is absent", pr, codex(map[string]any{"plan": "free", "excluded-models": []any{"*mini*"}}),
			without(free, "gpt-5.4-mini"), ""},
		{"canonical excluded_models wins over the legacy key", pr, codex(map[string]any{"plan": "free", "excluded_models": []any{"gpt-5.5"}, "excluded-models": []any{"*mini*"}}),
			without(free, "gpt-5.5"), ""},
		{"a string of exclusions is ignored", pr, codex(map[string]any{"plan": "free", "excluded_models": "gpt-5.5, gpt-5.4-mini"}), free, core.WarnIgnoredField},
		{"an alias replaces its model", pr, codex(map[string]any{"plan": "free", "model_aliases": []any{map[string]any{"name": "GPT-5.5", "alias": "five"}}}),
			append(without(free, "gpt-5.5"), "five"), ""},
		{"a fork alias keeps the original", pr, codex(map[string]any{"plan": "free", "model_aliases": []any{map[string]any{"name": "gpt-5.5", "alias": "five", "fork": true}}}),
			append(slices.Clone(free), "five"), ""},
		{"several aliases of one name", pr, codex(map[string]any{"plan": "free", "model_aliases": []any{
			map[string]any{"name": "gpt-5.5", "alias": "five"}, map[string]any{"name": "gpt-5.5", "alias": "cinq"}}}),
			append(without(free, "gpt-5.5"), "cinq", "five"), ""},
		{"an alias equal to its name is ignored", pr, codex(map[string]any{"plan": "free", "model_aliases": []any{map[string]any{"name": "gpt-5.5", "alias": "GPT-5.5"}}}), free, ""},
		{"aliases de-duplicate case-insensitively", pr, codex(map[string]any{"plan": "free", "model_aliases": []any{map[string]any{"name": "gpt-5.5", "alias": "GPT-5.4-MINI"}}}),
			without(free, "gpt-5.5"), ""},
		{"legacy model-aliases", pr, codex(map[string]any{"plan": "free", "model-aliases": []any{map[string]any{"name": "gpt-5.5", "alias": "five"}}}),
			append(without(free, "gpt-5.5"), "five"), ""},
		{"exclusions run before aliases", pr, codex(map[string]any{"plan": "free", "excluded_models": []any{"five"}, "model_aliases": []any{map[string]any{"name": "gpt-5.5", "alias": "five"}}}),
			append(without(free, "gpt-5.5"), "five"), ""},
		{"a prefix serves both id and prefix/id", pr, codex(map[string]any{"plan": "free", "prefix": " /eu/ ", "excluded_models": []any{"gpt-5*", "codex*"}}),
			[]string{"eu/gpt-image-1.5", "eu/gpt-image-2", "gpt-image-1.5", "gpt-image-2"}, ""},
		{"force-model-prefix serves only prefix/id", force, codex(map[string]any{"plan": "free", "prefix": "eu", "excluded_models": []any{"gpt-5*", "codex*"}}),
			[]string{"eu/gpt-image-1.5", "eu/gpt-image-2"}, ""},
		{"a prefix with an inner slash is ignored", pr, codex(map[string]any{"plan": "free", "prefix": "a/b"}), free, core.WarnIgnoredField},
		{"a disabled account serves nothing", pr, codex(map[string]any{"plan": "free", "disabled": true}), []string{}, core.WarnDisabled},
		{"a non-boolean disabled is ignored", pr, codex(map[string]any{"plan": "free", "disabled": "yes"}), free, core.WarnIgnoredField},
		{"a provider without a section", pr, map[string]any{"type": "qwen"}, []string{}, core.WarnNoSection},
		{"a file without a type", pr, map[string]any{"email": "x@example.com"}, []string{}, core.WarnNoSection},
		{"upstream does not load gemini", rules(t, "upstream"), map[string]any{"type": "gemini"}, []string{}, core.WarnNotLoaded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := resolve(t, tt.rules, "f.json", file(tt.file))
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(a.Models, want) {
				t.Errorf("models\n got  %q\n want %q", a.Models, want)
			}
			if tt.warning != "" && !a.HasWarning(tt.warning) {
				t.Errorf("warnings %q lack %s", codes(a), tt.warning)
			}
		})
	}
}

func without(ids []string, drop string) []string {
	return slices.DeleteFunc(slices.Clone(ids), func(s string) bool { return s == drop })
}

func TestDisabledAccountSaysWhatItWouldServe(t *testing.T) {
	a := resolve(t, rules(t, "pr2024"), "f.json", file(codex(map[string]any{"plan": "pro", "disabled": true, "prefix": "x"})))
	if len(a.Models) != 0 || len(a.WhenEnabled) != 20 || a.Tier != "pro" {
		t.Errorf("disabled: models %d, when enabled %d, tier %s", len(a.Models), len(a.WhenEnabled), a.Tier)
	}
}

func TestExclusionOfAnAliasIsExplained(t *testing.T) {
	a := resolve(t, rules(t, "pr2024"), "f.json", file(codex(map[string]any{"plan": "free", "excluded_models": []any{"five"},
		"model_aliases": []any{map[string]any{"name": "gpt-5.5", "alias": "five"}}})))
	if len(a.Notes) != 1 || !strings.Contains(a.Notes[0], "exclusions run before aliases") {
		t.Errorf("notes %q", a.Notes)
	}
}

func TestBuiltInReplacesACatalogEntryWithTheSameID(t *testing.T) {
	data := catalog.EmbeddedBytes()
	var m map[string][]map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m["codex-free"] = append(m["codex-free"], map[string]any{"id": "gpt-image-2", "display_name": "From the catalog"})
	raw, _ := json.Marshal(m)
	cat, err := catalog.ParseValid(raw)
	if err != nil {
		t.Fatal(err)
	}
	a := core.Resolver{Catalog: cat, Rules: rules(t, "pr2024"), Now: now}.Resolve(auth.Parse("f.json", "/f.json", file(codex(map[string]any{"plan": "free"}))))
	n := 0
	for _, d := range a.Details {
		if d.ID == "gpt-image-2" {
			n++
			if !d.BuiltIn || d.DisplayName != "GPT Image 2" {
				t.Errorf("gpt-image-2 should be the built-in: %+v", d)
			}
		}
	}
	if n != 1 {
		t.Errorf("gpt-image-2 appears %d times", n)
	}
}

// TestEveryWarning gives each warning code a case, and checks its severity.
func TestEveryWarning(t *testing.T) {
	pr := rules(t, "pr2024")
	past, soon, far := now.Add(-time.Hour), now.Add(3*time.Hour), now.Add(30*24*time.Hour)
	tests := []struct {
		code, severity string
		name           string
		file           []byte
		rules          core.RuleSet
		absent         bool // the code must NOT appear
	}{
		{core.WarnStalePlanType, "warn", "codex-a.json", file(codex(map[string]any{"plan": "pro", "plan_type": "plus"})), pr, false},
		{core.WarnStalePlanType, "warn", "codex-a.json", file(codex(map[string]any{"plan": "k12", "plan_type": "prolite"})), pr, false},
		{core.WarnStalePlanType, "warn", "codex-a.json", file(codex(map[string]any{"plan": "k12", "plan_type": " K12"})), pr, true},
		{core.WarnStalePlanType, "warn", "codex-a.json", file(codex(map[string]any{"plan": "business", "plan_type": "team"})), pr, true},
		{core.WarnUnnormalizedPlanType, "info", "codex-a.json", file(codex(map[string]any{"plan": "business", "plan_type": "business"})), pr, false},
		{core.WarnUnnormalizedPlanType, "info", "codex-a.json", file(codex(map[string]any{"plan": "plus", "plan_type": "Plus"})), pr, false},
		{core.WarnUnnormalizedPlanType, "info", "codex-a.json", file(codex(map[string]any{"plan": "plus", "plan_type": "plus"})), pr, true},
		{core.WarnMissingPlanType, "info", "codex-a.json", file(codex(map[string]any{"plan": "plus"})), pr, false},
		{core.WarnMissingPlanType, "info", "codex-a.json", file(codex(map[string]any{"plan": "k12"})), pr, true},
		{core.WarnUnknownPlan, "warn", "codex-a.json", file(codex(map[string]any{"plan": "k12"})), pr, false},
		{core.WarnNoPlan, "warn", "codex-a.json", file(codex(map[string]any{})), pr, false},
		{core.WarnFilenamePlanMismatch, "warn", "codex-1a2b3c4d-a@example.com-plus.json", file(codex(map[string]any{"plan": "pro"})), pr, false},
		{core.WarnFilenamePlanMismatch, "warn", "codex-1a2b3c4d-A@Example.com-business.json", file(codex(map[string]any{"plan": "team"})), pr, true},
		{core.WarnFilenamePlanMismatch, "warn", "codex-1a2b3c4d-a@example.com-k12.json", file(codex(map[string]any{"plan": "pro"})), pr, true},
		{core.WarnFilenamePlanMismatch, "warn", "claude-a@example.com-plus.json", file(map[string]any{"type": "claude", "email": "a@example.com"}), pr, true},
		{core.WarnIDTokenInvalid, "error", "codex-a.json", file(codex(map[string]any{"id_token": "not-a-jwt", "plan_type": "free"})), pr, false},
		{core.WarnExpired, "warn", "codex-a.json", file(codex(map[string]any{"plan": "free", "expired": past.Format(time.RFC3339)})), pr, false},
		{core.WarnExpiringSoon, "warn", "codex-a.json", file(codex(map[string]any{"plan": "free", "expires_at": soon.Unix()})), pr, false},
		{core.WarnExpiringSoon, "warn", "codex-a.json", file(codex(map[string]any{"plan": "free", "expiry": far.UnixMilli()})), pr, true},
		{core.WarnStaleRefresh, "warn", "codex-a.json", file(codex(map[string]any{"plan": "free", "last_refresh": now.Add(-8 * 24 * time.Hour).Format(time.RFC3339)})), pr, false},
		{core.WarnStaleRefresh, "warn", "codex-a.json", file(codex(map[string]any{"plan": "free", "last_refresh": now.Add(-6 * 24 * time.Hour).Format(time.RFC3339)})), pr, true},
		{core.WarnDisabled, "warn", "codex-a.json", file(codex(map[string]any{"plan": "free", "disabled": true})), pr, false},
		{core.WarnNotLoaded, "warn", "gemini-a.json", file(map[string]any{"type": "gemini"}), rules(t, "upstream"), false},
		{core.WarnIgnoredField, "warn", "codex-a.json", file(codex(map[string]any{"plan": "free", "excluded_models": "x"})), pr, false},
		{core.WarnNoSection, "info", "qwen-a.json", file(map[string]any{"type": "qwen"}), pr, false},
		{core.WarnParseError, "error", "broken.json", []byte(`{"type":`), pr, false},
	}
	for _, tt := range tests {
		t.Run(tt.code+"/"+tt.name, func(t *testing.T) {
			a := resolve(t, tt.rules, tt.name, tt.file)
			if a.HasWarning(tt.code) == tt.absent {
				t.Fatalf("warnings %q; want %s present=%v", codes(a), tt.code, !tt.absent)
			}
			if tt.absent {
				return
			}
			for _, w := range a.Warnings {
				if w.Code == tt.code && (w.Severity != tt.severity || w.Message == "") {
					t.Errorf("%s: severity %q message %q, want severity %s", w.Code, w.Severity, w.Message, tt.severity)
				}
			}
		})
	}
}

func TestSeverityOfEveryCode(t *testing.T) {
	want := map[string]string{"missing_plan_type": "info", "unnormalized_plan_type": "info", "no_section": "info",
		"parse_error": "error", "id_token_invalid": "error", "signature_invalid": "error"}
	for _, code := range core.WarningCodes {
		w := want[code]
		if w == "" {
			w = "warn"
		}
		if got := core.Severity(code); got != w {
			t.Errorf("%s: %s, want %s", code, got, w)
		}
	}
}

func TestParseErrorRowIsEmpty(t *testing.T) {
	a := resolve(t, rules(t, "pr2024"), "x.json", []byte("[1,2]"))
	if a.Error == nil || a.Tier != "none" || a.Provider != "" || len(a.Models) != 0 || a.Plan != nil || len(a.Warnings) != 1 {
		t.Errorf("broken row: %+v", a)
	}
}

func snapshotOf(t *testing.T, files map[string][]byte) *core.Snapshot {
	t.Helper()
	var raw []*auth.Account
	for name, data := range files {
		raw = append(raw, auth.Parse(name, "/d/"+name, data))
	}
	return core.Build(raw, refCatalog(t), rules(t, "pr2024"), now)
}

func TestDuplicateAccounts(t *testing.T) {
	s := snapshotOf(t, map[string][]byte{
		"codex-1.json":  file(codex(map[string]any{"plan": "free", "account_id": "acct-9"})),
		"codex-2.json":  file(codex(map[string]any{"plan": "pro", "account_id": "acct-9", "email": "b@example.com"})),
		"claude-1.json": file(map[string]any{"type": "claude", "email": "C@example.com"}),
		"claude-2.json": file(map[string]any{"type": "claude", "email": "c@example.com"}),
		"kimi-1.json":   file(map[string]any{"type": "kimi", "email": "c@example.com"}),
		"codex-3.json":  file(codex(map[string]any{"plan": "free", "account_id": "acct-8"})),
	})
	want := map[string]bool{"codex-1.json": true, "codex-2.json": true, "claude-1.json": true, "claude-2.json": true}
	for _, a := range s.Accounts {
		if a.HasWarning(core.WarnDuplicateAccount) != want[a.File] {
			t.Errorf("%s: duplicate=%v, want %v", a.File, !want[a.File], want[a.File])
		}
	}
}

func TestWithFileReResolvesOneFileAndKeepsOldSnapshots(t *testing.T) {
	s := snapshotOf(t, map[string][]byte{
		"codex-a.json": file(codex(map[string]any{"plan": "free", "account_id": "acct-1"})),
		"codex-c.json": file(codex(map[string]any{"plan": "plus", "account_id": "acct-3"})),
	})
	added := auth.Parse("codex-b.json", "/d/codex-b.json", file(codex(map[string]any{"plan": "pro", "account_id": "acct-1"})))
	s2, ch := s.WithFile("codex-b.json", added, true)
	if ch.Kind != core.ChangeAdded || len(s2.Accounts) != 3 || s2.Accounts[1].File != "codex-b.json" {
		t.Fatalf("add: %s, %d rows", ch.Kind, len(s2.Accounts))
	}
	if !s2.Accounts[0].HasWarning(core.WarnDuplicateAccount) || s.Accounts[0].HasWarning(core.WarnDuplicateAccount) {
		t.Error("the new file duplicates codex-a in the new snapshot only; the old snapshot must not change")
	}
	changed := auth.Parse("codex-c.json", "/d/codex-c.json", file(codex(map[string]any{"plan": "pro", "account_id": "acct-3"})))
	s3, ch := s2.WithFile("codex-c.json", changed, true)
	if ch.Kind != core.ChangeChanged || ch.Before.Tier != "plus" || ch.After.Tier != "pro" || s3.Accounts[2].Tier != "pro" {
		t.Errorf("change: %s %s→%s", ch.Kind, ch.Before.Tier, ch.After.Tier)
	}
	s4, ch := s3.WithFile("codex-b.json", nil, false)
	if ch.Kind != core.ChangeRemoved || len(s4.Accounts) != 2 || s4.Accounts[0].HasWarning(core.WarnDuplicateAccount) {
		t.Errorf("remove: %s, %d rows, duplicate mark kept=%v", ch.Kind, len(s4.Accounts), s4.Accounts[0].HasWarning(core.WarnDuplicateAccount))
	}
	if _, ch := s4.WithFile("codex-c.json", changed, true); ch.Kind != core.ChangeUnchanged {
		t.Errorf("same bytes again: %s", ch.Kind)
	}
}

func TestPlannedPlanType(t *testing.T) {
	tests := []struct {
		name string
		file map[string]any
		want string // "" for no write
	}{
		{"missing plan_type gets the tier", codex(map[string]any{"plan": "business"}), "team"},
		{"stale plan_type is repaired", codex(map[string]any{"plan": "pro", "plan_type": "plus"}), "pro"},
		{"unnormalized plan_type is normalized", codex(map[string]any{"plan": "plus", "plan_type": "Plus"}), "plus"},
		{"already right: nothing", codex(map[string]any{"plan": "plus", "plan_type": "plus"}), ""},
		{"unknown plan: never invented", codex(map[string]any{"plan": "k12"}), ""},
		{"plan not from the id_token: nothing", codex(map[string]any{"plan_type": "business"}), ""},
		{"not codex: nothing", map[string]any{"type": "claude"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := core.PlannedPlanType(resolve(t, rules(t, "pr2024"), "f.json", file(tt.file)))
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("got %q %v, want %q", got, ok, tt.want)
			}
		})
	}
	a := resolve(t, rules(t, "pr2024"), "f.json", file(codex(map[string]any{"plan": "pro"})))
	a.Raw.IDToken.Signature = auth.SignatureInvalid
	if _, ok := core.PlannedPlanType(a); ok {
		t.Error("an invalid signature is never a reason to write")
	}
}

func TestCompareTiersWithTheUnion(t *testing.T) {
	d, err := core.CompareTiers(refCatalog(t).Catalog, rules(t, "pr2024"), "union", "team")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.OnlyA, []string{"gpt-5.3-codex-spark"}) || len(d.OnlyB) != 0 {
		t.Errorf("union vs team: %+v", d)
	}
	if _, err := core.CompareTiers(refCatalog(t).Catalog, rules(t, "pr2024"), "gold", "team"); err == nil {
		t.Error("an unknown tier must be an error")
	}
}

func TestRuleSetOverridesAreValidated(t *testing.T) {
	r := rules(t, "pr2024")
	if _, err := r.WithAlias("k12", "gold"); err == nil {
		t.Error("a tier outside the four must be refused")
	}
	if _, err := r.WithUnknown("maybe"); err == nil {
		t.Error("an unknown policy must be refused")
	}
	if _, err := core.LookupRuleSet("v2"); err == nil {
		t.Error("an unknown rule set must be refused")
	}
	r2, _ := r.WithAlias("k12", "free")
	if _, ok := r.Aliases["k12"]; ok {
		t.Error("WithAlias must not change the original rule set")
	}
	if !strings.Contains(r2.Describe(), "k12→free") {
		t.Errorf("Describe %q should list the override", r2.Describe())
	}
}
