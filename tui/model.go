package tui

import (
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/core"
)

// viewKind is what fills the body of the screen.
type viewKind int

const (
	viewMain    viewKind = iota // table and detail pane
	viewZoom                    // the detail pane alone
	viewCatalog                 // the catalog view
	viewWrite                   // the write confirmation or result (confirm.go)
	viewDiff                    // the diff views (diffview.go)
)

// focusKind is the pane that receives keys in the main view.
type focusKind int

const (
	focusTable focusKind = iota
	focusDetail
)

// Layout thresholds.
const (
	wideWidth = 160 // from here the detail pane sits beside the table
	minWidth  = 40
	minHeight = 10
)

// Model is the root of the UI. It routes messages to its children and owns
// the state they share: the snapshot, the mode and the focus.
type Model struct {
	opts   Options
	now    func() time.Time
	keys   KeyMap
	styles Styles

	width, height int
	view          viewKind
	focus         focusKind
	filtering     bool // typing a filter

	snap    *core.Snapshot
	scanned bool
	pending []string // files changed before the first scan finished

	header  header
	table   accountTable
	detail  detailPane
	catalog catalogView
	footer  footer
	input   filterInput
	dialog  writeDialog  // shown in viewWrite
	refresh refreshState // the catalog refresh in flight (refresh.go)
	writes  writeState   // the write batch in flight (write.go)
	work    *background  // refreshes and writes that quitting waits for
	diff    diffView     // shown in viewDiff
	verify  verifyState  // the live check against the proxy (verify.go)

	watch     *watcher
	stop      chan struct{} // closed by Close: stops the watcher
	closeOnce *sync.Once
	clipboard clipboardTarget
	firstCmd  tea.Cmd // expiry of the status set by New
}

// New builds the UI. Nothing is read until Init's commands run.
func New(opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = defaultPollInterval
	}
	m := &Model{
		opts: opts, now: opts.Now, keys: DefaultKeyMap(), styles: DefaultStyles(DefaultPalette()),
		stop: make(chan struct{}), closeOnce: &sync.Once{}, work: newBackground(),
		clipboard: clipboardTarget{
			out:    os.Stderr,
			tmux:   os.Getenv("TMUX") != "",
			screen: strings.HasPrefix(os.Getenv("TERM"), "screen"),
		},
	}
	s, k := &m.styles, &m.keys
	m.header = headerFor(s, opts)
	m.header.now = m.now()
	m.table = newAccountTable(s, k)
	m.table.empty = "scanning …"
	m.detail = newDetailPane(s, k)
	m.detail.loading = "scanning …"
	m.catalog = newCatalogView(s, k)
	m.footer = newFooter(s, k)
	m.refresh = newRefreshState(s)
	m.input = newFilterInput(s)
	m.initDiff()
	m.initVerify()
	if opts.Source != nil {
		m.footer.busy = "scanning " + m.header.dir + " …"
	} else {
		m.table.empty = "no auth source"
	}
	switch {
	case opts.CacheErr != nil:
		m.firstCmd = m.footer.SetStatus(statusError, "catalog cache skipped: "+opts.CacheErr.Error())
	case opts.DemoNote != "":
		m.firstCmd = m.footer.SetStatus(statusInfo, opts.DemoNote)
	}
	m.updateKeyBindings()
	return m
}

// Init starts the scan, the watcher and the spinner.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.firstCmd, clockTick(), m.startupRefresh()}
	if m.opts.Source != nil {
		cmds = append(cmds, m.footer.spinner.Tick, m.scan())
		if dir, ok := m.opts.Source.(*auth.Dir); ok {
			cmds = append(cmds, startWatchCmd(dir.Root, m.opts.PollInterval, m.stop))
		} else if src, ok := m.opts.Source.(auth.ChangeSource); ok {
			// A store: poll it for changed rows (store.go in the root wires it).
			cmds = append(cmds, startStoreWatchCmd(src, m.opts.PollInterval, m.stop))
		}
	}
	return tea.Batch(cmds...)
}

// Close stops the watcher. Run calls it; it is safe to call twice.
func (m *Model) Close() {
	m.closeOnce.Do(func() { close(m.stop) })
}

func (m *Model) scan() tea.Cmd {
	return scanCmd(m.opts.Source, m.opts.Catalog, m.opts.Rules, m.now())
}

// Update routes one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
	case tea.KeyMsg:
		cmd = m.handleKeys(msg)
		m.layout()
	case accountsLoadedMsg:
		cmd = m.handleLoaded(msg)
	case fileReloadedMsg:
		cmd = m.handleReloaded(msg)
	case watchStartedMsg, watchEventMsg:
		cmd = m.handleWatch(msg)
	case catalogRefreshedMsg, refreshTickMsg, snapshotRebuiltMsg:
		cmd = m.handleRefresh(msg)
	case writePreviewMsg, writeProgressMsg, writeDoneMsg:
		cmd = m.handleWrite(msg)
	case candidateMsg, diffResultMsg:
		cmd = m.handleDiffMsg(msg)
	case verifyBatchMsg:
		cmd = m.handleVerify(msg)
	case copiedMsg:
		if msg.err != nil {
			cmd = m.footer.SetStatus(statusError, "copy failed: "+msg.err.Error())
		} else {
			cmd = m.footer.SetStatus(statusSuccess, "copied the path of "+baseName(msg.path)+" (OSC 52)")
		}
	case clockTickMsg:
		m.header.now = m.now()
		m.syncDetail()
		cmd = clockTick()
	default:
		// Status expiry and spinner frames belong to the footer; the
		// header's refresh spinner takes its own frames.
		m.footer, cmd = m.footer.Update(msg)
		cmd = tea.Batch(cmd, m.tickRefreshSpinner(msg))
	}
	if c := m.syncDiff(); c != nil { // the diff views follow the snapshot
		cmd = tea.Batch(cmd, c)
	}
	return m, cmd
}

// handleKeys splits a run of characters that arrived in one read (fast
// typing, tmux send-keys) into single keys, so "/kimi" opens the filter and
// types kimi rather than matching no binding. A bracketed paste is text.
func (m *Model) handleKeys(msg tea.KeyMsg) tea.Cmd {
	if msg.Type == tea.KeyEsc && msg.Alt {
		// Esc pressed twice in quick succession reaches us as alt+esc: it
		// means two escapes (close the detail, then clear the filter).
		first := m.handleKey(tea.KeyMsg{Type: tea.KeyEsc})
		m.updateKeyBindings()
		second := m.handleKey(tea.KeyMsg{Type: tea.KeyEsc})
		m.updateKeyBindings()
		return tea.Batch(first, second)
	}
	if msg.Type != tea.KeyRunes || len(msg.Runes) < 2 || msg.Paste || m.filtering {
		cmd := m.handleKey(msg)
		m.updateKeyBindings()
		return cmd
	}
	cmds := make([]tea.Cmd, 0, len(msg.Runes))
	for _, r := range msg.Runes {
		cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		m.updateKeyBindings()
	}
	return tea.Batch(cmds...)
}

// handleKey dispatches a key by mode.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, m.keys.Quit) {
		m.Close()
		return tea.Quit
	}
	switch {
	case m.view == viewWrite:
		return m.handleWriteKey(msg)
	case m.filtering:
		return m.handleFilterKey(msg)
	case m.view == viewDiff:
		return m.handleDiffKey(msg)
	case m.view == viewCatalog:
		return m.handleCatalogKey(msg)
	case m.view == viewZoom:
		return m.handleZoomKey(msg)
	}
	return m.handleMainKey(msg)
}

func (m *Model) handleMainKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Help):
		m.footer.ToggleHelp()
	case key.Matches(msg, k.Filter):
		m.filtering, m.focus = true, focusTable
		m.input.SetValue(m.table.Query())
		return nil
	case key.Matches(msg, k.Clear):
		if m.table.Query() == "" {
			m.clearScope() // esc after a jump from the diff views
		}
		m.table.Filter("")
		m.input.SetValue("")
		m.syncDetail()
	case key.Matches(msg, k.Diff):
		return m.openDiff()
	case key.Matches(msg, k.Catalog):
		m.view = viewCatalog
		m.catalog.SetCatalog(m.opts.Catalog, m.opts.Attempts, m.now())
	case key.Matches(msg, k.Detail):
		if m.table.Selected() != nil {
			m.view = viewZoom
		}
	case key.Matches(msg, k.Switch):
		if m.focus == focusTable {
			m.focus = focusDetail
		} else {
			m.focus = focusTable
		}
	case key.Matches(msg, k.Sort):
		m.table.CycleSort()
		m.syncDetail()
		return m.footer.SetStatus(statusInfo, "sorted by "+m.table.SortLabel())
	case key.Matches(msg, k.Reverse):
		m.table.Reverse()
		m.syncDetail()
		return m.footer.SetStatus(statusInfo, "sorted by "+m.table.SortLabel())
	case key.Matches(msg, k.Copy):
		return m.copySelected()
	case key.Matches(msg, k.Refresh):
		return m.refreshAll()
	case key.Matches(msg, k.Write):
		return m.writeSelected()
	case key.Matches(msg, k.WriteAll):
		return m.confirmWriteAll()
	case m.focus == focusDetail:
		var cmd tea.Cmd
		m.detail, cmd = m.detail.Update(msg)
		return cmd
	default:
		var cmd tea.Cmd
		m.table, cmd = m.table.Update(msg)
		m.syncDetail()
		return cmd
	}
	return nil
}

func (m *Model) handleFilterKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Accept):
		m.filtering = false
		return nil
	case key.Matches(msg, k.Clear):
		m.filtering = false
		m.input.SetValue("")
		m.table.Filter("")
		m.syncDetail()
		return nil
	case key.Matches(msg, k.Up, k.Down):
		m.table, _ = m.table.Update(msg)
		m.syncDetail()
		return nil
	}
	before := m.input.Value()
	m.input = m.input.Update(msg)
	if v := m.input.Value(); v != before {
		m.table.Filter(v)
		m.syncDetail()
	}
	return nil
}

func (m *Model) handleCatalogKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Back):
		m.view = viewMain
	case key.Matches(msg, m.keys.Help):
		m.footer.ToggleHelp()
	case key.Matches(msg, m.keys.Refresh):
		return m.refreshAll()
	default:
		var cmd tea.Cmd
		m.catalog, cmd = m.catalog.Update(msg)
		return cmd
	}
	return nil
}

func (m *Model) handleZoomKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Back, m.keys.Detail):
		m.view = viewMain
	case key.Matches(msg, m.keys.Help):
		m.footer.ToggleHelp()
	case key.Matches(msg, m.keys.Copy):
		return m.copySelected()
	case key.Matches(msg, m.keys.Write):
		return m.writeSelected()
	default:
		var cmd tea.Cmd
		m.detail, cmd = m.detail.Update(msg)
		return cmd
	}
	return nil
}

func (m *Model) copySelected() tea.Cmd {
	r := m.table.Selected()
	if r == nil {
		return m.footer.SetStatus(statusError, "no account selected")
	}
	return copyCmd(m.clipboard, r.acc.Path)
}

// handleLoaded takes a finished scan.
func (m *Model) handleLoaded(msg accountsLoadedMsg) tea.Cmd {
	m.footer.busy = ""
	if msg.err != nil {
		what := "the auth folder"
		if _, isStore := m.opts.Source.(auth.ChangeSource); isStore {
			what = m.opts.Source.Describe() // e.g. "store postgres://host/db (table auth_store)"
		}
		m.table.empty = "cannot read " + what + ": " + msg.err.Error()
		m.detail.loading = ""
		m.detail.render()
		m.layout()
		return m.footer.SetStatus(statusError, "scan failed: "+msg.err.Error())
	}
	m.snap, m.scanned = msg.snap, true
	m.table.empty = ""
	m.table.SetRows(msg.rows)
	m.header.accounts, m.header.loaded = len(msg.snap.Accounts), true
	m.syncDetail()
	m.layout()
	var cmds []tea.Cmd
	for _, f := range m.pending {
		cmds = append(cmds, loadFileCmd(m.opts.Source, f))
	}
	m.pending = nil
	cmds = append(cmds, m.catchUpCatalog()) // a refresh may have ended during the scan
	// The first scan starts the proxy check.
	cmds = append(cmds, m.startVerify(false))
	return tea.Batch(cmds...)
}

// handleReloaded applies one re-read file to the snapshot.
func (m *Model) handleReloaded(msg fileReloadedMsg) tea.Cmd {
	if msg.err != nil {
		return m.footer.SetStatus(statusError, "reload "+msg.file+": "+msg.err.Error())
	}
	if m.snap == nil {
		// The scan is still running: read the file again after it.
		m.pending = append(m.pending, msg.file)
		return nil
	}
	next, ch := m.snap.WithFile(msg.file, msg.acc, msg.present)
	if ch.Kind == core.ChangeUnchanged {
		return nil
	}
	m.snap = next
	m.table.SetRows(buildRows(next.Accounts, m.table.rows))
	m.header.accounts = len(next.Accounts)
	m.syncDetail()
	m.layout()
	kind := statusInfo
	if ch.After != nil && ch.After.Error != nil {
		kind = statusError
	}
	return m.footer.SetStatus(kind, describeChange(ch))
}

// handleWatch takes the watcher's messages.
func (m *Model) handleWatch(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case watchStartedMsg:
		m.watch = msg.w
		next := msg.w.next()
		m.header.watch = "live"
		if msg.polling {
			m.header.watch = "polling " + m.opts.PollInterval.String()
			return tea.Batch(next, m.footer.SetStatus(statusError,
				"cannot watch the auth folder ("+msg.err.Error()+"); polling every "+m.opts.PollInterval.String()))
		}
		return next
	case watchEventMsg:
		if m.watch == nil {
			return nil
		}
		cmds := []tea.Cmd{m.watch.next()}
		if msg.rescan {
			m.header.watch = "polling " + m.opts.PollInterval.String()
		}
		if msg.notice != "" {
			cmds = append(cmds, m.footer.SetStatus(statusError, msg.notice))
		}
		switch {
		case msg.rescan:
			cmds = append(cmds, m.scan())
		case msg.file != "":
			cmds = append(cmds, loadFileCmd(m.opts.Source, msg.file))
		}
		return tea.Batch(cmds...)
	}
	return nil
}

// syncDetail shows the selected account in the detail pane.
func (m *Model) syncDetail() {
	var a *core.Account
	if r := m.table.Selected(); r != nil {
		a = r.acc
	}
	if a == nil && m.scanned {
		m.detail.loading = ""
	}
	m.detail.SetAccount(a, m.opts.Rules, m.now())
	m.detail.SetProxy(m.proxyViewOf(a))
}

// updateKeyBindings enables the bindings that apply now, so help is true.
func (m *Model) updateKeyBindings() {
	k := &m.keys
	typing := m.filtering || (m.view == viewDiff && m.diff.typing())
	main := m.view == viewMain && !typing
	if typing {
		k.Up.SetKeys("up")
		k.Down.SetKeys("down")
		k.Quit.SetKeys("ctrl+c")
		k.Quit.SetHelp("ctrl+c", "quit")
		k.Move.SetHelp("↑↓", "move")
	} else {
		k.Up.SetKeys("up", "k")
		k.Down.SetKeys("down", "j")
		k.Quit.SetKeys("q", "ctrl+c")
		k.Quit.SetHelp("q", "quit")
		k.Move.SetHelp("↑↓/jk", "move")
		if m.view != viewMain || m.focus == focusDetail {
			k.Move.SetHelp("↑↓/jk", "scroll")
		}
	}
	for _, b := range []*key.Binding{&k.PageUp, &k.PageDown, &k.Home, &k.End, &k.Help} {
		b.SetEnabled(!typing)
	}
	k.Accept.SetEnabled(typing)
	k.Clear.SetEnabled(typing || (main && m.table.Query() != ""))
	k.Filter.SetEnabled(main)
	k.Sort.SetEnabled(main)
	k.Reverse.SetEnabled(main)
	k.Switch.SetEnabled(main)
	k.Catalog.SetEnabled(main)
	k.Copy.SetEnabled(main || m.view == viewZoom)
	k.Detail.SetEnabled(main || m.view == viewZoom)
	if m.view == viewZoom {
		k.Detail.SetHelp("enter", "close")
	} else {
		k.Detail.SetHelp("enter", "detail")
	}
	k.Back.SetEnabled(m.view != viewMain && !typing)
	if m.view == viewCatalog {
		k.Back.SetKeys("esc", "c")
		k.Back.SetHelp("esc/c", "back")
	} else {
		k.Back.SetKeys("esc")
		k.Back.SetHelp("esc", "back")
	}
	m.updateActionBindings()
	m.updateDiffKeyBindings()
}

// layout sizes every child for the window and the current view.
func (m *Model) layout() {
	w := m.width
	m.header.SetSize(w)
	m.footer.SetSize(w)
	m.footer.left = joinStatus(m.scopeText(), m.filterText())
	m.table.focused = m.view == viewMain && m.focus == focusTable
	m.detail.focused = m.view == viewZoom || m.focus == focusDetail
	body := max(m.height-lipgloss.Height(m.header.View())-m.footer.Height(), 0)
	switch {
	case m.view == viewWrite:
		m.dialog.SetSize(w, body)
	case m.view == viewDiff:
		m.diff.SetSize(w, body)
	case m.view == viewCatalog:
		m.catalog.SetSize(w, body)
	case m.view == viewZoom:
		m.detail.side = false
		m.detail.SetSize(w, body)
	case w >= wideWidth:
		dw := max(w*2/5, 60)
		m.table.SetSize(w-dw-1, body) // one blank column before the border
		m.detail.side = true
		m.detail.SetSize(dw, body)
	default:
		dh := body * 2 / 5
		if m.focus == focusDetail {
			dh = body * 3 / 5
		}
		if body < 12 {
			dh = 0 // too short for both: the table wins
		}
		m.table.SetSize(w, body-dh)
		m.detail.side = false
		m.detail.SetSize(w, dh)
	}
}

// filterText is the filter part of the status line.
func (m *Model) filterText() string {
	count := m.styles.FilterCount.Render(thousands(m.table.Shown()) + " of " + thousands(m.table.Total()))
	switch {
	case m.filtering:
		return m.input.View() + "  " + count + m.styles.FilterCount.Render(" · sorted by "+m.table.SortLabel())
	case m.table.Query() != "":
		return m.styles.FilterPrompt.Render("filter ") + m.table.Query() + "  " + count + m.styles.FilterCount.Render(" · sorted by "+m.table.SortLabel())
	}
	return ""
}

// View draws the screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		// Before the first size message: show something at once.
		return " tierscope  scanning …"
	}
	if m.width < minWidth || m.height < minHeight {
		return "terminal too small for tierscope (need 40×10)"
	}
	var body string
	switch {
	case m.view == viewWrite:
		body = m.dialog.View()
	case m.view == viewDiff:
		body = m.diff.View()
	case m.view == viewCatalog:
		body = m.catalog.View()
	case m.view == viewZoom:
		body = m.detail.View()
	case m.width >= wideWidth:
		body = joinColumns(m.table.View(), " ", m.detail.View())
	default:
		body = m.table.View()
		if d := m.detail.View(); d != "" {
			body += "\n" + d
		}
	}
	return m.header.View() + "\n" + body + "\n" + m.footer.View()
}

// joinColumns puts two blocks side by side, line by line, with sep
// between them.
func joinColumns(left, sep, right string) string {
	l, r := strings.Split(left, "\n"), strings.Split(right, "\n")
	n := max(len(l), len(r))
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(l) {
			b.WriteString(l[i])
		}
		b.WriteString(sep)
		if i < len(r) {
			b.WriteString(r[i])
		}
	}
	return b.String()
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}
