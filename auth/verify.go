package auth

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// Verifier checks id_token signatures against a JWKS (--jwks). Expiry is
// not enforced: an old token still proves which plan it was issued with.
type Verifier struct {
	keys keyfunc.Keyfunc
}

// MaxJWKSSize bounds a JWKS document (real ones are a few KiB).
const MaxJWKSSize = 1 << 20

// NewVerifier reads a JWKS document (RFC 7517). It must hold at least one
// key usable for RS256.
func NewVerifier(jwks []byte) (*Verifier, error) {
	if len(jwks) > MaxJWKSSize {
		return nil, fmt.Errorf("JWKS is %d bytes, larger than 1 MiB", len(jwks))
	}
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(jwks, &doc); err != nil {
		return nil, fmt.Errorf("JWKS is not a JSON key set: %v", err)
	}
	if len(doc.Keys) == 0 {
		return nil, errors.New(`JWKS has no "keys"`)
	}
	k, err := keyfunc.NewJWKSetJSON(jwks)
	if err != nil {
		return nil, fmt.Errorf("JWKS: %v", err)
	}
	return &Verifier{keys: k}, nil
}

var verifyParser = jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())

// Verify returns SignatureVerified when token's RS256 signature checks out
// against a key of the set (chosen by kid), else SignatureInvalid: a forged
// token, another algorithm (alg none included), or a key the set lacks.
func (v *Verifier) Verify(token string) string {
	if _, err := verifyParser.Parse(token, v.keys.Keyfunc); err != nil {
		return SignatureInvalid
	}
	return SignatureVerified
}

// idTokenText finds the id_token string of an auth file's bytes; ok is
// false when there is none.
func idTokenText(data []byte) (string, bool) {
	var raw []byte
	if eachMember(trimJSONSpace(data), func(key, v []byte) {
		if string(key) == "id_token" {
			raw = v
		}
	}) != nil || firstByte(raw) != '"' {
		return "", false
	}
	return unquote(raw)
}
