package tui

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// The candidate is opened from the view, a group is entered: the table
// shows exactly that group's files, and says which group.
func TestFlowDiffCandidateGroup(t *testing.T) {
	opts := testOptions(t, writeAuthDir(t))
	opts.Catalog = historyCatalog(t, history0424)
	tm := startFlow(t, opts, 120, 40)
	waitFor(t, tm, "31 accounts", "d diff")

	tm.Type("d2")
	waitFor(t, tm, "[2 candidate]", "none loaded")
	tm.Type("o../testdata/reference/history/" + history0424pm)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "4 of 31 accounts change, in 2 groups", "3 free accounts lose gpt-5.5")

	tm.Type("jjjj") // past the four sections, onto the first group
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	out := waitFor(t, tm, "group 3 of 31 (esc: all)", "FILE")
	for _, f := range []string{"codex-81227b4f-free@", "codex-badtoken@", "codex-stale@"} { // cut to the column
		if !strings.Contains(out, f) {
			t.Errorf("the group's %s is not shown:\n%s", f, out)
		}
	}

	m := finalModel(t, tm)
	want := []string{"codex-81227b4f-free@sample.example-free.json", "codex-badtoken@sample.example-free.json", "codex-stale@sample.example-plus.json"}
	if got := tableFiles(m); !slices.Equal(got, want) {
		t.Errorf("the table shows %v, want exactly %v", got, want)
	}
	if g := m.diff.cand.result.cat.Groups[0]; !reflect.DeepEqual(g.Files, want) {
		t.Errorf("the group is %v", g.Files)
	}
}

// Changing the unknown-plan policy to free: the k12 and prolite accounts
// (unknown plans, union today) appear as changing.
func TestFlowWhatIfPolicyFree(t *testing.T) {
	tm := startFlow(t, testOptions(t, writeAuthDir(t)), 120, 40)
	waitFor(t, tm, "31 accounts", "d diff")

	tm.Type("d3")
	waitFor(t, tm, "[3 what-if]", "no change: s switches the rule set")
	tm.Type("u")
	out := waitFor(t, tm, "union → free", "2 of 31 accounts change, in 1 group",
		"2 union→free accounts lose", "codex-352ea4e7-k12@sample.example-k12.json", "codex-62f03436-prolite@sample.example-prolite.json")
	if strings.Contains(out, "codex-6aee5029-team") || strings.Contains(out, "codex-81227b4f-free") {
		t.Errorf("an account with a known plan is listed as changing:\n%s", out)
	}

	m := finalModel(t, tm)
	var files []string
	for _, a := range m.diff.whatIf.result.rules.Accounts {
		files = append(files, a.File+" "+tierMove(a))
	}
	want := []string{"codex-352ea4e7-k12@sample.example-k12.json union→free", "codex-62f03436-prolite@sample.example-prolite.json union→free"}
	if !slices.Equal(files, want) {
		t.Errorf("changing accounts %q, want %q", files, want)
	}
}
