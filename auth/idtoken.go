package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/golang-jwt/jwt/v5"
)

// openAIAuthClaim is the namespace of the ChatGPT claims in a Codex id_token.
const openAIAuthClaim = "https://api.openai.com/auth"

// maxIDTokenSize bounds the token text decoded; real ones are about 2 KiB.
const maxIDTokenSize = 64 << 10

// No WithJSONNumber: tokenClaims reads numbers from the raw bytes itself, and
// without it golang-jwt decodes claims with json.Unmarshal instead of a
// json.Decoder that allocates a read buffer per token.
var unverifiedParser = jwt.NewParser()

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
	out.Claims = claims.c
	return out
}

// tokenClaims receives the payload from golang-jwt's ParseUnverified. It
// decodes itself with the one-pass scanner (jwt.MapClaims would build a map
// per nested object, the main cost of a 10,000-file scan) and reads each
// claim leniently, as from a map: keys match exactly, and a value of the
// wrong type is simply absent.
type tokenClaims struct {
	c Claims
}

// UnmarshalJSON decodes the payload; data is not kept.
func (t *tokenClaims) UnmarshalJSON(data []byte) error {
	var ns []byte
	err := eachMember(data, func(key, raw []byte) {
		switch string(key) {
		case "sub":
			t.c.Subject = rawString(raw)
		case "email":
			t.c.Email = rawString(raw)
		case "iss":
			t.c.Issuer = rawString(raw)
		case "exp":
			t.c.ExpiresAt = rawTime(raw)
		case "iat":
			t.c.IssuedAt = rawTime(raw)
		case openAIAuthClaim:
			ns = raw
		}
	})
	if err != nil {
		return err
	}
	// No namespace, or not an object: no ChatGPT claims.
	_ = eachMember(ns, t.readAuthClaim)
	return nil
}

// readAuthClaim reads one member of the https://api.openai.com/auth claim.
func (t *tokenClaims) readAuthClaim(key, raw []byte) {
	c := &t.c
	switch string(key) {
	case "chatgpt_plan_type":
		c.PlanType = Text{Present: true}
		if firstByte(raw) == '"' {
			c.PlanType.Value, c.PlanType.IsString = unquote(raw)
		}
	case "chatgpt_account_id":
		c.AccountID = rawString(raw)
	case "chatgpt_user_id":
		c.UserID = rawString(raw)
	case "chatgpt_subscription_active_start":
		c.SubscriptionStart = rawInstant(raw)
	case "chatgpt_subscription_active_until":
		c.SubscriptionUntil = rawInstant(raw)
	case "organizations":
		c.Organizations = nil
		orgs, _ := arrayElements(raw)
		for _, o := range orgs {
			var org Organization
			err := eachMember(o, func(key, raw []byte) {
				switch string(key) {
				case "id":
					org.ID = rawString(raw)
				case "title":
					org.Title = rawString(raw)
				case "role":
					org.Role = rawString(raw)
				case "is_default":
					org.IsDefault = string(raw) == "true"
				}
			})
			if err == nil {
				c.Organizations = append(c.Organizations, org)
			}
		}
	}
}

// The jwt.Claims interface; validation is never run on an unverified parse.
func (*tokenClaims) GetExpirationTime() (*jwt.NumericDate, error) { return nil, nil }
func (*tokenClaims) GetIssuedAt() (*jwt.NumericDate, error)       { return nil, nil }
func (*tokenClaims) GetNotBefore() (*jwt.NumericDate, error)      { return nil, nil }
func (*tokenClaims) GetIssuer() (string, error)                   { return "", nil }
func (*tokenClaims) GetSubject() (string, error)                  { return "", nil }
func (*tokenClaims) GetAudience() (jwt.ClaimStrings, error)       { return nil, nil }

// rawTime reads a number of Unix seconds.
func rawTime(raw json.RawMessage) *time.Time {
	c := firstByte(raw)
	if c != '-' && (c < '0' || c > '9') {
		return nil
	}
	// A number the scanner has validated: parsed in place, not boxed.
	f, err := strconv.ParseFloat(unsafe.String(&raw[0], len(raw)), 64)
	if err != nil {
		return nil
	}
	t, ok := unixTime(f)
	if !ok {
		return nil
	}
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
