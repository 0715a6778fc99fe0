// Package auth reads the proxy's auth files: it scans an auth directory, parses
// each credential file of any provider into an Account, decodes the Codex
// id_token, and edits stored metadata without disturbing the rest of a file.
//
// It knows nothing of catalogs, tiers or the UI; core combines it with them.
package auth

import (
	"time"
)

// MaxFileSize is the largest auth file read. Real ones are a few KiB; a bigger
// file is listed with an error and never read whole.
const MaxFileSize = 1 << 20

// Account is one auth file, parsed. A file that could not be read or parsed
// still yields an Account, with Err set and the account fields empty.
type Account struct {
	File    string    // base name, e.g. codex-1a2b3c4d-a@example.com-team.json
	Path    string    // absolute path (or the store's row id)
	Size    int64     // bytes read
	ModTime time.Time // modification time when read
	Digest  Digest    // identifies the bytes read; a write checks they still match

	Err error // why the file could not be used; nil when it parsed

	Provider  string // top-level "type", trimmed and lower-cased
	Email     string
	AccountID string
	Disabled  bool
	Prefix    string // as written; core trims and validates it
	ProxyURL  string
	Priority  *int64
	Note      string
	Label     string

	// ExcludedModels is the usable list (strings only), from excluded_models
	// or, when that key is absent, the legacy excluded-models.
	ExcludedModels []string
	// ExcludedModelsKey names the key the list came from ("" when none).
	ExcludedModelsKey string
	// ModelAliases from model_aliases or, when absent, the legacy model-aliases.
	ModelAliases    []ModelAlias
	ModelAliasesKey string

	StoredPlan        Text // the file's plan_type
	StoredChatGPTPlan Text // the file's chatgpt_plan_type

	ExpiresAt   *time.Time // account expiry (from expired, expire, …)
	LastRefresh *time.Time

	// IDToken is the decoded Codex id_token; nil when the file has none.
	IDToken *IDToken

	// Ignored lists fields the proxy would silently ignore, and why.
	Ignored []IgnoredField
}

// Text is a JSON value that should be a string: Present says the key exists,
// IsString whether its value is a string, Value the string itself.
type Text struct {
	Present  bool
	IsString bool
	Value    string
}

// String returns the value when it is a non-empty string, else "".
func (t Text) String() string {
	if t.IsString {
		return t.Value
	}
	return ""
}

// Usable reports whether the value is a non-empty string.
func (t Text) Usable() bool { return t.IsString && t.Value != "" }

// ModelAlias is one entry of model_aliases.
type ModelAlias struct {
	Name        string `json:"name"`
	Alias       string `json:"alias"`
	Fork        bool   `json:"fork,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
}

// IgnoredField records a field present in a file that the proxy ignores.
type IgnoredField struct {
	Field  string
	Reason string
}

// IDToken is a decoded (not verified) Codex id_token.
type IDToken struct {
	// Err says why the token could not be decoded; Claims is empty then.
	Err error
	// Signature is "unverified" until a JWKS check says "verified" or "invalid".
	Signature string
	Claims    Claims
}

// Signature states of an id_token.
const (
	SignatureUnverified = "unverified"
	SignatureVerified   = "verified"
	SignatureInvalid    = "invalid"
)

// Claims are the id_token claims tierscope uses. Nothing here is a secret.
type Claims struct {
	Subject   string     `json:"sub,omitempty"`
	Email     string     `json:"email,omitempty"`
	Issuer    string     `json:"iss,omitempty"`
	ExpiresAt *time.Time `json:"exp,omitempty"`
	IssuedAt  *time.Time `json:"iat,omitempty"`

	// PlanType is chatgpt_plan_type under https://api.openai.com/auth.
	PlanType          Text           `json:"-"`
	AccountID         string         `json:"chatgpt_account_id,omitempty"`
	UserID            string         `json:"chatgpt_user_id,omitempty"`
	SubscriptionStart string         `json:"chatgpt_subscription_active_start,omitempty"`
	SubscriptionUntil string         `json:"chatgpt_subscription_active_until,omitempty"`
	Organizations     []Organization `json:"organizations,omitempty"`
}

// Organization is one entry of the id_token's organizations claim.
type Organization struct {
	ID        string `json:"id"`
	Title     string `json:"title,omitempty"`
	Role      string `json:"role,omitempty"`
	IsDefault bool   `json:"is_default,omitempty"`
}
