package tui

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"
)

// accountTable is the windowed accounts table: it keeps every row but
// renders only the ones on screen, so 10,000 accounts cost what 40 do.
type accountTable struct {
	styles *Styles
	keys   *KeyMap

	rows  []*row // snapshot order (by file name)
	order []int  // indices into rows, in sort order
	view  []int  // the rows shown: order, narrowed by the filter

	sortCol  column
	sortDesc bool

	filter filterState
	scope  *tableScope // a fixed set of files (scope.go), below the filter; nil: all

	cursor int // index into view
	offset int // first view index on screen

	width, height int // height includes the column header line
	focused       bool
	widths        [numColumns]int // 0: column hidden
	natural       [numColumns]int // widest cell per column, over all rows
	sigShown      bool            // some token was checked against a JWKS: show SIG
	empty         string          // shown when there are no rows at all
	// proxyShown draws the PROXY column (a proxy is configured), and
	// annotate, when set, fills in cells that do not come from the
	// snapshot (the proxy check, verify.go) whenever rows are set.
	proxyShown bool
	annotate   func([]*row) []*row
}

// filterState is the applied filter. steps remembers the view of each
// query typed so far, so that a longer query narrows the last matches and
// a backspace returns to a view already computed.
type filterState struct {
	query  string
	steps  []filterStep
	ranked bool // rows in match order (false once sorted by a column)
}

type filterStep struct {
	query string
	view  []int
}

func newAccountTable(styles *Styles, keys *KeyMap) accountTable {
	return accountTable{styles: styles, keys: keys, focused: true}
}

// SetSize sets the table's size, column header included.
func (t *accountTable) SetSize(width, height int) {
	t.width, t.height = width, height
	t.layoutColumns()
	t.clampOffset()
}

// SetRows replaces the rows (a new snapshot), keeping the cursor on the
// same file when it is still there, and re-applying sort and filter.
func (t *accountTable) SetRows(rows []*row) {
	selected := t.SelectedFile()
	if t.annotate != nil {
		rows = t.annotate(rows)
	}
	t.rows = rows
	t.measure()
	t.sortRows()
	query := t.filter.query
	t.filter = filterState{}
	t.view = t.order
	if query != "" {
		t.applyFilter(query)
	}
	t.selectFile(selected)
	t.layoutColumns()
}

// Selected returns the row under the cursor, or nil.
func (t *accountTable) Selected() *row {
	if t.cursor < 0 || t.cursor >= len(t.view) {
		return nil
	}
	return t.rows[t.view[t.cursor]]
}

// SelectedFile returns the file under the cursor, or "".
func (t *accountTable) SelectedFile() string {
	if r := t.Selected(); r != nil {
		return r.acc.File
	}
	return ""
}

// selectFile moves the cursor to a file when it is shown; otherwise the
// cursor keeps its position (clamped), e.g. after the row was removed.
func (t *accountTable) selectFile(file string) {
	if file != "" {
		for i, ri := range t.view {
			if t.rows[ri].acc.File == file {
				t.cursor = i
				t.clampOffset()
				return
			}
		}
	}
	t.cursor = max(min(t.cursor, len(t.view)-1), 0)
	t.clampOffset()
}

// Update moves the cursor. It only handles keys; the root routes them here
// when the table has focus.
func (t accountTable) Update(msg tea.Msg) (accountTable, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return t, nil
	}
	page := max(t.bodyHeight()-1, 1)
	switch {
	case key.Matches(km, t.keys.Up):
		t.move(-1)
	case key.Matches(km, t.keys.Down):
		t.move(1)
	case key.Matches(km, t.keys.PageUp):
		t.move(-page)
	case key.Matches(km, t.keys.PageDown):
		t.move(page)
	case key.Matches(km, t.keys.Home):
		t.move(-len(t.view))
	case key.Matches(km, t.keys.End):
		t.move(len(t.view))
	}
	return t, nil
}

func (t *accountTable) move(delta int) {
	t.cursor = max(min(t.cursor+delta, len(t.view)-1), 0)
	t.clampOffset()
}

func (t *accountTable) bodyHeight() int { return max(t.height-1, 0) }

func (t *accountTable) clampOffset() {
	h := t.bodyHeight()
	if h <= 0 {
		t.offset = t.cursor
		return
	}
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+h {
		t.offset = t.cursor - h + 1
	}
	t.offset = max(min(t.offset, len(t.view)-h), 0)
}

// CycleSort sorts by the next column (ascending), passing over SIG and
// PROXY when they are not drawn (no JWKS, no proxy): nothing to sort by.
func (t *accountTable) CycleSort() {
	for {
		t.sortCol = (t.sortCol + 1) % numColumns
		if (t.sortCol != colSig || t.sigShown) && (t.sortCol != colProxy || t.proxyShown) {
			break
		}
	}
	t.sortDesc = false
	t.resort()
}

// Reverse flips the sort direction.
func (t *accountTable) Reverse() {
	t.sortDesc = !t.sortDesc
	t.resort()
}

// SortLabel names the sort, e.g. "tier ↑".
func (t *accountTable) SortLabel() string {
	if t.filter.ranked {
		return "best match"
	}
	if t.sortDesc {
		return t.sortCol.String() + " ↓"
	}
	return t.sortCol.String() + " ↑"
}

func (t *accountTable) resort() {
	selected := t.SelectedFile()
	t.sortRows()
	if t.filter.query == "" {
		t.view = t.order
	} else {
		// Keep the matches, in the new order.
		shown := make([]bool, len(t.rows))
		for _, i := range t.view {
			shown[i] = true
		}
		t.view = slices.DeleteFunc(slices.Clone(t.order), func(i int) bool { return !shown[i] })
		t.filter.steps = []filterStep{{query: t.filter.query, view: t.view}}
		t.filter.ranked = false
	}
	t.selectFile(selected)
}

func (t *accountTable) sortRows() {
	order := make([]int, len(t.rows))
	for i := range order {
		order[i] = i
	}
	col, desc := t.sortCol, t.sortDesc
	if col != colFile || desc {
		slices.SortStableFunc(order, func(a, b int) int {
			d := compareRows(t.rows[a], t.rows[b], col)
			if desc {
				return -d
			}
			return d
		})
	}
	t.order = t.scoped(order)
}

// Filter narrows the rows to those whose key fuzzy-matches query, best
// match first, with the cursor on the best match. A query that extends the
// previous one searches the previous matches only. Clearing the filter
// keeps the cursor on its account, shown among all the others again.
func (t *accountTable) Filter(query string) {
	selected := t.SelectedFile()
	before := t.filter.query
	t.applyFilter(query)
	if t.filter.query != "" && t.filter.query != before {
		t.cursor, t.offset = 0, 0
		return
	}
	t.selectFile(selected)
}

// Query is the applied filter ("" when none).
func (t *accountTable) Query() string { return t.filter.query }

func (t *accountTable) applyFilter(query string) {
	query = strings.ToLower(query)
	f := &t.filter
	if query == "" {
		t.filter = filterState{}
		t.view = t.order
		return
	}
	// Drop the steps that the new query does not extend.
	for len(f.steps) > 0 && !strings.HasPrefix(query, f.steps[len(f.steps)-1].query) {
		f.steps = f.steps[:len(f.steps)-1]
	}
	candidates := t.order
	if n := len(f.steps); n > 0 {
		last := f.steps[n-1]
		if last.query == query {
			t.view, f.query = last.view, query
			return
		}
		candidates = last.view
	}
	// Best match first; equal scores keep the previous order (Index is the
	// position among the candidates, so the sort needs no stability).
	matches := fuzzyMatch(query, t.rows, candidates)
	ranked := make([]scored, len(matches))
	for i, m := range matches {
		ranked[i] = scored{score: m.Score, pos: m.Index}
	}
	slices.SortFunc(ranked, func(a, b scored) int { return cmp.Or(b.score-a.score, a.pos-b.pos) })
	view := make([]int, len(ranked))
	for i, r := range ranked {
		view[i] = candidates[r.pos]
	}
	f.ranked = true
	f.steps = append(f.steps, filterStep{query: query, view: view})
	f.query = query
	t.view = view
}

type scored struct{ score, pos int }

// parallelFrom is the candidate count from which matching is split across
// CPUs: below it, starting goroutines costs more than it saves.
const parallelFrom = 2048

// fuzzyMatch matches query against the keys of the candidate rows; Index
// in the result is a position in candidates, and results keep their order.
// Large sets are split in contiguous chunks matched in parallel.
func fuzzyMatch(query string, rows []*row, candidates []int) fuzzy.Matches {
	parts := min(runtime.GOMAXPROCS(0), 8, max(len(candidates)/parallelFrom, 1))
	if parts <= 1 {
		return fuzzy.FindFromNoSort(query, keySource{rows: rows, idx: candidates})
	}
	results := make([]fuzzy.Matches, parts)
	size := (len(candidates) + parts - 1) / parts
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*size, min((p+1)*size, len(candidates))
		wg.Go(func() {
			res := fuzzy.FindFromNoSort(query, keySource{rows: rows, idx: candidates[lo:hi]})
			for i := range res {
				res[i].Index += lo
			}
			results[p] = res
		})
	}
	wg.Wait()
	var out fuzzy.Matches
	for _, r := range results {
		out = append(out, r...)
	}
	return out
}

// keySource feeds the filter keys of some rows to fuzzy.
type keySource struct {
	rows []*row
	idx  []int
}

func (s keySource) String(i int) string { return s.rows[s.idx[i]].key }
func (s keySource) Len() int            { return len(s.idx) }

// Shown is how many rows the filter lets through; Total how many exist.
func (t *accountTable) Shown() int { return len(t.view) }

// Total is the number of rows.
func (t *accountTable) Total() int { return len(t.rows) }

// measure finds the widest cell of each column over all rows.
func (t *accountTable) measure() {
	for c := range numColumns {
		t.natural[c] = ansi.StringWidth(columnTitles[c]) + 1 // room for the sort arrow
	}
	t.sigShown = false
	for _, r := range t.rows {
		for c := range numColumns {
			if w := textWidth(r.cells[c]); w > t.natural[c] {
				t.natural[c] = w
			}
		}
		t.sigShown = t.sigShown || r.cells[colSig] != ""
	}
}

// textWidth is the display width of s, fast for ASCII.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

const markerWidth = 2 // "▸ "

// Column width preferences: caps on the natural width, and the steps that
// make room on a narrow terminal, in order, until the columns fit.
var (
	columnCaps = [numColumns]int{colFile: 56, colProvider: 11, colEmail: 32, colPlan: 12, colTier: 11, colModels: 7, colExpires: 10, colSig: 8, colProxy: 8, colFlags: 24}

	shrinkSteps = []struct {
		col   column
		width int // 0: hide the column
	}{
		{colFlags, 16}, {colEmail, 24}, {colPlan, 10}, {colFlags, 12}, {colEmail, 18},
		{colProvider, 9}, {colTier, 10}, {colFile, 40}, {colEmail, 16}, {colFile, 34},
		{colProvider, 0}, {colFile, 28}, {colSig, 0}, {colExpires, 0}, {colEmail, 0},
		{colTier, 7}, {colPlan, 7}, {colFile, 20}, {colFlags, 8}, {colModels, 0}, {colProxy, 0}, {colPlan, 0},
		{colFile, 12}, {colFlags, 0}, {colTier, 0},
	}
	// growOrder gives spare width back, most useful first.
	growOrder = []column{colFile, colEmail, colFlags, colPlan, colTier, colProvider}
)

func (t *accountTable) gap() int {
	if t.width >= 140 {
		return 2
	}
	return 1
}

// layoutColumns sets the column widths for the table's width.
func (t *accountTable) layoutColumns() {
	var w [numColumns]int
	for c := range numColumns {
		w[c] = min(t.natural[c], columnCaps[c])
	}
	if !t.sigShown {
		w[colSig] = 0 // no JWKS: every row would say unverified
	}
	if !t.proxyShown {
		w[colProxy] = 0 // no proxy to check against
	}
	total := func() int {
		sum, n := markerWidth, 0
		for _, x := range w {
			if x > 0 {
				sum += x
				n++
			}
		}
		return sum + max(n-1, 0)*t.gap()
	}
	for _, s := range shrinkSteps {
		if total() <= t.width {
			break
		}
		if w[s.col] > s.width {
			w[s.col] = s.width
		}
	}
	// Give spare room back to the columns that were cut, up to their
	// natural width; what is left stays as a right margin.
	for _, c := range growOrder {
		spare := t.width - total()
		if spare <= 0 {
			break
		}
		if w[c] > 0 && w[c] < t.natural[c] {
			w[c] += min(spare, t.natural[c]-w[c])
		}
	}
	t.widths = w
}

// View renders the column header and the rows on screen only.
func (t accountTable) View() string {
	if t.height <= 0 || t.width <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow((t.width + 16) * t.height)
	b.WriteString(t.headerLine())
	h := t.bodyHeight()
	end := min(t.offset+h, len(t.view))
	for i := t.offset; i < end; i++ {
		b.WriteByte('\n')
		b.WriteString(t.rowLine(t.rows[t.view[i]], i == t.cursor))
	}
	lines := end - t.offset
	if lines == 0 && h > 0 {
		b.WriteByte('\n')
		b.WriteString(t.styles.Empty.Render(fit("  "+t.emptyText(), t.width)))
		lines++
	}
	for ; lines < h; lines++ {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat(" ", t.width))
	}
	return b.String()
}

func (t accountTable) emptyText() string {
	switch {
	case len(t.rows) == 0 && t.empty != "":
		return t.empty
	case len(t.rows) == 0:
		return "no auth files"
	}
	return "no account matches “" + t.filter.query + "” (esc clears the filter)"
}

func (t accountTable) headerLine() string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", markerWidth))
	t.eachColumn(&b, func(c column, w int) {
		title, style := columnTitles[c], t.styles.ColumnHeader
		if c == t.sortCol && !t.filter.ranked {
			// The arrow survives a narrow column; the title is cut.
			arrow := "↑"
			if t.sortDesc {
				arrow = "↓"
			}
			title, style = truncate(title, w-1)+arrow, t.styles.SortedColumn
		}
		if c == colModels {
			b.WriteString(style.Render(fitRight(title, w)))
		} else {
			b.WriteString(style.Render(fit(title, w)))
		}
	})
	return padLine(b.String(), t.width)
}

// eachColumn calls cell for every column shown, in order, with its width,
// writing the gap between columns to b.
func (t accountTable) eachColumn(b *strings.Builder, cell func(c column, w int)) {
	gap := strings.Repeat(" ", t.gap())
	first := true
	for c := range numColumns {
		w := t.widths[c]
		if w == 0 {
			continue
		}
		if !first {
			b.WriteString(gap)
		}
		first = false
		cell(c, w)
	}
}

// rowLine renders one row. The cursor row is one plain text in the
// selection style (inner colours would break its background); other rows
// colour their badges.
func (t accountTable) rowLine(r *row, selected bool) string {
	var b strings.Builder
	marker := "  "
	if selected {
		marker = "▸ "
	}
	b.WriteString(marker)
	t.eachColumn(&b, func(c column, w int) {
		switch c {
		case colModels:
			b.WriteString(fitRight(r.cells[c], w))
		case colFlags:
			b.WriteString(t.flagsCell(r, w, !selected))
		case colProxy:
			b.WriteString(t.proxyCell(r, w, !selected))
		default:
			b.WriteString(fit(r.cells[c], w))
		}
	})
	line := padLine(b.String(), t.width)
	if selected {
		if t.focused {
			return t.styles.Selected.Render(line)
		}
		return t.styles.SelectedDim.Render(line)
	}
	return line
}

// flagsCell fits the badges in w cells, coloured unless plain.
func (t accountTable) flagsCell(r *row, w int, colour bool) string {
	kept, more := fitBadges(r.badges, w)
	var b strings.Builder
	used := 0
	for i, bd := range kept {
		if i > 0 {
			b.WriteByte(' ')
			used++
		}
		if colour {
			b.WriteString(t.styles.severityStyle(bd.Severity).Render(bd.Text))
		} else {
			b.WriteString(bd.Text)
		}
		used += ansi.StringWidth(bd.Text)
	}
	if more != "" {
		if used > 0 {
			b.WriteByte(' ')
			used++
		}
		more = truncate(more, w-used)
		b.WriteString(more)
		used += ansi.StringWidth(more)
	}
	if used < w {
		b.WriteString(strings.Repeat(" ", w-used))
	}
	return b.String()
}

// padLine pads (or cuts) a rendered line to exactly width cells.
func padLine(s string, width int) string {
	w := ansi.StringWidth(s)
	switch {
	case w > width:
		return ansi.Truncate(s, width, "")
	case w < width:
		return s + strings.Repeat(" ", width-w)
	}
	return s
}
