package tui

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// The history of the proxy's catalog, for candidate diffs.
const (
	history0310   = "models-2026-03-10T1205-97a25d6.json" // stores a section as an object
	history0415   = "models-2026-04-15T1026-ee1f410.json" // eight older models left every tier
	history0424   = "models-2026-04-24T0242-d6b2557.json" // free gains gpt-5.5 …
	history0424pm = "models-2026-04-24T0505-4f4afb8.json" // … and loses it three hours later
)

// historyCatalog loads a catalog of the history with its provenance
// pinned (the checkout's file times must not reach a golden).
func historyCatalog(t testing.TB, name string) catalog.Loaded {
	t.Helper()
	l, err := catalog.LoadFile(filepath.Join("..", "testdata", "reference", "history", name))
	if err != nil {
		t.Fatal(err)
	}
	l.Info.Path = "/srv/tierscope/" + name
	l.Info.FetchedAt = testNow.Add(-26 * time.Hour)
	l.Info.CheckedAt = testNow.Add(-2 * time.Hour)
	return l
}

// withCatalogs sets the catalog in force and, when given, the candidate.
func withCatalogs(t testing.TB, current, cand string) func(o *Options) {
	return func(o *Options) {
		o.Catalog = historyCatalog(t, current)
		if cand != "" {
			o.Candidate = historyCatalog(t, cand)
		}
	}
}

// finishDiff runs the diff views' jobs now, as their commands would.
func finishDiff(t testing.TB, m *Model) {
	t.Helper()
	for range 10 {
		if len(m.diff.pending) == 0 {
			return
		}
		var jobs []diffJob
		for _, j := range m.diff.pending {
			jobs = append(jobs, j)
		}
		for _, j := range jobs {
			m.Update(j.run())
		}
	}
	t.Fatal("the diff views keep starting jobs")
}

// TestDiffGolden pins the diff views (d) on the reference accounts.
func TestDiffGolden(t *testing.T) {
	cases := []struct {
		name          string
		width, height int
		opts          func(o *Options)
		keys          string
	}{
		{name: "matrix_120x40", width: 120, height: 40, keys: "d"},
		{name: "matrix_pro_vs_union_80x24", width: 80, height: 24, keys: "dabbbb"},
		{name: "candidate_none_100x24", width: 100, height: 24, keys: "d2"},
		{name: "candidate_free_loses_gpt55_120x40", width: 120, height: 40, opts: withCatalogs(t, history0424, history0424pm)},
		{name: "candidate_eight_models_leave_120x50", width: 120, height: 50, opts: withCatalogs(t, history0310, history0415)},
		{name: "candidate_groups_80x24", width: 80, height: 24, opts: withCatalogs(t, history0310, history0415), keys: "jjjjjjjjjjj"},
		{name: "whatif_upstream_120x40", width: 120, height: 40, keys: "d3s"},
		{name: "whatif_unknown_free_100x30", width: 100, height: 30, keys: "d3u"},
		{name: "models_candidate_120x40", width: 120, height: 40, opts: withCatalogs(t, history0424, history0424pm), keys: "4"},
		{name: "models_now_80x24", width: 80, height: 24, keys: "d4"},
		{name: "models_whatif_upstream_100x30", width: 100, height: 30, keys: "d3s4"},
		{name: "whatif_alias_prompt_100x20", width: 100, height: 20, keys: "d3u+k12=gold\r"},
		{name: "jump_to_group_120x30", width: 120, height: 30, opts: withCatalogs(t, history0424, history0424pm), keys: "jjjj\r"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := testOptions(t, writeAuthDir(t))
			if c.opts != nil {
				c.opts(&opts)
			}
			m := loadedModel(t, opts, c.width, c.height)
			finishDiff(t, m) // --candidate opens the view at once
			for _, r := range c.keys {
				if r == '\r' {
					send(m, keyEnter)
				} else {
					send(m, runes(string(r)))
				}
				finishDiff(t, m)
			}
			finishDiff(t, m)
			golden.RequireEqual(t, screen(m))
		})
	}
}

// TestDiffFiguresMatchCore checks that the views show core's figures for
// the same inputs: the groups and counts of `tierscope diff --candidate`
// and `diff --rule-sets`, and the usage of core.CompareUsage.
func TestDiffFiguresMatchCore(t *testing.T) {
	t.Run("candidate", func(t *testing.T) {
		for _, pair := range [][2]string{{history0424, history0424pm}, {history0310, history0415}} {
			opts := testOptions(t, writeAuthDir(t))
			withCatalogs(t, pair[0], pair[1])(&opts)
			m := loadedModel(t, opts, 200, 80)
			finishDiff(t, m)
			want := m.snap.CompareCatalog(opts.Candidate.Catalog)
			got := m.diff.cand.result.cat
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s → %s: the view's diff differs from core's:\n got %+v\nwant %+v", pair[0], pair[1], got, want)
			}
			out := screen(m)
			for _, g := range want.Groups {
				if !strings.Contains(flatten(out), g.Describe()) {
					t.Errorf("%s → %s: the screen lacks the group %q", pair[0], pair[1], g.Describe())
				}
			}
			summary := fmt.Sprintf("%d of %d accounts change, in %d groups · %d sections change",
				len(want.Accounts), len(m.snap.Accounts), len(want.Groups), len(want.Sections))
			if !strings.Contains(out, summary) {
				t.Errorf("the screen lacks %q:\n%s", summary, out)
			}
			usage := core.CompareUsage(m.snap, m.snap.WithCandidate(opts.Candidate.Catalog))
			if !reflect.DeepEqual(m.diff.cand.result.usage.rows, usage) {
				t.Errorf("the models view's usage differs from core.CompareUsage")
			}
		}
	})
	t.Run("rule sets", func(t *testing.T) {
		m := loadedModel(t, testOptions(t, writeAuthDir(t)), 200, 80)
		send(m, typed("d3s")...)
		finishDiff(t, m)
		upstream, err := core.LookupRuleSet("upstream")
		if err != nil {
			t.Fatal(err)
		}
		want := m.snap.CompareRules(testRules(t), upstream)
		got := m.diff.whatIf.result.rules
		if !reflect.DeepEqual(got, want) {
			t.Errorf("the what-if diff differs from core's:\n got %+v\nwant %+v", got, want)
		}
		out := flatten(screen(m))
		for _, g := range want.Groups {
			if !strings.Contains(out, g.Describe()) {
				t.Errorf("the screen lacks the group %q", g.Describe())
			}
		}
		for _, a := range want.Accounts {
			if !strings.Contains(out, a.File) {
				t.Errorf("the screen lacks the account %s", a.File)
			}
		}
		if summary := fmt.Sprintf("%d of %d accounts change, in %d groups", len(want.Accounts), len(m.snap.Accounts), len(want.Groups)); !strings.Contains(out, summary) {
			t.Errorf("the screen lacks %q", summary)
		}
	})
	t.Run("usage now", func(t *testing.T) {
		m := loadedModel(t, testOptions(t, writeAuthDir(t)), 200, 80)
		send(m, typed("d4")...)
		finishDiff(t, m)
		usage := m.snap.Usage()
		rows := m.diff.models.plainUsage.usage.rows
		if len(rows) != len(usage) {
			t.Fatalf("%d models shown, core counts %d", len(rows), len(usage))
		}
		for _, u := range usage {
			i := slices.IndexFunc(rows, func(r core.UsageChange) bool { return r.ID == u.ID })
			if i < 0 || rows[i].Before != u.Total || rows[i].After != u.Total {
				t.Errorf("%s: %+v, core says %d", u.ID, rows[i], u.Total)
			}
		}
	})
}

// flatten joins a screen's lines, so that a wrapped text can be found.
func flatten(screen string) string {
	var words []string
	for _, l := range strings.Split(screen, "\n") {
		words = append(words, strings.Fields(l)...)
	}
	return strings.Join(words, " ")
}

func TestDiffJumpShowsExactlyTheGroup(t *testing.T) {
	opts := testOptions(t, writeAuthDir(t))
	withCatalogs(t, history0424, history0424pm)(&opts)
	m := loadedModel(t, opts, 120, 40)
	finishDiff(t, m)
	if m.view != viewDiff || m.diff.tab != tabCandidate {
		t.Fatalf("--candidate did not open the candidate view (view %d, tab %d)", m.view, m.diff.tab)
	}
	group := m.diff.cand.result.cat.Groups[0]
	send(m, typed("jjjj")...) // past the four sections
	send(m, keyEnter)
	if m.view != viewMain {
		t.Fatalf("enter on a group did not show the table")
	}
	if got := tableFiles(m); !slices.Equal(got, group.Files) {
		t.Errorf("the table shows %v, want the group's %v", got, group.Files)
	}
	if out := screen(m); !strings.Contains(out, "group 3 of 31 (esc: all)") || !strings.Contains(out, "3 free accounts lose gpt-5.5") {
		t.Errorf("the status line does not say which group is shown:\n%s", out)
	}
	// A filter narrows the group; esc clears it first, then the group.
	send(m, typed("/81227")...)
	send(m, keyEnter)
	if m.table.Shown() != 1 {
		t.Errorf("filter inside the group: %d rows", m.table.Shown())
	}
	send(m, keyEsc)
	if m.table.Shown() != 3 {
		t.Errorf("esc cleared more than the filter: %d rows", m.table.Shown())
	}
	send(m, keyEsc)
	if m.table.Shown() != 31 || m.table.Scope() != nil {
		t.Errorf("esc did not show every account: %d rows", m.table.Shown())
	}
	// d returns to the diff views as they were.
	send(m, runes("d"))
	if m.view != viewDiff || m.diff.tab != tabCandidate || m.diff.list().Cursor() != 4 {
		t.Errorf("d did not return to the group (view %d, tab %d, cursor %d)", m.view, m.diff.tab, m.diff.list().Cursor())
	}
}

func TestDiffModelsViewListsServingAccounts(t *testing.T) {
	opts := testOptions(t, writeAuthDir(t))
	withCatalogs(t, history0424, history0424pm)(&opts)
	m := loadedModel(t, opts, 120, 40)
	send(m, runes("4"))
	finishDiff(t, m)
	if got := m.diff.models.plainUsage; got != nil {
		t.Errorf("with a candidate, the models view counted without it")
	}
	row := m.diff.cand.result.usage.rows[0]
	if row.ID != "gpt-5.5" || row.Before != 20 || row.After != 16 {
		t.Fatalf("first row %+v, want gpt-5.5 20 → 16 (the biggest loss)", row)
	}
	if out := screen(m); !strings.Contains(out, "20 → 16") {
		t.Errorf("the screen lacks gpt-5.5's 20 → 16:\n%s", out)
	}
	send(m, keyEnter)
	if got, want := tableFiles(m), m.snap.ServingFiles("gpt-5.5"); !slices.Equal(got, want) || len(got) != 20 {
		t.Errorf("enter on gpt-5.5 shows %d accounts, want the %d serving it", len(got), len(want))
	}
}

func TestDiffPromptErrorsStayInThePrompt(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 120, 30)
	send(m, typed("d2o")...)
	send(m, typed("https://example.com/models.json")...)
	send(m, keyEnter)
	if m.diff.prompt == nil || !strings.Contains(screen(m), "a URL needs the network") {
		t.Fatalf("a URL was not refused in words:\n%s", screen(m))
	}
	send(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	send(m, typed("/no/such/models.json")...)
	send(m, keyEnter)
	msg := loadCandidateCmd("/no/such/models.json")()
	m.Update(msg)
	if m.diff.prompt == nil || m.diff.prompt.err == "" || m.diff.cand.cur != nil {
		t.Fatalf("a missing file closed the prompt or loaded something")
	}
	if !strings.Contains(screen(m), "✗ catalog /no/such/models.json") {
		t.Errorf("the error is not shown:\n%s", screen(m))
	}
	// q is text while typing; esc cancels.
	send(m, runes("q"))
	if !strings.HasSuffix(m.diff.prompt.input.Value(), "q") {
		t.Errorf("q did not reach the prompt")
	}
	send(m, keyEsc)
	if m.diff.prompt != nil || m.view != viewDiff {
		t.Errorf("esc did not just close the prompt")
	}
	// An invalid catalog is refused with its reason.
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"codex-free": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	send(m, runes("o"))
	send(m, typed(bad)...)
	send(m, keyEnter)
	m.Update(loadCandidateCmd(bad)())
	if m.diff.cand.cur != nil || m.diff.prompt == nil || m.diff.prompt.err == "" {
		t.Errorf("an invalid candidate was accepted")
	}
}

func TestDiffWhatIfAliases(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 120, 40)
	send(m, typed("d3")...)
	if m.diff.edited() || len(m.diff.pending) != 0 {
		t.Fatal("the what-if view starts edited")
	}
	// k12=pro: the k12 account moves from union to pro.
	send(m, runes("+"))
	send(m, typed("k12=pro")...)
	send(m, keyEnter)
	finishDiff(t, m)
	d := m.diff.whatIf.result.rules
	if len(d.Accounts) != 1 || d.Accounts[0].File != "codex-352ea4e7-k12@sample.example-k12.json" || tierMove(d.Accounts[0]) != "union→pro" {
		t.Errorf("k12=pro: %+v", d.Accounts)
	}
	// A bad tier is refused in the prompt, which stays open.
	send(m, runes("+"))
	send(m, typed("k12=gold")...)
	send(m, keyEnter)
	if m.diff.prompt == nil || !strings.Contains(m.diff.prompt.err, "tier must be one of") {
		t.Errorf("k12=gold was not refused")
	}
	send(m, keyEsc)
	// Without the enterprise alias, that account is unknown: union.
	send(m, runes("-"))
	send(m, typed("enterprise")...)
	send(m, keyEnter)
	finishDiff(t, m)
	var moves []string
	for _, a := range m.diff.whatIf.result.rules.Accounts {
		moves = append(moves, a.File+" "+tierMove(a))
	}
	want := []string{
		"codex-352ea4e7-k12@sample.example-k12.json union→pro",
		"codex-f4db5921-enterprise@sample.example-enterprise.json team→union",
	}
	if !slices.Equal(moves, want) {
		t.Errorf("after −enterprise: %q, want %q", moves, want)
	}
	if out := screen(m); !strings.Contains(out, "+k12→pro") || !strings.Contains(out, "−enterprise (was team)") {
		t.Errorf("the head does not say what was edited:\n%s", out)
	}
	// Removing an alias that is not there says so.
	send(m, runes("-"))
	send(m, typed("gold")...)
	send(m, keyEnter)
	if m.diff.prompt == nil || !strings.Contains(m.diff.prompt.err, `"gold" is not an alias`) {
		t.Errorf("removing a missing alias was not refused")
	}
	send(m, keyEsc)
	// x puts the rules in force back.
	send(m, runes("x"))
	if m.diff.edited() {
		t.Errorf("x did not reset the edit")
	}
}

func TestDiffPolicyCycleReturnsToTheRulesInForce(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 120, 40)
	send(m, typed("d3")...)
	for _, want := range []string{"free", "pro", "union"} {
		send(m, runes("u"))
		to, err := m.diff.whatIf.edit.build(m.diff.rules)
		if err != nil || to.Unknown != want {
			t.Fatalf("u: policy %q (%v), want %s", to.Unknown, err, want)
		}
	}
	if m.diff.edited() {
		t.Errorf("three presses of u should be back to the rules in force")
	}
}

// A result computed for an older snapshot or older inputs is dropped.
func TestDiffDropsStaleResults(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 120, 40)
	send(m, typed("d3u")...)
	stale := m.diff.pending[jobWhatIf]
	send(m, runes("u")) // free → pro: a new job
	m.Update(stale.run())
	if m.diff.whatIf.result != nil {
		t.Errorf("a result for the previous edit was kept")
	}
	finishDiff(t, m)
	if r := m.diff.whatIf.result; r == nil || r.rules.B != "pr2024" {
		t.Fatalf("no result")
	}
	to, _ := m.diff.whatIf.edit.build(m.diff.rules)
	if m.diff.whatIf.result.key.rules != ruleKey(to) || to.Unknown != "pro" {
		t.Errorf("the result is not for the edit shown")
	}
}

func TestDiffHelpShowsTheTabsKeys(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 200, 40)
	for _, c := range []struct {
		keys string
		want []string
		not  []string
	}{
		{"", []string{"d diff"}, []string{"a tier A", "tab/1-4"}},
		{"d", []string{"a tier A", "b tier B", "x swap A/B", "esc/d back", "tab/1-4 view"}, []string{"d diff", "o open", "/ filter"}},
		{"2", []string{"o open candidate"}, []string{"a tier A"}},
		{"3", []string{"s rule set", "u unknown plans", "+ add alias", "- remove alias"}, []string{"x reset"}},
		{"u", []string{"x reset"}, nil},
		{"4", []string{"esc/d back"}, []string{"s rule set"}},
	} {
		send(m, typed(c.keys)...)
		finishDiff(t, m)
		out := screen(m)
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("after %q the help lacks %q:\n%s", c.keys, w, out)
			}
		}
		for _, w := range c.not {
			if strings.Contains(out, w) {
				t.Errorf("after %q the help offers %q", c.keys, w)
			}
		}
	}
}

// tableFiles is the table's rows, in order.
func tableFiles(m *Model) []string {
	var out []string
	for _, i := range m.table.view {
		out = append(out, m.table.rows[i].acc.File)
	}
	slices.Sort(out)
	return out
}

// After a refresh, the refreshed catalog is compared with the one it
// replaced, over the same accounts, whatever the snapshot holds by then.
func TestDiffCandidateFromRefresh(t *testing.T) {
	opts := testOptions(t, writeAuthDir(t))
	opts.Catalog = historyCatalog(t, history0424pm) // the snapshot is already under the new catalog
	m := loadedModel(t, opts, 120, 40)
	previous := historyCatalog(t, history0424)
	m.Update(candidateFromRefresh(previous, opts.Catalog))
	send(m, typed("d2")...)
	finishDiff(t, m)
	want := m.snap.WithCatalog(previous).CompareCatalog(opts.Catalog.Catalog)
	if got := m.diff.cand.result.cat; !reflect.DeepEqual(got, want) {
		t.Errorf("refresh diff:\n got %+v\nwant %+v", got, want)
	}
	out := screen(m)
	for _, w := range []string{"the catalog just refreshed", "before the refresh", "3 free accounts lose gpt-5.5"} {
		if !strings.Contains(out, w) {
			t.Errorf("the screen lacks %q:\n%s", w, out)
		}
	}
}

// Every view fits the terminal, however small, and lines are cut by
// display width.
func TestDiffViewsFitTheScreen(t *testing.T) {
	opts := testOptions(t, writeAuthDir(t))
	withCatalogs(t, history0310, history0415)(&opts)
	for _, size := range [][2]int{{40, 10}, {60, 14}, {80, 24}, {133, 41}} {
		m := loadedModel(t, opts, size[0], size[1])
		finishDiff(t, m)
		for _, keys := range []string{"1", "2", "3s", "3+", "4", "4v"} {
			send(m, keyEsc) // closes a prompt left open
			send(m, typed(keys)...)
			finishDiff(t, m)
			lines := strings.Split(screen(m), "\n")
			if len(lines) != size[1] {
				t.Errorf("%dx%d %q: %d lines", size[0], size[1], keys, len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%dx%d %q: line %d is %d cells wide: %q", size[0], size[1], keys, i, w, l)
				}
			}
			send(m, runes("d")) // back to the table, then d opens the views again
			send(m, runes("d"))
		}
	}
}

// A URL typed in the prompt is downloaded (when the UI has the network)
// and becomes the candidate.
func TestDiffPromptFetchesACandidateURL(t *testing.T) {
	body, err := os.ReadFile("../testdata/reference/history/" + history0424pm)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) }))
	defer srv.Close()
	opts := testOptions(t, writeAuthDir(t))
	opts.FetchCandidate = func(ctx context.Context, url string) (catalog.Loaded, error) {
		return catalog.FetchCandidate(ctx, srv.Client(), url)
	}
	m := loadedModel(t, opts, 120, 30)
	send(m, typed("d2o")...)
	send(m, typed(srv.URL+"/models.json")...)
	cmd := m.diff.submitPrompt()
	if cmd == nil {
		t.Fatalf("no fetch started:\n%s", screen(m))
	}
	m.Update(cmd())
	if m.diff.cand.cur == nil || m.diff.cand.cur.label != srv.URL+"/models.json" {
		t.Fatalf("the downloaded candidate is not loaded:\n%s", screen(m))
	}
}
