package core

import (
	"slices"
	"strings"
)

// This file holds what the diff views need beyond the headless diffs: a
// rule set with an alias taken away (the policy what-if), the accounts
// behind one model's usage count, and a catalog diff between two snapshots
// already resolved.

// WithoutAlias returns r without the alias of raw (trimmed, lower-case), so
// that plan becomes unknown and the unknown-plan policy decides its tier: the
// "what if enterprise were not team" question. A raw plan r does not alias is
// left as it is.
func (r RuleSet) WithoutAlias(raw string) RuleSet {
	raw = planKey(raw)
	if _, ok := r.Aliases[raw]; !ok {
		return r
	}
	r.Aliases = cloneMap(r.Aliases)
	delete(r.Aliases, raw)
	if _, ok := r.AliasOverrides[raw]; ok {
		r.AliasOverrides = cloneMap(r.AliasOverrides)
		delete(r.AliasOverrides, raw)
	}
	return r
}

// ServingFiles lists the files of the accounts that serve a model, counted
// as Usage counts them (a prefixed id under its bare id, disabled accounts
// serve nothing): len(ServingFiles(id)) is Usage's Total for id. Sorted by
// file name.
func (s *Snapshot) ServingFiles(id string) []string {
	var out []string
	for _, a := range s.Accounts {
		if slices.ContainsFunc(a.Models, func(m string) bool {
			return m == id || (a.Prefix != "" && strings.TrimPrefix(m, a.Prefix+"/") == id)
		}) {
			out = append(out, a.File)
		}
	}
	return out
}

// CompareResolved diffs this snapshot against the same accounts resolved
// under another catalog (after from WithCandidate or WithCatalog):
// s.CompareCatalog(c) is s.CompareResolved(s.WithCandidate(c)). It lets a
// caller that also needs the resolved "after" side (per-model usage) resolve
// the accounts once.
func (s *Snapshot) CompareResolved(after *Snapshot) CatalogDiff {
	return s.compareWith(after)
}
