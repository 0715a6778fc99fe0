package tui

import (
	"context"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// A new catalog or a batch of written files changes every row (or many):
// the next snapshot and its rows are built in a command, from the snapshot
// of the moment, and adopted only if the model still shows that snapshot.
// Otherwise (a file reloaded meanwhile, a newer catalog) it is built again
// from the current one, so no change is ever lost to a race.

// snapshotEdit changes a snapshot, e.g. re-reads the files a write
// touched. It may do I/O: it only runs in commands.
type snapshotEdit func(*core.Snapshot) *core.Snapshot

// rebuildCmd builds the next snapshot from base in the background. After
// a refresh (refresh not nil) it also counts the accounts whose models the
// new catalog changes, when base still has the old one.
func rebuildCmd(base *core.Snapshot, prev []*row, edit snapshotEdit, cat catalog.Loaded, refresh *refreshOutcome) tea.Cmd {
	return func() tea.Msg {
		msg := rebuild(base, prev, edit, cat)
		if refresh != nil {
			r := *refresh
			if base.Catalog.Catalog != cat.Catalog {
				r.affected = base.AccountsAffected(cat.Catalog)
			}
			msg.refresh = &r
		}
		return msg
	}
}

// rebuild applies edit to base (when not nil), moves it to cat, the
// catalog in force, and prepares its rows, reusing the unchanged ones.
func rebuild(base *core.Snapshot, prev []*row, edit snapshotEdit, cat catalog.Loaded) snapshotRebuiltMsg {
	next := base
	if edit != nil {
		next = edit(next)
	}
	switch {
	case next.Catalog.Catalog != cat.Catalog:
		next = next.WithCatalog(cat)
	case next.Catalog.Info != cat.Info:
		// Same content, newer provenance (a "not modified" check).
		cp := *next
		cp.Catalog = cat
		next = &cp
	}
	return snapshotRebuiltMsg{base: base, next: next, rows: buildRows(next.Accounts, prev), edit: edit, catalog: cat}
}

// rebuild starts building the next snapshot from the current one.
func (m *Model) rebuild(edit snapshotEdit, refresh *refreshOutcome) tea.Cmd {
	return rebuildCmd(m.snap, m.table.rows, edit, m.opts.Catalog, refresh)
}

// adoptSnapshot shows a snapshot built in the background, or builds it
// again when the model moved on since it started.
func (m *Model) adoptSnapshot(msg snapshotRebuiltMsg) tea.Cmd {
	if m.snap == nil {
		return nil // the first scan runs; handleLoaded catches up with the catalog
	}
	if m.snap != msg.base || msg.catalog.Catalog != m.opts.Catalog.Catalog {
		return m.rebuild(msg.edit, msg.refresh)
	}
	m.snap = msg.next
	m.table.SetRows(msg.rows)
	m.header.accounts = len(msg.next.Accounts)
	m.syncDetail()
	m.layout()
	if msg.refresh != nil {
		return m.refreshStatus(*msg.refresh)
	}
	return nil
}

// catchUpCatalog rebuilds a freshly scanned snapshot when a refresh
// replaced the catalog while the scan ran; that refresh's status then
// gets its count of accounts affected. A catalog only checked again
// ("not modified") just moves the snapshot's provenance on.
func (m *Model) catchUpCatalog() tea.Cmd {
	switch {
	case m.snap == nil:
		return nil
	case m.snap.Catalog.Catalog == m.opts.Catalog.Catalog:
		if m.snap.Catalog.Info != m.opts.Catalog.Info {
			next := *m.snap
			next.Catalog = m.opts.Catalog
			m.snap = &next
		}
		return nil
	}
	refresh := m.refresh.pending
	m.refresh.pending = nil
	return m.rebuild(nil, refresh)
}

// fileLoad is one file re-read through the auth source.
type fileLoad struct {
	file    string
	acc     *auth.Account
	present bool
	err     error
}

// loadFiles re-reads files through src, the path the watcher's reloads take.
func loadFiles(src auth.Source, files []string) []fileLoad {
	out := make([]fileLoad, len(files))
	for i, f := range files {
		a, ok, err := src.Load(context.Background(), f)
		out[i] = fileLoad{file: f, acc: a, present: ok, err: err}
	}
	return out
}

// reloadEdit is the edit that re-reads files from disk each time it runs.
func reloadEdit(src auth.Source, files []string) snapshotEdit {
	return func(s *core.Snapshot) *core.Snapshot { return withFiles(s, loadFiles(src, files)) }
}

// withFilesLimit is where re-resolving everything once beats one WithFile
// per file (each copies the rows and re-marks duplicates).
const withFilesLimit = 16

// withFiles returns s with the loaded files in place of their rows; a
// load that failed keeps the row as it was.
func withFiles(s *core.Snapshot, loads []fileLoad) *core.Snapshot {
	if len(loads) <= withFilesLimit {
		for _, l := range loads {
			if l.err == nil {
				s, _ = s.WithFile(l.file, l.acc, l.present)
			}
		}
		return s
	}
	raw := s.Raw()
	gone := map[string]bool{}
	for _, l := range loads {
		if l.err != nil {
			continue
		}
		i := s.Find(l.file)
		switch {
		case !l.present:
			gone[l.file] = true
		case i >= 0:
			raw[i] = l.acc
		default:
			raw = append(raw, l.acc)
		}
	}
	raw = slices.DeleteFunc(raw, func(a *auth.Account) bool { return gone[a.File] })
	return core.Build(raw, s.Catalog, s.Rules, s.Now)
}
