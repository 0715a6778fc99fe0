package auth

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// parsed is the part of an Account that Parse derives from the JSON members.
type parsed struct {
	Provider, Email, AccountID string
	Disabled                   bool
	Prefix, ProxyURL           string
	Priority                   any // nil or int64
	Note, Label                string
	Excluded                   []string
	ExcludedKey                string
	Aliases                    []ModelAlias
	AliasesKey                 string
	StoredPlan                 Text
	StoredChatGPTPlan          Text
	ExpiresAt, LastRefresh     string // RFC 3339 UTC, or ""
	Ignored                    []string
}

func view(a *Account) parsed {
	p := parsed{
		Provider: a.Provider, Email: a.Email, AccountID: a.AccountID, Disabled: a.Disabled,
		Prefix: a.Prefix, ProxyURL: a.ProxyURL, Note: a.Note, Label: a.Label,
		Excluded: a.ExcludedModels, ExcludedKey: a.ExcludedModelsKey,
		Aliases: a.ModelAliases, AliasesKey: a.ModelAliasesKey,
		StoredPlan: a.StoredPlan, StoredChatGPTPlan: a.StoredChatGPTPlan,
		ExpiresAt: rfc(a.ExpiresAt), LastRefresh: rfc(a.LastRefresh),
	}
	if a.Priority != nil {
		p.Priority = *a.Priority
	}
	for _, ig := range a.Ignored {
		p.Ignored = append(p.Ignored, ig.Field)
	}
	return p
}

func rfc(t *time.Time) string {
	if t == nil {
		return ""
	}
	if t.Location() != time.UTC {
		return "not UTC: " + t.String()
	}
	return t.Format(time.RFC3339Nano)
}

func str(s string) Text { return Text{Present: true, IsString: true, Value: s} }

var notString = Text{Present: true}

func TestParseReadsFields(t *testing.T) {
	tests := []struct {
		name string
		json string
		want parsed
	}{
		{"an empty object has no fields", `{}`, parsed{}},
		{"the provider is type, trimmed and lower-cased", `{"type": "  CodeX \n"}`, parsed{Provider: "codex"}},
		{"an unknown provider is kept as is", `{"type": "qwen"}`, parsed{Provider: "qwen"}},
		{"a non-string type gives no provider", `{"type": 7}`, parsed{}},
		{
			"the plain string fields are read",
			`{"email": " a@example.com ", "account_id": "acct-1", "proxy_url": "socks5://h:1", "note": "n", "label": "L", "prefix": "team-a"}`,
			parsed{Email: "a@example.com", AccountID: "acct-1", ProxyURL: "socks5://h:1", Note: "n", Label: "L", Prefix: "team-a"},
		},
		{
			"keys are matched exactly, case-sensitively",
			`{"Type": "codex", "Email": "a@example.com", "ACCOUNT_ID": "x", "Disabled": true, "Plan_Type": "pro", "Expired": "2030-01-01T00:00:00Z"}`,
			parsed{},
		},
		{"disabled true", `{"disabled": true}`, parsed{Disabled: true}},
		{"disabled false", `{"disabled": false}`, parsed{}},
		{"disabled null is absent", `{"disabled": null}`, parsed{}},
		{"disabled as a string is ignored", `{"disabled": "true"}`, parsed{Ignored: []string{"disabled"}}},
		{"disabled as a number is ignored", `{"disabled": 1}`, parsed{Ignored: []string{"disabled"}}},
		{"a non-string prefix is ignored", `{"prefix": 5}`, parsed{Ignored: []string{"prefix"}}},
		{"an integer priority", `{"priority": 5}`, parsed{Priority: int64(5)}},
		{"a negative priority", `{"priority": -3}`, parsed{Priority: int64(-3)}},
		{"a fractional priority is ignored", `{"priority": 2.5}`, parsed{Ignored: []string{"priority"}}},
		{"a string priority is ignored", `{"priority": "5"}`, parsed{Ignored: []string{"priority"}}},
		{"a priority beyond int64 is ignored", `{"priority": 1e30}`, parsed{Ignored: []string{"priority"}}},
		{
			"excluded_models: a list of strings, trimmed, empty ones dropped",
			`{"excluded_models": [" gpt-5.4 ", "*mini*", ""]}`,
			parsed{Excluded: []string{"gpt-5.4", "*mini*"}, ExcludedKey: "excluded_models"},
		},
		{
			"excluded_models: non-string items are skipped and reported",
			`{"excluded_models": ["a", 1, null, {"id": "b"}, ["c"], "d"]}`,
			parsed{Excluded: []string{"a", "d"}, ExcludedKey: "excluded_models", Ignored: []string{"excluded_models"}},
		},
		{
			"excluded_models: a string is ignored with a reason",
			`{"excluded_models": "gpt-5.4,gpt-5.5"}`,
			parsed{ExcludedKey: "excluded_models", Ignored: []string{"excluded_models"}},
		},
		{
			"excluded_models: an object is ignored with a reason",
			`{"excluded_models": {"gpt-5.4": true}}`,
			parsed{ExcludedKey: "excluded_models", Ignored: []string{"excluded_models"}},
		},
		{
			"the legacy excluded-models is read when the canonical key is absent",
			`{"excluded-models": ["*mini*"]}`,
			parsed{Excluded: []string{"*mini*"}, ExcludedKey: "excluded-models"},
		},
		{
			"the legacy excluded-models is not read when the canonical key is present",
			`{"excluded-models": ["legacy"], "excluded_models": ["canonical"]}`,
			parsed{Excluded: []string{"canonical"}, ExcludedKey: "excluded_models"},
		},
		{
			"a null canonical key still hides the legacy one",
			`{"excluded_models": null, "excluded-models": ["legacy"]}`,
			parsed{ExcludedKey: "excluded_models"},
		},
		{
			"model_aliases with every field",
			`{"model_aliases": [{"name": " gpt-5.4 ", "alias": "g4", "fork": true, "display_name": "GPT 4"}, {"name": "gpt-5.5", "alias": "five"}]}`,
			parsed{AliasesKey: "model_aliases", Aliases: []ModelAlias{
				{Name: "gpt-5.4", Alias: "g4", Fork: true, DisplayName: "GPT 4"},
				{Name: "gpt-5.5", Alias: "five"},
			}},
		},
		{
			"model_aliases entries without a string name or alias are skipped and reported",
			`{"model_aliases": [{"name": "a"}, {"alias": "b"}, {"name": 1, "alias": "c"}, "x", null, {"name": "ok", "alias": "fine", "fork": "yes"}]}`,
			parsed{AliasesKey: "model_aliases", Aliases: []ModelAlias{{Name: "ok", Alias: "fine"}}, Ignored: []string{"model_aliases"}},
		},
		{
			"model_aliases that is not a list is ignored",
			`{"model_aliases": {"name": "a", "alias": "b"}}`,
			parsed{AliasesKey: "model_aliases", Ignored: []string{"model_aliases"}},
		},
		{
			"the legacy model-aliases is read when the canonical key is absent",
			`{"model-aliases": [{"name": "gpt-5.4", "alias": "g4", "fork": true}]}`,
			parsed{AliasesKey: "model-aliases", Aliases: []ModelAlias{{Name: "gpt-5.4", Alias: "g4", Fork: true}}},
		},
		{
			"the legacy model-aliases is not read when the canonical key is present",
			`{"model-aliases": [{"name": "x", "alias": "y"}], "model_aliases": []}`,
			parsed{AliasesKey: "model_aliases"},
		},
		{"a stored plan_type string", `{"plan_type": "Business"}`, parsed{StoredPlan: str("Business")}},
		{"an empty plan_type is present and a string", `{"plan_type": ""}`, parsed{StoredPlan: str("")}},
		{"a numeric plan_type is present but not a string", `{"plan_type": 3}`, parsed{StoredPlan: notString}},
		{"a null plan_type is present but not a string", `{"plan_type": null}`, parsed{StoredPlan: notString}},
		{"a stored chatgpt_plan_type", `{"chatgpt_plan_type": "pro"}`, parsed{StoredChatGPTPlan: str("pro")}},
		{"a non-string chatgpt_plan_type", `{"chatgpt_plan_type": ["pro"]}`, parsed{StoredChatGPTPlan: notString}},
		{"last_refresh as RFC 3339", `{"last_refresh": "2026-11-30T10:00:00+02:00"}`, parsed{LastRefresh: "2026-11-30T08:00:00Z"}},
		{"last_refresh as Unix seconds", `{"last_refresh": 1764633600}`, parsed{LastRefresh: "2025-12-02T00:00:00Z"}},
		{"an unreadable last_refresh is absent", `{"last_refresh": "yesterday"}`, parsed{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Parse("a.json", "/auth/a.json", []byte(tt.json))
			if a.Err != nil {
				t.Fatalf("Parse error: %v", a.Err)
			}
			if got := view(a); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%s)\n got %+v\nwant %+v", tt.json, got, tt.want)
			}
		})
	}
}

func TestParseIgnoredFieldsSayWhy(t *testing.T) {
	a := Parse("a.json", "", []byte(`{"excluded_models": "a,b", "disabled": "yes", "model_aliases": [1]}`))
	if len(a.Ignored) != 3 {
		t.Fatalf("Ignored = %+v, want three", a.Ignored)
	}
	for _, ig := range a.Ignored {
		if ig.Reason == "" {
			t.Errorf("%s: no reason", ig.Field)
		}
	}
	if !strings.Contains(a.Ignored[0].Reason+a.Ignored[1].Reason+a.Ignored[2].Reason, "not a list") {
		t.Errorf("reasons %+v should say the exclusions are not a list", a.Ignored)
	}
}

func TestParseExpiry(t *testing.T) {
	const want = "2030-01-02T03:04:05Z"
	const unix = "1893553445" // 2030-01-02T03:04:05Z
	tests := []struct {
		name string
		json string
		want string
	}{
		{"expired", `{"expired": "` + want + `"}`, want},
		{"expire", `{"expire": "` + want + `"}`, want},
		{"expires_at", `{"expires_at": "` + want + `"}`, want},
		{"expiresAt", `{"expiresAt": "` + want + `"}`, want},
		{"expiry", `{"expiry": "` + want + `"}`, want},
		{"expires", `{"expires": "` + want + `"}`, want},
		{"Unix seconds", `{"expired": ` + unix + `}`, want},
		{"Unix milliseconds above 1e12", `{"expired": ` + unix + `000}`, want},
		{"Unix seconds with a fraction", `{"expired": ` + unix + `.5}`, "2030-01-02T03:04:05.5Z"},
		// As seconds, 1e12 is in year 33658, past what RFC 3339 can write: no
		// expiry (as milliseconds it would be 2001).
		{"exactly 1e12 is seconds", `{"expired": 1000000000000}`, ""},
		{"a time past year 9999 is no expiry", `{"expired": 253402300800}`, ""},
		{"the last second of year 9999 is an expiry", `{"expired": 253402300799}`, "9999-12-31T23:59:59Z"},
		{"an offset that carries a time into year 10000 is no expiry", `{"expired": "9999-12-31T23:30:00-01:00"}`, ""},
		{"an offset that carries a time before year 0 is no expiry", `{"expired": "0000-01-01T00:10:00+01:00"}`, ""},
		{"an offset is converted to UTC", `{"expired": "2030-01-02T05:04:05+02:00"}`, want},
		{"fractional RFC 3339", `{"expired": "2030-01-02T03:04:05.123Z"}`, "2030-01-02T03:04:05.123Z"},
		{
			"the first present key wins over later ones, whatever the member order",
			`{"expires": "2031-01-01T00:00:00Z", "expiry": "2032-01-01T00:00:00Z", "expired": "` + want + `"}`, want,
		},
		{
			"expire comes before expires_at",
			`{"expires_at": "2031-01-01T00:00:00Z", "expire": "` + want + `"}`, want,
		},
		{
			"an unreadable key is passed over for the next one, as the proxy does",
			`{"expired": "soon", "expire": "` + want + `"}`, want,
		},
		{
			"top-level keys come before the nested token",
			`{"token": {"expired": "2031-01-01T00:00:00Z"}, "expiry": "` + want + `"}`, want,
		},
		{"the nested token object is read when no top-level key is", `{"token": {"access_token": "x", "expiry": "` + want + `"}}`, want},
		{"the nested token is read when the top-level keys are unreadable", `{"expired": null, "token": {"expires_at": ` + unix + `}}`, want},
		{"a token that is not an object gives no expiry", `{"token": "` + want + `"}`, ""},
		{"zero is no expiry", `{"expired": 0}`, ""},
		{"a negative number is no expiry", `{"expired": -5}`, ""},
		{"a boolean is no expiry", `{"expired": true}`, ""},
		{"an empty string is no expiry", `{"expired": ""}`, ""},
		{"a capitalised key is not read", `{"Expired": "` + want + `"}`, ""},
		{"no key, no expiry", `{"type": "codex"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Parse("a.json", "", []byte(tt.json))
			if a.Err != nil {
				t.Fatal(a.Err)
			}
			if got := rfc(a.ExpiresAt); got != tt.want {
				t.Errorf("ExpiresAt = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseIDToken(t *testing.T) {
	token := signedToken(t, map[string]any{"email": "a@example.com", openAIAuthClaim: map[string]any{"chatgpt_plan_type": "plus"}})
	tests := []struct {
		name      string
		json      string
		wantToken bool
		wantErr   bool
		wantPlan  string
	}{
		{"no id_token", `{"type": "codex"}`, false, false, ""},
		{"a null id_token is absent", `{"id_token": null}`, false, false, ""},
		{"an empty id_token is absent", `{"id_token": "  "}`, false, false, ""},
		{"a non-string id_token is an invalid token", `{"id_token": 42}`, true, true, ""},
		{"a broken id_token is an invalid token", `{"id_token": "not-a-jwt"}`, true, true, ""},
		{"a JWT is decoded", `{"id_token": "` + token + `"}`, true, false, "plus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Parse("a.json", "", []byte(tt.json))
			if a.Err != nil {
				t.Fatalf("file error %v: a bad token must not make the file unusable", a.Err)
			}
			if (a.IDToken != nil) != tt.wantToken {
				t.Fatalf("IDToken = %+v, want present %v", a.IDToken, tt.wantToken)
			}
			if a.IDToken == nil {
				return
			}
			if (a.IDToken.Err != nil) != tt.wantErr {
				t.Errorf("IDToken.Err = %v, want error %v", a.IDToken.Err, tt.wantErr)
			}
			if got := a.IDToken.Claims.PlanType.String(); got != tt.wantPlan {
				t.Errorf("plan = %q, want %q", got, tt.wantPlan)
			}
		})
	}
}

func TestParseRecordsIdentityOfTheBytes(t *testing.T) {
	data := []byte(`{"type": "codex"}`)
	a := Parse("x.json", "/dir/x.json", data)
	if a.File != "x.json" || a.Path != "/dir/x.json" || a.Size != int64(len(data)) || a.Digest != Fingerprint(data) {
		t.Errorf("got File %q Path %q Size %d Digest %v", a.File, a.Path, a.Size, a.Digest)
	}
	bad := Parse("y.json", "/dir/y.json", []byte("nope"))
	if bad.Err == nil || bad.Digest != Fingerprint([]byte("nope")) || bad.Size != 4 {
		t.Errorf("error row: Err %v Size %d Digest %v; want the digest even for a bad file", bad.Err, bad.Size, bad.Digest)
	}
}

func TestParseNotAnObjectIsAnErrorRow(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		wantErr string
	}{
		{"empty", "", "empty file"},
		{"whitespace", " \r\n\t", "empty file"},
		{"array", `[{"type": "codex"}]`, "an array"},
		{"string", `"codex"`, "a string"},
		{"number", `1.5`, "a number"},
		{"null", `null`, "null"},
		{"boolean", `false`, "a boolean"},
		{"truncated", `{"type": "codex", "email": "a@ex`, "invalid JSON"},
		{"bad token", `{"type": codex}`, "invalid JSON"},
		{"not JSON at all", `type=codex`, "not JSON"},
		{"a non-breaking space is not JSON whitespace", "\u00a0{}", "not JSON"},
		{"a next-line character is not JSON whitespace", "{}\u0085", "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Parse("a.json", "/a.json", []byte(tt.data))
			if a.Err == nil || !strings.Contains(a.Err.Error(), tt.wantErr) {
				t.Fatalf("Err = %v, want one mentioning %q", a.Err, tt.wantErr)
			}
			assertEmptyAccount(t, a)
			// The proxy's own reader (encoding/json) must agree it is unusable.
			var m map[string]any
			if json.Unmarshal([]byte(tt.data), &m) == nil && m != nil {
				t.Errorf("encoding/json reads %q as an object, yet Parse rejects it", tt.data)
			}
		})
	}
}

func TestParseInvalidJSONSaysWhere(t *testing.T) {
	a := Parse("a.json", "", []byte("{\n  \"type\": \"codex\",\n  \"email\" \"a@example.com\"\n}"))
	if a.Err == nil || !strings.Contains(a.Err.Error(), "line 3") {
		t.Fatalf("Err = %v, want the line of the fault", a.Err)
	}
}

// TestParseReferenceAuthFiles reads the recorded auth directory: every file
// parses, and the fields match what the files hold.
func TestParseReferenceAuthFiles(t *testing.T) {
	dir := filepath.Join("..", "testdata", "reference", "proxy-a7e3596", "auths")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("reference data: %v", err)
	}
	if len(entries) < 20 {
		t.Fatalf("only %d reference files", len(entries))
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		a := Parse(e.Name(), "", data)
		if a.Err != nil {
			t.Errorf("%s: %v", e.Name(), a.Err)
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		if want, _ := m["type"].(string); a.Provider != want {
			t.Errorf("%s: provider %q, want %q", e.Name(), a.Provider, want)
		}
		if want, _ := m["email"].(string); a.Email != want {
			t.Errorf("%s: email %q, want %q", e.Name(), a.Email, want)
		}
		if _, has := m["id_token"]; has != (a.IDToken != nil) {
			t.Errorf("%s: IDToken %v, file has id_token %v", e.Name(), a.IDToken, has)
		}
		if a.IDToken != nil && (a.IDToken.Err != nil) != (e.Name() == "codex-badtoken@sample.example-free.json") {
			t.Errorf("%s: id_token error %v", e.Name(), a.IDToken.Err)
		}
	}
	gemini, _ := os.ReadFile(filepath.Join(dir, "gemini-g@sample.example-p.json"))
	if a := Parse("g.json", "", gemini); rfc(a.ExpiresAt) != "2099-01-01T00:00:00Z" {
		t.Errorf("gemini expiry from the nested token = %q", rfc(a.ExpiresAt))
	}
	legacy, _ := os.ReadFile(filepath.Join(dir, "codex-excl-legacy@sample.example-team.json"))
	if a := Parse("l.json", "", legacy); a.ExcludedModelsKey != "excluded-models" || len(a.ExcludedModels) != 1 {
		t.Errorf("legacy exclusions: key %q list %q", a.ExcludedModelsKey, a.ExcludedModels)
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name   string
		text   Text
		str    string
		usable bool
	}{
		{"absent", Text{}, "", false},
		{"not a string", notString, "", false},
		{"not a string, with a stray value", Text{Present: true, Value: "x"}, "", false},
		{"an empty string", str(""), "", false},
		{"a string", str("plus"), "plus", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.text.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := tt.text.Usable(); got != tt.usable {
				t.Errorf("Usable() = %v, want %v", got, tt.usable)
			}
		})
	}
}
