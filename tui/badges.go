package tui

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/tierscope/tierscope/core"
)

// badgeWords is the short word of each warning code in the FLAGS column; the
// severity adds the symbol (✗ error, ▲ warn, · info). One table, so a new
// code is one line (and TestEveryWarningHasABadge fails until it is added).
// An empty word keeps the code out of the table (the detail pane still
// explains it): missing_plan_type is the normal state of every account of a
// real proxy, which never stores plan_type, so a badge would be noise.
var badgeWords = map[string]string{
	core.WarnParseError:           "error",
	core.WarnIDTokenInvalid:       "token",
	core.WarnSignatureInvalid:     "sig",
	core.WarnStalePlanType:        "stale",
	core.WarnUnknownPlan:          "unknown",
	core.WarnNoPlan:               "noplan",
	core.WarnFilenamePlanMismatch: "name",
	core.WarnExpired:              "expired",
	core.WarnExpiringSoon:         "expiring",
	core.WarnDisabled:             "off",
	core.WarnNotLoaded:            "notloaded",
	core.WarnIgnoredField:         "ignored",
	core.WarnStaleRefresh:         "refresh",
	core.WarnDuplicateAccount:     "dup",
	core.WarnUnnormalizedPlanType: "norm",
	core.WarnMissingPlanType:      "",
	core.WarnNoSection:            "nosection",
}

// severitySymbols mark a severity without colour.
var severitySymbols = map[string]string{
	core.SeverityError: "✗",
	core.SeverityWarn:  "▲",
	core.SeverityInfo:  "·",
}

// severityRank orders severities, worst first.
func severityRank(severity string) int {
	switch severity {
	case core.SeverityError:
		return 0
	case core.SeverityWarn:
		return 1
	}
	return 2
}

// badge is one short warning mark.
type badge struct {
	Text     string // symbol and word, e.g. "▲stale"
	Severity string
}

// badgesOf returns an account's badges, worst first (stable within a
// severity: the order core reported them).
func badgesOf(a *core.Account) []badge {
	out := make([]badge, 0, len(a.Warnings))
	for _, w := range a.Warnings {
		word, ok := badgeWords[w.Code]
		switch {
		case !ok:
			word = w.Code
		case word == "":
			continue
		}
		sev := w.Severity
		if sev == "" {
			sev = core.Severity(w.Code)
		}
		out = append(out, badge{Text: severitySymbols[sev] + word, Severity: sev})
	}
	slices.SortStableFunc(out, func(a, b badge) int { return cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)) })
	return out
}

// fitBadges keeps as many badges as fit in width, then "+N" for the rest.
// It returns the kept badges and the suffix ("" when all fit).
func fitBadges(badges []badge, width int) ([]badge, string) {
	used := 0
	for i, b := range badges {
		w := ansi.StringWidth(b.Text)
		if i > 0 {
			w++ // the space before it
		}
		rest := len(badges) - i - 1
		more := 0
		if rest > 0 {
			more = 2 + len(strconv.Itoa(rest)) // " +N"
		}
		if used+w+more > width {
			if i == 0 {
				return nil, "+" + strconv.Itoa(len(badges))
			}
			return badges[:i], "+" + strconv.Itoa(len(badges)-i)
		}
		used += w
	}
	return badges, ""
}

// badgeText is the plain FLAGS text of badges.
func badgeText(badges []badge) string {
	parts := make([]string, len(badges))
	for i, b := range badges {
		parts[i] = b.Text
	}
	return strings.Join(parts, " ")
}
