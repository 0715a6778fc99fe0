package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/core"
)

// dialogMode is what the write dialog shows.
type dialogMode int

const (
	dialogConfirm dialogMode = iota // W: what will change; y writes, anything else does not
	dialogResult                    // after a batch with failures: every file's outcome
)

// maxGroupLines caps the change groups listed above the preview.
const maxGroupLines = 6

// writeDialog is the confirmation of `W` (changes grouped, then a
// scrollable, redacted diff of every file) and the result of a batch. It
// fills the body; the view under it comes back when it closes.
type writeDialog struct {
	styles *Styles
	keys   *KeyMap

	mode     dialogMode
	title    string
	head     []string // fixed lines above the scrolling part
	subtitle string   // title of the scrolling part
	accounts []*core.Account
	back     viewKind // the view to return to

	vp            viewport.Model
	width, height int
}

// newConfirmDialog asks whether to write what the preview shows. The
// default is No: only y writes.
func newConfirmDialog(s *Styles, k *KeyMap, p writePreview, auditPath string) writeDialog {
	n := plural(len(p.accounts), "file")
	head := []string{
		" " + s.Section.Render("Write the normalized "+core.PlanTypeKey+" to "+n+"?") + "  " + s.ConfirmPrompt.Render("[y/N]"),
	}
	for i, g := range p.groups {
		if i == maxGroupLines-1 && len(p.groups) > maxGroupLines {
			head = append(head, "   "+s.Muted.Render(fmt.Sprintf("… and %d more kinds of change", len(p.groups)-i)))
			break
		}
		head = append(head, "   "+g.String())
	}
	head = append(head,
		" "+s.Muted.Render("Each file is re-read just before it is replaced: if it changed, it is reloaded, not overwritten."),
		" "+s.Muted.Render("Audit log: "+displayPath(auditPath)),
	)
	var body strings.Builder
	for _, pr := range p.problems {
		body.WriteString(s.Error.Render("✗ cannot preview "+pr) + "\n")
	}
	body.WriteString(styleDiff(s, p.diff))
	d := writeDialog{
		styles: s, keys: k, mode: dialogConfirm, title: "write " + core.PlanTypeKey,
		head: head, subtitle: "preview · unified diff, secrets redacted", accounts: p.accounts,
		vp: viewport.New(0, 0),
	}
	d.vp.SetContent(strings.TrimRight(body.String(), "\n"))
	return d
}

// newResultDialog lists every file of a batch that had a problem, then
// the ones written.
func newResultDialog(s *Styles, k *KeyMap, res core.BatchResult, reloadErr []string) writeDialog {
	head := []string{" " + s.Section.Render(batchText(res))}
	if res.Conflicts > 0 {
		head = append(head, " "+s.Muted.Render("Conflicting files changed on disk while being written; they were reloaded and keep the other writer's content."))
	}
	var body strings.Builder
	line := func(style func(...string) string, status, file, what string) {
		body.WriteString(style(fmt.Sprintf(" %-9s %s", status, file)) + "  " + s.Muted.Render(what) + "\n")
	}
	for _, o := range res.Outcomes {
		if o.Status != core.StatusWritten && o.Status != core.StatusUnchanged {
			line(s.Error.Render, o.Status, o.File, o.Error)
		}
	}
	for _, e := range reloadErr {
		line(s.Error.Render, "reload", e, "")
	}
	for _, t := range res.CleanedTemps {
		line(s.Muted.Render, "removed", t, "a temp file left by a crashed write")
	}
	for _, o := range res.Outcomes {
		if o.Status == core.StatusWritten {
			line(s.Good.Render, o.Status, o.File, fmt.Sprintf("%s %s → %s", core.PlanTypeKey, fromText(o.From), o.To))
		}
	}
	d := writeDialog{
		styles: s, keys: k, mode: dialogResult, title: "write result",
		head: head, subtitle: "files (batch " + res.Batch + ")", vp: viewport.New(0, 0),
	}
	d.vp.SetContent(auth.Redact(strings.TrimRight(body.String(), "\n")))
	return d
}

func fromText(s *string) string {
	if s == nil {
		return "(absent)"
	}
	return fmt.Sprintf("%q", *s)
}

// styleDiff colours a unified diff by line.
func styleDiff(s *Styles, diff string) string {
	lines := strings.Split(strings.TrimRight(diff, "\n"), "\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
			lines[i] = s.Section.Render(l)
		case strings.HasPrefix(l, "@@"):
			lines[i] = s.PreviewHunk.Render(l)
		case strings.HasPrefix(l, "+"):
			lines[i] = s.PreviewAdd.Render(l)
		case strings.HasPrefix(l, "-"):
			lines[i] = s.PreviewDel.Render(l)
		}
	}
	return strings.Join(lines, "\n")
}

// SetSize sets the dialog's outer size.
func (d *writeDialog) SetSize(width, height int) {
	d.width, d.height = width, height
	d.vp.Width = max(width, 0)
	d.vp.Height = max(height-2-len(d.head), 0) // the two title lines
}

// Update scrolls the scrolling part.
func (d writeDialog) Update(msg tea.KeyMsg) writeDialog {
	k := d.keys
	switch {
	case key.Matches(msg, k.Up):
		d.vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		d.vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		d.vp.PageUp()
	case key.Matches(msg, k.PageDown):
		d.vp.PageDown()
	case key.Matches(msg, k.Home):
		d.vp.GotoTop()
	case key.Matches(msg, k.End):
		d.vp.GotoBottom()
	}
	return d
}

// View renders the dialog in its size.
func (d writeDialog) View() string {
	if d.width <= 0 || d.height <= 0 {
		return ""
	}
	lines := []string{paneTitle(d.styles, d.title, "", d.width, true)}
	for _, h := range d.head {
		lines = append(lines, truncate(h, d.width))
	}
	scroll := ""
	if d.vp.TotalLineCount() > d.vp.Height && d.vp.Height > 0 {
		scroll = fmt.Sprintf("%3.f%%", d.vp.ScrollPercent()*100)
	}
	lines = append(lines, paneTitle(d.styles, d.subtitle, scroll, d.width, false))
	out := strings.Join(lines, "\n")
	if d.vp.Height > 0 {
		out += "\n" + d.vp.View()
	}
	// Never taller than the body, whatever the head holds.
	all := strings.Split(out, "\n")
	return strings.Join(all[:min(len(all), d.height)], "\n")
}

// openDialog shows a dialog in place of the current view.
func (m *Model) openDialog(d writeDialog) {
	if m.view != viewWrite {
		d.back = m.view
	} else {
		d.back = m.dialog.back
	}
	m.dialog = d
	m.view = viewWrite
	m.filtering = false // a filter typed while the preview was prepared stays applied
	m.updateKeyBindings()
	m.layout()
}

// closeDialog returns to the view under the dialog.
func (m *Model) closeDialog() {
	m.view = m.dialog.back
	m.dialog = writeDialog{}
}

// handleWriteKey is the dialog's keys: y writes (confirmation only);
// n, enter and esc close without writing.
func (m *Model) handleWriteKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Yes) && m.dialog.mode == dialogConfirm:
		accounts := m.dialog.accounts
		m.closeDialog()
		if why := m.writeRefusal(); why != "" {
			return m.footer.SetStatus(statusError, why)
		}
		return m.startWrite(accounts, false)
	case key.Matches(msg, k.No):
		mode := m.dialog.mode
		m.closeDialog()
		if mode == dialogConfirm {
			return m.footer.SetStatus(statusInfo, "nothing written")
		}
	case key.Matches(msg, k.Help):
		m.footer.ToggleHelp()
	default:
		m.dialog = m.dialog.Update(msg)
	}
	return nil
}
