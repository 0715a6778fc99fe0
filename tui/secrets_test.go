package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/demo"
)

// TestNoScreenShowsASecret walks every account of a generated directory,
// in the table, the split detail pane and the full-screen detail, plus the
// catalog view, help and the diff views, and searches every screen for
// every token of the directory (its first 24 characters: the UI cuts long
// text, so a whole token could never match).
func TestNoScreenShowsASecret(t *testing.T) {
	dir := t.TempDir()
	if _, err := demo.Generate(dir, demo.Options{Count: 80, Seed: 9, Now: testNow}); err != nil {
		t.Fatal(err)
	}
	var secrets []string
	for _, s := range demo.Secrets(dir, 24) {
		secrets = append(secrets, s[:24])
	}
	if len(secrets) < 100 {
		t.Fatalf("only %d secrets collected: the search would prove little", len(secrets))
	}
	jwks, _ := os.ReadFile(filepath.Join(dir, demo.JWKSFileName))
	v, err := auth.NewVerifier(jwks)
	if err != nil {
		t.Fatal(err)
	}
	opts := testOptions(t, dir)
	opts.Source = &auth.Dir{Root: dir, Verifier: v}
	m := loadedModel(t, opts, 200, 50)
	check := func(where string) {
		t.Helper()
		screen := ansi.Strip(m.View())
		for _, s := range secrets {
			if strings.Contains(screen, s) {
				t.Fatalf("%s shows a secret (%.8s…)", where, s)
			}
		}
	}
	key := func(k string) {
		switch k {
		case "enter":
			m.Update(tea.KeyMsg{Type: tea.KeyEnter})
		case "esc":
			m.Update(tea.KeyMsg{Type: tea.KeyEsc})
		default:
			m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		}
	}
	for i := 0; i < m.table.Total(); i++ {
		check("the table and detail of " + m.table.SelectedFile())
		key("enter")
		check("the full detail of " + m.table.SelectedFile())
		key("esc")
		key("j")
	}
	for _, k := range []string{"c", "esc", "?", "?", "d", "1", "2", "3", "4"} {
		key(k)
		check("the screen after " + k)
	}
}
