package core

import (
	"fmt"
	"strings"
	"time"

	"github.com/tierscope/tierscope/auth"
)

// planWarnings compares the plan in force with the stored plan_type and the
// file name (DESIGN §3).
func (r Resolver) planWarnings(out *Account, a *auth.Account, p codexPlan) {
	tokenPlan := ""
	if a.IDToken != nil && a.IDToken.Err == nil && a.IDToken.Claims.PlanType.Usable() {
		tokenPlan = a.IDToken.Claims.PlanType.Value
	}
	stored := a.StoredPlan
	if tokenPlan != "" && strings.TrimSpace(tokenPlan) != "" {
		tokenTier, tokenKnown := r.Rules.normalize(tokenPlan)
		switch {
		case stored.IsString && strings.TrimSpace(stored.Value) != "":
			storedTier, storedKnown := r.Rules.normalize(stored.Value)
			if !sameResult(storedTier, storedKnown, stored.Value, tokenTier, tokenKnown, tokenPlan) {
				out.warn(WarnStalePlanType, fmt.Sprintf("stored plan_type %q is %s but the id_token says %q (%s): a refreshed token changed the plan",
					stored.Value, resultText(storedTier, storedKnown), tokenPlan, resultText(tokenTier, tokenKnown)))
			} else if tokenKnown && p.source == SourceIDToken && stored.Value != tokenTier {
				out.warn(WarnUnnormalizedPlanType, fmt.Sprintf("stored plan_type %q means %s; a write would store %q", stored.Value, tokenTier, tokenTier))
			}
		case tokenKnown:
			out.warn(WarnMissingPlanType, fmt.Sprintf("plan %s is known from the id_token but not stored in plan_type", tokenTier))
		}
	}
	if p.known {
		if namePlan := fileNamePlan(a.File, a.Email); namePlan != "" {
			if nameTier, ok := r.Rules.normalize(namePlan); ok && nameTier != p.tier {
				out.warn(WarnFilenamePlanMismatch, fmt.Sprintf("the file name says %q (%s) but the plan is %s", namePlan, nameTier, p.tier))
			}
		}
	}
}

// sameResult compares two normalizations; two unknown plans are the same
// only when their trimmed lower-case texts are.
func sameResult(tierA string, knownA bool, rawA string, tierB string, knownB bool, rawB string) bool {
	if knownA != knownB {
		return false
	}
	if knownA {
		return tierA == tierB
	}
	return planKey(rawA) == planKey(rawB)
}

func resultText(tier string, known bool) string {
	if known {
		return tier
	}
	return "unknown"
}

// fileWarnings are the warnings that do not depend on the plan.
func (r Resolver) fileWarnings(out *Account, a *auth.Account) {
	if a.IDToken != nil && a.IDToken.Err != nil {
		out.warn(WarnIDTokenInvalid, a.IDToken.Err.Error()+"; its plan cannot be read")
	}
	if a.IDToken != nil && a.IDToken.Signature == auth.SignatureInvalid {
		out.warn(WarnSignatureInvalid, "the id_token's signature does not verify against the JWKS: its plan cannot be trusted")
	}
	if a.Disabled {
		out.warn(WarnDisabled, "disabled: the proxy registers no models for it")
	}
	if a.ExpiresAt != nil {
		switch left := a.ExpiresAt.Sub(r.Now); {
		case left < 0:
			out.warn(WarnExpired, "expired "+a.ExpiresAt.Format("2006-01-02 15:04 MST"))
		case left < ExpiringWithin:
			out.warn(WarnExpiringSoon, fmt.Sprintf("expires in %s (%s)", RoughDuration(left), a.ExpiresAt.Format("2006-01-02 15:04 MST")))
		}
	}
	if a.LastRefresh != nil && r.Now.Sub(*a.LastRefresh) > StaleRefreshOver {
		out.warn(WarnStaleRefresh, fmt.Sprintf("last refreshed %s ago (%s): the proxy may have stopped refreshing it",
			RoughDuration(r.Now.Sub(*a.LastRefresh)), a.LastRefresh.Format("2006-01-02")))
	}
	for _, f := range a.Ignored {
		out.warn(WarnIgnoredField, f.Field+": "+f.Reason)
	}
}

// RoughDuration words a duration coarsely: 3d, 5h, 12m, 40s.
func RoughDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	case d >= time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}

// MarkDuplicates flags accounts that share a provider and account_id (or,
// without an account id, a provider and email). It recomputes the warning
// from scratch, so it can run again after one file changes; an account whose
// warnings change is replaced in the slice by a copy, never mutated, so
// snapshots that share rows stay valid.
func MarkDuplicates(accounts []*Account) {
	// Most keys are unique: remember the first row of each, and make a
	// group only for a key seen again.
	first := make(map[dupKey]int, len(accounts))
	groups := map[dupKey][]int{}
	for i, a := range accounts {
		key, ok := duplicateKey(a)
		if !ok {
			continue
		}
		j, seen := first[key]
		switch {
		case !seen:
			first[key] = i
		case groups[key] == nil:
			groups[key] = []int{j, i}
		default:
			groups[key] = append(groups[key], i)
		}
	}
	want := make(map[int]string)
	for _, g := range groups {
		for _, i := range g {
			a := accounts[i]
			var others []string
			for _, j := range g {
				if j != i {
					others = append(others, accounts[j].File)
				}
			}
			what := "account_id " + a.AccountID
			if a.AccountID == "" {
				what = "email " + a.Email
			}
			want[i] = fmt.Sprintf("same %s %s as %s", a.Provider, what, strings.Join(others, ", "))
		}
	}
	for i, a := range accounts {
		msg, dup := want[i]
		if current := a.warning(WarnDuplicateAccount); (current == nil && !dup) || (current != nil && current.Message == msg) {
			continue
		}
		c := *a
		c.Warnings = make([]Warning, 0, len(a.Warnings)+1)
		for _, w := range a.Warnings {
			if w.Code != WarnDuplicateAccount {
				c.Warnings = append(c.Warnings, w)
			}
		}
		if dup {
			c.warn(WarnDuplicateAccount, msg)
		}
		accounts[i] = &c
	}
}

// dupKey is what makes two accounts the same: a provider and an account
// id, or, without one, a provider and an email (any case).
type dupKey struct {
	provider, id string
	byEmail      bool
}

func duplicateKey(a *Account) (dupKey, bool) {
	switch {
	case a.Error != nil || a.Provider == "":
		return dupKey{}, false
	case a.AccountID != "":
		return dupKey{a.Provider, a.AccountID, false}, true
	case a.Email != "":
		return dupKey{a.Provider, strings.ToLower(a.Email), true}, true
	}
	return dupKey{}, false
}

func (a *Account) warning(code string) *Warning {
	for i := range a.Warnings {
		if a.Warnings[i].Code == code {
			return &a.Warnings[i]
		}
	}
	return nil
}
