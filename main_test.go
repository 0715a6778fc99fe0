package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierscope/tierscope/demo"
)

const (
	refDir     = "testdata/reference/proxy-a7e3596/auths"
	refModels  = "testdata/reference/models.json"
	historyDir = "testdata/reference/history"
)

// result is one in-process run of the program.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs tierscope with args and an environment; the cache dir always
// points into a temp dir so tests never touch the user's home.
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	full := map[string]string{"TIERSCOPE_CACHE_DIR": t.TempDir()}
	for k, v := range env {
		full[k] = v
	}
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut, func(k string) string { return full[k] })
	return result{code, out.String(), errOut.String()}
}

// copyDir copies the top-level files of src into a new temp dir.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

type row struct {
	File      string `json:"file"`
	Path      string `json:"path"`
	Provider  string `json:"provider"`
	Email     string `json:"email"`
	AccountID string `json:"account_id"`
	Plan      *struct {
		Raw        *string `json:"raw"`
		Source     *string `json:"source"`
		Stored     *string `json:"stored"`
		Normalized *string `json:"normalized"`
		Rule       string  `json:"rule"`
	} `json:"plan"`
	Tier      string   `json:"tier"`
	Models    []string `json:"models"`
	Disabled  bool     `json:"disabled"`
	ExpiresAt *string  `json:"expires_at"`
	Expired   bool     `json:"expired"`
	Signature *string  `json:"signature"`
	Warnings  []struct {
		Code     string `json:"code"`
		Severity string `json:"severity"`
		Message  string `json:"message"`
	} `json:"warnings"`
	Error *string `json:"error"`
}

func decodeRows(t *testing.T, s string) []row {
	t.Helper()
	var rows []row
	if err := json.Unmarshal([]byte(s), &rows); err != nil {
		t.Fatalf("list --json is not a JSON array of rows: %v\n%s", err, s)
	}
	return rows
}

func findRow(t *testing.T, rows []row, file string) row {
	t.Helper()
	for _, r := range rows {
		if r.File == file {
			return r
		}
	}
	t.Fatalf("no row for %s", file)
	return row{}
}

func TestListJSONGivesTheDocumentedFields(t *testing.T) {
	r := runCLI(t, nil, "list", "--json", "--auth-dir", refDir, "--catalog", refModels)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"file", "path", "provider", "email", "account_id", "plan", "tier", "models",
		"disabled", "expires_at", "expired", "signature", "warnings", "error"} {
		if _, ok := raw[0][key]; !ok {
			t.Errorf("row lacks %q", key)
		}
	}
	rows := decodeRows(t, r.stdout)
	if !slices.IsSortedFunc(rows, func(a, b row) int { return strings.Compare(a.File, b.File) }) {
		t.Error("rows are not sorted by file name")
	}
	for _, x := range rows {
		if !slices.IsSorted(x.Models) {
			t.Errorf("%s: models not sorted: %q", x.File, x.Models)
		}
		if !filepath.IsAbs(x.Path) {
			t.Errorf("%s: path %q is not absolute", x.File, x.Path)
		}
	}
	biz := findRow(t, rows, "codex-3db87a38-business@sample.example-business.json")
	if biz.Plan == nil || *biz.Plan.Raw != "business" || *biz.Plan.Source != "id_token" || *biz.Plan.Normalized != "team" ||
		biz.Plan.Stored != nil || !strings.Contains(biz.Plan.Rule, "pr2024") || biz.Tier != "team" {
		t.Errorf("business row: %+v", biz.Plan)
	}
	if biz.Signature == nil || *biz.Signature != "unverified" || biz.ExpiresAt == nil || *biz.ExpiresAt != "2099-01-01T00:00:00Z" {
		t.Errorf("business row: signature %v expires %v", biz.Signature, biz.ExpiresAt)
	}
	stale := findRow(t, rows, "codex-stale@sample.example-plus.json")
	if *stale.Plan.Stored != "plus" || stale.Tier != "free" || stale.Warnings[0].Code != "stale_plan_type" || stale.Warnings[0].Severity != "warn" {
		t.Errorf("stale row: %+v %+v", stale.Plan, stale.Warnings)
	}
	claude := findRow(t, rows, "claude-c@sample.example.json")
	if claude.Plan != nil || claude.Signature != nil || claude.Tier != "claude" {
		t.Errorf("non-codex row should have null plan and signature: %+v", claude)
	}
	kimi := findRow(t, rows, "kimi-k.json")
	if kimi.ExpiresAt != nil || kimi.Expired {
		t.Errorf("unknown expiry must be null and not expired: %+v", kimi)
	}
}

// TestListUpstreamEqualsTheRecordedProxy is the README's promise, through
// the command line: models equal what the real proxy registered.
func TestListUpstreamEqualsTheRecordedProxy(t *testing.T) {
	r := runCLI(t, nil, "list", "--json", "--rules", "upstream", "--catalog", refModels, "--auth-dir", refDir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	assertRegistered(t, r.stdout, "testdata/reference/proxy-a7e3596/registered.json")
}

// assertRegistered checks list --json output file by file against what the
// real proxy registered (a recording's registered.json).
func assertRegistered(t *testing.T, listJSON, recording string) {
	t.Helper()
	var want map[string][]string
	if err := json.Unmarshal(mustRead(t, recording), &want); err != nil {
		t.Fatal(err)
	}
	rows := decodeRows(t, listJSON)
	if len(rows) != len(want) {
		t.Fatalf("%d rows, the recording has %d", len(rows), len(want))
	}
	for _, x := range rows {
		if !slices.Equal(x.Models, want[x.File]) {
			t.Errorf("%s: got %q, proxy registered %q", x.File, x.Models, want[x.File])
		}
	}
}

func TestListFilters(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"by warning", []string{"--warning", "stale_plan_type"}, []string{"codex-stale@sample.example-plus.json"}},
		{"by tier and provider", []string{"--provider", "codex", "--tier", "free"},
			[]string{"codex-81227b4f-free@sample.example-free.json", "codex-alias-prefix@sample.example-free.json",
				"codex-badtoken@sample.example-free.json", "codex-stale@sample.example-plus.json"}},
		{"repeated values are alternatives", []string{"--tier", "kimi", "--tier", "vertex"}, []string{"kimi-k.json", "vertex-v.json"}},
		{"comma list", []string{"--provider", "kimi,qwen"}, []string{"kimi-k.json", "qwen-q.json"}},
		{"union tier", []string{"--tier", "union"}, []string{"codex-352ea4e7-k12@sample.example-k12.json",
			"codex-62f03436-prolite@sample.example-prolite.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"list", "--json", "--auth-dir", refDir, "--catalog", refModels}, tt.args...)
			r := runCLI(t, nil, args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var got []string
			for _, x := range decodeRows(t, r.stdout) {
				got = append(got, x.File)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestListTextIsAnAlignedTable(t *testing.T) {
	r := runCLI(t, nil, "list", "--auth-dir", refDir, "--catalog", refModels)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 32 || !strings.HasPrefix(lines[0], "FILE ") || lines[31] != "30 account(s)" {
		t.Fatalf("unexpected table shape:\n%s", r.stdout)
	}
	col := strings.Index(lines[0], "TIER")
	for _, l := range lines[1:31] {
		if l[col-2:col] != "  " {
			t.Errorf("TIER column not aligned in %q", l)
		}
	}
}

func TestEnvironmentGivesDefaultsAndFlagsWin(t *testing.T) {
	env := map[string]string{"TIERSCOPE_AUTH_DIR": refDir, "TIERSCOPE_CATALOG": refModels, "TIERSCOPE_RULES": "upstream"}
	r := runCLI(t, env, "list", "--json", "--tier", "none")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if rows := decodeRows(t, r.stdout); len(rows) != 2 { // gemini (not loaded) and qwen (no section)
		t.Errorf("upstream from the environment: %d tier-none rows, want 2", len(rows))
	}
	r = runCLI(t, env, "list", "--json", "--tier", "none", "--rules", "pr2024")
	if rows := decodeRows(t, r.stdout); len(rows) != 1 {
		t.Errorf("--rules pr2024 should win over TIERSCOPE_RULES: %d rows", len(rows))
	}
	// A list flag on the command line replaces the environment's values.
	env["TIERSCOPE_PLAN_ALIAS"] = "k12=free,prolite=free"
	r = runCLI(t, env, "list", "--json", "--rules", "pr2024", "--plan-alias", "k12=pro")
	rows := decodeRows(t, r.stdout)
	if k := findRow(t, rows, "codex-352ea4e7-k12@sample.example-k12.json"); k.Tier != "pro" {
		t.Errorf("k12 tier %s, want pro", k.Tier)
	}
	if p := findRow(t, rows, "codex-62f03436-prolite@sample.example-prolite.json"); p.Tier != "union" {
		t.Errorf("prolite tier %s, want union (the env alias was replaced)", p.Tier)
	}
}

func TestUsageErrorsExitTwoWithOneLine(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"codex-free": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"unknown flag", []string{"list", "--bogus"}, "bogus"},
		{"flag of another command", []string{"list", "--candidate", "x"}, "does not apply"},
		{"alias to a non-tier", []string{"list", "--auth-dir", refDir, "--plan-alias", "k12=gold"}, "tier must be one of"},
		{"alias without =", []string{"list", "--auth-dir", refDir, "--plan-alias", "k12"}, "RAW=TIER"},
		{"bad policy", []string{"list", "--auth-dir", refDir, "--unknown-plan", "maybe"}, "unknown-plan"},
		{"bad rule set", []string{"list", "--auth-dir", refDir, "--rules", "v9"}, "unknown rule set"},
		{"invalid catalog", []string{"list", "--auth-dir", refDir, "--catalog", bad}, "missing section codex-team"},
		{"missing catalog", []string{"catalog", "--catalog", filepath.Join(t.TempDir(), "nope.json")}, "no such file"},
		{"diff without a mode", []string{"diff"}, "exactly one of"},
		{"diff with two modes", []string{"diff", "--tiers", "free,pro", "--rule-sets", "pr2024,upstream"}, "exactly one of"},
		{"one tier", []string{"diff", "--tiers", "free"}, "two names"},
		{"unknown tier", []string{"diff", "--tiers", "free,gold"}, "unknown tier"},
		{"show without a file", []string{"show"}, "one FILE"},
		{"show a missing file", []string{"show", "--auth-dir", refDir, "nope.json"}, "no such auth file"},
		{"list with an argument", []string{"list", "extra"}, "takes no arguments"},
		{"unknown warning code", []string{"list", "--auth-dir", refDir, "--warning", "sad"}, "unknown code"},
		{"missing auth dir", []string{"list", "--auth-dir", filepath.Join(t.TempDir(), "gone")}, "auth dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", r.code, r.stderr)
			}
			if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "tierscope: ") || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q: want one line mentioning %q", r.stderr, tt.want)
			}
		})
	}
}

func TestShowJSONAddsClaimsAndModelDetails(t *testing.T) {
	r := runCLI(t, nil, "show", "--json", "--auth-dir", refDir, "--catalog", refModels, "codex-alias@sample.example-plus.json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got struct {
		row
		Claims struct {
			Email    string `json:"email"`
			PlanType string `json:"chatgpt_plan_type"`
			Account  string `json:"chatgpt_account_id"`
		} `json:"claims"`
		ModelDetails []struct {
			ID      string `json:"id"`
			BuiltIn bool   `json:"built_in"`
			AliasOf string `json:"alias_of"`
		} `json:"model_details"`
		ModelsWhenEnabled []string `json:"models_when_enabled"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Claims.Email != "alias@sample.example" || got.Claims.PlanType != "plus" || got.Claims.Account == "" {
		t.Errorf("claims: %+v", got.Claims)
	}
	details := map[string]string{}
	builtIn := map[string]bool{}
	for _, d := range got.ModelDetails {
		details[d.ID], builtIn[d.ID] = d.AliasOf, d.BuiltIn
	}
	if details["five"] != "gpt-5.5" || details["g4"] != "gpt-5.4" || !builtIn["gpt-image-2"] || builtIn["gpt-5.4"] {
		t.Errorf("model details: %+v", got.ModelDetails)
	}
	if _, kept := details["gpt-5.5"]; kept {
		t.Error("a non-fork alias must replace gpt-5.5")
	}
	if strings.Contains(r.stdout, "eyJ") {
		t.Error("show --json printed a token")
	}

	r = runCLI(t, nil, "show", "--json", "--catalog", refModels, filepath.Join(refDir, "codex-off@sample.example-pro.json"))
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if !got.Disabled || len(got.Models) != 0 || len(got.ModelsWhenEnabled) != 10 {
		t.Errorf("disabled account: models %q, when enabled %q", got.Models, got.ModelsWhenEnabled)
	}
}

func TestShowTextNamesPlanRuleAndWarnings(t *testing.T) {
	r := runCLI(t, nil, "show", "--auth-dir", refDir, "--catalog", refModels, "codex-stale@sample.example-plus.json")
	for _, want := range []string{`"free" from id_token → free`, `stored        "plus"`, "stale_plan_type [warn]", "gpt-image-2  GPT Image 2  (built-in)", "org org-"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestShowOfABrokenFileGivesItsError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broken.json"), []byte(`{"type": "codex", "email": `), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "show", "--json", filepath.Join(dir, "broken.json"))
	var got row
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("exit %d, %v: %s", r.code, err, r.stderr)
	}
	if got.Error == nil || got.Tier != "none" || got.Provider != "" || len(got.Models) != 0 || got.Warnings[0].Code != "parse_error" || got.Warnings[0].Severity != "error" {
		t.Errorf("broken row: %+v", got)
	}
}

func TestNormalizeDryRunPrintsADiffAndWritesNothing(t *testing.T) {
	dir := copyDir(t, refDir)
	before, _ := os.ReadFile(filepath.Join(dir, "codex-stale@sample.example-plus.json"))
	r := runCLI(t, nil, "normalize", "--auth-dir", dir, "--catalog", refModels)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (a write is needed): %s", r.code, r.stderr)
	}
	for _, want := range []string{"--- a/codex-stale@sample.example-plus.json", `-  "plan_type": "plus"`, `+  "plan_type": "free"`,
		`+  "plan_type": "team"`, "+++ b/codex-3db87a38-business@sample.example-business.json"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("diff lacks %q", want)
		}
	}
	for _, never := range []string{"codex-352ea4e7-k12", "codex-stored-only", "codex-badtoken", "claude-c"} {
		if strings.Contains(r.stdout, never) {
			t.Errorf("diff touches %s (unknown plan, no id_token, or not codex)", never)
		}
	}
	after, _ := os.ReadFile(filepath.Join(dir, "codex-stale@sample.example-plus.json"))
	if !bytes.Equal(before, after) {
		t.Error("a dry run changed a file")
	}
	r = runCLI(t, nil, "normalize", "--auth-dir", dir, "--catalog", refModels, "claude-c@sample.example.json", "codex-stored-only@sample.example.json")
	if r.code != 0 || r.stdout != "" {
		t.Errorf("nothing to write: exit %d, output %q", r.code, r.stdout)
	}
}

func TestNormalizeDiffMasksSecretsUnlessRevealed(t *testing.T) {
	dir := t.TempDir()
	tok := mustRead(t, filepath.Join(refDir, "codex-stale@sample.example-plus.json"))
	var m map[string]any
	if err := json.Unmarshal(tok, &m); err != nil {
		t.Fatal(err)
	}
	compact, _ := json.Marshal(m) // one line: the diff's changed line carries every token
	if err := os.WriteFile(filepath.Join(dir, "codex-compact@sample.example-plus.json"), compact, 0o600); err != nil {
		t.Fatal(err)
	}
	secret := m["access_token"].(string)
	r := runCLI(t, nil, "normalize", "--auth-dir", dir)
	if r.code != 1 || strings.Contains(r.stdout, secret) || strings.Contains(r.stdout, m["id_token"].(string)[:40]) || !strings.Contains(r.stdout, `"<redacted>"`) {
		t.Errorf("exit %d; the diff must mask tokens:\n%s", r.code, r.stdout)
	}
	r = runCLI(t, nil, "normalize", "--auth-dir", dir, "--reveal-secrets")
	if !strings.Contains(r.stdout, secret) {
		t.Error("--reveal-secrets should show the token")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestCatalogJSONSaysSourceSectionsAndRules(t *testing.T) {
	var got struct {
		Source   string         `json:"source"`
		Path     string         `json:"path"`
		SHA256   string         `json:"sha256"`
		Level    string         `json:"level"`
		Sections map[string]int `json:"sections"`
		Rules    struct {
			Name        string `json:"name"`
			UnknownPlan string `json:"unknown_plan"`
		} `json:"rules"`
		BuiltIns struct {
			Codex []string `json:"codex"`
		} `json:"built_ins"`
	}
	r := runCLI(t, nil, "catalog", "--json", "--rules", "upstream")
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("exit %d %v: %s", r.code, err, r.stderr)
	}
	if got.Source != "embedded" || got.Sections["codex-plus"] != 8 || got.Rules.Name != "upstream" || got.Rules.UnknownPlan != "pro" ||
		!slices.Equal(got.BuiltIns.Codex, []string{"gpt-image-1.5", "gpt-image-2"}) {
		t.Errorf("catalog --json: %+v", got)
	}
	r = runCLI(t, nil, "catalog", "--json", "--catalog", filepath.Join(historyDir, "models-2026-03-10T1205-97a25d6.json"), "--unknown-plan", "free")
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("exit %d %v: %s", r.code, err, r.stderr)
	}
	if got.Source != "file" || !strings.HasSuffix(got.Path, "models-2026-03-10T1205-97a25d6.json") || got.Sections["antigravity"] == 0 || got.Rules.UnknownPlan != "free" {
		t.Errorf("catalog --json --catalog: %+v", got)
	}
}

func TestDiffCandidateReportsSectionsAndAccounts(t *testing.T) {
	before := filepath.Join(historyDir, "models-2026-04-24T0242-d6b2557.json")
	after := filepath.Join(historyDir, "models-2026-04-24T0505-4f4afb8.json")
	r := runCLI(t, nil, "diff", "--json", "--catalog", before, "--candidate", after, "--auth-dir", refDir)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1: %s", r.code, r.stderr)
	}
	var got struct {
		Sections map[string]struct {
			Added   []string `json:"added"`
			Removed []string `json:"removed"`
			Changed []struct {
				ID     string   `json:"id"`
				Fields []string `json:"fields"`
			} `json:"changed"`
		} `json:"sections"`
		Accounts []struct {
			File    string   `json:"file"`
			Tier    string   `json:"tier"`
			Added   []string `json:"added"`
			Removed []string `json:"removed"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if free := got.Sections["codex-free"]; !slices.Equal(free.Removed, []string{"gpt-5.5"}) || len(free.Added) != 0 {
		t.Errorf("codex-free: %+v", free)
	}
	for _, a := range got.Accounts {
		if a.Tier != "free" || !slices.Contains(a.Removed, "gpt-5.5") {
			t.Errorf("only free accounts lose gpt-5.5: %+v", a)
		}
	}
	if len(got.Accounts) != 4 {
		t.Errorf("%d accounts change, want the 4 free ones", len(got.Accounts))
	}
	r = runCLI(t, nil, "diff", "--catalog", before, "--candidate", before, "--auth-dir", refDir)
	if r.code != 0 || !strings.Contains(r.stdout, "0 of 30 account(s) change") {
		t.Errorf("same catalog: exit %d\n%s", r.code, r.stdout)
	}
}

func TestDiffTiers(t *testing.T) {
	r := runCLI(t, nil, "diff", "--json", "--tiers", "free,pro", "--catalog", refModels)
	var got struct {
		A, B  string
		OnlyA []string `json:"only_a"`
		OnlyB []string `json:"only_b"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 1 {
		t.Fatalf("exit %d %v", r.code, err)
	}
	if got.A != "free" || got.B != "pro" || len(got.OnlyA) != 0 || !slices.Equal(got.OnlyB, []string{"gpt-5.3-codex-spark", "gpt-5.4", "gpt-5.6-sol"}) {
		t.Errorf("free vs pro: %+v", got)
	}
	if r := runCLI(t, nil, "diff", "--tiers", "plus,pro", "--catalog", refModels); r.code != 0 {
		t.Errorf("plus and pro have the same models in this catalog: exit %d\n%s", r.code, r.stdout)
	}
}

func TestDiffRuleSets(t *testing.T) {
	r := runCLI(t, nil, "diff", "--json", "--rule-sets", "pr2024,upstream", "--catalog", refModels, "--auth-dir", refDir)
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got struct {
		A, B     string
		Accounts []struct {
			File     string `json:"file"`
			From, To struct {
				Tier   string   `json:"tier"`
				Models []string `json:"models"`
			}
			Removed []string `json:"removed"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	tiers := map[string]string{}
	for _, a := range got.Accounts {
		tiers[a.File] = a.From.Tier + "→" + a.To.Tier
	}
	want := map[string]string{
		"gemini-g@sample.example-p.json":                           "gemini-cli→none",
		"codex-f4db5921-enterprise@sample.example-enterprise.json": "team→pro",
		"codex-352ea4e7-k12@sample.example-k12.json":               "union→pro",
		"codex-stored-only@sample.example.json":                    "plus→pro",
		"codex-badtoken@sample.example-free.json":                  "free→pro",
	}
	for f, w := range want {
		if tiers[f] != w {
			t.Errorf("%s: %q, want %q", f, tiers[f], w)
		}
	}
	if _, ok := tiers["codex-6aee5029-team@sample.example-team.json"]; ok {
		t.Error("team resolves the same under both rule sets and must not be listed")
	}
}

func TestVersion(t *testing.T) {
	r := runCLI(t, nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "tierscope ") {
		t.Errorf("--version: %d %q", r.code, r.stdout)
	}
}

func TestDemoGenerateWritesAnAuthDirAndRefusesToClobber(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	r := runCLI(t, nil, "demo", "--generate", dir, "--count", "45")
	if r.code != 0 || !strings.Contains(r.stdout, "wrote 45 auth files") {
		t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, nil, "list", "--json", "--auth-dir", dir)
	if rows := decodeRows(t, r.stdout); len(rows) != 45 {
		t.Errorf("listed %d of 45 files", len(rows))
	}
	if r := runCLI(t, nil, "demo", "--generate", dir); r.code != 2 {
		t.Errorf("generating into a dir with auth files must refuse: exit %d", r.code)
	}
}

// TestNoCommandPrintsASecret generates a demo directory, collects every
// secret in it, runs every headless command and searches all output.
func TestNoCommandPrintsASecret(t *testing.T) {
	dir := t.TempDir()
	if _, err := demo.Generate(dir, demo.Options{Count: 80, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	secrets := demo.Secrets(dir, 16)
	if len(secrets) < 100 {
		t.Fatalf("only %d secrets found in the demo dir: the collector is broken", len(secrets))
	}
	entries, _ := os.ReadDir(dir)
	cmds := [][]string{
		{"list"}, {"list", "--json"}, {"normalize"}, {"catalog"}, {"catalog", "--json"},
		{"diff", "--rule-sets", "pr2024,upstream"}, {"diff", "--json", "--rule-sets", "pr2024,upstream"},
		{"diff", "--candidate", filepath.Join(historyDir, "models-2026-04-24T0505-4f4afb8.json")},
		{"diff", "--json", "--tiers", "free,union"},
	}
	for _, e := range entries {
		cmds = append(cmds, []string{"show", e.Name()}, []string{"show", "--json", e.Name()})
	}
	for _, args := range cmds {
		r := runCLI(t, nil, append(args, "--auth-dir", dir)...)
		for _, s := range secrets {
			if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
				t.Fatalf("tierscope %s printed a secret (%.8s…)", strings.Join(args, " "), s)
			}
		}
	}
	// The same search finds them when the user asks to see them.
	r := runCLI(t, nil, "normalize", "--auth-dir", dir, "--reveal-secrets")
	found := slices.ContainsFunc(secrets, func(s string) bool { return strings.Contains(r.stdout, s) })
	if !found {
		t.Error("--reveal-secrets showed no secret: the search cannot fail")
	}
}

// TestListJSONStreamsEveryRowInOrder: rows are encoded in parallel batches
// and streamed; the array must still hold every file once, in name order,
// one row per line with the commas in the right places.
func TestListJSONStreamsEveryRowInOrder(t *testing.T) {
	dir := t.TempDir()
	if _, err := demo.Generate(dir, demo.Options{Count: 1000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "list", "--json", "--auth-dir", dir, "--offline")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range entries {
		if strings.HasSuffix(strings.ToLower(e.Name()), ".json") && !strings.HasPrefix(e.Name(), ".oauth-") && !e.IsDir() {
			want = append(want, e.Name())
		}
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != len(want)+2 || lines[0] != "[" || lines[len(lines)-1] != "]" {
		t.Fatalf("%d lines for %d files; first %q last %q", len(lines), len(want), lines[0], lines[len(lines)-1])
	}
	for i, line := range lines[1 : len(lines)-1] {
		last := i == len(want)-1
		body, comma := strings.CutSuffix(line, ",")
		if comma == last {
			t.Fatalf("row %d of %d: trailing comma %v", i, len(want), comma)
		}
		var x row
		if err := json.Unmarshal([]byte(body), &x); err != nil {
			t.Fatalf("row %d is not one JSON object: %v", i, err)
		}
		if x.File != want[i] {
			t.Fatalf("row %d is %s, want %s", i, x.File, want[i])
		}
	}
}

// failingWriter fails every write after the first n bytes.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// TestListJSONStopsOnAWriteError: a failed write (a closed pipe, a full
// disk) ends the command with an error, without hanging its encoders.
func TestListJSONStopsOnAWriteError(t *testing.T) {
	dir := t.TempDir()
	if _, err := demo.Generate(dir, demo.Options{Count: 1000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	env := map[string]string{"TIERSCOPE_CACHE_DIR": t.TempDir()}
	code := run([]string{"list", "--json", "--auth-dir", dir, "--offline"}, &failingWriter{n: 50 << 10}, &errOut, func(k string) string { return env[k] })
	if code == 0 || !strings.Contains(errOut.String(), "disk full") {
		t.Fatalf("exit %d, stderr %q; want a failure that names the write error", code, errOut.String())
	}
}

// TestListJSONNeverWaitsOnItself: the first batch's worker is held up
// while the others run ahead and fill every buffer; the writer must still
// get the first batch (a worker that claimed it before holding a buffer
// would wait forever for one, and so would the writer).
func TestListJSONNeverWaitsOnItself(t *testing.T) {
	dir := t.TempDir()
	if _, err := demo.Generate(dir, demo.Options{Count: 1000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	testHookBatchClaimed = func(k int) {
		if k == 0 {
			time.Sleep(200 * time.Millisecond)
		}
	}
	defer func() { testHookBatchClaimed = nil }()
	done := make(chan result, 1)
	go func() { done <- runCLI(t, nil, "list", "--json", "--auth-dir", dir, "--offline") }()
	select {
	case r := <-done:
		if r.code != 0 || strings.Count(r.stdout, "\n") < 1000 {
			t.Fatalf("exit %d, %d lines: %s", r.code, strings.Count(r.stdout, "\n"), r.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("list --json hung: its writer and encoders wait on each other")
	}
}
