package demo

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// fixtureThreshold is the Count from which every fixture, broken files
// included, is written; below it the directory stays well-formed.
const fixtureThreshold = 40

// authFile is one *.json file to write.
type authFile interface {
	name() string
	render(r *rand.Rand, keys demoKeys) ([]byte, error)
}

// fileSpec is a planned file and the situations it demonstrates.
type fileSpec struct {
	file  authFile
	kinds []kind
}

// has reports whether the spec demonstrates k.
func (s fileSpec) has(k kind) bool {
	return slices.Contains(s.kinds, k)
}

// planner decides, cheaply and in order, what every index of the directory
// holds; the expensive rendering happens later, in parallel.
type planner struct {
	seed uint64
	now  time.Time
	// fullMix is set from fixtureThreshold on: the bulk may then hold other
	// providers and broken files; below it, bulk files are Codex accounts
	// that parse.
	fullMix   bool
	firstBulk int // indexes below are fixtures
}

// planFiles returns the Count files Generate writes, fixtures first.
func planFiles(opts Options) ([]fileSpec, error) {
	p := &planner{seed: opts.Seed, now: opts.Now, fullMix: opts.Count >= fixtureThreshold}
	specs := make([]fileSpec, 0, opts.Count)
	for _, f := range selectFixtures(opts.Count) {
		specs = append(specs, f.build(p))
	}
	p.firstBulk = len(specs)
	for i := len(specs); i < opts.Count; i++ {
		specs = append(specs, p.bulkSpec(i))
	}
	return specs, checkUniqueNames(specs)
}

// checkUniqueNames guards the Count promise: a repeated name would silently
// overwrite a file. Case is folded for case-insensitive file systems.
func checkUniqueNames(specs []fileSpec) error {
	seen := make(map[string]struct{}, len(specs))
	for _, s := range specs {
		key := strings.ToLower(s.file.name())
		if _, dup := seen[key]; dup {
			return fmt.Errorf("demo: generated file name %q twice", s.file.name())
		}
		seen[key] = struct{}{}
	}
	return nil
}

// labelRand is the PRNG of a fixture, keyed by its email so that one
// fixture can rebuild another's identity (duplicates need that).
func (p *planner) labelRand(label string, s stream) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(label))
	return newRand(p.seed, h.Sum64(), s)
}

func (p *planner) fixtureIdentity(email string) identity {
	return newIdentity(p.labelRand(email, streamIdentity), email)
}

// codexSpec finalizes an account into a spec.
func codexSpec(a *codexAccount) fileSpec {
	return fileSpec{file: a, kinds: a.derivedKinds()}
}

// providerSpec finalizes a non-Codex account into a spec.
func providerSpec(a *providerAccount) fileSpec {
	kinds := []kind{providerShapes[a.provider].kind}
	if a.excluded != nil {
		kinds = append(kinds, kindExcluded)
	}
	return fileSpec{file: a, kinds: kinds}
}

// brokenSpec finalizes a broken file into a spec.
func brokenSpec(b *brokenFile) fileSpec {
	return fileSpec{file: b, kinds: []kind{b.form}}
}

// duplicateOf is a second login of the account id: the proxy writes a new
// file when the plan changes and the old one stays. The new plan is chosen
// so that the two file names differ.
func (p *planner) duplicateOf(id identity, oldNamePlan string, r *rand.Rand) *codexAccount {
	plan := "pro"
	if oldNamePlan == plan {
		plan = "plus"
	}
	a := newCodexAccount(r, id, plan, p.now)
	a.kinds = append(a.kinds, kindDuplicate)
	return a
}

// refreshedAgo moves the last refresh back by d and lets the access-token
// expiry follow it, as it would if the proxy had stopped refreshing.
func (a *codexAccount) refreshedAgo(now time.Time, d time.Duration) {
	a.lastRefresh = now.Add(-d).In(a.lastRefresh.Location())
	a.expiry = a.lastRefresh.Add(10 * 24 * time.Hour).Format(time.RFC3339)
	if d > 7*24*time.Hour {
		a.kinds = append(a.kinds, kindStaleRefresh)
	}
}
