package tui

import (
	"cmp"
	"math"
	"strconv"
	"strings"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/core"
)

// column is one column of the accounts table.
type column int

const (
	colFile column = iota
	colProvider
	colEmail
	colPlan
	colTier
	colModels
	colExpires
	colSig
	colProxy // shown only with a proxy to check against (verify.go)
	colFlags
	numColumns
)

var columnTitles = [numColumns]string{"FILE", "PROVIDER", "EMAIL", "PLAN", "TIER", "MODELS", "EXPIRES", "SIG", "PROXY", "FLAGS"}

func (c column) String() string { return strings.ToLower(columnTitles[c]) }

// row is one account, prepared once for rendering, sorting and filtering,
// so that drawing a frame or narrowing a filter never formats an account.
type row struct {
	acc    *core.Account
	cells  [numColumns]string // plain, redacted text
	lower  [numColumns]string // lower-case cells, for sorting
	badges []badge
	// key is what the filter matches: every column, lower-case, one string.
	key     string
	models  int
	expires int64 // Unix seconds; math.MaxInt64 when unknown
	worst   int   // worst severity rank (3 when no warning)
	// proxy is the PROXY cell's state (verify.go); zero without a proxy.
	proxy proxyMark
}

// newRow prepares one account.
func newRow(a *core.Account) *row {
	r := &row{acc: a, badges: badgesOf(a), models: len(a.Models), expires: math.MaxInt64, worst: 3}
	plan := none
	if a.Plan != nil && a.Plan.Raw != nil && *a.Plan.Raw != "" {
		plan = *a.Plan.Raw
	}
	expires := none
	if a.ExpiresAt != nil {
		expires = date(*a.ExpiresAt)
		r.expires = a.ExpiresAt.Unix()
	}
	provider, email := orNone(a.Provider), orNone(a.Email)
	r.cells = [numColumns]string{a.File, provider, email, plan, a.Tier, strconv.Itoa(r.models), expires, sigText(a), "", badgeText(r.badges)}
	// Belt and braces: nothing in a row should be a secret, but every
	// rendered text passes through the redactor. One call per row.
	const sep = "\x1f"
	joined := strings.Join(r.cells[:], sep)
	if red := auth.Redact(joined); red != joined {
		copy(r.cells[:], strings.Split(red, sep))
	}
	for i, c := range r.cells {
		r.lower[i] = strings.ToLower(c)
	}
	r.key = strings.Join(r.lower[:], " ")
	if len(r.badges) > 0 {
		r.worst = severityRank(r.badges[0].Severity)
	}
	return r
}

// sigText is the SIG cell: the verdict of a JWKS check, empty when the
// token was not checked (no --jwks) or there is none.
func sigText(a *core.Account) string {
	if a.Signature == nil || *a.Signature == auth.SignatureUnverified {
		return ""
	}
	return *a.Signature
}

func orNone(s string) string {
	if s == "" {
		return none
	}
	return s
}

// buildRows prepares every account, reusing the rows of accounts that did
// not change (a snapshot shares unchanged *core.Account values).
func buildRows(accounts []*core.Account, prev []*row) []*row {
	reuse := make(map[*core.Account]*row, len(prev))
	for _, r := range prev {
		reuse[r.acc] = r
	}
	out := make([]*row, len(accounts))
	for i, a := range accounts {
		if r, ok := reuse[a]; ok {
			out[i] = r
		} else {
			out[i] = newRow(a)
		}
	}
	return out
}

// compareRows orders two rows by a column, then by file name.
func compareRows(a, b *row, c column) int {
	var d int
	switch c {
	case colModels:
		d = cmp.Compare(a.models, b.models)
	case colExpires:
		d = cmp.Compare(a.expires, b.expires)
	case colProxy:
		// Worst first, then the most differences.
		d = cmp.Or(cmp.Compare(a.proxy.rank, b.proxy.rank), cmp.Compare(b.proxy.diff, a.proxy.diff))
	case colFlags:
		// Worst first, then the most warnings.
		d = cmp.Or(cmp.Compare(a.worst, b.worst), cmp.Compare(len(b.badges), len(a.badges)), strings.Compare(a.lower[c], b.lower[c]))
	default:
		d = strings.Compare(a.lower[c], b.lower[c])
	}
	return cmp.Or(d, strings.Compare(a.acc.File, b.acc.File))
}
