package tui

import (
	"github.com/tierscope/tierscope/auth"
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
