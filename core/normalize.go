package core

import (
	"bytes"
	"fmt"

	"github.com/tierscope/tierscope/auth"
)

// PlanTypeKey is the stored key that "persist normalized metadata" sets.
const PlanTypeKey = "plan_type"

// ErrConflict means a file changed on disk since it was loaded.
var ErrConflict = auth.ErrConflict

// PlannedPlanType returns the plan_type a write would store: the normalized
// tier, when the plan is known from the id_token (whose signature is not
// invalid) and the stored value differs. ok is false when nothing is to be
// written; it never invents a plan for an unknown one.
func PlannedPlanType(a *Account) (tier string, ok bool) {
	if a.Raw == nil || a.Error != nil || a.Provider != "codex" || a.Plan == nil {
		return "", false
	}
	p := a.Plan
	if p.Source == nil || *p.Source != SourceIDToken || p.Normalized == nil {
		return "", false
	}
	if tok := a.Raw.IDToken; tok != nil && tok.Signature == auth.SignatureInvalid {
		return "", false
	}
	if st := a.Raw.StoredPlan; st.IsString && st.Value == *p.Normalized {
		return "", false
	}
	return *p.Normalized, true
}

// PlanWrite is a prepared change of one file: its bytes before and after.
type PlanWrite struct {
	File   string
	Path   string
	Key    string
	Old    *string // stored value before (nil when absent or not a string)
	New    string
	Before []byte
	After  []byte
}

// PreparePlanWrite reads the account's file and returns the edit a write
// would make. The file must still be what was loaded (ErrConflict if not).
func PreparePlanWrite(a *Account) (PlanWrite, bool, error) {
	tier, ok := PlannedPlanType(a)
	if !ok {
		return PlanWrite{}, false, nil
	}
	data, err := auth.ReadFile(a.Path)
	if err != nil {
		return PlanWrite{}, false, fmt.Errorf("%s: %w", a.File, err)
	}
	if !a.Raw.Digest.Matches(data) {
		return PlanWrite{}, false, fmt.Errorf("%s: %w", a.File, ErrConflict)
	}
	after, err := auth.SetStringMember(data, PlanTypeKey, tier)
	if err != nil {
		return PlanWrite{}, false, fmt.Errorf("%s: %w", a.File, err)
	}
	w := PlanWrite{File: a.File, Path: a.Path, Key: PlanTypeKey, New: tier, Before: data, After: after}
	if st := a.Raw.StoredPlan; st.IsString {
		w.Old = ptr(st.Value)
	}
	return w, !bytes.Equal(data, after), nil
}
