package tui

import (
	"context"
	"io"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// Every disk access runs in one of these commands, never in Update. Each
// takes copies of what it needs.

// scanCmd reads and resolves every account, and prepares the rows.
func scanCmd(src auth.Source, cat catalog.Loaded, rules core.RuleSet, now time.Time) tea.Cmd {
	return func() tea.Msg {
		snap, err := core.Load(context.Background(), src, cat, rules, now)
		if err != nil {
			return accountsLoadedMsg{err: err}
		}
		return accountsLoadedMsg{snap: snap, rows: buildRows(snap.Accounts, nil)}
	}
}

// loadFileCmd re-reads one file.
func loadFileCmd(src auth.Source, file string) tea.Cmd {
	return func() tea.Msg {
		a, ok, err := src.Load(context.Background(), file)
		return fileReloadedMsg{file: file, acc: a, present: ok, err: err}
	}
}

// clipboardTarget says how to reach the terminal's clipboard.
type clipboardTarget struct {
	out    io.Writer // the terminal; os.Stderr by default
	tmux   bool      // wrap for tmux (passthrough)
	screen bool      // wrap for GNU screen
}

// copyCmd sends text to the clipboard with an OSC 52 sequence.
func copyCmd(t clipboardTarget, text string) tea.Cmd {
	return func() tea.Msg {
		seq := osc52.New(text)
		switch {
		case t.tmux:
			seq = seq.Tmux()
		case t.screen:
			seq = seq.Screen()
		}
		_, err := io.WriteString(t.out, seq.String())
		return copiedMsg{path: text, err: err}
	}
}

// clockTick asks for a refresh of the displayed ages in a minute.
func clockTick() tea.Cmd {
	return tea.Tick(time.Minute, func(time.Time) tea.Msg { return clockTickMsg{} })
}
