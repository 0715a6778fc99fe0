package core

import (
	"fmt"
	"slices"

	"github.com/tierscope/tierscope/catalog"
)

// TierDiff is what one Codex tier offers that another does not.
type TierDiff struct {
	A     string   `json:"a"`
	B     string   `json:"b"`
	OnlyA []string `json:"only_a"`
	OnlyB []string `json:"only_b"`
}

// TierNames are the tiers a tier diff accepts: the four and the union.
var TierNames = append(slices.Clone(Tiers), TierUnion)

// CompareTiers returns the models in tier a and not in b, and in b not in a.
func CompareTiers(cat *catalog.Catalog, rules RuleSet, a, b string) (TierDiff, error) {
	for _, t := range []string{a, b} {
		if !slices.Contains(TierNames, t) {
			return TierDiff{}, fmt.Errorf("unknown tier %q (want one of free, team, plus, pro, union)", t)
		}
	}
	r := Resolver{Catalog: cat, Rules: rules}
	ma, mb := r.TierModels(a), r.TierModels(b)
	return TierDiff{A: a, B: b, OnlyA: minus(ma, mb), OnlyB: minus(mb, ma)}, nil
}

// AccountDelta is what one account gains and loses.
type AccountDelta struct {
	File    string   `json:"file"`
	Tier    string   `json:"tier"`
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
}

// CatalogDiff is a candidate catalog compared with the current one: per
// section, and per account (only accounts whose models change).
type CatalogDiff struct {
	Sections map[string]catalog.SectionDiff `json:"sections"`
	Accounts []AccountDelta                 `json:"accounts"`
	Groups   []ChangeGroup                  `json:"groups"` // Accounts grouped by tier and change
	Models   []UsageChange                  `json:"models"` // accounts per model, now → candidate (changed ones)
}

// Changed reports whether anything differs.
func (d CatalogDiff) Changed() bool { return len(d.Sections) > 0 || len(d.Accounts) > 0 }

// CompareCatalog resolves every account again under a candidate catalog and
// reports what changes.
func (s *Snapshot) CompareCatalog(candidate *catalog.Catalog) CatalogDiff {
	return s.compareWith(s.WithCandidate(candidate))
}

// compareWith diffs this snapshot against the same accounts resolved under
// another catalog.
func (s *Snapshot) compareWith(after *Snapshot) CatalogDiff {
	d := CatalogDiff{Sections: catalog.Compare(s.Catalog.Catalog, after.Catalog.Catalog), Accounts: []AccountDelta{}, Models: []UsageChange{}}
	for i, a := range s.Accounts {
		b := after.Accounts[i]
		added, removed := minus(b.Models, a.Models), minus(a.Models, b.Models)
		if len(added) > 0 || len(removed) > 0 {
			d.Accounts = append(d.Accounts, AccountDelta{File: a.File, Tier: a.Tier, Added: added, Removed: removed})
		}
	}
	d.Groups = GroupCatalogDeltas(d.Accounts)
	for _, u := range CompareUsage(s, after) {
		if u.Delta() != 0 {
			d.Models = append(d.Models, u)
		}
	}
	return d
}

// TierAndModels is an account's tier and models under one rule set.
type TierAndModels struct {
	Tier   string   `json:"tier"`
	Models []string `json:"models"`
}

// RuleSetDelta is one account whose tier or models change between rule sets.
type RuleSetDelta struct {
	File    string        `json:"file"`
	From    TierAndModels `json:"from"`
	To      TierAndModels `json:"to"`
	Added   []string      `json:"added"`
	Removed []string      `json:"removed"`
}

// RuleSetDiff is, per account, what changes from rule set A to B.
type RuleSetDiff struct {
	A        string         `json:"a"`
	B        string         `json:"b"`
	Accounts []RuleSetDelta `json:"accounts"`
	Groups   []ChangeGroup  `json:"groups"`
}

// CompareRules resolves every account under two rule sets and lists the
// accounts whose tier or models differ.
func (s *Snapshot) CompareRules(a, b RuleSet) RuleSetDiff {
	d := RuleSetDiff{A: a.Name, B: b.Name, Accounts: []RuleSetDelta{}}
	ra := Resolver{Catalog: s.Catalog.Catalog, Rules: a, Now: s.Now}.prepared()
	rb := Resolver{Catalog: s.Catalog.Catalog, Rules: b, Now: s.Now}.prepared()
	for _, acc := range s.Accounts {
		x, y := ra.Resolve(acc.Raw), rb.Resolve(acc.Raw)
		added, removed := minus(y.Models, x.Models), minus(x.Models, y.Models)
		if x.Tier == y.Tier && len(added) == 0 && len(removed) == 0 {
			continue
		}
		d.Accounts = append(d.Accounts, RuleSetDelta{
			File: acc.File, From: TierAndModels{x.Tier, x.Models}, To: TierAndModels{y.Tier, y.Models},
			Added: added, Removed: removed,
		})
	}
	d.Groups = GroupRuleSetDeltas(d.Accounts)
	return d
}

// minus returns the sorted ids in a that are not in b.
func minus(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, id := range b {
		in[id] = true
	}
	out := []string{}
	for _, id := range a {
		if !in[id] {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
