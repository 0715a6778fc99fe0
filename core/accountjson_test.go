package core_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/tierscope/tierscope/core"
	"github.com/tierscope/tierscope/demo"
)

// encodingJSON is what encoding/json writes for v in list --json.
func encodingJSON(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// TestAppendJSONIsEncodingJSON holds the hand-written row encoder to
// encoding/json, byte for byte, on every kind of row: the recorded proxy
// folder under both rule sets, a generated demo folder (every provider,
// plan, warning and broken file it makes), the hostile corpus, and rows
// with strings that need every kind of escape.
func TestAppendJSONIsEncodingJSON(t *testing.T) {
	var accounts []*core.Account
	for _, ruleSet := range []string{"pr2024", "upstream"} {
		accounts = append(accounts, refSnapshot(t, ruleSet).Accounts...)
	}
	gen := t.TempDir()
	if _, err := demo.Generate(gen, demo.Options{Count: 600, Seed: 3, Now: now}); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{gen, filepath.Join("..", "testdata", "hostile")} {
		snap, _ := loadDir(t, dir)
		accounts = append(accounts, snap.Accounts...)
	}
	odd := "q\" b\\ <&> \x00\x01\b\f\n\r\t\x1f\x7f é 世 \u2028\u2029 \xff\xfe end"
	expires := time.Date(2031, 2, 3, 4, 5, 6, 789, time.UTC)
	accounts = append(accounts,
		&core.Account{},
		&core.Account{File: odd, Path: odd, Provider: odd, Email: odd, AccountID: odd, Tier: odd,
			Plan:   &core.Plan{Raw: &odd, Source: &odd, Stored: &odd, IDToken: &odd, Normalized: &odd, Rule: odd},
			Models: []string{odd, "", "a"}, Disabled: true, ExpiresAt: &expires, Expired: true, Signature: &odd,
			Warnings: []core.Warning{{Code: odd, Severity: odd, Message: odd}, {}}, Error: &odd},
		&core.Account{Models: []string{}, Warnings: []core.Warning{}, Plan: &core.Plan{}},
	)
	if len(accounts) < 650 {
		t.Fatalf("only %d rows to compare", len(accounts))
	}
	for _, a := range accounts {
		if got, want := a.AppendJSON(nil), encodingJSON(t, a); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n got  %s\n want %s", a.File, got, want)
		}
	}
}

// FuzzAppendJSONString: any string, in any field, encodes as encoding/json
// encodes it.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"\\", "\x00\x1f\x7f", "\u2028\u2029", "\xff", "é世", "<&>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := &core.Account{File: s, Models: []string{s}, Plan: &core.Plan{Raw: &s, Rule: s}, Warnings: []core.Warning{{Message: s}}}
		if got, want := a.AppendJSON(nil), encodingJSON(t, a); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n got  %s\n want %s", s, got, want)
		}
	})
}
