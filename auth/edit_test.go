package auth

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// checkEdit asserts the contract of SetStringMember on one result: it parses
// as a JSON object, key holds value, and every other key keeps its value, to
// the byte.
func checkEdit(t testing.TB, in []byte, key, value string, out []byte) {
	t.Helper()
	var before, after map[string]json.RawMessage
	if err := json.Unmarshal(in, &before); err != nil {
		t.Fatalf("input does not parse: %v", err)
	}
	if err := json.Unmarshal(out, &after); err != nil || after == nil {
		t.Fatalf("result does not parse as an object (%v):\n%s", err, out)
	}
	// The value as encoding/json reads it back (invalid UTF-8 is coerced),
	// so the comparison is about the edit, not the encoding.
	wantJSON, _ := json.Marshal(value)
	var want, got string
	_ = json.Unmarshal(wantJSON, &want)
	if err := json.Unmarshal(after[key], &got); err != nil || got != want {
		t.Fatalf("result has %q = %s, want %q:\n%s", key, after[key], want, out)
	}
	for k, v := range before {
		if k != key && !bytes.Equal(after[k], v) {
			t.Fatalf("key %q changed from %s to %s:\n%s", k, v, after[k], out)
		}
	}
	_, had := before[key]
	if len(after) != len(before) && (had || len(after) != len(before)+1) {
		t.Fatalf("result has %d keys, input %d", len(after), len(before))
	}
}

func TestSetStringMemberChangesOnlyTheValueBytes(t *testing.T) {
	// Each document is before + old value + after: the result must be
	// exactly before + new value + after, byte for byte.
	tests := []struct {
		name                string
		before, old, after  string
		key, value, encoded string
	}{
		{
			name:   "indented file, value in the middle",
			before: "{\n  \"type\": \"codex\",\n  \"plan_type\": ", old: `"business"`, after: ",\n  \"email\": \"a@example.com\"\n}\n",
			key: "plan_type", value: "team", encoded: `"team"`,
		},
		{
			name:   "last member, no trailing newline",
			before: "{\n  \"type\": \"codex\",\n  \"plan_type\": ", old: `"plus"`, after: "\n}",
			key: "plan_type", value: "pro", encoded: `"pro"`,
		},
		{
			name:   "compact file",
			before: `{"type":"codex","plan_type":`, old: `"Plus"`, after: `,"email":"a@example.com"}`,
			key: "plan_type", value: "plus", encoded: `"plus"`,
		},
		{
			name:   "a longer value shifts the rest without changing it",
			before: "{\r\n\t\"plan_type\" : ", old: `"go"`, after: " ,\r\n\t\"note\": \"x\"\r\n}\r\n",
			key: "plan_type", value: "enterprise-team", encoded: `"enterprise-team"`,
		},
		{
			name:   "a non-string value is replaced by the string",
			before: `{"plan_type": `, old: `{"raw": [1, 2, {"x": null}]}`, after: `, "b": 1}`,
			key: "plan_type", value: "pro", encoded: `"pro"`,
		},
		{
			name:   "a null value is replaced",
			before: `{"a": 1, "plan_type": `, old: `null`, after: `}`,
			key: "plan_type", value: "free", encoded: `"free"`,
		},
		{
			name:   "a number value is replaced",
			before: `{"plan_type": `, old: `12.5e3`, after: `}`,
			key: "plan_type", value: "free", encoded: `"free"`,
		},
		{
			name:   "duplicate keys: the last one is edited, as a JSON reader takes the last",
			before: `{"plan_type": "plus", "email": "a", "plan_type": `, old: `"plus"`, after: `}`,
			key: "plan_type", value: "pro", encoded: `"pro"`,
		},
		{
			name:   "an escaped key in the file matches its decoded form",
			before: `{"pl\u0061n_type": `, old: `"plus"`, after: `}`,
			key: "plan_type", value: "pro", encoded: `"pro"`,
		},
		{
			name:   "a key with escapes before the one edited",
			before: `{"a\"b\\": "x\"y", "plan_type": `, old: `"plus"`, after: `}`,
			key: "plan_type", value: "pro", encoded: `"pro"`,
		},
		{
			name:   "a unicode key",
			before: `{"plän": `, old: `"a"`, after: `, "z": 1}`,
			key: "plän", value: "b", encoded: `"b"`,
		},
		{
			name:   "a value that needs escaping, without HTML escapes",
			before: `{"note": `, old: `""`, after: `}`,
			key: "note", value: "a\"b\\c\n<&>é", encoded: `"a\"b\\c\n<&>é"`,
		},
		{
			name:   "the same key nested deeper is not touched",
			before: `{"token": {"plan_type": "free"}, "plan_type": `, old: `"free"`, after: `}`,
			key: "plan_type", value: "pro", encoded: `"pro"`,
		},
		{
			name:   "a value with a brace inside a string",
			before: `{"n": "}{,\"", "plan_type": `, old: `"}"`, after: ` }  `,
			key: "plan_type", value: "team", encoded: `"team"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.before + tt.old + tt.after)
			out, err := SetStringMember(in, tt.key, tt.value)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.before + tt.encoded + tt.after
			if string(out) != want {
				t.Fatalf("result\n%q\nwant\n%q", out, want)
			}
			if !bytes.HasPrefix(out, []byte(tt.before)) || !bytes.HasSuffix(out, []byte(tt.after)) {
				t.Fatal("bytes outside the value changed")
			}
			checkEdit(t, in, tt.key, tt.value, out)
		})
	}
}

func TestSetStringMemberAppendsInTheFilesStyle(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			"indented 2 spaces",
			"{\n  \"type\": \"codex\",\n  \"email\": \"a@example.com\"\n}\n",
			"{\n  \"type\": \"codex\",\n  \"email\": \"a@example.com\",\n  \"plan_type\": \"pro\"\n}\n",
		},
		{
			"indented 4 spaces",
			"{\n    \"type\": \"codex\",\n    \"email\": \"a@example.com\"\n}",
			"{\n    \"type\": \"codex\",\n    \"email\": \"a@example.com\",\n    \"plan_type\": \"pro\"\n}",
		},
		{
			"indented with tabs",
			"{\n\t\"type\": \"codex\"\n}\n",
			"{\n\t\"type\": \"codex\",\n\t\"plan_type\": \"pro\"\n}\n",
		},
		{
			"compact on one line",
			`{"type":"codex","email":"a@example.com"}`,
			`{"type":"codex","email":"a@example.com","plan_type":"pro"}`,
		},
		{
			"compact with spaces",
			`{"type": "codex", "email": "a@example.com"}`,
			`{"type": "codex", "email": "a@example.com", "plan_type": "pro"}`,
		},
		{
			"compact with spaces and one member",
			`{"type": "codex"}`,
			`{"type": "codex", "plan_type": "pro"}`,
		},
		{
			"compact with spaces inside the braces",
			`{ "type": "codex" }`,
			`{ "type": "codex", "plan_type": "pro" }`,
		},
		{
			"empty object",
			`{}`,
			`{"plan_type":"pro"}`,
		},
		{
			"empty object over two lines",
			"{\n}\n",
			"{\n  \"plan_type\": \"pro\"\n}\n",
		},
		{
			"empty object over two lines with CRLF",
			"{\r\n}\r\n",
			"{\r\n  \"plan_type\": \"pro\"\r\n}\r\n",
		},
		{
			"CRLF line endings",
			"{\r\n  \"type\": \"codex\",\r\n  \"email\": \"a@example.com\"\r\n}\r\n",
			"{\r\n  \"type\": \"codex\",\r\n  \"email\": \"a@example.com\",\r\n  \"plan_type\": \"pro\"\r\n}\r\n",
		},
		{
			"a nested object as the last member",
			"{\n  \"type\": \"gemini\",\n  \"token\": {\n    \"expiry\": \"x\"\n  }\n}\n",
			"{\n  \"type\": \"gemini\",\n  \"token\": {\n    \"expiry\": \"x\"\n  },\n  \"plan_type\": \"pro\"\n}\n",
		},
		{
			"whitespace around the object is kept",
			"\n  {\"type\":\"codex\"}  \n\n",
			"\n  {\"type\":\"codex\",\"plan_type\":\"pro\"}  \n\n",
		},
		{
			"a first key with escapes sets the spacing",
			`{"a\"b\\": 1}`,
			`{"a\"b\\": 1, "plan_type": "pro"}`,
		},
		{
			"members separated by a comma on its own spacing",
			"{\"a\": 1 ,\n \"b\": 2}",
			"{\"a\": 1 ,\n \"b\": 2 ,\n \"plan_type\": \"pro\"}",
		},
		{
			"a key and colon spaced apart",
			"{\n  \"type\" : \"codex\"\n}",
			"{\n  \"type\" : \"codex\",\n  \"plan_type\" : \"pro\"\n}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := SetStringMember([]byte(tt.in), "plan_type", "pro")
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Fatalf("result\n%q\nwant\n%q", out, tt.want)
			}
			checkEdit(t, []byte(tt.in), "plan_type", "pro", out)
		})
	}
}

func TestSetStringMemberAppendsEscapedKeys(t *testing.T) {
	tests := []struct {
		name, key, wantKey string
	}{
		{"a unicode key is written as UTF-8", "plän_typ€", `"plän_typ€"`},
		{"a quote and a backslash are escaped", `a"b\c`, `"a\"b\\c"`},
		{"a control character is escaped", "a\tb", `"a\tb"`},
		{"HTML characters are not escaped", "<a&b>", `"<a&b>"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(`{"type": "codex"}`)
			out, err := SetStringMember(in, tt.key, "v")
			if err != nil {
				t.Fatal(err)
			}
			if want := `{"type": "codex", ` + tt.wantKey + `: "v"}`; string(out) != want {
				t.Fatalf("result %q, want %q", out, want)
			}
			checkEdit(t, in, tt.key, "v", out)
		})
	}
}

func TestSetStringMemberRejectsWhatItCannotEditSafely(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"whitespace", "  \n"},
		{"an array", `[{"plan_type": "plus"}]`},
		{"a string", `"plan_type"`},
		{"null", `null`},
		{"a number", `1`},
		{"truncated", `{"type": "codex", "plan_type": "pl`},
		{"unclosed", `{"type": "codex"`},
		{"a trailing comma", `{"type": "codex",}`},
		{"trailing garbage", `{"type": "codex"} garbage`},
		{"a second object", `{"type": "codex"}{"type": "claude"}`},
		{"a second value", `{"type": "codex"} 1`},
		{"a missing value", `{"type": }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := SetStringMember([]byte(tt.in), "plan_type", "pro")
			if err == nil {
				t.Fatalf("edited %q into %q; want an error", tt.in, out)
			}
			if strings.Contains(err.Error(), "codex") {
				t.Errorf("error %q quotes the content", err)
			}
		})
	}
}

func TestSetStringMemberRejectsAKeyThatIsNotUTF8(t *testing.T) {
	// Written out, such a key would read back as U+FFFD, another key.
	in := []byte(`{"\ufffd": "keep"}`)
	if out, err := SetStringMember(in, "\xff", "v"); err == nil {
		t.Fatalf("edited into %q; want an error", out)
	}
}

func TestSetStringMemberReferenceFiles(t *testing.T) {
	for _, name := range []string{"codex-stale@sample.example-plus.json", "codex-alias@sample.example-plus.json", "gemini-g@sample.example-p.json", "kimi-k.json"} {
		t.Run(name, func(t *testing.T) {
			in, err := ReadFile("../testdata/reference/proxy-a7e3596/auths/" + name)
			if err != nil {
				t.Fatalf("reference data: %v", err)
			}
			for _, value := range []string{"pro", ""} {
				out, err := SetStringMember(in, "plan_type", value)
				if err != nil {
					t.Fatal(err)
				}
				checkEdit(t, in, "plan_type", value, out)
				if a := Parse(name, "", out); a.Err != nil || a.StoredPlan != str(value) {
					t.Errorf("re-parsed: err %v plan %+v", a.Err, a.StoredPlan)
				}
			}
		})
	}
}
