package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// openAIAuthClaim is the namespace of the ChatGPT claims in a Codex id_token.
const openAIAuthClaim = "https://api.openai.com/auth"

// maxIDTokenSize bounds the token text decoded; real ones are about 2 KiB.
const maxIDTokenSize = 64 << 10

var unverifiedParser = jwt.NewParser(jwt.WithJSONNumber())

// DecodeIDToken decodes a Codex id_token without verifying its signature
// (jwt.Parser.ParseUnverified). A token that cannot be decoded comes back with
// Err set; the error never quotes the token.
func DecodeIDToken(token string) IDToken {
	out := IDToken{Signature: SignatureUnverified}
	if len(token) > maxIDTokenSize {
		out.Err = fmt.Errorf("id_token is %d bytes, larger than %d", len(token), maxIDTokenSize)
		return out
	}
	if n := strings.Count(token, "."); n != 2 {
		out.Err = fmt.Errorf("id_token is not a JWT: %d parts, want 3", n+1)
		return out
	}
	var claims tokenClaims
	// An unknown "alg" does not stop the proxy from reading the claims.
	if _, _, err := unverifiedParser.ParseUnverified(token, &claims); err != nil && !errors.Is(err, jwt.ErrTokenUnverifiable) {
		out.Err = fmt.Errorf("id_token cannot be decoded: %s", jwtReason(err))
		return out
	}
	out.Claims = claims.decode()
	return out
}

// tokenClaims is the payload as golang-jwt decodes it: a struct of raw
// values (decoding into jwt.MapClaims builds a map per nested object, the
// main cost of a 10,000-file scan); each value is then read leniently, as
// from a map: a value of the wrong type is simply absent.
type tokenClaims struct {
	Sub   json.RawMessage `json:"sub"`
	Email json.RawMessage `json:"email"`
	Iss   json.RawMessage `json:"iss"`
	Exp   json.RawMessage `json:"exp"`
	Iat   json.RawMessage `json:"iat"`
	Auth  json.RawMessage `json:"https://api.openai.com/auth"`
}

type authClaims struct {
	PlanType          json.RawMessage `json:"chatgpt_plan_type"`
	AccountID         json.RawMessage `json:"chatgpt_account_id"`
	UserID            json.RawMessage `json:"chatgpt_user_id"`
	SubscriptionStart json.RawMessage `json:"chatgpt_subscription_active_start"`
	SubscriptionUntil json.RawMessage `json:"chatgpt_subscription_active_until"`
	Organizations     json.RawMessage `json:"organizations"`
}

// The jwt.Claims interface; validation is never run on an unverified parse.
func (tokenClaims) GetExpirationTime() (*jwt.NumericDate, error) { return nil, nil }
func (tokenClaims) GetIssuedAt() (*jwt.NumericDate, error)       { return nil, nil }
func (tokenClaims) GetNotBefore() (*jwt.NumericDate, error)      { return nil, nil }
func (tokenClaims) GetIssuer() (string, error)                   { return "", nil }
func (tokenClaims) GetSubject() (string, error)                  { return "", nil }
func (tokenClaims) GetAudience() (jwt.ClaimStrings, error)       { return nil, nil }

func (t tokenClaims) decode() Claims {
	c := Claims{Subject: rawString(t.Sub), Email: rawString(t.Email), Issuer: rawString(t.Iss)}
	c.ExpiresAt = rawTime(t.Exp)
	c.IssuedAt = rawTime(t.Iat)
	var ns authClaims
	if firstByte(t.Auth) != '{' || json.Unmarshal(t.Auth, &ns) != nil {
		return c
	}
	if ns.PlanType != nil {
		c.PlanType.Present = true
		if firstByte(ns.PlanType) == '"' {
			c.PlanType.Value, c.PlanType.IsString = unquote(ns.PlanType)
		}
	}
	c.AccountID = rawString(ns.AccountID)
	c.UserID = rawString(ns.UserID)
	c.SubscriptionStart = rawInstant(ns.SubscriptionStart)
	c.SubscriptionUntil = rawInstant(ns.SubscriptionUntil)
	var orgs []json.RawMessage
	if firstByte(ns.Organizations) == '[' {
		_ = json.Unmarshal(ns.Organizations, &orgs)
	}
	for _, o := range orgs {
		var org struct {
			ID, Title, Role json.RawMessage
			IsDefault       json.RawMessage `json:"is_default"`
		}
		if firstByte(o) != '{' || json.Unmarshal(o, &org) != nil {
			continue
		}
		isDefault := string(org.IsDefault) == "true"
		c.Organizations = append(c.Organizations, Organization{
			ID: rawString(org.ID), Title: rawString(org.Title), Role: rawString(org.Role), IsDefault: isDefault,
		})
	}
	return c
}

// rawTime reads a number of Unix seconds.
func rawTime(raw json.RawMessage) *time.Time {
	c := firstByte(raw)
	if c != '-' && (c < '0' || c > '9') {
		return nil
	}
	f, ok := claimNumber(json.Number(raw))
	if !ok {
		return nil
	}
	t := unixTime(f)
	return &t
}

// rawInstant renders a subscription bound, text or Unix seconds, as text.
func rawInstant(raw json.RawMessage) string {
	if firstByte(raw) == '"' {
		return rawString(raw)
	}
	if t := rawTime(raw); t != nil {
		return t.Format(time.RFC3339)
	}
	return ""
}

// jwtReason shortens golang-jwt's wrapped errors to their cause.
func jwtReason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		msg := err.Error()
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			return "malformed (" + msg[i+2:] + ")"
		}
		return "malformed"
	}
	return err.Error()
}

func claimNumber(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	if err != nil || f <= 0 || math.IsInf(f, 0) || f > 1e17 {
		return 0, false
	}
	return f, true
}
