package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	jwtLike = "eyJhbGciOiJSUzI1NiJ9.eyJlbWFpbCI6ImFAZXhhbXBsZS5jb20ifQ.c2lnbmF0dXJlLWJ5dGVz"
	testPEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1s2V3k\nq8ZxYw==\n-----END RSA PRIVATE KEY-----"
)

func TestRedactMasksSecretMembers(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"access_token", `{"access_token": "abc"}`, `{"access_token": "<redacted>"}`},
		{"refresh_token, compact", `{"refresh_token":"r1","email":"a@example.com"}`, `{"refresh_token":"<redacted>","email":"a@example.com"}`},
		{"id_token", `{"id_token": "x.y.z"}`, `{"id_token": "<redacted>"}`},
		{"api_key", `{"api_key": "k-123"}`, `{"api_key": "<redacted>"}`},
		{"cookie", `{"cookie": "__Secure-1PSID=abc; b=c"}`, `{"cookie": "<redacted>"}`},
		{"key names in any case", `{"Access_Token": "abc", "COOKIE": "c"}`, `{"Access_Token": "<redacted>", "COOKIE": "<redacted>"}`},
		{"client_secret and password", `{"client_secret": "s", "password": "p"}`, `{"client_secret": "<redacted>", "password": "<redacted>"}`},
		{"private_key", `{"private_key": "k"}`, `{"private_key": "<redacted>"}`},
		{"escaped quotes inside the value", `{"access_token": "a\"b\\\"c", "n": 1}`, `{"access_token": "<redacted>", "n": 1}`},
		{
			"at any depth",
			`{"token": {"access_token": "ya", "refresh_token": "rb", "expiry": "2030"}, "list": [{"api_key": "k"}]}`,
			`{"token": {"access_token": "<redacted>", "refresh_token": "<redacted>", "expiry": "2030"}, "list": [{"api_key": "<redacted>"}]}`,
		},
		{
			"indented JSON",
			"{\n  \"type\": \"codex\",\n  \"access_token\": \"abc\",\n  \"email\": \"a@example.com\"\n}",
			"{\n  \"type\": \"codex\",\n  \"access_token\": \"<redacted>\",\n  \"email\": \"a@example.com\"\n}",
		},
		{"a removed line of a diff", `-  "access_token": "abc",`, `-  "access_token": "<redacted>",`},
		{"an added line of a diff", `+  "refresh_token": "def"`, `+  "refresh_token": "<redacted>"`},
		{"a context line of a diff", `   "id_token": "ghi",`, `   "id_token": "<redacted>",`},
		{"space before the colon", `"api_key" : "k"`, `"api_key" : "<redacted>"`},
		{"several spaces around the colon", `"api_key"   :   "k"`, `"api_key"   :   "<redacted>"`},
		{"a tab before the colon", "\"cookie\"\t: \"c\"", "\"cookie\"\t: \"<redacted>\""},
		{"the longest secret key", `{"private_key_id": "abc"}`, `{"private_key_id": "<redacted>"}`},
		{"a secret after many other members on one line", `{"a": "1", "b": "2", "c": "3", "d": {"e": "4"}, "refresh_token": "r"}`, `{"a": "1", "b": "2", "c": "3", "d": {"e": "4"}, "refresh_token": "<redacted>"}`},
		{"secrets on several lines, some lines without", "{\n  \"a\": 1,\n  \"api_key\": \"k\",\n  \"b\": 2,\n  \"password\": \"p\"\n}", "{\n  \"a\": 1,\n  \"api_key\": \"<redacted>\",\n  \"b\": 2,\n  \"password\": \"<redacted>\"\n}"},
		{"an empty value", `{"access_token": ""}`, `{"access_token": "<redacted>"}`},
		{"a key that only contains a secret name is kept", `{"access_token_expires": "x", "no_cookie": "y"}`, `{"access_token_expires": "x", "no_cookie": "y"}`},
		{"a secret name as a value is kept", `{"field": "access_token"}`, `{"field": "access_token"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactMasksTokenShapesAnywhere(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a JWT in a sentence", "token " + jwtLike + " rejected", "token <redacted> rejected"},
		{"a JWT in an unknown member", `{"bearer": "` + jwtLike + `"}`, `{"bearer": "<redacted>"}`},
		{"a JWT-like access token without dots", "Bearer eyJSINH78hleVvwpkVMUvok7VUtok8ss", "Bearer <redacted>"},
		{"a refresh token", "refresh rt_EwHM0kMdCjgt89Ew4IW39QaE failed", "refresh <redacted> failed"},
		{"an API key", "key=sk-ant-oat01-9YTcon9uVqp9CzZl", "key=<redacted>"},
		{"a Google access token", `"ya29.hQDbnR09TlB0ZJmuGuQX0yHgWx4Q"`, `"<redacted>"`},
		{"a PEM private key", "key:\n" + testPEM + "\nend", "key:\n<redacted>\nend"},
		{"a PEM private key inside JSON text", `{"k": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"}`, `{"k": "<redacted>\n"}`},
		{"a token in an error message", `refresh failed: 401 for ` + jwtLike, `refresh failed: 401 for <redacted>`},
		{"several tokens on a line", "rt_aaaaaaaaaaaaaaaa sk-bbbbbbbbbbbbbbbb", "<redacted> <redacted>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactKeepsOrdinaryText(t *testing.T) {
	for _, in := range []string{
		"a@example.com",
		"codex-1a2b3c4d-a@example.com-plus.json",
		"codex-5e6f7a8b-fern@example.com-free.json",
		"plus pro team free business enterprise edu go prolite",
		"gpt-5.3-codex-spark gpt-5.6-sol gpt-image-1.5 grok-imagine-video-1.5-preview claude-opus-4-8 gemini-3.1-flash-lite",
		"acct-nU9pGv0RF58LYS2Fz7by user-4EYiUIBNt325 org-VizpiD2rEw",
		"https://raw.githubusercontent.com/router-for-me/models/refs/heads/main/models.json",
		"task-management-system-2026 risk-assessment-report art_department_budget_2026",
		`{"type": "codex", "email": "a@example.com", "plan_type": "business", "expired": "2099-01-01T00:00:00Z"}`,
		`{"excluded_models": ["*mini*"], "model_aliases": [{"name": "gpt-5.4", "alias": "g4"}]}`,
		"stale_plan_type: a refreshed token changed the plan from plus to pro",
		"-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----",
		"",
	} {
		if got := Redact(in); got != in {
			t.Errorf("Redact(%q) = %q, want it unchanged", in, got)
		}
	}
}

// TestRedactReferenceFiles masks every secret of the recorded auth files and
// leaves every other member as it was.
func TestRedactReferenceFiles(t *testing.T) {
	dir := filepath.Join("..", "testdata", "reference", "proxy-a7e3596", "auths")
	names, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(names) == 0 {
		t.Fatal("no reference data")
	}
	secretKeys := map[string]bool{"access_token": true, "refresh_token": true, "id_token": true}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out := Redact(string(data))
		var before, after map[string]any
		if err := json.Unmarshal(data, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(out), &after); err != nil {
			t.Fatalf("%s: redacted text does not parse: %v", filepath.Base(name), err)
		}
		var walk func(path string, b, a any)
		walk = func(path string, b, a any) {
			switch bv := b.(type) {
			case map[string]any:
				am, _ := a.(map[string]any)
				for k, v := range bv {
					if s, ok := v.(string); ok && secretKeys[k] {
						if am[k] != Redacted {
							t.Errorf("%s: %s.%s = %v, want it redacted", filepath.Base(name), path, k, am[k])
						}
						if strings.Contains(out, s) {
							t.Errorf("%s: the value of %s.%s still appears", filepath.Base(name), path, k)
						}
						continue
					}
					walk(path+"."+k, v, am[k])
				}
			case []any:
				av, _ := a.([]any)
				for i := range bv {
					walk(path, bv[i], av[i])
				}
			default:
				if b != a {
					t.Errorf("%s: %s changed from %v to %v", filepath.Base(name), path, b, a)
				}
			}
		}
		walk("", before, after)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRedactingWriter(t *testing.T) {
	var buf bytes.Buffer
	w := RedactingWriter(&buf)
	in := "-  \"access_token\": \"abc\",\n+  \"plan_type\": \"pro\",\n" + jwtLike + "\n"
	n, err := w.Write([]byte(in))
	if err != nil || n != len(in) {
		t.Fatalf("Write = %d, %v; want %d, nil (the caller's byte count)", n, err, len(in))
	}
	want := "-  \"access_token\": \"<redacted>\",\n+  \"plan_type\": \"pro\",\n<redacted>\n"
	if buf.String() != want {
		t.Fatalf("wrote %q, want %q", buf.String(), want)
	}
	if _, err := RedactingWriter(failingWriter{}).Write([]byte("x")); err == nil {
		t.Fatal("the underlying writer's error was dropped")
	}
}

// TestHasShapePrefix: each prefix is found wherever it sits, by its anchor
// byte, and near misses around the same anchors are not.
func TestHasShapePrefix(t *testing.T) {
	for _, p := range shapePrefixes {
		for _, s := range []string{p.text, p.text + "x", "x" + p.text, "a_k-9J " + p.text + " tail", p.text[:len(p.text)-1] + p.text} {
			if !hasShapePrefix(s) {
				t.Errorf("%q holds %q, not found", s, p.text)
			}
		}
	}
	for _, s := range []string{"", "J", "eJ", "yJ", "ey", "_", "t_", "r_t", "rt", "k", "s-", "sk", "-k", "9", "ya29", "a29.", "ya2.9", "models_when_enabled gpt-5.4 kimi-k2 2026-09-01"} {
		if hasShapePrefix(s) {
			t.Errorf("%q holds no token prefix, found one", s)
		}
	}
}
