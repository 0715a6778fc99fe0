package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// stream separates the independent random sequences derived from one seed,
// so that deciding what a file is never shifts the bytes inside it.
type stream uint64

const (
	streamPlan     stream = iota + 1 // what kind of file an index is
	streamDup                        // whether a bulk index duplicates its neighbour
	streamIdentity                   // emails and account ids
	streamRender                     // secrets, subscription dates, organizations
	streamExtras                     // the pending-login file
)

// newRand returns the PRNG for one (index, stream) pair. Each file gets its
// own, so files can be built in any order, on any goroutine, and come out
// the same.
func newRand(seed uint64, index uint64, s stream) *rand.Rand {
	return rand.New(rand.NewPCG(seed, index<<8|uint64(s)))
}

const (
	base64URLAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	alnumAlphabet     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	hexAlphabet       = "0123456789abcdef"
)

// randomText returns n characters drawn from alphabet (at most 64 long).
// It spends one Uint64 per ten characters: access tokens are long and a
// 10,000-file directory draws tens of millions of them.
func randomText(r *rand.Rand, alphabet string, n int) string {
	var b strings.Builder
	b.Grow(n)
	for b.Len() < n {
		bits := r.Uint64()
		for range 10 {
			c := int(bits & 63)
			bits >>= 6
			if c < len(alphabet) {
				b.WriteByte(alphabet[c])
				if b.Len() == n {
					break
				}
			}
		}
	}
	return b.String()
}

// between returns a value in [lo, hi).
func between(r *rand.Rand, lo, hi int64) int64 {
	return lo + r.Int64N(hi-lo)
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool {
	return r.Float64() < p
}

// weighted is one option of a weighted random choice.
type weighted[T any] struct {
	value  T
	weight float64
}

// pickWeighted returns one option's value with probability proportional to
// its weight.
func pickWeighted[T any](r *rand.Rand, options []weighted[T]) T {
	total := 0.0
	for _, o := range options {
		total += o.weight
	}
	x := r.Float64() * total
	for _, o := range options {
		if x < o.weight {
			return o.value
		}
		x -= o.weight
	}
	return options[len(options)-1].value
}

// pickOne returns a uniformly chosen element of options.
func pickOne[T any](r *rand.Rand, options []T) T {
	return options[r.IntN(len(options))]
}

var (
	firstNames = []string{
		"ada", "ben", "chloe", "dev", "elena", "farid", "grace", "hiro", "ines",
		"jonas", "kofi", "lena", "mateo", "nadia", "omar", "priya", "quinn",
		"rosa", "sven", "tara", "uma", "victor", "wen", "xena", "yusuf", "zoe",
	}
	lastNames = []string{
		"abbott", "becker", "chen", "diaz", "eriksen", "fischer", "garcia",
		"haddad", "ito", "jensen", "kowalski", "lopez", "moreau", "novak",
		"okafor", "patel", "quispe", "rossi", "silva", "tanaka", "ueda",
		"varga", "wagner", "xu", "yilmaz", "zhang",
	}
	// exampleDomains are reserved names (RFC 2606 / RFC 6761): no real inbox
	// can ever receive mail for them.
	exampleDomains = []string{"example.com", "corp.example", "sample.example"}
)

// bulkEmail is unique per index, so bulk file names never collide.
func bulkEmail(r *rand.Rand, index int) string {
	return fmt.Sprintf("%s.%s.%04d@%s",
		pickOne(r, firstNames), pickOne(r, lastNames), index, pickOne(r, exampleDomains))
}
