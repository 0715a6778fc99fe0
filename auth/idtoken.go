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
	claims := jwt.MapClaims{}
	// An unknown "alg" does not stop the proxy from reading the claims.
	if _, _, err := unverifiedParser.ParseUnverified(token, claims); err != nil && !errors.Is(err, jwt.ErrTokenUnverifiable) {
		out.Err = fmt.Errorf("id_token cannot be decoded: %s", jwtReason(err))
		return out
	}
	out.Claims = claimsFrom(claims)
	return out
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

func claimsFrom(m jwt.MapClaims) Claims {
	c := Claims{
		Subject: claimString(m["sub"]),
		Email:   claimString(m["email"]),
		Issuer:  claimString(m["iss"]),
	}
	c.ExpiresAt = claimTime(m["exp"])
	c.IssuedAt = claimTime(m["iat"])
	ns, _ := m[openAIAuthClaim].(map[string]any)
	if ns == nil {
		return c
	}
	if v, ok := ns["chatgpt_plan_type"]; ok {
		c.PlanType.Present = true
		c.PlanType.Value, c.PlanType.IsString = v.(string)
	}
	c.AccountID = claimString(ns["chatgpt_account_id"])
	c.UserID = claimString(ns["chatgpt_user_id"])
	c.SubscriptionStart = claimInstant(ns["chatgpt_subscription_active_start"])
	c.SubscriptionUntil = claimInstant(ns["chatgpt_subscription_active_until"])
	orgs, _ := ns["organizations"].([]any)
	for _, o := range orgs {
		om, ok := o.(map[string]any)
		if !ok {
			continue
		}
		isDefault, _ := om["is_default"].(bool)
		c.Organizations = append(c.Organizations, Organization{
			ID: claimString(om["id"]), Title: claimString(om["title"]),
			Role: claimString(om["role"]), IsDefault: isDefault,
		})
	}
	return c
}

func claimString(v any) string {
	s, _ := v.(string)
	return s
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

func claimTime(v any) *time.Time {
	f, ok := claimNumber(v)
	if !ok {
		return nil
	}
	t := unixTime(f)
	return &t
}

// claimInstant renders a subscription bound, given as text or as a number of
// Unix seconds, as text.
func claimInstant(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if t := claimTime(v); t != nil {
		return t.Format(time.RFC3339)
	}
	return ""
}
