package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/demo"
)

// With a JWKS, the table shows each token's verdict in a SIG column (and a
// filter finds the forged ones); without one, the column is not drawn.
func TestSignatureColumnShowsVerdictsOnlyWithAJWKS(t *testing.T) {
	dir := t.TempDir()
	sum, err := demo.Generate(dir, demo.Options{Count: 80, Seed: 2, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := os.ReadFile(filepath.Join(dir, demo.JWKSFileName))
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(jwks)
	if err != nil {
		t.Fatal(err)
	}
	opts := testOptions(t, dir)
	opts.Source = &auth.Dir{Root: dir, Verifier: v}
	m := loadedModel(t, opts, 200, 50)
	screen := ansi.Strip(m.View())
	if !strings.Contains(screen, " SIG ") || !strings.Contains(screen, "verified") {
		t.Fatalf("no SIG column with a JWKS:\n%s", screen)
	}
	// The forged rows say "invalid" outright: the fuzzy filter ranks them first.
	m.table.Filter("invalid")
	if m.table.Shown() < sum.Forged || sum.Forged == 0 {
		t.Fatalf("filtering for invalid shows %d rows; %d are forged", m.table.Shown(), sum.Forged)
	}
	for _, i := range m.table.view[:sum.Forged] {
		if r := m.table.rows[i]; r.cells[colSig] != auth.SignatureInvalid {
			t.Errorf("%s ranks among the first %d matches but its signature is %q", r.acc.File, sum.Forged, r.cells[colSig])
		}
	}

	visited := false
	for range numColumns {
		m.table.CycleSort()
		visited = visited || m.table.sortCol == colSig
	}
	if !visited {
		t.Error("with a JWKS, s never sorts by SIG")
	}

	plain := loadedModel(t, testOptions(t, dir), 200, 50)
	if screen := ansi.Strip(plain.View()); strings.Contains(screen, " SIG ") {
		t.Errorf("a SIG column without a JWKS:\n%s", screen)
	}
}
