package core_test

import (
	"slices"
	"testing"

	"github.com/tierscope/tierscope/core"
)

func TestWithoutAliasMakesThePlanUnknown(t *testing.T) {
	r := rules(t, "pr2024", alias("k12", "pro"))
	r = r.WithoutAlias(" Enterprise ").WithoutAlias("k12")
	if _, ok := r.Aliases["enterprise"]; ok {
		t.Error("enterprise is still an alias")
	}
	if _, ok := r.AliasOverrides["k12"]; ok {
		t.Error("a removed override is still described")
	}
	if base := rules(t, "pr2024"); base.Aliases["enterprise"] != "team" {
		t.Error("WithoutAlias changed the rule set it was called on")
	}
	if got := r.WithoutAlias("nosuchplan"); len(got.Aliases) != len(r.Aliases) {
		t.Error("removing an absent alias changed the table")
	}
}

func TestServingFilesMatchUsage(t *testing.T) {
	s := referenceSnapshot(t, refCatalog(t), "pr2024")
	for _, u := range s.Usage() {
		files := s.ServingFiles(u.ID)
		if len(files) != u.Total || !slices.IsSorted(files) {
			t.Errorf("%s: %d files, usage says %d", u.ID, len(files), u.Total)
		}
	}
}

func TestCompareResolvedIsCompareCatalog(t *testing.T) {
	s := referenceSnapshot(t, loadHistory(t, "models-2026-04-24T0242-d6b2557.json"), "pr2024")
	cand := loadHistory(t, "models-2026-04-24T0505-4f4afb8.json").Catalog
	a, b := s.CompareCatalog(cand), s.CompareResolved(s.WithCandidate(cand))
	if len(a.Groups) != len(b.Groups) || len(a.Accounts) != len(b.Accounts) || len(a.Models) != len(b.Models) {
		t.Errorf("CompareResolved %+v\nCompareCatalog %+v", b, a)
	}
}

func TestDescribeAgreesInNumber(t *testing.T) {
	for _, c := range []struct {
		g    core.ChangeGroup
		want string
	}{
		{core.ChangeGroup{Tier: "free", Removed: []string{"gpt-5.5"}, Files: []string{"a", "b"}}, "2 free accounts lose gpt-5.5"},
		{core.ChangeGroup{Tier: "free", Removed: []string{"gpt-5.5"}, Files: []string{"a"}}, "1 free account loses gpt-5.5"},
		{core.ChangeGroup{Tier: "plus", Added: []string{"x"}, Removed: []string{"y"}, Files: []string{"a"}}, "1 plus account gains x; loses y"},
		{core.ChangeGroup{Tier: "plus→pro", Files: []string{"a"}}, "1 plus→pro account keeps the same models"},
		{core.ChangeGroup{Tier: "plus→pro", Files: []string{"a", "b"}}, "2 plus→pro accounts keep the same models"},
	} {
		if got := c.g.Describe(); got != c.want {
			t.Errorf("Describe() = %q, want %q", got, c.want)
		}
	}
}
