package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
)

// tokenMode says what a codex file's id_token is.
type tokenMode int

const (
	tokenSigned    tokenMode = iota // RS256, verifies against the JWKS
	tokenForged                     // RS256, claims kid demo-1, signed by the forger key
	tokenAbsent                     // no id_token key at all
	tokenMalformed                  // an id_token that is not a JWT
)

// subscriptionForm is how the subscription bounds are written in a token.
type subscriptionForm int

const (
	subscriptionISO     subscriptionForm = iota // "2026-01-01T00:00:00+00:00", Python isoformat
	subscriptionRFC3339                         // "2026-01-01T00:00:00Z"
	subscriptionUnix                            // 1767225600
)

// identity is who an account belongs to; duplicates share one.
type identity struct {
	email     string
	accountID string
	userID    string
}

// newIdentity draws the ids of an account with the given email.
func newIdentity(r *rand.Rand, email string) identity {
	return identity{
		email:     email,
		accountID: "acct-" + randomText(r, alnumAlphabet, 20),
		userID:    "user-" + randomText(r, alnumAlphabet, 24),
	}
}

// codexAccount is a Codex (ChatGPT) credential file before it is rendered.
// Everything that decides what the file demonstrates is fixed here, at plan
// time; secrets and other noise are drawn at render time.
type codexAccount struct {
	identity
	plan         string // chatgpt_plan_type claim, as written
	planClaim    bool   // whether the token carries chatgpt_plan_type at all
	namePlan     string // plan part of the file name; "" for none
	token        tokenMode
	subscription subscriptionForm
	lastRefresh  time.Time
	expiry       any    // RFC 3339 text, Unix seconds or Unix milliseconds
	extra        object // members after "expired", in the order written
	compact      bool
	kinds        []kind
}

// refreshZones are the offsets last_refresh is written in: the proxy
// formats local time, so hosts in different zones leave different offsets.
var refreshZones = []weighted[*time.Location]{
	{time.UTC, 8},
	{time.FixedZone("", 8*3600), 1},
	{time.FixedZone("", -5*3600), 1},
}

// newCodexAccount returns a healthy account on plan ("" for none),
// refreshed recently, whose access token (and so the file's "expired") runs
// ten days from its last refresh, as the proxy's Codex logins do.
func newCodexAccount(r *rand.Rand, id identity, plan string, now time.Time) *codexAccount {
	refreshed := now.Add(-time.Duration(between(r, 3600, 6*86400)) * time.Second)
	refreshed = refreshed.In(pickWeighted(r, refreshZones))
	return &codexAccount{
		identity:     id,
		plan:         plan,
		planClaim:    plan != "", // an empty plan means a token without the claim
		namePlan:     filenamePlan(plan),
		subscription: pickWeighted(r, []weighted[subscriptionForm]{{subscriptionISO, 6}, {subscriptionRFC3339, 2}, {subscriptionUnix, 2}}),
		lastRefresh:  refreshed,
		expiry:       refreshed.Add(10 * 24 * time.Hour).Format(time.RFC3339),
		kinds:        []kind{kindCodex},
	}
}

// filenamePlan mirrors the proxy's normalizePlanTypeForFilename: lower-case
// words joined by '-', so "Plus " becomes "plus".
func filenamePlan(plan string) string {
	words := strings.FieldsFunc(plan, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.ToLower(strings.Join(words, "-"))
}

// accountHash is the 8-hex-digit name part; it derives from the account id
// so that two files of one account share it, as they do in real folders.
func accountHash(accountID string) string {
	sum := sha256.Sum256([]byte(accountID))
	return hex.EncodeToString(sum[:4])
}

// name is codex-<hash8>-<email>-<plan>.json, or without the plan part when
// the login had none.
func (a *codexAccount) name() string {
	if a.namePlan == "" {
		return fmt.Sprintf("codex-%s-%s.json", accountHash(a.accountID), a.email)
	}
	return fmt.Sprintf("codex-%s-%s-%s.json", accountHash(a.accountID), a.email, a.namePlan)
}

// store appends a field after "expired" and records what it demonstrates.
func (a *codexAccount) store(key string, value any, k ...kind) {
	a.extra = a.extra.with(key, value)
	a.kinds = append(a.kinds, k...)
}

// setExpiry replaces the file's "expired" value.
func (a *codexAccount) setExpiry(value any, k ...kind) {
	a.expiry = value
	a.kinds = append(a.kinds, k...)
}

// derivedKinds adds the kinds that follow from the token and format, once
// every tweak has been applied.
func (a *codexAccount) derivedKinds() []kind {
	kinds := append([]kind(nil), a.kinds...)
	switch a.token {
	case tokenAbsent:
		kinds = append(kinds, kindTokenAbsent)
	case tokenMalformed:
		kinds = append(kinds, kindTokenMalformed)
	case tokenForged:
		kinds = append(kinds, kindTokenForged)
	}
	if a.hasReadableToken() {
		kinds = append(kinds, planClaimKind(a.plan, a.planClaim))
		if a.subscription == subscriptionUnix && !a.isFree() {
			kinds = append(kinds, kindSubscriptionNumeric)
		}
	}
	if a.compact {
		kinds = append(kinds, kindCompact)
	}
	return kinds
}

func (a *codexAccount) hasReadableToken() bool {
	return a.token == tokenSigned || a.token == tokenForged
}

func (a *codexAccount) isFree() bool {
	tier, _ := tierOf(a.plan)
	return !a.planClaim || tier == "free"
}

// render writes the file in the proxy's key order: id_token, access_token,
// refresh_token, account_id, last_refresh, email, type, expired, then any
// extra fields.
func (a *codexAccount) render(r *rand.Rand, keys demoKeys) ([]byte, error) {
	idToken, err := a.idToken(r, keys)
	if err != nil {
		return nil, err
	}
	doc := make(object, 0, 8+len(a.extra))
	if a.token != tokenAbsent {
		doc = doc.with("id_token", idToken)
	}
	doc = doc.with("access_token", fakeAccessToken(r)).
		with("refresh_token", "rt_"+randomText(r, alnumAlphabet, 60)).
		with("account_id", a.accountID).
		with("last_refresh", a.lastRefresh.Format(time.RFC3339)).
		with("email", a.email).
		with("type", "codex").
		with("expired", a.expiry)
	return encodeFile(append(doc, a.extra...), a.compact)
}

// fakeAccessToken looks like a JWT at a glance (three base64url segments
// starting with "eyJ") but decodes to noise.
func fakeAccessToken(r *rand.Rand) string {
	return "eyJ" + randomText(r, base64URLAlphabet, 61) +
		".eyJ" + randomText(r, base64URLAlphabet, int(between(r, 880, 1100))) +
		"." + randomText(r, base64URLAlphabet, 342)
}

// idToken returns the file's id_token text, or "" when it has none.
func (a *codexAccount) idToken(r *rand.Rand, keys demoKeys) (string, error) {
	switch a.token {
	case tokenAbsent:
		return "", nil
	case tokenMalformed:
		return "not-a-jwt", nil
	case tokenForged:
		return signIDToken(a.claims(r), keys.forger)
	default:
		return signIDToken(a.claims(r), keys.signer)
	}
}

// claims builds the token payload. The token was issued at the last refresh
// and, like OpenAI's, lives one hour: its exp is long past in most files,
// which is why it must never be shown as the account's expiry.
func (a *codexAccount) claims(r *rand.Rand) idTokenClaims {
	issued := a.lastRefresh.Unix()
	c := idTokenClaims{
		Audience:      []string{demoAudience},
		Email:         a.email,
		EmailVerified: true,
		ExpiresAt:     issued + 3600,
		IssuedAt:      issued,
		Issuer:        "https://auth.openai.com",
		Subject:       fakeSubject(r),
		Auth: openAIAuthClaims{
			AccountID:     a.accountID,
			UserID:        a.userID,
			Organizations: a.organizations(r),
			LegacyUserID:  a.userID,
		},
	}
	if a.planClaim {
		plan := a.plan
		c.Auth.PlanType = &plan
	}
	if !a.isFree() {
		c.Auth.SubscriptionStart, c.Auth.SubscriptionUntil = a.subscriptionBounds(r)
	}
	return c
}

// fakeSubject imitates the identity-provider prefixes real subjects carry.
func fakeSubject(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0:
		return "google-oauth2|1" + randomText(r, "0123456789", 20)
	case 1:
		return "windowslive|" + randomText(r, hexAlphabet, 16)
	default:
		return "auth0|" + randomText(r, alnumAlphabet, 24)
	}
}

// workspaceNames are obviously fictional company names.
var workspaceNames = []string{
	"Acme Demo Corp", "Globex Sample Ltd", "Initech (example)", "Umbrella Test Co", "Hooli Fixtures",
}

// organizations lists a workspace for team-like plans and always the
// personal organization, as ChatGPT does.
func (a *codexAccount) organizations(r *rand.Rand) []organization {
	personal := organization{ID: "org-" + randomText(r, alnumAlphabet, 24), Title: "Personal", Role: "owner", IsDefault: true}
	if tier, _ := tierOf(a.plan); tier != "team" {
		return []organization{personal}
	}
	personal.IsDefault = false
	workspace := organization{
		ID:        "org-" + randomText(r, alnumAlphabet, 24),
		Title:     pickOne(r, workspaceNames),
		Role:      pickWeighted(r, []weighted[string]{{"member", 6}, {"admin", 2}, {"owner", 1}}),
		IsDefault: true,
	}
	return []organization{workspace, personal}
}

// subscriptionBounds returns the active subscription window in the
// account's chosen form.
func (a *codexAccount) subscriptionBounds(r *rand.Rand) (start, until any) {
	from := a.lastRefresh.Add(-time.Duration(between(r, 20, 400)) * 24 * time.Hour).UTC()
	to := a.lastRefresh.Add(time.Duration(between(r, 5, 330)) * 24 * time.Hour).UTC()
	switch a.subscription {
	case subscriptionUnix:
		return from.Unix(), to.Unix()
	case subscriptionRFC3339:
		return from.Format(time.RFC3339), to.Format(time.RFC3339)
	default:
		const isoformat = "2006-01-02T15:04:05+00:00"
		return from.Format(isoformat), to.Format(isoformat)
	}
}
