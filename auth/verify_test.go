package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// jwksFor writes the public half of key as a JWKS with kid.
func jwksFor(t *testing.T, kid string, key *rsa.PrivateKey) []byte {
	t.Helper()
	enc := base64.RawURLEncoding
	doc := map[string]any{"keys": []any{map[string]any{
		"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": enc.EncodeToString(key.N.Bytes()), "e": enc.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
	}}}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func signed(t *testing.T, method jwt.SigningMethod, key any, kid string, plan string) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, jwt.MapClaims{
		"email": "a@example.com", "exp": 1, // long expired: expiry is not enforced
		"https://api.openai.com/auth": map[string]any{"chatgpt_plan_type": plan},
	})
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifierStates(t *testing.T) {
	good, _ := rsa.GenerateKey(rand.Reader, 2048)
	forger, _ := rsa.GenerateKey(rand.Reader, 2048)
	v, err := NewVerifier(jwksFor(t, "k1", good))
	if err != nil {
		t.Fatal(err)
	}
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"x": 1}).SignedString(jwt.UnsafeAllowNoneSignatureType)
	hs, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"x": 1}).SignedString([]byte("k1"))
	tests := []struct {
		name, token, want string
	}{
		{"signed by the JWKS key, expired long ago", signed(t, jwt.SigningMethodRS256, good, "k1", "pro"), SignatureVerified},
		{"signed by another key under the same kid", signed(t, jwt.SigningMethodRS256, forger, "k1", "pro"), SignatureInvalid},
		{"a kid the set lacks", signed(t, jwt.SigningMethodRS256, good, "k9", "pro"), SignatureInvalid},
		{"alg none", none, SignatureInvalid},
		{"HS256 keyed with the kid", hs, SignatureInvalid},
		{"not a JWT", "abc.def", SignatureInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := v.Verify(tt.token); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestNewVerifierRefusesBadSets(t *testing.T) {
	for _, doc := range []string{``, `[]`, `{"keys": []}`, `{"keys": "x"}`, `not json`} {
		if _, err := NewVerifier([]byte(doc)); err == nil {
			t.Errorf("%q: accepted", doc)
		}
	}
}

func TestScanWithVerifierSetsSignatures(t *testing.T) {
	good, _ := rsa.GenerateKey(rand.Reader, 2048)
	forger, _ := rsa.GenerateKey(rand.Reader, 2048)
	v, err := NewVerifier(jwksFor(t, "k1", good))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, token string) {
		data, _ := json.Marshal(map[string]any{"type": "codex", "id_token": token})
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("good.json", signed(t, jwt.SigningMethodRS256, good, "k1", "pro"))
	write("forged.json", signed(t, jwt.SigningMethodRS256, forger, "k1", "pro"))
	if err := os.WriteFile(filepath.Join(dir, "none.json"), []byte(`{"type":"claude"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	accounts, err := (&Dir{Root: dir, Verifier: v}).Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range accounts {
		if a.IDToken != nil {
			got[a.File] = a.IDToken.Signature
		}
	}
	if got["good.json"] != SignatureVerified || got["forged.json"] != SignatureInvalid || len(got) != 2 {
		t.Errorf("signatures %v", got)
	}
	plain, _ := (&Dir{Root: dir}).Scan(context.Background())
	for _, a := range plain {
		if a.IDToken != nil && a.IDToken.Signature != SignatureUnverified {
			t.Errorf("%s: %s without a JWKS", a.File, a.IDToken.Signature)
		}
	}
}
