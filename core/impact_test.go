package core_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

func loadHistory(t *testing.T, name string) catalog.Loaded {
	t.Helper()
	l, err := catalog.LoadFile(filepath.Join("..", "testdata", "reference", "history", name))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func referenceSnapshot(t *testing.T, cat catalog.Loaded, ruleSet string) *core.Snapshot {
	t.Helper()
	dir, err := auth.NewDir(filepath.Join(reference, "auths"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := core.Load(context.Background(), dir, cat, rules(t, ruleSet), now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// On 2026-04-24 the free tier lost gpt-5.5 three hours after it was added.
func TestCandidateDiffGroupsAndUsage(t *testing.T) {
	s := referenceSnapshot(t, loadHistory(t, "models-2026-04-24T0242-d6b2557.json"), "pr2024")
	d := s.CompareCatalog(loadHistory(t, "models-2026-04-24T0505-4f4afb8.json").Catalog)
	if len(d.Groups) != 2 {
		t.Fatalf("groups %+v", d.Groups)
	}
	if g := d.Groups[0]; g.Describe() != "3 free accounts lose gpt-5.5" || len(g.Files) != 3 {
		t.Errorf("first group: %q", g.Describe())
	}
	if g := d.Groups[1]; g.Tier != "free" || !slices.Equal(g.Removed, []string{"five", "gpt-5.5", "p1/five", "p1/gpt-5.5"}) {
		t.Errorf("second group (aliased, prefixed): %+v", g)
	}
	var five *core.UsageChange
	for i := range d.Models {
		if d.Models[i].ID == "gpt-5.5" {
			five = &d.Models[i]
		}
	}
	if five == nil || five.Delta() != -4 || five.Tiers["free"] != 0 {
		t.Errorf("gpt-5.5 usage: %+v", five)
	}
}

func TestUsageCountsAccountsPerModelAndTier(t *testing.T) {
	s := referenceSnapshot(t, refCatalog(t), "upstream")
	usage := map[string]core.ModelUsage{}
	for _, u := range s.Usage() {
		usage[u.ID] = u
	}
	// Every enabled, loaded Codex account serves the built-in image model.
	codex := 0
	for _, a := range s.Accounts {
		if a.Provider == "codex" && len(a.Models) > 0 {
			codex++
		}
	}
	// (codex-excl's exclusions are a string, which the proxy ignores.)
	if u := usage["gpt-image-2"]; u.Total != codex || codex != 21 {
		t.Errorf("gpt-image-2 served by %d of %d serving Codex accounts, want all 21 (22 Codex files, one disabled)", u.Total, codex)
	}
	if u := usage["gpt-5.5"]; u.PerTier["free"] == 0 || u.PerTier["pro"] == 0 {
		t.Errorf("gpt-5.5 per tier %+v", u.PerTier)
	}
	if _, ok := usage["p1/gpt-5.5"]; ok {
		t.Error("prefixed ids count under their bare id")
	}
}

func TestTierMatrix(t *testing.T) {
	m := core.NewTierMatrix(refCatalog(t).Catalog, rules(t, "pr2024"))
	if !slices.Equal(m.Tiers, []string{"free", "team", "plus", "pro", "union"}) {
		t.Fatalf("tiers %q", m.Tiers)
	}
	spark := m.Has["gpt-5.3-codex-spark"]
	if !slices.Equal(spark, []bool{false, false, true, true, true}) {
		t.Errorf("gpt-5.3-codex-spark marks %v", spark)
	}
	if img := m.Has["gpt-image-2"]; !slices.Equal(img, []bool{true, true, true, true, true}) {
		t.Errorf("built-in marks %v", img)
	}
	if !slices.IsSorted(m.Models) || len(m.Models) != 10 {
		t.Errorf("models %q", m.Models)
	}
}

func TestRuleSetDiffGroups(t *testing.T) {
	s := referenceSnapshot(t, refCatalog(t), "pr2024")
	d := s.CompareRules(rules(t, "pr2024"), rules(t, "upstream"))
	found := false
	for _, g := range d.Groups {
		if g.Tier == "team→pro" && len(g.Files) == 3 && slices.Equal(g.Added, []string{"gpt-5.3-codex-spark"}) {
			found = true
		}
	}
	if !found {
		t.Errorf("no group of 3 team→pro accounts gaining gpt-5.3-codex-spark: %+v", d.Groups)
	}
}
