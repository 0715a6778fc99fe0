package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// TestEveryScreenFitsTheTerminal draws every view at many sizes: no panic,
// never more lines than the terminal has, never a line wider than it.
func TestEveryScreenFitsTheTerminal(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 80, 24)
	selectFile(t, m, "codex-alias-prefix@sample.example-free.json")
	views := []struct {
		name  string
		enter []tea.KeyMsg
		leave []tea.KeyMsg
	}{
		{"main", nil, nil},
		{"detail focused", []tea.KeyMsg{keyTab}, []tea.KeyMsg{keyTab}},
		{"zoom", []tea.KeyMsg{keyEnter}, []tea.KeyMsg{keyEsc}},
		{"catalog", []tea.KeyMsg{runes("c")}, []tea.KeyMsg{keyEsc}},
		{"full help", []tea.KeyMsg{runes("?")}, []tea.KeyMsg{runes("?")}},
		{"filtering", typed("/co"), []tea.KeyMsg{keyEsc}},
	}
	for _, v := range views {
		send(m, v.enter...)
		for _, w := range []int{40, 41, 59, 80, 100, 120, 159, 160, 161, 200, 250} {
			for _, h := range []int{10, 11, 15, 24, 30, 50, 80} {
				m.Update(tea.WindowSizeMsg{Width: w, Height: h})
				lines := strings.Split(m.View(), "\n")
				if len(lines) > h {
					t.Errorf("%s at %d×%d: %d lines", v.name, w, h, len(lines))
				}
				for i, l := range lines {
					if lw := ansi.StringWidth(l); lw > w {
						t.Errorf("%s at %d×%d: line %d is %d cells: %q", v.name, w, h, i, lw, ansi.Strip(l))
						break
					}
				}
			}
		}
		send(m, v.leave...)
	}
	m.Update(tea.WindowSizeMsg{Width: 20, Height: 5})
	if got := screen(m); !strings.Contains(got, "too small") {
		t.Errorf("tiny terminal: %q", got)
	}
}

// TestZeroOptionsDoNotPanic: a model with nothing to show still draws.
func TestZeroOptionsDoNotPanic(t *testing.T) {
	m := New(Options{})
	defer m.Close()
	m.Init()
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	send(m, keyDown, keyEnter, keyEsc, runes("c"), keyEsc, runes("y"), runes("/"), runes("a"), keyEsc, runes("s"), runes("?"))
	if got := screen(m); !strings.Contains(got, "no auth source") || !strings.Contains(got, "no catalog") {
		t.Errorf("screen:\n%s", got)
	}
}
