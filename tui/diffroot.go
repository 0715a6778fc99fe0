package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// The root's part of the diff views: opening them, routing their keys and
// messages, and the jump from an entry to the accounts table.

// initDiff builds the diff views. With a candidate given at start
// (--candidate), the UI opens on it.
func (m *Model) initDiff() {
	m.diff = newDiffView(&m.styles, &m.keys, m.opts)
	if m.diff.cand.cur != nil {
		m.view = viewDiff
	}
}

// openDiff shows the diff views (d).
func (m *Model) openDiff() tea.Cmd {
	m.view = viewDiff
	return m.syncDiff()
}

// syncDiff brings the diff views up to date with the snapshot while they
// are on screen (after a scan, a reload, a refresh): Update calls it after
// every message; it costs a pointer comparison when nothing changed.
func (m *Model) syncDiff() tea.Cmd {
	if m.view != viewDiff {
		return nil
	}
	return m.diff.sync(m.snap, m.opts.Catalog, m.opts.Rules)
}

// handleDiffKey takes a key in the diff views.
func (m *Model) handleDiffKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	if m.diff.typing() {
		return m.diff.Update(msg)
	}
	switch {
	case key.Matches(msg, k.Back):
		m.view = viewMain
		return nil
	case key.Matches(msg, k.Help):
		m.footer.ToggleHelp()
		return nil
	case key.Matches(msg, k.DiffKeys.Open):
		if label, files, ok := m.diff.Target(); ok {
			return m.showAccounts(label, files)
		}
		return nil
	}
	return m.diff.Update(msg)
}

// handleDiffMsg takes a candidate catalog or a finished diff job.
func (m *Model) handleDiffMsg(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case candidateMsg:
		if text, failed := m.diff.takeCandidate(msg); failed {
			cmd = m.footer.SetStatus(statusError, text)
		} else if text != "" {
			if m.view != viewDiff {
				text += " · d, then 2, shows what it changes"
			}
			cmd = m.footer.SetStatus(statusSuccess, text)
		}
	case diffResultMsg:
		m.diff.take(msg)
	}
	cmd = tea.Batch(cmd, m.syncDiff())
	m.updateKeyBindings() // enter and v depend on the results
	return cmd
}

// showAccounts shows the table narrowed to files (a diff group, the
// accounts serving a model); esc in the table shows every account again.
func (m *Model) showAccounts(label string, files []string) tea.Cmd {
	if len(files) == 0 {
		return m.footer.SetStatus(statusInfo, "no account: "+label)
	}
	m.table.SetScope(label, files)
	m.input.SetValue("")
	m.view, m.focus = viewMain, focusTable
	m.syncDetail()
	return nil
}

// clearScope shows every account again (esc in the table with no filter).
func (m *Model) clearScope() {
	m.table.ClearScope()
	m.syncDetail()
}

// scopeText is the status line's note while the table is narrowed:
// "group 3 of 31 (esc: all) candidate x.json: 3 free accounts lose gpt-5.5".
func (m *Model) scopeText() string {
	sc := m.table.Scope()
	if sc == nil {
		return ""
	}
	s := m.styles
	out := s.FilterPrompt.Render("group ")
	if m.table.Query() == "" && !m.filtering {
		out += s.FilterCount.Render(thousands(m.table.Shown()) + " of " + thousands(m.table.Total()) + " (esc: all) ")
	}
	return out + sc.label
}

// joinStatus joins the non-empty parts of the status line's left side.
func joinStatus(parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += "  "
		}
		out += p
	}
	return out
}

// updateDiffKeyBindings enables the diff bindings where they apply
// (called at the end of updateKeyBindings, so its help texts win).
func (m *Model) updateDiffKeyBindings() {
	k, dk := &m.keys, &m.keys.DiffKeys
	main := m.view == viewMain && !m.filtering
	k.Diff.SetEnabled(main)
	for _, b := range dk.all() {
		b.SetEnabled(false)
	}
	k.Accept.SetHelp("enter", "keep filter")
	k.Clear.SetHelp("esc", "clear filter")
	if main && m.table.Scope() != nil && m.table.Query() == "" {
		k.Clear.SetEnabled(true)
		k.Clear.SetHelp("esc", "all accounts")
	}
	if m.view != viewDiff {
		return
	}
	if p := m.diff.prompt; p != nil {
		k.Clear.SetHelp("esc", "cancel")
		switch p.kind {
		case promptCandidate:
			k.Accept.SetHelp("enter", "load")
		case promptAddAlias:
			k.Accept.SetHelp("enter", "add")
		default:
			k.Accept.SetHelp("enter", "remove")
		}
		return
	}
	k.Back.SetKeys("esc", "d")
	k.Back.SetHelp("esc/d", "back")
	k.Move.SetHelp("↑↓/jk", "move")
	for _, b := range []*key.Binding{&dk.Tabs, &dk.Next, &dk.Prev} {
		b.SetEnabled(true)
	}
	for i := range dk.Tab {
		dk.Tab[i].SetEnabled(true)
	}
	dk.Open.SetEnabled(m.diff.hasTarget())
	switch m.diff.tab {
	case tabMatrix:
		dk.TierA.SetEnabled(true)
		dk.TierB.SetEnabled(true)
		dk.Swap.SetEnabled(true)
	case tabCandidate:
		dk.Load.SetEnabled(true)
	case tabWhatIf:
		for _, b := range []*key.Binding{&dk.RuleSet, &dk.Policy, &dk.AddAlias, &dk.RemoveAlias} {
			b.SetEnabled(true)
		}
		dk.Reset.SetEnabled(m.diff.edited())
	case tabModels:
		dk.CompareWith.SetEnabled(m.diff.models.canSwitch(&m.diff))
	}
}
