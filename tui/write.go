package tui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aymanbagabas/go-udiff"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// progressEvery is how often the footer shows a batch's progress.
const progressEvery = 100 * time.Millisecond

// writeState is the write batch in flight, if any: one at a time.
type writeState struct {
	running  bool
	progress *writeProgress
}

// writeProgress is updated by the writer's goroutine, read by Update.
type writeProgress struct {
	done, total atomic.Int64
}

func (p *writeProgress) set(done, total int) {
	p.done.Store(int64(done))
	p.total.Store(int64(total))
}

func (p *writeProgress) text() string {
	done, total := p.done.Load(), p.total.Load()
	if total == 1 {
		return "writing plan_type …"
	}
	return fmt.Sprintf("writing plan_type: %s of %s files", thousands(int(done)), thousands(int(total)))
}

// writeRefusal says why no write can start now, or "".
func (m *Model) writeRefusal() string {
	switch {
	case m.opts.ReadOnly:
		return "read-only: writes are off"
	case m.writes.running:
		return "a write is already running"
	case m.snap == nil:
		return "the accounts are still being read"
	case m.opts.AuditLog.Path == "":
		return "no audit log to record writes in: pass --cache-dir"
	}
	return ""
}

// writeSelected is `w`: write the selected account's normalized plan_type.
func (m *Model) writeSelected() tea.Cmd {
	if why := m.writeRefusal(); why != "" {
		return m.footer.SetStatus(statusError, why)
	}
	r := m.table.Selected()
	if r == nil {
		return m.footer.SetStatus(statusError, "no account selected")
	}
	if _, ok := core.PlannedPlanType(r.acc); !ok {
		return m.footer.SetStatus(statusInfo, "nothing to write: "+nothingToWrite(r.acc))
	}
	return m.startWrite([]*core.Account{r.acc}, true)
}

// nothingToWrite says why an account needs no write (PlannedPlanType is
// false), in the words of DESIGN §3.
func nothingToWrite(a *core.Account) string {
	p := a.Plan
	switch {
	case a.Error != nil:
		return a.File + " could not be read"
	case a.Provider != "codex" || p == nil:
		return "plan_type is only written for Codex accounts"
	case p.Source == nil:
		return "no plan is known, and a write never invents one"
	case *p.Source != core.SourceIDToken:
		return "the plan comes from the stored " + *p.Source + ", not from an id_token"
	case p.Normalized == nil:
		return fmt.Sprintf("plan %q is unknown, and a write never invents a tier", deref(p.Raw))
	case a.Raw.IDToken != nil && a.Raw.IDToken.Signature == auth.SignatureInvalid:
		return "the id_token's signature is invalid"
	}
	return fmt.Sprintf("plan_type is already %q", *p.Normalized)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// confirmWriteAll is `W`: prepare the preview of every write needed; the
// confirmation opens when it is ready.
func (m *Model) confirmWriteAll() tea.Cmd {
	if why := m.writeRefusal(); why != "" {
		return m.footer.SetStatus(statusError, why)
	}
	var todo []*core.Account
	for _, a := range m.snap.Accounts {
		if _, ok := core.PlannedPlanType(a); ok {
			todo = append(todo, a)
		}
	}
	if len(todo) == 0 {
		return m.footer.SetStatus(statusInfo, "nothing to write: every plan_type known from an id_token is stored normalized")
	}
	m.footer.busy = "preparing the preview of " + plural(len(todo), "file") + " …"
	return tea.Batch(previewCmd(m.opts.Source, todo), m.footer.spinner.Tick)
}

// writePreview is what the confirmation shows: the changes grouped, and
// the unified diff of every file, redacted.
type writePreview struct {
	accounts []*core.Account
	groups   []changeGroup
	diff     string
	problems []string // files that could not be previewed (they are still written, or reported)
}

// changeGroup is one kind of change and how many files get it:
// "12 × plan_type (absent) → team".
type changeGroup struct {
	from, to string
	count    int
}

func (g changeGroup) String() string {
	return fmt.Sprintf("%s × %s %s → %s", thousands(g.count), core.PlanTypeKey, g.from, g.to)
}

// previewCmd reads every record to write (files, or store rows through
// the source) and diffs it with what the write would make of it.
func previewCmd(src auth.Source, accounts []*core.Account) tea.Cmd {
	return func() tea.Msg {
		p := writePreview{accounts: accounts}
		counts := map[changeGroup]int{}
		var diff strings.Builder
		prepared := core.PreparePlanWrites(context.Background(), src, accounts)
		for i, a := range accounts {
			tier, _ := core.PlannedPlanType(a)
			counts[changeGroup{from: storedText(a), to: tier}]++
			w := prepared[i]
			switch {
			case w.Err != nil:
				p.problems = append(p.problems, w.Err.Error())
			case w.Needed:
				diff.WriteString(udiff.Unified("a/"+w.Write.File, "b/"+w.Write.File, string(w.Write.Before), string(w.Write.After)))
			}
		}
		for g, n := range counts {
			g.count = n
			p.groups = append(p.groups, g)
		}
		slices.SortFunc(p.groups, func(a, b changeGroup) int {
			return cmp.Or(cmp.Compare(b.count, a.count), strings.Compare(a.to, b.to), strings.Compare(a.from, b.from))
		})
		p.diff = auth.Redact(diff.String())
		return writePreviewMsg{preview: p}
	}
}

// storedText is the stored plan_type as the change groups show it.
func storedText(a *core.Account) string {
	switch st := a.Raw.StoredPlan; {
	case st.IsString:
		return fmt.Sprintf("%q", st.Value)
	case st.Present:
		return "(not a string)"
	}
	return "(absent)"
}

// startWrite writes accounts in the background and shows its progress.
func (m *Model) startWrite(accounts []*core.Account, single bool) tea.Cmd {
	p := &writeProgress{}
	p.set(0, len(accounts))
	m.writes = writeState{running: true, progress: p}
	w := core.Writer{Source: m.opts.Source, Audit: m.opts.AuditLog, Now: m.now, Progress: p.set}
	m.footer.busy = p.text()
	return tea.Batch(
		writeCmd(w, m.snap, accounts, m.table.rows, m.opts.Catalog, single, m.work),
		m.footer.spinner.Tick,
		writeProgressTick(),
	)
}

// writeCmd runs the batch, then re-reads every file of it through the
// source (the watcher's path), so the table shows what is on disk when the
// batch is reported, conflicts included.
func writeCmd(w core.Writer, snap *core.Snapshot, accounts []*core.Account, prev []*row, cat catalog.Loaded, single bool, work *background) tea.Cmd {
	return func() tea.Msg {
		if !work.start() {
			return nil // quitting: nothing was written
		}
		defer work.done()
		res := w.WritePlans(context.Background(), snap, accounts)
		files := make([]string, len(accounts))
		for i, a := range accounts {
			files[i] = a.File
		}
		loads := loadFiles(w.Source, files)
		msg := writeDoneMsg{res: res, single: single}
		for _, l := range loads {
			if l.err != nil {
				msg.reloadErr = append(msg.reloadErr, l.file+": "+l.err.Error())
			}
		}
		msg.build = rebuild(snap, prev, func(s *core.Snapshot) *core.Snapshot { return withFiles(s, loads) }, cat)
		msg.build.edit = reloadEdit(w.Source, files) // a later rebuild reads the disk again
		return msg
	}
}

func writeProgressTick() tea.Cmd {
	return tea.Tick(progressEvery, func(time.Time) tea.Msg { return writeProgressMsg{} })
}

// handleWrite takes the write messages.
func (m *Model) handleWrite(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case writePreviewMsg:
		m.footer.busy = ""
		m.openDialog(newConfirmDialog(&m.styles, &m.keys, msg.preview, m.opts.AuditLog.Path))
	case writeProgressMsg:
		if !m.writes.running {
			return nil
		}
		m.footer.busy = m.writes.progress.text()
		return writeProgressTick()
	case writeDoneMsg:
		return m.handleWriteDone(msg)
	}
	return nil
}

// handleWriteDone shows the table from disk and reports the batch: in the
// status line, and per file in the result view when a file failed.
func (m *Model) handleWriteDone(msg writeDoneMsg) tea.Cmd {
	m.writes.running = false
	m.footer.busy = ""
	cmd := m.adoptSnapshot(msg.build)
	res := msg.res
	var text string
	kind := statusSuccess
	if res.Failed() > 0 || len(msg.reloadErr) > 0 {
		kind = statusError
	}
	if msg.single && len(res.Outcomes) > 0 {
		text = outcomeText(res.Outcomes[0])
		for _, o := range res.Outcomes[1:] { // the audit log's failure
			text += "; " + o.Error
		}
		if res.Outcomes[0].Status == core.StatusUnchanged {
			kind = statusInfo
		}
	} else {
		text = batchText(res)
	}
	if n := len(msg.reloadErr); n > 0 {
		text += fmt.Sprintf("; %s not re-read: %s", plural(n, "file"), msg.reloadErr[0])
	}
	if !msg.single && (res.Failed() > 0 || len(res.CleanedTemps) > 0) {
		m.openDialog(newResultDialog(&m.styles, &m.keys, res, msg.reloadErr))
	}
	return tea.Batch(cmd, m.footer.SetStatus(kind, text))
}

// outcomeText words one file's outcome for the status line.
func outcomeText(o core.WriteOutcome) string {
	switch o.Status {
	case core.StatusWritten:
		return fmt.Sprintf("wrote %s %q to %s", core.PlanTypeKey, o.To, o.File)
	case core.StatusUnchanged:
		return "nothing to write: " + o.File + " needs no change on disk"
	case core.StatusConflict:
		return "conflict: " + o.File + " changed on disk while writing (" + o.Error + "); not written, reloaded"
	case core.StatusRefused:
		return "refused: " + o.File + ": " + o.Error
	}
	return "write failed: " + o.File + ": " + o.Error
}

// batchText sums up a batch in one line, naming the first files that
// failed.
func batchText(res core.BatchResult) string {
	parts := []string{fmt.Sprintf("wrote %s to %s", core.PlanTypeKey, plural(res.Written, "file"))}
	add := func(n int, one, many string) {
		switch {
		case n == 1:
			parts = append(parts, "1 "+one)
		case n > 1:
			parts = append(parts, thousands(n)+" "+many)
		}
	}
	add(res.Unchanged, "unchanged", "unchanged")
	add(res.Conflicts, "conflict (reloaded)", "conflicts (reloaded)")
	add(res.Refused, "refused", "refused")
	add(res.Errors, "error", "errors")
	text := strings.Join(parts, " · ")
	var failed []string
	for _, o := range res.Outcomes {
		if o.Status != core.StatusWritten && o.Status != core.StatusUnchanged {
			failed = append(failed, o.File)
		}
	}
	if len(failed) > 0 {
		text += ": " + strings.Join(failed[:min(len(failed), 3)], ", ")
		if len(failed) > 3 {
			text += fmt.Sprintf(" and %d more", len(failed)-3)
		}
	}
	return text
}
