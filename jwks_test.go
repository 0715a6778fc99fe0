package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tierscope/tierscope/demo"
)

// TestJWKSMarksForgedTokens: the demo's JWKS verifies every genuine
// id_token and finds every forged one, which gets signature_invalid.
func TestJWKSMarksForgedTokens(t *testing.T) {
	dir := t.TempDir()
	sum, err := demo.Generate(dir, demo.Options{Count: 200, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "list", "--json", "--auth-dir", dir, "--jwks", filepath.Join(dir, demo.JWKSFileName))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	counts := map[string]int{}
	for _, row := range decodeRows(t, r.stdout) {
		if row.Signature == nil {
			continue
		}
		counts[*row.Signature]++
		invalidWarned := false
		for _, w := range row.Warnings {
			invalidWarned = invalidWarned || (w.Code == "signature_invalid" && w.Severity == "error")
		}
		if (*row.Signature == "invalid") != invalidWarned {
			t.Errorf("%s: signature %s, signature_invalid warning %v", row.File, *row.Signature, invalidWarned)
		}
	}
	if counts["invalid"] != sum.Forged || counts["verified"] == 0 || counts["unverified"] != 0 {
		t.Errorf("signatures %v, want %d invalid (the forged ones), the rest verified", counts, sum.Forged)
	}
	// Without --jwks nothing is verified.
	r = runCLI(t, nil, "list", "--json", "--auth-dir", dir)
	for _, row := range decodeRows(t, r.stdout) {
		if row.Signature != nil && *row.Signature != "unverified" {
			t.Fatalf("%s: %s without a JWKS", row.File, *row.Signature)
		}
	}
	// A write never trusts a forged plan (one it would write without a JWKS).
	withJWKS := runCLI(t, nil, "normalize", "--auth-dir", dir, "--jwks", filepath.Join(dir, demo.JWKSFileName)).stdout
	without := runCLI(t, nil, "normalize", "--auth-dir", dir).stdout
	forgedWouldWrite := 0
	for _, row := range decodeRows(t, runCLI(t, nil, "list", "--json", "--warning", "signature_invalid", "--auth-dir", dir, "--jwks", filepath.Join(dir, demo.JWKSFileName)).stdout) {
		if contains(withJWKS, "b/"+row.File) {
			t.Errorf("normalize would write %s, whose signature is invalid", row.File)
		}
		if contains(without, "b/"+row.File) {
			forgedWouldWrite++
		}
	}
	if forgedWouldWrite == 0 {
		t.Error("no forged account needs a write without a JWKS: the check above proves nothing")
	}
	if bad := runCLI(t, nil, "list", "--auth-dir", dir, "--jwks", filepath.Join(dir, "nope.pub")); bad.code != 2 {
		t.Errorf("a missing JWKS: exit %d", bad.code)
	}
	if off := runCLI(t, nil, "list", "--auth-dir", dir, "--offline", "--jwks", "http://127.0.0.1:1/jwks"); off.code != 2 {
		t.Errorf("a JWKS URL under --offline: exit %d", off.code)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
