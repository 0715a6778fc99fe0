package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tierscope/tierscope/auth"
)

// startFlow runs the model in a real Bubble Tea program of a fixed size.
func startFlow(t *testing.T, opts Options, width, height int) *teatest.TestModel {
	t.Helper()
	m := New(opts)
	t.Cleanup(m.Close)
	return teatest.NewTestModel(t, m, teatest.WithInitialTermSize(width, height))
}

// waitFor waits until the output written since the last wait contains
// every text, and returns that output without ANSI sequences.
func waitFor(t *testing.T, tm *teatest.TestModel, texts ...string) string {
	t.Helper()
	var seen string
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		seen = ansi.Strip(string(b))
		for _, s := range texts {
			if !strings.Contains(seen, s) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	return seen
}

// finalModel quits and returns the model as the program left it.
func finalModel(t *testing.T, tm *teatest.TestModel) *Model {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
}

func TestFlowFilter(t *testing.T) {
	tm := startFlow(t, testOptions(t, writeAuthDir(t)), 120, 30)
	waitFor(t, tm, "31 accounts", "claude-c@sample.example.json")

	tm.Type("/kimi")
	out := waitFor(t, tm, "/kimi", "1 of 31", "kimi-k.json")
	if strings.Contains(out, "claude-c@sample.example.json") {
		t.Errorf("a row that does not match is still drawn:\n%s", out)
	}

	// The cursor stays on kimi-k.json, so the rows around it come back.
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	waitFor(t, tm, "gemini-g@sample.example-p.json", "codex-stale@sample.example-plus.json")

	m := finalModel(t, tm)
	if m.table.Query() != "" || m.table.Shown() != 31 || m.filtering {
		t.Errorf("esc left query %q, %d rows shown, filtering=%v", m.table.Query(), m.table.Shown(), m.filtering)
	}
}

func TestFlowSort(t *testing.T) {
	tm := startFlow(t, testOptions(t, writeAuthDir(t)), 120, 30)
	waitFor(t, tm, "31 accounts", "FILE↑")

	tm.Type("s")
	waitFor(t, tm, "sorted by provider ↑", "PROVIDER↑")
	tm.Type("S")
	waitFor(t, tm, "sorted by provider ↓", "PROVIDER↓")

	m := finalModel(t, tm)
	var providers []string
	for _, ri := range m.table.view {
		providers = append(providers, m.table.rows[ri].lower[colProvider])
	}
	if !slices.IsSortedFunc(providers, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("rows are not by provider, descending: %v", providers)
	}
}

func TestFlowLiveReload(t *testing.T) {
	dir := writeAuthDir(t)
	opts := testOptions(t, dir)
	d, err := auth.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts.Source = d // a real folder: watched with fsnotify
	tm := startFlow(t, opts, 200, 50)
	waitFor(t, tm, "31 accounts · live")

	// Put the cursor on a file that sorts after the one to be added.
	const keep = "codex-448e743f-plus@sample.example-plus.json"
	tm.Type(strings.Repeat("j", 7))
	waitFor(t, tm, "── "+keep)

	const added = "codex-00000000-new@sample.example-plus.json"
	copyFile(t, dir, "codex-9b73a69c-plus@sample.example-plus.json", added)
	waitFor(t, tm, "+ "+added+" added (tier plus, 10 models)", "32 accounts")

	// The proxy rewrites the file in place after a token refresh: the
	// plan is now pro.
	data, err := os.ReadFile(filepath.Join(dir, "codex-77c7d2de-pro@sample.example-pro.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, added), data, 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor(t, tm, "~ "+added+" changed: tier plus→pro")

	if err := os.Remove(filepath.Join(dir, added)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, tm, "− "+added+" removed", "31 accounts")

	m := finalModel(t, tm)
	if got := m.table.SelectedFile(); got != keep {
		t.Errorf("the cursor moved to %s", got)
	}
	if m.table.Total() != 31 {
		t.Errorf("%d rows after the remove", m.table.Total())
	}
}
