package tui

import (
	"os"
	"path/filepath"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tierscope/tierscope/auth"
)

// TestAChangedFileCostsOneParse: with the folder watched, a file rewritten
// on disk is re-read alone (one parse), never a rescan of the folder.
// (The package's tests do not run in parallel, so the counter is ours.)
func TestAChangedFileCostsOneParse(t *testing.T) {
	dir := writeAuthDir(t)
	opts := testOptions(t, dir)
	d, err := auth.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts.Source = d
	tm := startFlow(t, opts, 200, 50)
	waitFor(t, tm, "31 accounts · live")
	before := auth.ParseCount()

	const changed = "codex-9b73a69c-plus@sample.example-plus.json"
	data, err := os.ReadFile(filepath.Join(dir, "codex-77c7d2de-pro@sample.example-pro.json"))
	if err != nil {
		t.Fatal(err)
	}
	// One write, as the proxy's token refresh does (truncate, then write).
	if err := os.WriteFile(filepath.Join(dir, changed), data, 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor(t, tm, "~ "+changed+" changed: tier plus→pro")
	if n := auth.ParseCount() - before; n != 1 {
		t.Errorf("the change cost %d parses, want 1 (31 would be a rescan)", n)
	}
	finalModel(t, tm)
}

// Esc pressed twice fast arrives as one alt+esc: it must act as two.
func TestDoubleEscapeInOneReadActsTwice(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 160, 40)
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/kimi")})
	m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if m.table.Shown() != 1 {
		t.Fatalf("the filter shows %d rows", m.table.Shown())
	}
	m.Update(tea.KeyMsg{Type: tea.KeyEsc, Alt: true})
	if m.table.Shown() != m.table.Total() {
		t.Errorf("after alt+esc the filter still shows %d of %d rows", m.table.Shown(), m.table.Total())
	}
}
