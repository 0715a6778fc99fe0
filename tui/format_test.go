package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tierscope/tierscope/core"
)

func TestEveryWarningHasABadge(t *testing.T) {
	for _, code := range core.WarningCodes {
		if _, ok := badgeWords[code]; !ok {
			t.Errorf("no badge for %s: add it to badgeWords", code)
		}
	}
	if len(badgeWords) != len(core.WarningCodes) {
		t.Errorf("%d badges for %d warning codes", len(badgeWords), len(core.WarningCodes))
	}
}

func TestBadgesAreWorstFirstWithSymbols(t *testing.T) {
	a := &core.Account{Warnings: []core.Warning{
		{Code: core.WarnUnnormalizedPlanType, Severity: core.SeverityInfo},
		{Code: core.WarnStalePlanType, Severity: core.SeverityWarn},
		{Code: core.WarnMissingPlanType, Severity: core.SeverityInfo},
		{Code: core.WarnParseError, Severity: core.SeverityError},
	}}
	if got := badgeText(badgesOf(a)); got != "✗error ▲stale ·norm" {
		t.Errorf("badges %q", got)
	}
}

func TestFitBadges(t *testing.T) {
	bs := []badge{{Text: "✗error"}, {Text: "▲stale"}, {Text: "·norm"}}
	cases := []struct {
		width int
		kept  int
		more  string
	}{
		{30, 3, ""},
		{19, 3, ""}, // "✗error ▲stale ·norm"
		{18, 2, "+1"},
		{16, 2, "+1"}, // "✗error ▲stale +1"
		{15, 1, "+2"},
		{9, 1, "+2"}, // "✗error +2"
		{8, 0, "+3"},
	}
	for _, c := range cases {
		kept, more := fitBadges(bs, c.width)
		if len(kept) != c.kept || more != c.more {
			t.Errorf("width %d: kept %d more %q, want %d %q", c.width, len(kept), more, c.kept, c.more)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1284: "1,284", 10000: "10,000", 1234567: "1,234,567", -4321: "-4,321"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestAges(t *testing.T) {
	cases := map[time.Duration]string{
		30 * time.Second: "just now", 5 * time.Minute: "5m", 3 * time.Hour: "3h", 47 * time.Hour: "47h",
		3 * 24 * time.Hour: "3d", 90 * 24 * time.Hour: "3mo", 400 * 24 * time.Hour: "1y",
	}
	for d, want := range cases {
		if got := age(d); got != want {
			t.Errorf("age(%s) = %q, want %q", d, got, want)
		}
	}
	if got := ago(testNow.Add(2*time.Hour), testNow); got != "in 2h" {
		t.Errorf("future: %q", got)
	}
}

func TestFitCutsByDisplayWidth(t *testing.T) {
	cases := []struct {
		in    string
		width int
		want  string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"名前さん", 5, "名前…"}, // wide runes: two cells each
		{"名前", 4, "名前"},
		{"🙂🙂🙂", 4, "🙂… "},
	}
	for _, c := range cases {
		got := fit(c.in, c.width)
		if got != c.want || ansi.StringWidth(got) != c.width {
			t.Errorf("fit(%q, %d) = %q (%d cells), want %q", c.in, c.width, got, ansi.StringWidth(got), c.want)
		}
	}
	if got := fitRight("12", 5); got != "   12" {
		t.Errorf("fitRight: %q", got)
	}
	if got := truncate(strings.Repeat("x", 10), 0); got != "" {
		t.Errorf("truncate to 0: %q", got)
	}
}

func TestSafeURLHidesPasswords(t *testing.T) {
	if got := safeURL("socks5://bob:s3cret@10.0.0.1:1080"); strings.Contains(got, "s3cret") {
		t.Errorf("safeURL kept the password: %s", got)
	}
}
