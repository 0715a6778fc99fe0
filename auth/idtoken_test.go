package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return key
})

// signedToken returns a real RS256 JWT over claims, signed with a fresh key.
func signedToken(t testing.TB, claims map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims(claims))
	tok.Header["kid"] = "test-key"
	s, err := tok.SignedString(testKey())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rawToken assembles a token from a header and a payload given as text.
func rawToken(header, payload, signature string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(payload)) + "." + signature
}

func timePtr(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	t = t.UTC()
	return &t
}

func TestDecodeIDTokenReadsClaims(t *testing.T) {
	full := map[string]any{
		"email": "a@example.com",
		"sub":   "auth0|abc",
		"iss":   "https://auth.openai.com",
		"exp":   1767225600,
		"iat":   1764633600,
		openAIAuthClaim: map[string]any{
			"chatgpt_plan_type":                 "plus",
			"chatgpt_account_id":                "acct-1",
			"chatgpt_user_id":                   "user-1",
			"chatgpt_subscription_active_start": "2026-01-01T00:00:00+00:00",
			"chatgpt_subscription_active_until": 1798761600,
			"organizations": []any{
				map[string]any{"id": "org-1", "title": "Personal", "role": "owner", "is_default": true},
				map[string]any{"id": "org-2", "title": "Work", "role": "member"},
				"not an org",
			},
		},
	}
	tests := []struct {
		name  string
		token string
		want  Claims
	}{
		{
			name:  "every claim of a real RS256 token",
			token: signedToken(t, full),
			want: Claims{
				Subject: "auth0|abc", Email: "a@example.com", Issuer: "https://auth.openai.com",
				ExpiresAt: timePtr("2026-01-01T00:00:00Z"), IssuedAt: timePtr("2025-12-02T00:00:00Z"),
				PlanType: str("plus"), AccountID: "acct-1", UserID: "user-1",
				SubscriptionStart: "2026-01-01T00:00:00+00:00", SubscriptionUntil: "2027-01-01T00:00:00Z",
				Organizations: []Organization{
					{ID: "org-1", Title: "Personal", Role: "owner", IsDefault: true},
					{ID: "org-2", Title: "Work", Role: "member"},
				},
			},
		},
		{
			name: "subscription bounds as numbers become text",
			token: signedToken(t, map[string]any{openAIAuthClaim: map[string]any{
				"chatgpt_subscription_active_start": 1767225600,
				"chatgpt_subscription_active_until": "2027-01-01",
			}}),
			want: Claims{SubscriptionStart: "2026-01-01T00:00:00Z", SubscriptionUntil: "2027-01-01"},
		},
		{
			name:  "a plan that is a number is present but not a string",
			token: signedToken(t, map[string]any{openAIAuthClaim: map[string]any{"chatgpt_plan_type": 2}}),
			want:  Claims{PlanType: notString},
		},
		{
			name:  "a null plan is present but not a string",
			token: signedToken(t, map[string]any{openAIAuthClaim: map[string]any{"chatgpt_plan_type": nil}}),
			want:  Claims{PlanType: notString},
		},
		{
			name:  "an empty plan is an empty string",
			token: signedToken(t, map[string]any{openAIAuthClaim: map[string]any{"chatgpt_plan_type": ""}}),
			want:  Claims{PlanType: str("")},
		},
		{
			name:  "no auth namespace, no plan",
			token: signedToken(t, map[string]any{"email": "b@example.com", "chatgpt_plan_type": "pro"}),
			want:  Claims{Email: "b@example.com"},
		},
		{
			name:  "a namespace that is not an object gives no plan",
			token: signedToken(t, map[string]any{openAIAuthClaim: "pro"}),
			want:  Claims{},
		},
		{
			name:  "exp in milliseconds",
			token: signedToken(t, map[string]any{"exp": int64(1767225600000)}),
			want:  Claims{ExpiresAt: timePtr("2026-01-01T00:00:00Z")},
		},
		{
			name:  "exp as text is not a time",
			token: signedToken(t, map[string]any{"exp": "1767225600", "iat": -1}),
			want:  Claims{},
		},
		{
			name:  "an unknown alg still gives the claims, as the proxy reads them",
			token: rawToken(`{"alg":"XS999","typ":"JWT"}`, `{"email":"c@example.com","https://api.openai.com/auth":{"chatgpt_plan_type":"team"}}`, "c2ln"),
			want:  Claims{Email: "c@example.com", PlanType: str("team")},
		},
		{
			name:  "a header without alg still gives the claims",
			token: rawToken(`{"typ":"JWT"}`, `{"email":"d@example.com"}`, ""),
			want:  Claims{Email: "d@example.com"},
		},
		{
			name: "a repeated namespace: the last one counts, as in a map",
			token: rawToken(`{"alg":"RS256"}`, `{"https://api.openai.com/auth":{"chatgpt_plan_type":"pro","chatgpt_user_id":"u1",`+
				`"organizations":[{"id":"org-1"}]},"email":"f@example.com","https://api.openai.com/auth":{"chatgpt_plan_type":"team"}}`, "c2ln"),
			want: Claims{Email: "f@example.com", PlanType: str("team")},
		},
		{
			name:  "a repeated namespace that is not an object clears the first",
			token: rawToken(`{"alg":"RS256"}`, `{"https://api.openai.com/auth":{"chatgpt_plan_type":"pro"},"https://api.openai.com/auth":null}`, "c2ln"),
			want:  Claims{},
		},
		{
			name:  "a namespace nested deeper is not the namespace",
			token: rawToken(`{"alg":"RS256"}`, `{"x":{"https://api.openai.com/auth":{"chatgpt_plan_type":"pro"}},"sub":"s"}`, "c2ln"),
			want:  Claims{Subject: "s"},
		},
		{
			name:  "an escaped namespace key is the namespace",
			token: rawToken(`{"alg":"RS256"}`, `{"https:\/\/api.openai.com\/auth":{"chatgpt_plan_type":"plus"}}`, "c2ln"),
			want:  Claims{PlanType: str("plus")},
		},
		{
			name:  "alg none gives the claims",
			token: rawToken(`{"alg":"none"}`, `{"email":"e@example.com","https://api.openai.com/auth":{"chatgpt_plan_type":"free"}}`, ""),
			want:  Claims{Email: "e@example.com", PlanType: str("free")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DecodeIDToken(tt.token)
			if got.Err != nil {
				t.Fatalf("Err = %v", got.Err)
			}
			if got.Signature != SignatureUnverified {
				t.Errorf("Signature = %q, want %q", got.Signature, SignatureUnverified)
			}
			if !reflect.DeepEqual(got.Claims, tt.want) {
				gj, _ := json.Marshal(got.Claims)
				wj, _ := json.Marshal(tt.want)
				t.Errorf("Claims\n got %s %+v\nwant %s %+v", gj, got.Claims.PlanType, wj, tt.want.PlanType)
			}
		})
	}
}

func TestDecodeIDTokenAlgNoneFromTheLibrary(t *testing.T) {
	tok := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"email": "n@example.com"})
	s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	got := DecodeIDToken(s)
	if got.Err != nil || got.Claims.Email != "n@example.com" || got.Signature != SignatureUnverified {
		t.Fatalf("got %+v", got)
	}
}

func TestDecodeIDTokenRejectsMalformedTokens(t *testing.T) {
	good := signedToken(t, map[string]any{"email": "secret-person@example.com"})
	parts := strings.Split(good, ".")
	tests := []struct {
		name    string
		token   string
		wantErr string
	}{
		{"empty", "", "1 parts"},
		{"not a JWT", "not-a-jwt", "1 parts"},
		{"two parts", parts[0] + "." + parts[1], "2 parts"},
		{"four parts", good + ".extra", "4 parts"},
		{"bad base64 in the payload", parts[0] + ".!!!*&^." + parts[2], "malformed"},
		{"bad base64 in the header", "###." + parts[1] + "." + parts[2], "malformed"},
		{"a payload that is not JSON", rawToken(`{"alg":"RS256"}`, `email=secret-person@example.com`, "sig"), "malformed"},
		{"a payload that is a JSON array", rawToken(`{"alg":"RS256"}`, `["secret-person@example.com"]`, "sig"), "malformed"},
		{"a payload that is a JSON string", rawToken(`{"alg":"RS256"}`, `"secret-person@example.com"`, "sig"), "malformed"},
		{"a header that is not JSON", rawToken(`alg=RS256`, `{"email":"secret-person@example.com"}`, "sig"), "malformed"},
		{"a token over 64 KiB", parts[0] + "." + strings.Repeat("A", 70<<10) + "." + parts[2], "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DecodeIDToken(tt.token)
			if got.Err == nil {
				t.Fatalf("decoded without error: %+v", got.Claims)
			}
			msg := got.Err.Error()
			if !strings.Contains(msg, tt.wantErr) {
				t.Errorf("Err = %q, want one mentioning %q", msg, tt.wantErr)
			}
			if strings.Contains(msg, "secret-person") || (len(parts[1]) > 0 && strings.Contains(msg, parts[1][:12])) {
				t.Errorf("Err %q quotes the token", msg)
			}
			if !reflect.DeepEqual(got.Claims, Claims{}) {
				t.Errorf("Claims = %+v, want none", got.Claims)
			}
			if got.Signature != SignatureUnverified {
				t.Errorf("Signature = %q", got.Signature)
			}
		})
	}
}

// TestDecodeIDTokenReferenceTokens decodes the recorded files' tokens: the
// plan each claims is the one their names advertise.
func TestDecodeIDTokenReferenceTokens(t *testing.T) {
	tests := []struct {
		file, plan, email string
	}{
		{"codex-448e743f-plus@sample.example-plus.json", "plus", "plus@sample.example"},
		{"codex-3db87a38-business@sample.example-business.json", "business", "business@sample.example"},
		{"codex-62f03436-prolite@sample.example-prolite.json", "prolite", "prolite@sample.example"},
		{"codex-stale@sample.example-plus.json", "free", "stale@sample.example"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := ReadFile("../testdata/reference/proxy-a7e3596/auths/" + tt.file)
			if err != nil {
				t.Fatalf("reference data: %v", err)
			}
			a := Parse(tt.file, "", data)
			if a.IDToken == nil || a.IDToken.Err != nil {
				t.Fatalf("IDToken = %+v", a.IDToken)
			}
			c := a.IDToken.Claims
			if c.PlanType != str(tt.plan) || c.Email != tt.email || c.AccountID == "" || len(c.Organizations) != 1 {
				t.Errorf("claims = %+v", c)
			}
			if c.ExpiresAt == nil || c.ExpiresAt.Format(time.RFC3339) != "2026-01-01T00:00:00Z" {
				t.Errorf("exp = %v", c.ExpiresAt)
			}
		})
	}
}
