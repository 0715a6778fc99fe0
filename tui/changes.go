package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tierscope/tierscope/core"
)

// describeChange words what one file's reload did, for the status line:
// "+ f.json added", "~ f.json changed: tier plus→pro", "− f.json removed".
func describeChange(ch core.FileChange) string {
	switch ch.Kind {
	case core.ChangeAdded:
		return "+ " + ch.File + " added (" + summary(ch.After) + ")"
	case core.ChangeRemoved:
		return "− " + ch.File + " removed"
	case core.ChangeChanged:
		diffs := accountDiffs(ch.Before, ch.After)
		if len(diffs) == 0 {
			return "~ " + ch.File + " changed (same tier and models)"
		}
		return "~ " + ch.File + " changed: " + strings.Join(diffs, ", ")
	}
	return ""
}

func summary(a *core.Account) string {
	if a == nil {
		return ""
	}
	if a.Error != nil {
		return "unreadable: " + *a.Error
	}
	return "tier " + a.Tier + ", " + plural(len(a.Models), "model")
}

// accountDiffs lists what an operator cares about between two versions.
func accountDiffs(before, after *core.Account) []string {
	if before == nil || after == nil {
		return nil
	}
	var out []string
	switch {
	case after.Error != nil && before.Error == nil:
		return []string{"now unreadable: " + *after.Error}
	case after.Error == nil && before.Error != nil:
		out = append(out, "readable again")
	}
	if before.Tier != after.Tier {
		out = append(out, "tier "+before.Tier+"→"+after.Tier)
	}
	if b, a := rawPlan(before), rawPlan(after); b != a && before.Tier == after.Tier {
		out = append(out, "plan "+b+"→"+a)
	}
	if len(before.Models) != len(after.Models) {
		out = append(out, fmt.Sprintf("models %d→%d", len(before.Models), len(after.Models)))
	} else if !slices.Equal(before.Models, after.Models) {
		out = append(out, "models changed")
	}
	if before.Disabled != after.Disabled {
		if after.Disabled {
			out = append(out, "disabled")
		} else {
			out = append(out, "enabled")
		}
	}
	for _, w := range after.Warnings {
		if !before.HasWarning(w.Code) && w.Severity != core.SeverityInfo && w.Code != core.WarnDisabled {
			out = append(out, "+"+w.Code)
		}
	}
	for _, w := range before.Warnings {
		if !after.HasWarning(w.Code) && w.Severity != core.SeverityInfo && w.Code != core.WarnDisabled {
			out = append(out, "−"+w.Code)
		}
	}
	return out
}

func rawPlan(a *core.Account) string {
	if a.Plan == nil || a.Plan.Raw == nil {
		return none
	}
	return *a.Plan.Raw
}
