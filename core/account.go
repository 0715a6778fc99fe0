package core

import (
	"time"

	"github.com/tierscope/tierscope/auth"
)

// Account is one auth file resolved under a rule set and a catalog: what the
// proxy would register for it and why. Its JSON is a row of `list --json`.
type Account struct {
	File      string     `json:"file"`
	Path      string     `json:"path"`
	Provider  string     `json:"provider"`
	Email     string     `json:"email"`
	AccountID string     `json:"account_id"`
	Plan      *Plan      `json:"plan"`
	Tier      string     `json:"tier"`
	Models    []string   `json:"models"`
	Disabled  bool       `json:"disabled"`
	ExpiresAt *time.Time `json:"expires_at"`
	Expired   bool       `json:"expired"`
	Signature *string    `json:"signature"`
	Warnings  []Warning  `json:"warnings"`
	Error     *string    `json:"error"`

	// Details are the visible models in registration order, with where each
	// came from; for a disabled account, what it would see once enabled.
	Details []ModelDetail `json:"-"`
	// Notes explain model decisions in words (an exclusion that named an
	// alias, an ignored prefix) for the detail pane and `show`.
	Notes []string `json:"-"`
	// Prefix is the effective prefix ("" when none or ignored).
	Prefix string `json:"-"`
	// WhenEnabled is what the account serves once enabled: Models, unless
	// the account is disabled (then Models is empty).
	WhenEnabled []string `json:"-"`
	// Raw is the parsed file; it holds no secrets.
	Raw *auth.Account `json:"-"`
}

// Plan says where an account's plan came from and what decided its tier.
type Plan struct {
	Raw        *string `json:"raw"`           // as found in its source
	Source     *string `json:"source"`        // id_token, plan_type, chatgpt_plan_type or null
	Stored     *string `json:"stored"`        // the file's plan_type as written
	IDToken    *string `json:"id_token_plan"` // the id_token's chatgpt_plan_type
	Normalized *string `json:"normalized"`    // the tier the plan maps to; null when unknown
	Rule       string  `json:"rule"`          // for people; names the rule set
}

// ModelDetail is one visible model with its provenance.
type ModelDetail struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	BuiltIn     bool   `json:"built_in"`
	AliasOf     string `json:"alias_of,omitempty"`
}

// Warning is a coded, stable finding about an account.
type Warning struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// Warning severities.
const (
	SeverityInfo  = "info"
	SeverityWarn  = "warn"
	SeverityError = "error"
)

// Warning codes (stable: used in JSON, filters and the UI).
const (
	WarnStalePlanType        = "stale_plan_type"
	WarnUnnormalizedPlanType = "unnormalized_plan_type"
	WarnMissingPlanType      = "missing_plan_type"
	WarnUnknownPlan          = "unknown_plan"
	WarnNoPlan               = "no_plan"
	WarnFilenamePlanMismatch = "filename_plan_mismatch"
	WarnIDTokenInvalid       = "id_token_invalid"
	WarnSignatureInvalid     = "signature_invalid"
	WarnExpired              = "expired"
	WarnDisabled             = "disabled"
	WarnNotLoaded            = "not_loaded"
	WarnIgnoredField         = "ignored_field"
	WarnNoSection            = "no_section"
	WarnExpiringSoon         = "expiring_soon"
	WarnStaleRefresh         = "stale_refresh"
	WarnDuplicateAccount     = "duplicate_account"
	WarnParseError           = "parse_error"
)

// WarningCodes lists every code, for validation of --warning filters.
var WarningCodes = []string{
	WarnStalePlanType, WarnUnnormalizedPlanType, WarnMissingPlanType, WarnUnknownPlan, WarnNoPlan,
	WarnFilenamePlanMismatch, WarnIDTokenInvalid, WarnSignatureInvalid, WarnExpired, WarnDisabled,
	WarnNotLoaded, WarnIgnoredField, WarnNoSection, WarnExpiringSoon, WarnStaleRefresh,
	WarnDuplicateAccount, WarnParseError,
}

// Severity returns the severity of a warning code.
func Severity(code string) string {
	switch code {
	case WarnMissingPlanType, WarnUnnormalizedPlanType, WarnNoSection:
		return SeverityInfo
	case WarnParseError, WarnIDTokenInvalid, WarnSignatureInvalid:
		return SeverityError
	}
	return SeverityWarn
}

// HasWarning reports whether the account carries a warning code.
func (a *Account) HasWarning(code string) bool {
	for _, w := range a.Warnings {
		if w.Code == code {
			return true
		}
	}
	return false
}
