package core

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
)

// Snapshot is every account resolved at one instant under one catalog and
// rule set. It is never modified after it is built: the With methods return
// a new Snapshot that shares unchanged rows, so a UI can render one while a
// background command builds the next.
type Snapshot struct {
	Accounts []*Account // sorted by file name
	Catalog  catalog.Loaded
	Rules    RuleSet
	Now      time.Time

	resolver Resolver // prepared once, reused for one-file reloads
}

// Load scans a source and resolves every account.
func Load(ctx context.Context, src auth.Source, cat catalog.Loaded, rules RuleSet, now time.Time) (*Snapshot, error) {
	raw, err := src.Scan(ctx)
	if err != nil {
		return nil, err
	}
	return Build(raw, cat, rules, now), nil
}

// Build resolves parsed accounts into a Snapshot.
func Build(raw []*auth.Account, cat catalog.Loaded, rules RuleSet, now time.Time) *Snapshot {
	s := &Snapshot{Catalog: cat, Rules: rules, Now: now}
	s.resolver = s.Resolver().prepared()
	s.Accounts = s.resolver.ResolveAll(raw)
	slices.SortFunc(s.Accounts, func(a, b *Account) int { return strings.Compare(a.File, b.File) })
	return s
}

// Resolver returns the resolver this snapshot was built with.
func (s *Snapshot) Resolver() Resolver {
	if s.resolver.base != nil {
		return s.resolver
	}
	return Resolver{Catalog: s.Catalog.Catalog, Rules: s.Rules, Now: s.Now}
}

// Raw returns the parsed files behind the snapshot.
func (s *Snapshot) Raw() []*auth.Account {
	out := make([]*auth.Account, len(s.Accounts))
	for i, a := range s.Accounts {
		out[i] = a.Raw
	}
	return out
}

// Find returns the index of a file's row, or -1.
func (s *Snapshot) Find(file string) int {
	i, ok := slices.BinarySearchFunc(s.Accounts, file, func(a *Account, f string) int { return strings.Compare(a.File, f) })
	if !ok {
		return -1
	}
	return i
}

// Change kinds of one file.
const (
	ChangeAdded     = "added"
	ChangeChanged   = "changed"
	ChangeRemoved   = "removed"
	ChangeUnchanged = "unchanged"
)

// FileChange says what one file's reload did.
type FileChange struct {
	File   string
	Kind   string
	Before *Account // nil when added
	After  *Account // nil when removed
}

// WithFile returns the snapshot with one file re-read: a (present) replaces
// or adds its row; !present removes it. Only that file is resolved again;
// duplicate marks are recomputed across all rows (a cheap map pass).
func (s *Snapshot) WithFile(file string, a *auth.Account, present bool) (*Snapshot, FileChange) {
	ch := FileChange{File: file}
	i := s.Find(file)
	if i >= 0 {
		ch.Before = s.Accounts[i]
	}
	next := &Snapshot{Catalog: s.Catalog, Rules: s.Rules, Now: s.Now, resolver: s.resolver}
	accounts := slices.Clone(s.Accounts)
	switch {
	case !present && i < 0:
		ch.Kind = ChangeUnchanged
		return s, ch
	case !present:
		ch.Kind = ChangeRemoved
		accounts = slices.Delete(accounts, i, i+1)
	case i < 0:
		ch.Kind = ChangeAdded
		ch.After = s.Resolver().Resolve(a)
		j, _ := slices.BinarySearchFunc(accounts, file, func(x *Account, f string) int { return strings.Compare(x.File, f) })
		accounts = slices.Insert(accounts, j, ch.After)
	default:
		ch.Kind = ChangeChanged
		if a.Digest == ch.Before.Raw.Digest && a.Err == nil && ch.Before.Raw.Err == nil {
			ch.Kind = ChangeUnchanged
		}
		ch.After = s.Resolver().Resolve(a)
		accounts[i] = ch.After
	}
	MarkDuplicates(accounts)
	next.Accounts = accounts
	if ch.After != nil {
		// MarkDuplicates may have replaced the row with a copy.
		ch.After = accounts[next.Find(file)]
	}
	return next, ch
}

// WithCatalog re-resolves every account under another catalog.
func (s *Snapshot) WithCatalog(cat catalog.Loaded) *Snapshot {
	return Build(s.Raw(), cat, s.Rules, s.Now)
}

// WithRules re-resolves every account under another rule set.
func (s *Snapshot) WithRules(rules RuleSet) *Snapshot {
	return Build(s.Raw(), s.Catalog, rules, s.Now)
}

// Filter selects accounts for `list`; empty fields match everything, and
// values within a field are alternatives.
type Filter struct {
	Providers []string
	Tiers     []string
	Warnings  []string
}

// Match reports whether a passes the filter.
func (f Filter) Match(a *Account) bool {
	if len(f.Providers) > 0 && !containsFold(f.Providers, a.Provider) {
		return false
	}
	if len(f.Tiers) > 0 && !containsFold(f.Tiers, a.Tier) {
		return false
	}
	if len(f.Warnings) > 0 && !slices.ContainsFunc(f.Warnings, a.HasWarning) {
		return false
	}
	return true
}

// Select returns the accounts that pass the filter.
func (s *Snapshot) Select(f Filter) []*Account {
	out := make([]*Account, 0, len(s.Accounts))
	for _, a := range s.Accounts {
		if f.Match(a) {
			out = append(out, a)
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}
