package tui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// diffTab is one of the diff views.
type diffTab int

const (
	tabMatrix    diffTab = iota // tier vs tier
	tabCandidate                // current vs candidate catalog
	tabWhatIf                   // rules in force vs edited rules
	tabModels                   // accounts per model, now and after
	numTabs
)

var diffTabNames = [numTabs]string{"matrix", "candidate", "what-if", "models"}

// diffView is the full-screen diff views of DESIGN §6 (`d`): a tab bar,
// then the tab's fixed head (what is compared) above a scrolling list
// with a cursor; enter on an entry lists its accounts in the table.
type diffView struct {
	styles *Styles
	keys   *KeyMap

	tab           diffTab
	width, height int

	// What every result is computed from: the snapshot (nil while the
	// first scan runs), its catalog and rules.
	snap  *core.Snapshot
	cat   catalog.Loaded
	rules core.RuleSet

	pending map[jobKind]diffJob // the latest job started per kind

	matrix matrixPane
	cand   candidatePane
	whatIf whatIfPane
	models modelsPane
	prompt *diffPrompt // a path or an alias being typed

	fetchCandidate func(ctx context.Context, url string) (catalog.Loaded, error) // nil: no network
}

// diffPrompt is a one-line input of the diff views.
type diffPrompt struct {
	kind  promptKind
	label string
	input filterInput
	err   string
	busy  bool // the typed path is being loaded
}

type promptKind int

const (
	promptCandidate promptKind = iota
	promptAddAlias
	promptRemoveAlias
)

// target is what enter on an entry lists: fixed files, or files looked up
// when asked (the accounts serving a model).
type target struct {
	label string
	files []string
	lazy  func(snap *core.Snapshot) (label string, files []string)
}

func newDiffView(styles *Styles, keys *KeyMap, opts Options) diffView {
	v := diffView{styles: styles, keys: keys, cat: opts.Catalog, rules: opts.Rules, pending: map[jobKind]diffJob{}, fetchCandidate: opts.FetchCandidate}
	v.matrix = newMatrixPane()
	v.cand = candidatePane{cur: candidateFromOptions(opts.Candidate)}
	v.whatIf = whatIfPane{edit: editOf(opts.Rules)}
	for _, l := range v.lists() {
		l.styles = styles
	}
	if v.cand.cur != nil {
		v.tab = tabCandidate
	}
	v.matrix.set(v.cat.Catalog, v.rules)
	v.rebuild()
	return v
}

// lists are the panes' lists.
func (v *diffView) lists() []*lineList {
	return []*lineList{&v.matrix.list, &v.cand.list, &v.whatIf.list, &v.models.list}
}

// list is the current tab's list.
func (v *diffView) list() *lineList { return v.lists()[v.tab] }

// SetSize sets the view's outer size, tab bar included.
func (v *diffView) SetSize(width, height int) {
	if width != v.width {
		v.width, v.height = width, height
		v.rebuild()
		return
	}
	v.height = height
	v.layout()
}

// layout gives the list what the head leaves.
func (v *diffView) layout() {
	head := len(v.head())
	v.list().SetSize(v.width, max(v.height-1-head, 0))
}

// rebuild lays out every pane's lines again (new results or width).
func (v *diffView) rebuild() {
	if v.width <= 0 {
		return
	}
	v.matrix.rebuild(v)
	v.cand.rebuild(v)
	v.whatIf.rebuild(v)
	v.models.rebuild(v)
	v.layout()
}

// edited reports whether the what-if rules differ from the rules in force.
func (v *diffView) edited() bool {
	to, err := v.whatIf.edit.build(v.rules)
	return err == nil && ruleKey(to) != ruleKey(v.rules)
}

// typing reports whether a prompt takes the keys.
func (v *diffView) typing() bool { return v.prompt != nil }

// sync follows the snapshot (a scan, a reload, a refresh) and starts the
// jobs the current tab needs.
func (v *diffView) sync(snap *core.Snapshot, cat catalog.Loaded, rules core.RuleSet) tea.Cmd {
	if snap != nil {
		cat, rules = snap.Catalog, snap.Rules
	}
	if snap != v.snap || cat.Catalog != v.cat.Catalog {
		v.snap, v.cat, v.rules = snap, cat, rules
		v.matrix.set(cat.Catalog, rules)
		v.rebuild()
	}
	return v.ensure()
}

// wanted is the job whose result the current state needs, per kind; ok
// is false when there is nothing to compute.
func (v *diffView) wanted(kind jobKind) (diffJob, bool) {
	if v.snap == nil {
		return diffJob{}, false
	}
	switch kind {
	case jobCandidate:
		c := v.cand.cur
		if c == nil {
			return diffJob{}, false
		}
		k := jobKey{kind: kind, snap: v.snap, cat: c.loaded.Catalog}
		if c.base != nil {
			k.base = c.base.Catalog
		}
		return diffJob{key: k, cand: *c}, true
	case jobWhatIf:
		if !v.edited() {
			return diffJob{}, false
		}
		to, _ := v.whatIf.edit.build(v.rules)
		return diffJob{key: jobKey{kind: kind, snap: v.snap, rules: ruleKey(to)}, to: to}, true
	}
	return diffJob{key: jobKey{kind: kind, snap: v.snap}}, true
}

// ensure starts the jobs the current tab shows, unless their result is
// there or on its way.
func (v *diffView) ensure() tea.Cmd {
	var kinds []jobKind
	switch v.tab {
	case tabCandidate:
		kinds = []jobKind{jobCandidate}
	case tabWhatIf:
		kinds = []jobKind{jobWhatIf}
	case tabModels:
		kinds = []jobKind{v.models.sourceJob(v)}
	}
	var cmds []tea.Cmd
	for _, kind := range kinds {
		job, ok := v.wanted(kind)
		if !ok || v.result(kind) == job.key {
			continue
		}
		if p, ok := v.pending[kind]; ok && p.key == job.key {
			continue
		}
		v.pending[kind] = job
		cmds = append(cmds, job.cmd())
	}
	if len(cmds) > 0 {
		v.layout() // the head says "computing …"
	}
	return tea.Batch(cmds...)
}

// result is the key of the result held for a kind.
func (v *diffView) result(kind jobKind) jobKey {
	switch kind {
	case jobCandidate:
		if r := v.cand.result; r != nil {
			return r.key
		}
	case jobWhatIf:
		if r := v.whatIf.result; r != nil {
			return r.key
		}
	case jobUsage:
		if r := v.models.plainUsage; r != nil {
			return r.key
		}
	}
	return jobKey{}
}

// take keeps a job's result when it is still wanted.
func (v *diffView) take(msg diffResultMsg) {
	kind := msg.key.kind
	if p, ok := v.pending[kind]; ok && p.key == msg.key {
		delete(v.pending, kind)
	}
	if job, ok := v.wanted(kind); !ok || job.key != msg.key {
		return // the inputs moved on; a newer job runs or none is needed
	}
	r := &msg
	switch kind {
	case jobCandidate:
		v.cand.result = r
	case jobWhatIf:
		v.whatIf.result = r
	default:
		v.models.plainUsage = r
	}
	v.rebuild()
}

// setCandidate makes c the candidate.
func (v *diffView) setCandidate(c candidate) {
	v.cand.cur = &c
	v.cand.result = nil
	v.models.source = cmpAuto
	v.rebuild()
}

// setTab switches tabs.
func (v *diffView) setTab(t diffTab) tea.Cmd {
	v.tab = t
	v.layout()
	return v.ensure()
}

// target is the current entry's target, if it has one.
func (v *diffView) target() (target, bool) {
	targets := [numTabs][]target{v.matrix.targets, v.cand.targets, v.whatIf.targets, v.models.targets}[v.tab]
	i := v.list().Cursor()
	if v.snap == nil || i < 0 || i >= len(targets) {
		return target{}, false
	}
	t := targets[i]
	return t, t.label != "" || t.lazy != nil
}

// hasTarget reports whether enter lists accounts for the current entry.
func (v *diffView) hasTarget() bool {
	_, ok := v.target()
	return ok
}

// Target is what enter on the current entry lists, if anything.
func (v *diffView) Target() (label string, files []string, ok bool) {
	t, ok := v.target()
	if !ok {
		return "", nil, false
	}
	if t.lazy != nil {
		t.label, t.files = t.lazy(v.snap)
	}
	return t.label, t.files, t.label != ""
}

// Update handles the keys of the diff views (the root handles esc, help
// and enter).
func (v *diffView) Update(msg tea.KeyMsg) tea.Cmd {
	if v.prompt != nil {
		return v.updatePrompt(msg)
	}
	k, dk := v.keys, &v.keys.DiffKeys
	l := v.list()
	switch {
	case key.Matches(msg, dk.Next):
		return v.setTab((v.tab + 1) % numTabs)
	case key.Matches(msg, dk.Prev):
		return v.setTab((v.tab + numTabs - 1) % numTabs)
	case key.Matches(msg, k.Up):
		l.Move(-1)
	case key.Matches(msg, k.Down):
		l.Move(1)
	case key.Matches(msg, k.PageUp):
		l.Page(-1)
	case key.Matches(msg, k.PageDown):
		l.Page(1)
	case key.Matches(msg, k.Home):
		l.Move(-l.Len())
	case key.Matches(msg, k.End):
		l.Move(l.Len())
	case key.Matches(msg, dk.TierA):
		v.matrix.cycle(&v.matrix.a)
		v.matrix.rebuild(v)
	case key.Matches(msg, dk.TierB):
		v.matrix.cycle(&v.matrix.b)
		v.matrix.rebuild(v)
	case key.Matches(msg, dk.Swap):
		v.matrix.a, v.matrix.b = v.matrix.b, v.matrix.a
		v.matrix.compare()
		v.matrix.rebuild(v)
	case key.Matches(msg, dk.Load):
		v.openPrompt(promptCandidate, "open a candidate catalog (path)")
	case key.Matches(msg, dk.RuleSet):
		v.setEdit(v.whatIf.edit.nextRuleSet())
	case key.Matches(msg, dk.Policy):
		v.setEdit(v.whatIf.edit.nextPolicy(v.rules))
	case key.Matches(msg, dk.Reset):
		v.setEdit(editOf(v.rules))
	case key.Matches(msg, dk.AddAlias):
		v.openPrompt(promptAddAlias, "add a plan alias (RAW=TIER, e.g. k12=pro)")
	case key.Matches(msg, dk.RemoveAlias):
		v.openPrompt(promptRemoveAlias, "remove the alias of plan (e.g. enterprise)")
	case key.Matches(msg, dk.CompareWith):
		v.models.nextSource(v)
		v.models.rebuild(v)
	default:
		for i := range numTabs {
			if key.Matches(msg, dk.Tab[i]) {
				return v.setTab(i)
			}
		}
	}
	v.layout()
	return v.ensure()
}

// setEdit changes the what-if rules; the old result stays on screen,
// marked as updating, until the new one arrives.
func (v *diffView) setEdit(e ruleEdit) {
	v.whatIf.edit = e
	v.whatIf.rebuild(v)
	v.models.rebuild(v)
}

func (v *diffView) openPrompt(kind promptKind, label string) {
	v.prompt = &diffPrompt{kind: kind, label: label, input: newFilterInput(v.styles)}
	v.layout()
}

// updatePrompt edits the prompt; enter submits, esc cancels.
func (v *diffView) updatePrompt(msg tea.KeyMsg) tea.Cmd {
	p, k := v.prompt, v.keys
	switch {
	case key.Matches(msg, k.Clear):
		v.prompt = nil
		v.layout()
		return nil
	case key.Matches(msg, k.Up): // ↑↓ still move the list (only arrows: j and k are text)
		v.list().Move(-1)
		return nil
	case key.Matches(msg, k.Down):
		v.list().Move(1)
		return nil
	case p.busy:
		return nil
	case key.Matches(msg, k.Accept):
		return v.submitPrompt()
	}
	p.input = p.input.Update(msg)
	p.err = ""
	return nil
}

func (v *diffView) submitPrompt() tea.Cmd {
	p := v.prompt
	text := strings.TrimSpace(p.input.Value())
	var err error
	switch p.kind {
	case promptCandidate:
		switch {
		case text == "":
			p.err = "type the path of a models.json"
		case isURL(text) && v.fetchCandidate == nil:
			p.err = errCandidateURL.Error()
		case isURL(text):
			p.busy = true
			return fetchCandidateCmd(text, v.fetchCandidate)
		default:
			p.busy = true
			return loadCandidateCmd(text)
		}
		return nil
	case promptAddAlias:
		var e ruleEdit
		if e, err = v.whatIf.edit.withAlias(text, v.rules); err == nil {
			v.prompt = nil
			v.setEdit(e)
		}
	case promptRemoveAlias:
		var e ruleEdit
		if e, err = v.whatIf.edit.withoutAlias(text, v.rules); err == nil {
			v.prompt = nil
			v.setEdit(e)
		}
	}
	if err != nil {
		p.err = err.Error()
	}
	v.layout()
	return v.ensure()
}

// takeCandidate takes a loaded (or failed) candidate; it returns a text
// for the status line, and whether it is an error.
func (v *diffView) takeCandidate(msg candidateMsg) (text string, failed bool) {
	if p := v.prompt; p != nil && p.kind == promptCandidate && msg.path != "" {
		if msg.err != nil {
			p.busy, p.err = false, msg.err.Error()
			v.layout()
			return "", false
		}
		v.prompt = nil
	}
	if msg.err != nil {
		return "candidate catalog: " + msg.err.Error(), true
	}
	v.setCandidate(msg.cand)
	return "candidate catalog: " + msg.cand.label + " (d, then 2, shows what changes)", false
}

// head is the current tab's fixed lines under the tab bar.
func (v *diffView) head() [][]seg {
	var out [][]seg
	switch v.tab {
	case tabMatrix:
		out = v.matrix.head(v)
	case tabCandidate:
		out = v.cand.head(v)
	case tabWhatIf:
		out = v.whatIf.head(v)
	case tabModels:
		out = v.models.head(v)
	}
	if p := v.prompt; p != nil {
		s := v.styles
		line := []seg{styled(" "+p.label+": ", &s.FilterPrompt), plain(p.input.Value()), styled("█", &s.FilterPrompt)}
		if p.busy {
			line = append(line, styled("  loading …", &s.Muted))
		}
		out = append(out, line)
		if p.err != "" {
			out = append(out, []seg{styled(" ✗ "+p.err, &s.Error)})
		}
	}
	return out
}

// View draws the tab bar, the head and the list.
func (v diffView) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	lines := []string{v.tabBar()}
	for _, h := range v.head() {
		if len(lines) == v.height {
			break // a short terminal: the head is cut, the list gets nothing
		}
		lines = append(lines, padLine(renderSegs(h, v.width, true), v.width))
	}
	if l := v.list(); l.height > 0 {
		lines = append(lines, l.View())
	}
	out := strings.Join(lines, "\n")
	if n := strings.Count(out, "\n") + 1; n < v.height {
		out += strings.Repeat("\n"+strings.Repeat(" ", v.width), v.height-n)
	}
	return auth.Redact(out)
}

// tabBar is "── diff  [1 matrix]  2 candidate  3 what-if  4 models ─── 3/40 ──".
func (v diffView) tabBar() string {
	s := v.styles
	var b strings.Builder
	b.WriteString(s.Rule.Render("── ") + s.PaneTitleOn.Render("diff") + " ")
	for i := range numTabs {
		name := string(rune('1'+i)) + " " + diffTabNames[i]
		if i == v.tab {
			b.WriteString(" " + s.PaneTitleOn.Render("["+name+"]"))
		} else {
			b.WriteString(" " + s.PaneTitle.Render(" "+name+" "))
		}
	}
	left := b.String()
	right := ""
	if pos := v.list().Position(); pos != "" {
		right = " " + s.Muted.Render(pos) + s.Rule.Render(" ──")
	}
	fill := v.width - ansi.StringWidth(left) - ansi.StringWidth(right) - 1
	if fill < 0 {
		return padLine(truncate(left, v.width), v.width)
	}
	return left + " " + s.Rule.Render(strings.Repeat("─", fill)) + right
}

// headField is a labelled head line: " label        value…".
func headField(s *Styles, label string, value ...seg) []seg {
	return append([]seg{styled(" "+fit(label, 13)+" ", &s.Label)}, value...)
}
