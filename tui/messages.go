package tui

import (
	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// accountsLoadedMsg ends a full scan: the snapshot and its prepared rows,
// or why the scan failed.
type accountsLoadedMsg struct {
	snap *core.Snapshot
	rows []*row
	err  error
}

// fileReloadedMsg is one file re-read after a change on disk.
type fileReloadedMsg struct {
	file    string
	acc     *auth.Account
	present bool
	err     error
}

// watchEventMsg is a debounced change of one auth file, or a notice from
// the watcher (it fell back to polling, or events were lost).
type watchEventMsg struct {
	file   string
	notice string
	rescan bool // events may have been lost: scan everything again
}

// watchStartedMsg says the watcher runs (or why it polls instead).
type watchStartedMsg struct {
	w       *watcher
	polling bool
	err     error
}

// statusExpiredMsg clears the status message with that id.
type statusExpiredMsg struct{ id int }

// copiedMsg reports the OSC 52 copy of a path.
type copiedMsg struct {
	path string
	err  error
}

// clockTickMsg refreshes ages (catalog age in the header) once a minute.
type clockTickMsg struct{}

// catalogRefreshedMsg ends a catalog download: what the fetcher did.
type catalogRefreshedMsg struct {
	res catalog.RefreshResult
}

// refreshTickMsg starts a periodic refresh (--refresh-every).
type refreshTickMsg struct{}

// snapshotRebuiltMsg is a snapshot built in the background from base: an
// edit applied (files re-read after a write) and the catalog in force.
// edit and refresh are kept to build again if the snapshot moved on
// meanwhile; refresh is set when a new catalog is being put in force.
type snapshotRebuiltMsg struct {
	base, next *core.Snapshot
	rows       []*row
	edit       snapshotEdit
	catalog    catalog.Loaded
	refresh    *refreshOutcome
}

// writePreviewMsg carries what `W` would write, for the confirmation.
type writePreviewMsg struct {
	preview writePreview
}

// writeProgressMsg asks the footer to show the progress of a batch.
type writeProgressMsg struct{}

// writeDoneMsg ends a write batch: the outcome per file and the snapshot
// with the files re-read from disk.
type writeDoneMsg struct {
	res       core.BatchResult
	single    bool     // a `w` of one account, reported in the status line
	reloadErr []string // files that could not be re-read after the write
	build     snapshotRebuiltMsg
}
