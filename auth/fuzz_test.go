package auth

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// Real-shaped seeds live in testdata/fuzz/<FuzzName>/ (copied from
// testdata/reference/proxy-a7e3596/auths), with the regress-* inputs that
// once failed; the f.Add seeds here are the edge cases.

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{}`, ``, ` `, `null`, `[]`, `"x"`, `{"type":"codex"`, "\x00\xff{",
		`{"type":" Codex ","disabled":"yes","priority":1e400,"excluded_models":"a,b"}`,
		`{"expired":1e300,"token":{"expiry":-1},"last_refresh":"2026-01-01"}`,
		`{"id_token":"a.b.c","model_aliases":[null,{"name":1},{"name":"a","alias":"b","fork":"x"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a := Parse("f.json", "/dir/f.json", data)
		if a == nil {
			t.Fatal("Parse returned nil")
		}
		if a.File != "f.json" || a.Size != int64(len(data)) || a.Digest != Fingerprint(data) {
			t.Fatalf("identity fields wrong: %+v", a)
		}
		// The syntax check of encoding/json decides. (Decoding into any
		// would also reject numbers beyond float64, such as 1e400, which
		// Parse accepts: the proxy would fail to load such a file.)
		var m map[string]json.RawMessage
		isObject := json.Unmarshal(data, &m) == nil && m != nil
		if isObject != (a.Err == nil) {
			t.Fatalf("encoding/json reads an object: %v; Parse error: %v", isObject, a.Err)
		}
		if a.Err != nil {
			assertEmptyAccount(t, a)
			return
		}
		if a.IDToken != nil && a.IDToken.Err != nil && a.IDToken.Claims.Email != "" {
			t.Fatalf("an undecodable token has claims: %+v", a.IDToken)
		}
		if a.ExcludedModelsKey == "" && len(a.ExcludedModels) > 0 {
			t.Fatalf("exclusions without a key: %q", a.ExcludedModels)
		}
		if a.Priority != nil {
			var n float64
			if json.Unmarshal(m["priority"], &n) != nil || float64(*a.Priority) != n {
				t.Fatalf("priority %d read from %s", *a.Priority, m["priority"])
			}
		}
		if a.Provider != strings.ToLower(strings.TrimSpace(a.Provider)) {
			t.Fatalf("provider %q not normalized", a.Provider)
		}
	})
}

func FuzzDecodeIDToken(f *testing.F) {
	enc := base64.RawURLEncoding.EncodeToString
	for _, s := range []string{
		"", ".", "..", "...", "a.b.c", "not-a-jwt",
		enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(`{"email":"a@example.com","exp":1767225600}`)) + ".c2ln",
		enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{"https://api.openai.com/auth":{"chatgpt_plan_type":2,"organizations":[1,{"id":3}]}}`)) + ".",
		enc([]byte(`{"alg":"XS1"}`)) + "." + enc([]byte(`[1]`)) + ".",
		enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(`{"https://api.openai.com/auth":{"chatgpt_plan_type":"pro"},"https://api.openai.com/auth":{}}`)) + ".c2ln",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		got := DecodeIDToken(token)
		if got.Signature != SignatureUnverified {
			t.Fatalf("Signature = %q", got.Signature)
		}
		if got.Err != nil {
			if got.Claims.Email != "" || got.Claims.PlanType.Present || got.Claims.ExpiresAt != nil {
				t.Fatalf("error %v with claims %+v", got.Err, got.Claims)
			}
			return
		}
		// A token that decodes has three parts and a JSON object payload.
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			t.Fatalf("decoded a token of %d parts", len(parts))
		}
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatalf("decoded a token whose payload is not base64url: %v", err)
		}
		var m map[string]any
		dec := json.NewDecoder(strings.NewReader(string(payload)))
		dec.UseNumber() // 643E430 is valid JSON, though no float64
		if err := dec.Decode(&m); err != nil || m == nil {
			t.Fatalf("decoded a token whose payload is not an object: %v", err)
		}
		if email, ok := m["email"].(string); ok && got.Claims.Email != email {
			t.Fatalf("email = %q, payload has %q", got.Claims.Email, email)
		}
		// The plan is read as encoding/json reads the namespace: the last
		// of a repeated key, and only from an object.
		ns, _ := m[openAIAuthClaim].(map[string]any)
		raw, present := ns["chatgpt_plan_type"]
		plan, isString := raw.(string)
		if p := got.Claims.PlanType; p.Present != present || p.IsString != isString || p.Value != plan {
			t.Fatalf("plan %+v, payload's namespace has %#v", p, ns)
		}
	})
}

func FuzzSetStringMember(f *testing.F) {
	for _, s := range []struct{ data, key, value string }{
		{`{}`, "plan_type", "pro"},
		{"{\n}", "plan_type", "pro"},
		{"{\r\n  \"a\": 1\r\n}\r\n", "plan_type", "team"},
		{`{"plan_type":"plus","plan_type":"x"}`, "plan_type", ""},
		{`{"a": 1, "b": [1, {"c": "}"}]}`, "b", "v"},
		{`{"pl\u0061n_type": 1}`, "plan_type", "free"},
		{`[1]`, "a", "b"},
	} {
		f.Add([]byte(s.data), s.key, s.value)
	}
	f.Fuzz(func(t *testing.T, data []byte, key, value string) {
		out, err := SetStringMember(data, key, value)
		var m map[string]json.RawMessage
		isObject := json.Unmarshal(data, &m) == nil && m != nil
		if err != nil {
			// Any JSON object can be edited under a key written in UTF-8.
			if isObject && utf8.ValidString(key) {
				t.Fatalf("cannot edit a JSON object: %v", err)
			}
			return
		}
		if !isObject {
			t.Fatalf("edited input that encoding/json rejects:\n%q\ninto\n%q", data, out)
		}
		checkEdit(t, data, key, value, out)
	})
}

// FuzzRedact checks the cheap pre-filter of Redact: a line it passes over
// must hold nothing that the secret patterns match.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		`{"access_token": "abc"}`, `-  "api_key"  :  "k",`, "\"cookie\"\t:\"c\"", `"Refresh_Token":"x"`,
		"Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig", "rt_aaaaaaaaaaaaaaaa", "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----",
		"codex-1a2b3c4d-a@example.com-plus.json",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, line := range strings.SplitAfter(text, "\n") {
			if suspicious(line) {
				continue
			}
			if secretShape.MatchString(line) {
				t.Fatalf("the pre-filter passes over a line with a token: %q", line)
			}
			for _, m := range secretMember.FindAllStringSubmatch(line, -1) {
				// (?i) also folds ſ and the Kelvin sign into s and k: such
				// keys are not secret names, so the filter may skip them.
				if isASCII(m[1]) {
					t.Fatalf("the pre-filter passes over a line with a secret member: %q", line)
				}
			}
		}
		out := Redact(text)
		if secretShape.MatchString(out) {
			t.Fatalf("Redact(%q) = %q still holds a token shape", text, out)
		}
	})
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
