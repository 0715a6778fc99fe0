package core_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

func TestAccountsAffectedCountsAccountsWhoseModelsChange(t *testing.T) {
	s := snapshotOf(t, map[string][]byte{
		"free.json":    file(codex(map[string]any{"plan": "free", "account_id": "acct-1"})),
		"plus.json":    file(codex(map[string]any{"plan": "plus", "account_id": "acct-2"})),
		"pro.json":     file(codex(map[string]any{"plan": "pro", "account_id": "acct-3"})),
		"unknown.json": file(codex(map[string]any{"plan": "prolite", "account_id": "acct-4"})), // union: sees plus
		"claude.json":  file(map[string]any{"type": "claude", "email": "c@example.com"}),
	})
	data, err := os.ReadFile("../testdata/reference/models.json")
	if err != nil {
		t.Fatal(err)
	}
	const plus = `"codex-plus": [`
	if !strings.Contains(string(data), plus) {
		t.Fatal("reference catalog layout changed")
	}
	next, err := catalog.ParseValid([]byte(strings.Replace(string(data), plus, plus+`{"id": "gpt-5.7"},`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.AccountsAffected(next); got != 2 {
		t.Errorf("AccountsAffected = %d, want 2 (the plus account and the unknown plan's union)", got)
	}
	if got := s.AccountsAffected(s.Catalog.Catalog); got != 0 {
		t.Errorf("the same catalog affects %d accounts", got)
	}
}

func TestRefreshSummary(t *testing.T) {
	plus := map[string]catalog.SectionDiff{"codex-plus": {Added: []string{"gpt-5.7"}}}
	many := map[string]catalog.SectionDiff{
		"codex-pro":  {Added: []string{"a", "b", "c", "d"}, Removed: []string{"old"}, Changed: []catalog.ModelChange{{ID: "gpt-5.4", Fields: []string{"display_name"}}}},
		"codex-plus": {Added: []string{"a"}},
		"claude":     {Removed: []string{"claude-x"}},
		"kimi":       {},
	}
	failed := catalog.RefreshResult{
		Outcome: catalog.OutcomeError, Err: errors.New("catalog refresh failed: https://x/models.json: HTTP 500 Internal Server Error"),
		Loaded: catalog.Loaded{Info: catalog.Info{Source: catalog.SourceCache}},
	}
	tests := []struct {
		name     string
		r        catalog.RefreshResult
		affected int
		max      int
		want     string
	}{
		{"one addition", catalog.RefreshResult{Outcome: catalog.OutcomeOK, Sections: plus}, 240, 3,
			"catalog refreshed: codex-plus +1: gpt-5.7; 240 accounts affected"},
		{"one account", catalog.RefreshResult{Outcome: catalog.OutcomeOK, Sections: plus}, 1, 3,
			"catalog refreshed: codex-plus +1: gpt-5.7; 1 account affected"},
		{"no auth dir: the catalog part only", catalog.RefreshResult{Outcome: catalog.OutcomeOK, Sections: plus}, -1, 3,
			"catalog refreshed: codex-plus +1: gpt-5.7"},
		{"nothing changed", catalog.RefreshResult{Outcome: catalog.OutcomeOK, Sections: map[string]catalog.SectionDiff{}}, 0, 3,
			"catalog refreshed: no model changes"},
		{"everything listed", catalog.RefreshResult{Outcome: catalog.OutcomeOK, Sections: many}, 7, 0,
			"catalog refreshed: claude −1: claude-x; codex-plus +1: a; codex-pro +4: a, b, c, d −1: old ~1: gpt-5.4; 7 accounts affected"},
		{"shortened for a status line", catalog.RefreshResult{Outcome: catalog.OutcomeOK, Sections: many}, 7, 2,
			"catalog refreshed: claude −1: claude-x; codex-plus +1: a; 1 more section; 7 accounts affected"},
		{"not modified", catalog.RefreshResult{Outcome: catalog.OutcomeNotModified}, 0, 3, "catalog not modified"},
		{"failed", failed, -1, 3,
			"catalog refresh failed: https://x/models.json: HTTP 500 Internal Server Error; keeping the cache catalog"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.RefreshSummary(tt.r, tt.affected, tt.max); got != tt.want {
				t.Errorf("RefreshSummary =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
	if got := core.DescribeSectionChange("codex-pro", many["codex-pro"], 2); got != "codex-pro +4: a, b, … (2 more) −1: old ~1: gpt-5.4" {
		t.Errorf("DescribeSectionChange shortened = %q", got)
	}
}
