package tui

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// refreshSummaryItems caps the ids and sections named in the status line.
const refreshSummaryItems = 3

// refreshState is the catalog refresh in flight, if any. At most one runs:
// `r` while one runs says so instead of starting a second download.
type refreshState struct {
	running bool
	spinner spinner.Model // shown in the header, next to the catalog's age
	// pending is a new catalog that came before the first scan ended: the
	// scanned snapshot catches up with it, and its status gets the count.
	pending *refreshOutcome
}

// refreshOutcome is a finished refresh and the number of accounts whose
// models it changed (-1 until counted).
type refreshOutcome struct {
	res      catalog.RefreshResult
	affected int
}

func newRefreshState(s *Styles) refreshState {
	return refreshState{spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(s.Spinner))}
}

// startupRefresh is Init's part: one refresh now and the periodic ticks,
// when there is a fetcher (none under --offline or --catalog).
func (m *Model) startupRefresh() tea.Cmd {
	if m.opts.Fetcher == nil {
		return nil
	}
	cmds := []tea.Cmd{m.startRefresh(false)}
	if m.opts.RefreshEvery > 0 {
		cmds = append(cmds, refreshTick(m.opts.RefreshEvery))
	}
	return tea.Batch(cmds...)
}

// startRefresh starts a refresh unless one runs; asked says the user
// pressed r, who is told when one already runs.
func (m *Model) startRefresh(asked bool) tea.Cmd {
	switch {
	case m.opts.Fetcher == nil:
		return nil
	case m.refresh.running && asked:
		return m.footer.SetStatus(statusInfo, "a catalog refresh is already running")
	case m.refresh.running:
		return nil
	}
	m.refresh.running = true
	m.syncRefreshHeader()
	return tea.Batch(
		refreshCmd(m.opts.Fetcher, m.opts.Catalog, m.stop, m.work),
		m.refresh.spinner.Tick,
	)
}

// refreshCmd downloads the catalog. Quitting the UI (stop closed)
// cancels the download.
func refreshCmd(f *catalog.Fetcher, current catalog.Loaded, stop <-chan struct{}, work *background) tea.Cmd {
	return func() tea.Msg {
		if !work.start() {
			return nil
		}
		defer work.done()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			select {
			case <-stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		return catalogRefreshedMsg{res: f.Refresh(ctx, current)}
	}
}

// refreshTick asks for the next periodic refresh.
func refreshTick(every time.Duration) tea.Cmd {
	return tea.Tick(every, func(time.Time) tea.Msg { return refreshTickMsg{} })
}

// handleRefresh takes the refresh messages.
func (m *Model) handleRefresh(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case refreshTickMsg:
		return tea.Batch(m.startRefresh(false), refreshTick(m.opts.RefreshEvery))
	case catalogRefreshedMsg:
		return m.handleRefreshed(msg)
	case snapshotRebuiltMsg:
		return m.adoptSnapshot(msg)
	}
	return nil
}

// handleRefreshed puts the refreshed catalog in force. A new catalog
// changes every account's models: the snapshot is rebuilt in a command,
// and the status says what changed once it is shown.
func (m *Model) handleRefreshed(msg catalogRefreshedMsg) tea.Cmd {
	res := msg.res
	m.refresh.running = false
	m.syncRefreshHeader()
	m.opts.Catalog = res.Loaded
	m.opts.Attempts = slices.Concat(m.opts.Attempts, res.Attempts)
	m.header.catalog, m.header.attempts, m.header.now = res.Loaded, m.opts.Attempts, m.now()
	m.catalog.SetCatalog(m.opts.Catalog, m.opts.Attempts, m.now())
	m.layout()

	out := refreshOutcome{res: res, affected: -1}
	// A catalog that changed is also the diff view's candidate: previous
	// vs just fetched, per section and per account.
	var toDiff tea.Cmd
	if res.Outcome == catalog.OutcomeOK && len(res.Sections) > 0 {
		previous, current := res.Previous, res.Loaded
		toDiff = func() tea.Msg { return candidateFromRefresh(previous, current) }
	}
	switch {
	case res.Outcome == catalog.OutcomeOK && m.snap != nil:
		return tea.Batch(m.rebuild(nil, &out), toDiff)
	case res.Outcome == catalog.OutcomeOK:
		// The first scan still runs under the old catalog: it catches up
		// when it ends, and counts the accounts then.
		m.refresh.pending = &out
		return tea.Batch(m.refreshStatus(out), toDiff)
	default:
		// Not modified: the check time moves on. (Failed: nothing changes.)
		return tea.Batch(m.catchUpCatalog(), m.refreshStatus(out))
	}
}

// refreshStatus says what a refresh did: what changed and how many
// accounts that affects, "catalog not modified", or why it failed.
func (m *Model) refreshStatus(out refreshOutcome) tea.Cmd {
	res := out.res
	kind := statusSuccess
	if res.Outcome == catalog.OutcomeError {
		kind = statusError
	}
	text := core.RefreshSummary(res, out.affected, refreshSummaryItems)
	if res.CacheErr != nil {
		text += " (not saved in the cache: " + strings.ReplaceAll(res.CacheErr.Error(), "\n", "; ") + ")"
	}
	return m.footer.SetStatus(kind, text)
}

// tickRefreshSpinner turns the header's spinner while a refresh runs; its
// frames stop (no new tick) once the refresh is over.
func (m *Model) tickRefreshSpinner(msg tea.Msg) tea.Cmd {
	t, ok := msg.(spinner.TickMsg)
	if !ok || !m.refresh.running {
		return nil
	}
	var cmd tea.Cmd
	m.refresh.spinner, cmd = m.refresh.spinner.Update(t)
	m.syncRefreshHeader()
	return cmd
}

// syncRefreshHeader shows the spinner in the header while a refresh runs.
func (m *Model) syncRefreshHeader() {
	m.header.refreshing = ""
	if m.refresh.running {
		m.header.refreshing = " " + m.refresh.spinner.View() + m.styles.Muted.Render(" refreshing")
	}
}
