package demo

import (
	"crypto/rsa"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"sync"

	"github.com/golang-jwt/jwt/v5"
)

// keyID names the demo signing key in id_token headers and in the JWKS.
const keyID = "demo-1"

// signingKeyPEM is a PUBLIC DEMO KEY, not a secret: it is committed on purpose
// so that generated directories are reproducible byte for byte. Its public
// half is what Generate writes as the JWKS.
//
//go:embed keys/demo-1.pem
var signingKeyPEM []byte

// forgerKeyPEM is a second PUBLIC DEMO KEY, not a secret. "Forged" accounts
// are signed with it while claiming kid demo-1, so they decode fine but fail
// verification against the JWKS, like a token minted by someone else.
//
//go:embed keys/forger.pem
var forgerKeyPEM []byte

// demoKeys holds the parsed embedded keys.
type demoKeys struct {
	signer *rsa.PrivateKey // its public half is published in the JWKS
	forger *rsa.PrivateKey // its public half is published nowhere
}

// loadDemoKeys parses the embedded PEMs once per process: parsing and CRT
// precomputation cost more than signing a handful of tokens.
var loadDemoKeys = sync.OnceValues(func() (demoKeys, error) {
	signer, err := jwt.ParseRSAPrivateKeyFromPEM(signingKeyPEM)
	if err != nil {
		return demoKeys{}, fmt.Errorf("demo signing key: %w", err)
	}
	forger, err := jwt.ParseRSAPrivateKeyFromPEM(forgerKeyPEM)
	if err != nil {
		return demoKeys{}, fmt.Errorf("demo forger key: %w", err)
	}
	return demoKeys{signer: signer, forger: forger}, nil
})

// jsonWebKey is one RFC 7517 RSA public key; field order is the usual one.
type jsonWebKey struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// jwksDocument renders pub as a JWK Set holding that single key.
func jwksDocument(pub *rsa.PublicKey) ([]byte, error) {
	set := struct {
		Keys []jsonWebKey `json:"keys"`
	}{Keys: []jsonWebKey{{
		Kty: "RSA",
		Kid: keyID,
		Use: "sig",
		Alg: "RS256",
		N:   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		E:   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
	out, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
