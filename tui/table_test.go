package tui

import (
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"github.com/tierscope/tierscope/core"
)

// tableOf is a table over the reference accounts.
func tableOf(t *testing.T, width, height int) (*accountTable, *core.Snapshot) {
	t.Helper()
	opts := testOptions(t, writeAuthDir(t))
	msg := scanCmd(opts.Source, opts.Catalog, opts.Rules, testNow)().(accountsLoadedMsg)
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	s, k := DefaultStyles(DefaultPalette()), DefaultKeyMap()
	tb := newAccountTable(&s, &k)
	tb.SetSize(width, height)
	tb.SetRows(msg.rows)
	return &tb, msg.snap
}

func shownFiles(tb *accountTable) []string {
	out := make([]string, len(tb.view))
	for i, ri := range tb.view {
		out[i] = tb.rows[ri].acc.File
	}
	return out
}

func TestFilterNarrowsThePreviousMatchesOnly(t *testing.T) {
	tb, _ := tableOf(t, 120, 20)
	tb.Filter("co")
	first := slices.Clone(tb.view)
	if len(first) == 0 || len(first) == tb.Total() {
		t.Fatalf("\"co\" should match some rows, not all: %d of %d", len(first), tb.Total())
	}
	// Drop a row that matches "cod" from the remembered matches of "co":
	// an incremental filter cannot bring it back; a full one would.
	victim := slices.Index(shownFiles(tb), "codex-stale@sample.example-plus.json")
	if victim < 0 {
		t.Fatal("codex-stale does not match \"co\"")
	}
	step := &tb.filter.steps[len(tb.filter.steps)-1]
	step.view = slices.Delete(slices.Clone(step.view), victim, victim+1)
	tb.view = step.view

	tb.Filter("cod")
	if slices.Contains(shownFiles(tb), "codex-stale@sample.example-plus.json") {
		t.Error(`"cod" searched every row, not only the matches of "co"`)
	}
	// A query that does not extend the last one searches everything again.
	tb.Filter("stale")
	if !slices.Contains(shownFiles(tb), "codex-stale@sample.example-plus.json") {
		t.Error(`"stale" should search every row and find codex-stale`)
	}
}

func TestFilterBackspaceReusesTheEarlierMatches(t *testing.T) {
	tb, _ := tableOf(t, 120, 20)
	tb.Filter("x")
	before := tb.view
	tb.Filter("xa")
	tb.Filter("x")
	if len(before) == 0 || &tb.view[0] != &before[0] {
		t.Error("going back to \"x\" recomputed its matches")
	}
}

func TestFilterMatchesEveryColumnCaseInsensitively(t *testing.T) {
	cases := []struct {
		query string
		want  string // a file that must be shown
		not   string // a file that must not
	}{
		{"kimi", "kimi-k.json", "claude-c@sample.example.json"},
		{"KIMI", "kimi-k.json", "claude-c@sample.example.json"},
		{"gemini-cli", "gemini-g@sample.example-p.json", "kimi-k.json"},                  // the TIER column
		{"prolite", "codex-62f03436-prolite@sample.example-prolite.json", "kimi-k.json"}, // PLAN
		{"error", brokenFile, "kimi-k.json"},                                             // FLAGS
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			tb, _ := tableOf(t, 120, 20)
			tb.Filter(c.query)
			got := shownFiles(tb)
			if !slices.Contains(got, c.want) {
				t.Errorf("%q: %s not shown; got %v", c.query, c.want, got)
			}
			if slices.Contains(got, c.not) {
				t.Errorf("%q: %s shown", c.query, c.not)
			}
			if got[0] != c.want && c.query != "error" {
				t.Errorf("%q: best match %s first, want %s", c.query, got[0], c.want)
			}
		})
	}
}

func TestSortCyclesColumnsAndReverses(t *testing.T) {
	tb, _ := tableOf(t, 120, 20)
	if got := shownFiles(tb); !slices.IsSorted(got) {
		t.Fatalf("default order is not by file: %v", got)
	}
	tb.CycleSort() // provider
	if tb.sortCol != colProvider {
		t.Fatalf("s sorts by %v, want provider", tb.sortCol)
	}
	providers := func() []string {
		var out []string
		for _, ri := range tb.view {
			out = append(out, tb.rows[ri].lower[colProvider])
		}
		return out
	}
	if p := providers(); !slices.IsSorted(p) {
		t.Errorf("not sorted by provider: %v", p)
	}
	tb.Reverse()
	p := providers()
	slices.Reverse(p)
	if !slices.IsSorted(p) {
		t.Errorf("S does not reverse: %v", providers())
	}
	// SIG and PROXY are not drawn here (no JWKS, no proxy): s passes them.
	for range numColumns - 3 {
		tb.CycleSort()
		if tb.sortCol == colSig || tb.sortCol == colProxy {
			t.Fatalf("s sorts by the hidden %v column", tb.sortCol)
		}
	}
	if tb.sortCol != colFile || tb.sortDesc {
		t.Errorf("after a full cycle: %v desc=%v, want file ascending", tb.sortCol, tb.sortDesc)
	}
}

func TestSortByModelsIsNumeric(t *testing.T) {
	tb, _ := tableOf(t, 120, 20)
	for tb.sortCol != colModels {
		tb.CycleSort()
	}
	var counts []int
	for _, ri := range tb.view {
		counts = append(counts, tb.rows[ri].models)
	}
	if !slices.IsSorted(counts) {
		t.Errorf("MODELS sorts as text: %v", counts)
	}
}

func TestCursorStaysOnItsFileAcrossSortAndFilter(t *testing.T) {
	tb, _ := tableOf(t, 120, 8)
	const file = "codex-stale@sample.example-plus.json"
	tb.selectFile(file)
	tb.CycleSort()
	tb.Reverse()
	if got := tb.SelectedFile(); got != file {
		t.Errorf("after sorting the cursor is on %s", got)
	}
	tb.selectFile("kimi-k.json")
	tb.Filter("stale")
	if got := tb.SelectedFile(); got != file {
		t.Errorf("after filtering the cursor is on %s, not on the best match", got)
	}
	tb.selectFile("codex-stored-only@sample.example.json")
	tb.Filter("")
	if got := tb.SelectedFile(); got != "codex-stored-only@sample.example.json" {
		t.Errorf("clearing the filter moved the cursor to %s", got)
	}
	// The cursor row is on screen.
	if tb.cursor < tb.offset || tb.cursor >= tb.offset+tb.bodyHeight() {
		t.Errorf("cursor %d outside the window [%d,%d)", tb.cursor, tb.offset, tb.offset+tb.bodyHeight())
	}
}

func TestTableLinesHaveExactlyTheTableWidth(t *testing.T) {
	dir := writeAuthDir(t)
	// Wide characters must be measured by display width, never by bytes.
	writeFile(t, dir, "claude-名前@例え.example.json", []byte(`{"type":"claude","email":"名前さん🙂@例え.example"}`))
	for _, width := range []int{40, 60, 80, 100, 119, 120, 140, 200, 260} {
		opts := testOptions(t, dir)
		msg := scanCmd(opts.Source, opts.Catalog, opts.Rules, testNow)().(accountsLoadedMsg)
		s, k := DefaultStyles(DefaultPalette()), DefaultKeyMap()
		tb := newAccountTable(&s, &k)
		tb.SetSize(width, 40)
		tb.SetRows(msg.rows)
		tb.selectFile("claude-名前@例え.example.json")
		for i, line := range strings.Split(tb.View(), "\n") {
			if w := ansi.StringWidth(line); w != width {
				t.Errorf("width %d: line %d is %d cells: %q", width, i, w, ansi.Strip(line))
			}
		}
	}
}

func TestNarrowTablesDropColumnsInOrder(t *testing.T) {
	cases := []struct {
		width int
		shown []column
	}{
		{200, []column{colFile, colProvider, colEmail, colPlan, colTier, colModels, colExpires, colFlags}},
		{119, []column{colFile, colProvider, colEmail, colPlan, colTier, colModels, colExpires, colFlags}},
		{80, []column{colFile, colPlan, colTier, colModels, colFlags}},
	}
	for _, c := range cases {
		tb, _ := tableOf(t, c.width, 10)
		var shown []column
		for col, w := range tb.widths {
			if w > 0 {
				shown = append(shown, column(col))
			}
		}
		if !slices.Equal(shown, c.shown) {
			t.Errorf("width %d shows %v, want %v", c.width, shown, c.shown)
		}
	}
}

func TestViewRendersOnlyVisibleRows(t *testing.T) {
	tb, _ := tableOf(t, 120, 6)
	lines := strings.Split(ansi.Strip(tb.View()), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines, want 6 (header + 5 rows)", len(lines))
	}
	tb.move(tb.Total())
	lines = strings.Split(ansi.Strip(tb.View()), "\n")
	if !strings.HasPrefix(lines[len(lines)-1], "▸ xai-x@sample.example.json") {
		t.Errorf("after G the last line is %q", lines[len(lines)-1])
	}
}

func TestParallelMatchingEqualsSerial(t *testing.T) {
	opts := Options{Catalog: testCatalog(t), Rules: testRules(t)}
	// Enough CPUs and candidates for several chunks, whatever the machine.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	snap := core.Build(generatedAccounts(t), opts.Catalog, opts.Rules, testNow)
	rows := buildRows(snap.Accounts, nil)
	candidates := make([]int, 0, len(rows))
	for i := range rows {
		if i%3 != 1 { // not just 0..n: positions must map back correctly
			candidates = append(candidates, i)
		}
	}
	for _, q := range []string{"c", "plu", "user0042", "✗error", "zzzz"} {
		par := fuzzyMatch(q, rows, candidates)
		ser := fuzzy.FindFromNoSort(q, keySource{rows: rows, idx: candidates})
		if len(par) != len(ser) {
			t.Fatalf("%q: %d matches in parallel, %d serially", q, len(par), len(ser))
		}
		for i := range par {
			if par[i].Index != ser[i].Index || par[i].Score != ser[i].Score {
				t.Fatalf("%q: match %d differs: %+v vs %+v", q, i, par[i], ser[i])
			}
		}
	}
}
