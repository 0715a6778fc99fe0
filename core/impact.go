package core

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tierscope/tierscope/catalog"
)

// ChangeGroup gathers accounts whose change is the same: same tier (or
// tier move), same models gained, same models lost. It is how the diff views
// and `diff` speak: "12 plus accounts gain gpt-5.7".
type ChangeGroup struct {
	Tier    string   `json:"tier"` // "plus", or "team→pro" for a rule-set change
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
	Files   []string `json:"files"`
}

// Describe words the group: "12 plus accounts gain gpt-5.7; lose gpt-5.5",
// "1 free account loses gpt-5.5".
func (g ChangeGroup) Describe() string {
	// One account "gains"; several "gain".
	noun, gain, lose, keep := "accounts", "gain ", "lose ", "keep the same models"
	if len(g.Files) == 1 {
		noun, gain, lose, keep = "account", "gains ", "loses ", "keeps the same models"
	}
	var parts []string
	if len(g.Added) > 0 {
		parts = append(parts, gain+strings.Join(g.Added, " "))
	}
	if len(g.Removed) > 0 {
		parts = append(parts, lose+strings.Join(g.Removed, " "))
	}
	if len(parts) == 0 {
		parts = append(parts, keep)
	}
	return fmt.Sprintf("%d %s %s %s", len(g.Files), g.Tier, noun, strings.Join(parts, "; "))
}

// GroupCatalogDeltas groups a candidate diff's accounts, largest group first
// (ties by tier, then by change), so the same input always reads the same.
func GroupCatalogDeltas(deltas []AccountDelta) []ChangeGroup {
	return groupBy(len(deltas), func(i int) (string, []string, []string, string) {
		d := deltas[i]
		return d.Tier, d.Added, d.Removed, d.File
	})
}

// GroupRuleSetDeltas groups a rule-set diff's accounts by tier move and change.
func GroupRuleSetDeltas(deltas []RuleSetDelta) []ChangeGroup {
	return groupBy(len(deltas), func(i int) (string, []string, []string, string) {
		d := deltas[i]
		tier := d.From.Tier
		if d.To.Tier != d.From.Tier {
			tier += "→" + d.To.Tier
		}
		return tier, d.Added, d.Removed, d.File
	})
}

func groupBy(n int, key func(i int) (tier string, added, removed []string, file string)) []ChangeGroup {
	index := map[string]int{}
	var groups []ChangeGroup
	for i := range n {
		tier, added, removed, file := key(i)
		k := tier + "\x00" + strings.Join(added, ",") + "\x00" + strings.Join(removed, ",")
		j, ok := index[k]
		if !ok {
			j = len(groups)
			index[k] = j
			groups = append(groups, ChangeGroup{Tier: tier, Added: added, Removed: removed})
		}
		groups[j].Files = append(groups[j].Files, file)
	}
	slices.SortStableFunc(groups, func(a, b ChangeGroup) int {
		if len(a.Files) != len(b.Files) {
			return len(b.Files) - len(a.Files)
		}
		if c := strings.Compare(a.Tier, b.Tier); c != 0 {
			return c
		}
		return strings.Compare(strings.Join(a.Added, ",")+"|"+strings.Join(a.Removed, ","), strings.Join(b.Added, ",")+"|"+strings.Join(b.Removed, ","))
	})
	return groups
}

// ModelUsage is how many accounts serve one model, in total and per tier.
type ModelUsage struct {
	ID      string         `json:"id"`
	Total   int            `json:"total"`
	PerTier map[string]int `json:"per_tier"`
}

// Usage counts, for every model served by any account, the accounts that
// serve it (disabled accounts serve nothing). Prefixed ids count under their
// bare id once per account. Sorted by id.
func (s *Snapshot) Usage() []ModelUsage {
	byID := map[string]*ModelUsage{}
	for _, a := range s.Accounts {
		seen := map[string]bool{}
		for _, id := range a.Models {
			if a.Prefix != "" {
				id = strings.TrimPrefix(id, a.Prefix+"/")
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			u := byID[id]
			if u == nil {
				u = &ModelUsage{ID: id, PerTier: map[string]int{}}
				byID[id] = u
			}
			u.Total++
			u.PerTier[a.Tier]++
		}
	}
	out := make([]ModelUsage, 0, len(byID))
	for _, u := range byID {
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b ModelUsage) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// UsageChange is one model's account count now and under a candidate
// ("gpt-5.5: 340 → 12 accounts").
type UsageChange struct {
	ID     string         `json:"id"`
	Before int            `json:"before"`
	After  int            `json:"after"`
	Tiers  map[string]int `json:"-"` // after, per tier
}

// Delta is After - Before.
func (u UsageChange) Delta() int { return u.After - u.Before }

// CompareUsage lines up two snapshots' usage (every model of either),
// biggest loss first, then biggest gain, then by id.
func CompareUsage(before, after *Snapshot) []UsageChange {
	m := map[string]*UsageChange{}
	get := func(id string) *UsageChange {
		if m[id] == nil {
			m[id] = &UsageChange{ID: id}
		}
		return m[id]
	}
	for _, u := range before.Usage() {
		get(u.ID).Before = u.Total
	}
	for _, u := range after.Usage() {
		c := get(u.ID)
		c.After, c.Tiers = u.Total, u.PerTier
	}
	out := make([]UsageChange, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b UsageChange) int {
		if a.Delta() != b.Delta() {
			return a.Delta() - b.Delta()
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// WithCandidate resolves the snapshot's accounts under a candidate catalog:
// the "after" side of a candidate diff.
func (s *Snapshot) WithCandidate(candidate *catalog.Catalog) *Snapshot {
	return s.WithCatalog(catalog.Loaded{Catalog: candidate, Info: catalog.Info{Source: "candidate"}})
}

// TierMatrix is every Codex model down and the tiers (and the union) across.
type TierMatrix struct {
	Tiers  []string          `json:"tiers"`
	Models []string          `json:"models"`
	Has    map[string][]bool `json:"has"` // model → one mark per tier, in Tiers order
}

// NewTierMatrix builds the matrix for a catalog under a rule set (built-ins
// included, as every tier gets them).
func NewTierMatrix(cat *catalog.Catalog, rules RuleSet) TierMatrix {
	r := Resolver{Catalog: cat, Rules: rules}
	m := TierMatrix{Tiers: slices.Clone(TierNames), Has: map[string][]bool{}}
	for i, t := range m.Tiers {
		for _, id := range r.TierModels(t) {
			if m.Has[id] == nil {
				m.Has[id] = make([]bool, len(m.Tiers))
				m.Models = append(m.Models, id)
			}
			m.Has[id][i] = true
		}
	}
	slices.Sort(m.Models)
	return m
}
