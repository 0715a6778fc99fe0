package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/core"
	"github.com/tierscope/tierscope/mgmt"
)

// The live check against the running proxy (Options.Proxy): after the
// first scan, and on r, every account's predicted models are compared with
// what the proxy's management API says it serves. core.Verifier does the
// requests, a bounded number at a time, on a goroutine of its own; its
// results come back over a channel that a command drains in batches, so a
// slow or hanging proxy never holds up a key. Results are kept per file
// with the models the proxy served, and judged again (core.JudgeAccount, no
// request) whenever the account they describe is replaced: a file
// reloaded, a new catalog.

// verifyBuffer is how many results the checking goroutine may get ahead
// of the UI before it waits.
const verifyBuffer = 64

// proxyBarWidth is the width of the header's progress bar.
const proxyBarWidth = 10

// verifyState is the live check: the run in flight or the last one, what
// it found, and how it ended.
type verifyState struct {
	run     *verifyRun // nil before the first run
	running bool
	// results are the accounts checked, by file, each judged against the
	// account the table shows.
	results map[string]*core.VerifyResult
	only    []core.VerifyResult // accounts only on the proxy, in its order
	// progress is the run's, as core counts it; summary counts the results
	// as judged now (after reloads), over the accounts shown.
	progress core.VerifyProgress
	summary  core.VerifySummary
	fatal    error // what stopped the last run (a refused key, the proxy down); nil otherwise
}

// verifyRun is one run. Its goroutine starts when a command first waits on
// it, so a run whose command never executes costs nothing.
type verifyRun struct {
	proxy core.ProxyAPI
	conc  int
	now   func() time.Time
	scope core.VerifyScope
	stop  <-chan struct{} // closed when the UI quits: the run is cancelled
	work  *background

	events chan verifyEvent
	once   sync.Once
}

// verifyEvent is one step of a run: a result and the progress after it,
// or the end (the summary, and the error that stopped the run, if any).
type verifyEvent struct {
	res      *core.VerifyResult // nil: progress only
	progress core.VerifyProgress
	end      bool
	sum      core.VerifySummary
	err      error
}

// verifyBatchMsg is what a run sent since the last batch. closed says the
// run's goroutine is gone (it ended, or never started because the UI quits).
type verifyBatchMsg struct {
	run    *verifyRun
	events []verifyEvent
	closed bool
}

// initVerify wires the check into the table when a proxy is configured:
// a PROXY column, filled in whenever rows are set.
func (m *Model) initVerify() {
	if m.opts.Proxy == nil {
		return
	}
	m.verify.results = map[string]*core.VerifyResult{}
	m.table.proxyShown = true
	m.table.annotate = m.annotateProxy
	m.catalog.proxy = m.proxySection
	m.syncVerifyViews()
}

// startVerify starts a run over every account, the selected one first;
// asked says the user pressed r, who is told why nothing starts.
func (m *Model) startVerify(asked bool) tea.Cmd {
	v := &m.verify
	switch {
	case m.opts.Proxy == nil:
		return nil
	case m.snap == nil:
		if asked {
			return m.footer.SetStatus(statusInfo, "the proxy check starts once the accounts are read")
		}
		return nil
	case v.running && asked:
		return m.footer.SetStatus(statusInfo, fmt.Sprintf("a proxy check is already running (%s of %s)",
			thousands(v.progress.Done), thousands(v.progress.Total)))
	case v.running || (v.run != nil && !asked):
		return nil // the first scan starts one run; later ones are the user's
	}
	run := &verifyRun{
		proxy: m.opts.Proxy, conc: m.opts.ProxyConcurrency, now: m.now, scope: m.verifyScope(),
		stop: m.stop, work: m.work, events: make(chan verifyEvent, verifyBuffer),
	}
	v.run, v.running = run, true
	v.results = map[string]*core.VerifyResult{}
	v.only, v.fatal, v.progress = nil, nil, core.VerifyProgress{}
	m.table.SetRows(m.table.rows) // every row pending
	m.syncDetail()
	m.syncVerifyViews()
	m.layout()
	return run.next()
}

// refreshAll is r: the catalog refresh (with a fetcher) and the proxy
// check (with a proxy), each unless it already runs.
func (m *Model) refreshAll() tea.Cmd {
	return tea.Batch(m.startRefresh(true), m.startVerify(true))
}

// refreshHelp says what r does with this configuration.
func refreshHelp(fetcher, proxy bool) string {
	switch {
	case fetcher && proxy:
		return "refresh catalog, check proxy"
	case proxy:
		return "check proxy again"
	}
	return "refresh catalog"
}

// verifyScope is every account, the selected one first, then the rows in
// the order the table shows them, so the screen fills in first.
func (m *Model) verifyScope() core.VerifyScope {
	all := m.snap.Accounts
	accounts := make([]*core.Account, 0, len(all))
	seen := make(map[*core.Account]bool, len(all))
	add := func(a *core.Account) {
		if !seen[a] {
			seen[a] = true
			accounts = append(accounts, a)
		}
	}
	if r := m.table.Selected(); r != nil {
		add(r.acc)
	}
	for _, i := range m.table.view {
		add(m.table.rows[i].acc)
	}
	for _, a := range all {
		add(a)
	}
	return core.VerifyScope{Accounts: accounts, Known: all, OnlyOnProxy: true}
}

// next waits for the run's next batch of events (starting the run the
// first time).
func (r *verifyRun) next() tea.Cmd {
	return func() tea.Msg {
		r.once.Do(r.launch)
		return r.collect()
	}
}

// launch starts the goroutine that runs the check, unless the UI quits.
func (r *verifyRun) launch() {
	if !r.work.start() {
		close(r.events)
		return
	}
	go func() {
		defer r.work.done()
		defer close(r.events)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			select {
			case <-r.stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		send := func(e verifyEvent) {
			select {
			case r.events <- e:
			case <-ctx.Done():
			}
		}
		// Verifier calls onResult, then OnProgress, on this goroutine:
		// one event carries both.
		var last *core.VerifyResult
		v := core.Verifier{
			Proxy: r.proxy, Concurrency: r.conc, Now: r.now,
			OnProgress: func(p core.VerifyProgress) {
				send(verifyEvent{res: last, progress: p})
				last = nil
			},
		}
		sum, err := v.Verify(ctx, r.scope, func(res core.VerifyResult) { last = &res })
		send(verifyEvent{end: true, sum: sum, err: err})
	}()
}

// collect waits for one event, then gathers what else comes within
// progressEvery, so that the table is rebuilt a few times a second at
// most, however fast results arrive.
func (r *verifyRun) collect() tea.Msg {
	msg := verifyBatchMsg{run: r}
	e, ok := <-r.events
	if !ok {
		msg.closed = true
		return msg
	}
	msg.events = append(msg.events, e)
	timer := time.NewTimer(progressEvery)
	defer timer.Stop()
	for !e.end {
		select {
		case e, ok = <-r.events:
			if !ok {
				msg.closed = true
				return msg
			}
			msg.events = append(msg.events, e)
		case <-timer.C:
			return msg
		}
	}
	return msg
}

// handleVerify applies a batch of results: rows, progress, the end.
func (m *Model) handleVerify(msg verifyBatchMsg) tea.Cmd {
	v := &m.verify
	if msg.run != v.run || !v.running {
		return nil
	}
	var end *verifyEvent
	changed := false
	for i, e := range msg.events {
		if e.res != nil {
			if e.res.Account == nil {
				v.only = append(v.only, *e.res)
			} else {
				v.results[e.res.File] = e.res
			}
			changed = true
		}
		if e.end {
			end = &msg.events[i]
		} else {
			v.progress = e.progress
		}
	}
	over := end != nil || msg.closed
	if over {
		v.running = false
		if end != nil && end.err != nil && !errors.Is(end.err, context.Canceled) {
			v.fatal = end.err
		}
	}
	if changed || over {
		m.table.SetRows(m.table.rows) // re-sorted and re-filtered with the new cells
		m.syncDetail()
	}
	m.syncVerifyViews()
	m.layout()
	switch {
	case !over:
		return v.run.next()
	case v.fatal != nil:
		return m.footer.SetStatus(statusError, "proxy check stopped: "+verifyErrorText(v.fatal))
	case end == nil || end.err != nil:
		return nil // cancelled: the UI quits
	}
	kind, text := statusSuccess, "proxy check: "+end.sum.String()
	if !end.sum.OK {
		kind = statusError
	}
	if end.sum.OnlyOnProxy > 0 {
		text += " (c lists the accounts only on the proxy)"
	}
	return m.footer.SetStatus(kind, text)
}

// verifyErrorText words an error that stopped a run, with what to fix.
func verifyErrorText(err error) string {
	var me *mgmt.Error
	if errors.As(err, &me) && (me.Kind == mgmt.KindWrongKey || me.Kind == mgmt.KindMissingKey) {
		return err.Error() + "; check the management key"
	}
	return err.Error()
}

// stopWord is the header's short reason for a stopped run.
func stopWord(err error) string {
	var me *mgmt.Error
	if !errors.As(err, &me) {
		return "stopped"
	}
	switch me.Kind {
	case mgmt.KindWrongKey:
		return "wrong key"
	case mgmt.KindMissingKey:
		return "no key"
	case mgmt.KindForbidden:
		return "access refused"
	case mgmt.KindNotEnabled:
		return "management API disabled"
	case mgmt.KindUnreachable:
		return "unreachable"
	case mgmt.KindTimeout:
		return "timed out"
	}
	return "stopped"
}

// proxyMark is a row's PROXY cell: the result it shows (nil: none) and
// how it sorts.
type proxyMark struct {
	res  *core.VerifyResult
	text string
	rank int // worst first, see the proxyRank constants
	diff int // differing models, for ≠
}

// PROXY sorts worst first, like FLAGS.
const (
	proxyRankError = iota
	proxyRankDiffers
	proxyRankAbsent // not loaded, though tierscope predicts it would be
	proxyRankAbsentAsPredicted
	proxyRankPending
	proxyRankUnchecked
	proxyRankEqual
)

// proxyWords make each state findable by the filter in plain words.
var proxyWords = map[int]string{
	proxyRankError: "error", proxyRankDiffers: "differs", proxyRankAbsent: "absent",
	proxyRankAbsentAsPredicted: "absent", proxyRankPending: "pending",
	proxyRankUnchecked: "unchecked", proxyRankEqual: "equal",
}

// markFor is the cell of an account with result res (nil: none yet).
func (v *verifyState) markFor(res *core.VerifyResult) proxyMark {
	switch {
	case res != nil:
	case v.run == nil || v.running:
		return proxyMark{text: "…", rank: proxyRankPending}
	case v.fatal != nil:
		return proxyMark{text: "err", rank: proxyRankError}
	default:
		return proxyMark{rank: proxyRankUnchecked} // a file added since the run
	}
	mk := proxyMark{res: res}
	switch res.Status {
	case core.VerifyEqual:
		mk.text, mk.rank = "=", proxyRankEqual
	case core.VerifyDiffers:
		mk.diff = len(res.Missing) + len(res.Extra)
		mk.text, mk.rank = fmt.Sprintf("≠ %d", mk.diff), proxyRankDiffers
	case core.VerifyNotOnProxy:
		mk.text, mk.rank = "absent", proxyRankAbsent
		if res.OK {
			mk.rank = proxyRankAbsentAsPredicted
		}
	default:
		mk.text, mk.rank = "err", proxyRankError
	}
	return mk
}

// annotateProxy fills in the PROXY cells of rows (the table's annotate
// hook, run whenever rows are set). A result whose account was replaced
// (reloaded, re-resolved under a new catalog) is judged again from the
// models the proxy served. Rows are shared with background rebuilds, so a
// changed one is copied, never edited.
func (m *Model) annotateProxy(rows []*row) []*row {
	v := &m.verify
	var out []*row
	var sum core.VerifySummary
	for i, r := range rows {
		res := v.results[r.acc.File]
		if res != nil && res.Account != r.acc {
			res = rejudge(res, r.acc)
			v.results[r.acc.File] = res
		}
		if res != nil {
			sum.Add(*res)
		}
		mk := v.markFor(res)
		if mk == r.proxy {
			continue
		}
		if out == nil {
			out = slices.Clone(rows)
		}
		out[i] = r.withProxy(mk)
	}
	for _, o := range v.only {
		sum.Add(o)
	}
	v.summary = sum
	if out == nil {
		return rows
	}
	return out
}

// rejudge is prev judged again for a, from what the proxy served; an
// account whose models could not be fetched keeps its error.
func rejudge(prev *core.VerifyResult, a *core.Account) *core.VerifyResult {
	if prev.Status != core.VerifyError {
		r := core.JudgeAccount(a, prev.Proxy, prev.Actual)
		return &r
	}
	r := core.JudgeAccount(a, prev.Proxy, nil)
	r.Status, r.OK, r.Error, r.Missing, r.Extra = core.VerifyError, false, prev.Error, []string{}, []string{}
	return &r
}

// withProxy is a copy of r with another PROXY cell.
func (r *row) withProxy(mk proxyMark) *row {
	cp := *r
	cp.proxy = mk
	cp.cells[colProxy] = mk.text
	cp.lower[colProxy] = strings.ToLower(mk.text)
	cp.key = strings.Join(cp.lower[:], " ") + " " + proxyWords[mk.rank]
	return &cp
}

// proxyCell fits the PROXY cell in w cells, coloured unless plain.
func (t accountTable) proxyCell(r *row, w int, colour bool) string {
	text := fit(r.cells[colProxy], w)
	if !colour {
		return text
	}
	switch r.proxy.rank {
	case proxyRankEqual:
		return t.styles.Good.Render(text)
	case proxyRankError, proxyRankDiffers:
		return t.styles.Error.Render(text)
	case proxyRankAbsent:
		return t.styles.Warn.Render(text)
	}
	return t.styles.Muted.Render(text)
}

// syncVerifyViews shows the check in the header and, when it is open,
// the catalog view.
func (m *Model) syncVerifyViews() {
	m.header.proxy = m.proxyHeader()
	if m.view == viewCatalog {
		m.catalog.render()
	}
}

// proxyHeader is the header's segment: a progress bar with an ETA while a
// run goes, then what it found, or why it stopped.
func (m *Model) proxyHeader() string {
	v, s := &m.verify, &m.styles
	label := s.Header.Render("proxy ")
	switch {
	case v.fatal != nil && !v.running:
		return s.Old.Render("proxy ✗ " + stopWord(v.fatal))
	case v.running && v.progress.Total > 0:
		return label + progressText(s, v.progress)
	case v.running || v.run == nil:
		return label + s.Muted.Render("checking …")
	}
	sum := v.summary
	var parts []string
	switch {
	case sum.Differs == 1:
		parts = append(parts, "1 differs")
	case sum.Differs > 1:
		parts = append(parts, thousands(sum.Differs)+" differ")
	}
	if sum.Errors > 0 {
		parts = append(parts, plural(sum.Errors, "error"))
	}
	parts = append(parts, thousands(sum.Equal)+" equal")
	if sum.NotOnProxy > 0 {
		parts = append(parts, thousands(sum.NotOnProxy)+" absent")
	}
	if sum.OnlyOnProxy > 0 {
		parts = append(parts, plural(sum.OnlyOnProxy, "account")+" only on the proxy")
	}
	mark, style := "✓ ", s.Fresh
	if !sum.OK && sum.Total > 0 {
		mark, style = "✗ ", s.Stale
	}
	return label + style.Render(mark+strings.Join(parts, ", "))
}

// progressText is "██████░░░░ 12/31 · 1m20s left" (the ETA once known).
func progressText(s *Styles, p core.VerifyProgress) string {
	done := 0
	if p.Total > 0 {
		done = min(p.Done*proxyBarWidth/p.Total, proxyBarWidth)
	}
	// bubbles/progress would need a module this build does not have
	// (harmonica) and colours outside Styles; ten cells are enough.
	bar := s.ProgressDone.Render(strings.Repeat("█", done)) + s.ProgressLeft.Render(strings.Repeat("░", proxyBarWidth-done))
	text := " " + thousands(p.Done) + "/" + thousands(p.Total)
	if p.ETA >= time.Second {
		text += " · " + p.ETA.Round(time.Second).String() + " left"
	}
	return bar + s.Header.Render(text)
}

// proxySection is the catalog view's account of the proxy, width cells
// wide: the check's state and the accounts only the proxy has.
func (m *Model) proxySection(width int) string {
	v, s := &m.verify, &m.styles
	w := &detailWriter{s: s, width: width}
	w.section("proxy")
	if m.opts.ProxyAddr != "" {
		w.field("address", m.opts.ProxyAddr)
	}
	switch {
	case v.fatal != nil && !v.running:
		w.styledField("check", "stopped: "+verifyErrorText(v.fatal), s.Error)
	case v.running:
		w.field("check", fmt.Sprintf("running: %s of %s accounts, %d requests at a time",
			thousands(v.progress.Done), thousands(v.progress.Total), v.progress.Concurrency))
	case v.run == nil:
		w.field("check", "starts once the accounts are read")
	default:
		w.field("check", v.summary.String())
	}
	w.blank()
	w.section(fmt.Sprintf("only on the proxy (%d)", len(v.only)))
	if len(v.only) == 0 {
		w.line(s.Muted.Render("none"))
	}
	for _, o := range v.only {
		w.line(o.File + "  " + s.Muted.Render(strings.Join(nonEmpty(o.Provider, o.Note), " · ")))
	}
	return auth.Redact(w.String())
}

// proxyView is what the detail pane says about one account's check.
type proxyView struct {
	on      bool               // a proxy is configured
	res     *core.VerifyResult // nil: no result
	pending bool               // a run will get to it
	stopped string             // why the run stopped before it
}

// proxyViewOf is the check of account a as the detail pane shows it.
func (m *Model) proxyViewOf(a *core.Account) proxyView {
	v := &m.verify
	if m.opts.Proxy == nil || a == nil {
		return proxyView{}
	}
	pv := proxyView{on: true, res: v.results[a.File]}
	switch {
	case pv.res != nil:
		if pv.res.Account != a {
			pv.res = rejudge(pv.res, a) // the table has not caught up yet
		}
	case v.run == nil || v.running:
		pv.pending = true
	case v.fatal != nil:
		pv.stopped = verifyErrorText(v.fatal)
	}
	return pv
}

// SetProxy shows an account's check; the content is rebuilt only when it
// changed.
func (d *detailPane) SetProxy(v proxyView) {
	if v == d.proxy {
		return
	}
	d.proxy = v
	d.render()
}

// renderProxy is the detail pane's "proxy" section: predicted against
// what the proxy serves, the models that differ by name, or the error.
func renderProxy(w *detailWriter, v proxyView) {
	if !v.on {
		return
	}
	w.blank()
	w.section("proxy")
	r := v.res
	switch {
	case r == nil && v.pending:
		w.styledField("status", "… pending: waiting for the proxy's answer", w.s.Muted)
		return
	case r == nil && v.stopped != "":
		w.styledField("status", "err: not checked, the check stopped", w.s.Error)
		w.field("error", v.stopped)
		return
	case r == nil:
		w.styledField("status", "not checked yet (r checks the proxy)", w.s.Muted)
		return
	}
	switch r.Status {
	case core.VerifyEqual:
		w.styledField("status", "= equal: the proxy serves the predicted models", w.s.Good)
		w.field("models", fmt.Sprintf("%d predicted, %d served", len(r.Predicted), len(r.Actual)))
	case core.VerifyDiffers:
		w.styledField("status", fmt.Sprintf("≠ differs: %d missing, %d extra", len(r.Missing), len(r.Extra)), w.s.Error)
		w.field("models", fmt.Sprintf("%d predicted, %d served", len(r.Predicted), len(r.Actual)))
		if len(r.Missing) > 0 {
			w.styledField("missing", strings.Join(r.Missing, ", "), w.s.Removed)
		}
		if len(r.Extra) > 0 {
			w.styledField("extra", strings.Join(r.Extra, ", "), w.s.Added)
		}
	case core.VerifyNotOnProxy:
		style := w.s.Warn
		if r.OK {
			style = w.s.Value
		}
		w.styledField("status", "absent: the proxy did not load it", style)
		w.field("models", fmt.Sprintf("%d predicted, none served", len(r.Predicted)))
	default:
		w.styledField("status", "err: its models could not be fetched", w.s.Error)
		if r.Error != nil {
			w.field("error", *r.Error)
		}
	}
	if r.Note != "" {
		w.field("note", r.Note)
	}
}

// withProxy adds the proxy check's segment to the header's, when a proxy
// is configured.
func (h header) withProxy(segs []string) []string {
	if h.proxy == "" {
		return segs
	}
	return append(segs, h.proxy)
}
