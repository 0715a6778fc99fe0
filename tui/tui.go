// Package tui is tierscope's terminal UI (DESIGN §6), built on Bubble Tea.
//
// A root Model routes messages to plain child components (header, accounts
// table, detail pane, catalog view, diff views, footer): window sizes and data go to
// every child, keys only to the one in focus. Everything slow (scans,
// reloads, the clipboard) runs in tea.Cmds and comes back as typed
// messages; the auth folder is watched with fsnotify, or polled when that
// fails. The UI only calls core, auth and catalog (and reads mgmt's error
// kinds); it never reads a secret: the proxy client keeps its key.
package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// Options is what the UI shows and how.
type Options struct {
	Source       auth.Source       // the auth folder; an *auth.Dir is watched for changes
	Catalog      catalog.Loaded    // the catalog in use
	Rules        core.RuleSet      // the rule set in force
	Now          func() time.Time  // the clock (time.Now when nil)
	ReadOnly     bool              // --read-only: shown as a badge; writes stay off
	Attempts     []catalog.Attempt // catalog refresh attempts so far, oldest first
	CacheErr     error             // why the catalog cache was skipped (shown once)
	DemoNote     string            // set by `tierscope demo`, e.g. where the data was generated
	PollInterval time.Duration     // polling period when fsnotify fails (2s when 0)

	// Candidate is a catalog to compare with the one in force (--candidate
	// PATH): the UI opens on the diff views' candidate tab. Zero: none.
	// FetchCandidate downloads a candidate catalog typed as a URL in the
	// diff view (nil: no network, e.g. --offline or the demo).
	FetchCandidate func(ctx context.Context, url string) (catalog.Loaded, error)
	Candidate      catalog.Loaded

	// Fetcher downloads the catalog: once at startup, on r, and every
	// RefreshEvery; it records every attempt in its cache. nil means no
	// network (--offline, --catalog): r is off.
	Fetcher      *catalog.Fetcher
	RefreshEvery time.Duration // --refresh-every; 0: no periodic refresh
	// AuditLog records every write of w and W (<cache dir>/audit.jsonl);
	// with no path, writes are refused.
	AuditLog core.AuditLog

	// Proxy is the running proxy's management API (--management-url): every
	// account is checked against what it serves, after the first scan and
	// on r, in a PROXY column (verify.go). nil: no check, no column.
	Proxy            core.ProxyAPI
	ProxyConcurrency int    // its models requests at once; <= 0: core.DefaultVerifyConcurrency
	ProxyAddr        string // its address as shown (credentials redacted); never the key
}

// Run shows the UI on the alternate screen, mouse off, until the user
// quits. teaOpts are added to (and may override) the defaults.
func Run(opts Options, teaOpts ...tea.ProgramOption) error {
	m := New(opts)
	defer func() {
		m.Close()
		m.work.wait() // a write batch ends with its audit log; a cancelled refresh records its attempt
	}()
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithAltScreen()}, teaOpts...)...)
	_, err := p.Run()
	return err
}

// displayPath shortens the home directory to ~.
func displayPath(p string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" || home == "/" {
		return p
	}
	if p == home {
		return "~"
	}
	if rest, ok := strings.CutPrefix(p, home+string(filepath.Separator)); ok {
		return "~" + string(filepath.Separator) + rest
	}
	return p
}
