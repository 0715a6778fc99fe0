package demo

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"

	"github.com/golang-jwt/jwt/v5"
)

// idTokenHeader is written by hand, not built by jwt.Token, so that its key
// order is the conventional alg, typ, kid (jwt.Token would sort the keys).
var idTokenHeader = base64.RawURLEncoding.EncodeToString(
	[]byte(`{"alg":"RS256","typ":"JWT","kid":"` + keyID + `"}`))

// demoAudience is an obviously fake OAuth client id.
const demoAudience = "app_DEMO0tierscope0fake000"

// organization is one entry of the organizations claim.
type organization struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Role      string `json:"role"`
	IsDefault bool   `json:"is_default"`
}

// openAIAuthClaims is the namespaced claim where ChatGPT keeps the plan.
type openAIAuthClaims struct {
	AccountID string `json:"chatgpt_account_id"`
	UserID    string `json:"chatgpt_user_id"`
	// The subscription bounds are RFC 3339 text, Unix seconds or null in the
	// wild; any lets one account carry whichever form it was given.
	SubscriptionStart any            `json:"chatgpt_subscription_active_start"`
	SubscriptionUntil any            `json:"chatgpt_subscription_active_until"`
	Organizations     []organization `json:"organizations"`
	LegacyUserID      string         `json:"user_id"`
	// PlanType is a pointer so a token can lack the claim altogether.
	PlanType *string `json:"chatgpt_plan_type,omitempty"`
}

// idTokenClaims is the payload of a Codex id_token, in the order OpenAI's
// tokens list their claims.
type idTokenClaims struct {
	Audience      []string         `json:"aud"`
	Email         string           `json:"email"`
	EmailVerified bool             `json:"email_verified"`
	ExpiresAt     int64            `json:"exp"`
	IssuedAt      int64            `json:"iat"`
	Issuer        string           `json:"iss"`
	Subject       string           `json:"sub"`
	Auth          openAIAuthClaims `json:"https://api.openai.com/auth"`
}

// signIDToken returns claims as a compact RS256 JWS signed with key.
// PKCS #1 v1.5 signatures are deterministic, so equal input gives equal
// tokens.
func signIDToken(claims idTokenClaims, key *rsa.PrivateKey) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signingString := idTokenHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	signature, err := jwt.SigningMethodRS256.Sign(signingString, key)
	if err != nil {
		return "", err
	}
	return signingString + "." + base64.RawURLEncoding.EncodeToString(signature), nil
}
