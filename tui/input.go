package tui

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// filterInput is the one-line filter prompt. It edits at the end only,
// which is all a filter needs (bubbles/textinput would pull in a system
// clipboard dependency for paste).
type filterInput struct {
	styles *Styles
	value  []rune
	keys   inputKeys
}

type inputKeys struct {
	DeleteBack key.Binding
	DeleteWord key.Binding
	Clear      key.Binding
}

func newFilterInput(styles *Styles) filterInput {
	return filterInput{styles: styles, keys: inputKeys{
		DeleteBack: key.NewBinding(key.WithKeys("backspace", "ctrl+h")),
		DeleteWord: key.NewBinding(key.WithKeys("ctrl+w", "alt+backspace")),
		Clear:      key.NewBinding(key.WithKeys("ctrl+u")),
	}}
}

// Value is the text typed.
func (f filterInput) Value() string { return string(f.value) }

// SetValue replaces the text.
func (f *filterInput) SetValue(s string) { f.value = []rune(s) }

// Update edits the text with one key.
func (f filterInput) Update(msg tea.KeyMsg) filterInput {
	switch {
	case key.Matches(msg, f.keys.DeleteBack):
		if n := len(f.value); n > 0 {
			f.value = f.value[:n-1]
		}
	case key.Matches(msg, f.keys.DeleteWord):
		v := strings.TrimRightFunc(string(f.value), unicode.IsSpace)
		i := strings.LastIndexFunc(v, unicode.IsSpace)
		f.value = []rune(v[:i+1])
	case key.Matches(msg, f.keys.Clear):
		f.value = nil
	case msg.Type == tea.KeyRunes:
		for _, r := range msg.Runes {
			if unicode.IsPrint(r) {
				f.value = append(f.value, r)
			}
		}
	case msg.Type == tea.KeySpace:
		f.value = append(f.value, ' ')
	}
	return f
}

// View is the prompt, the text and a cursor.
func (f filterInput) View() string {
	return f.styles.FilterPrompt.Render("/") + string(f.value) + f.styles.FilterPrompt.Render("█")
}
