package core

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tierscope/tierscope/catalog"
)

// AccountsAffected counts the accounts whose visible models change when
// next replaces the snapshot's catalog: the "N accounts affected" of a
// refresh. Build the count before moving the snapshot to the new catalog.
func (s *Snapshot) AccountsAffected(next *catalog.Catalog) int {
	return len(s.CompareCatalog(next).Accounts)
}

// RefreshSummary words a finished catalog refresh in one line, the same in
// the TUI's status line and in `tierscope catalog refresh`: what changed
// and how many accounts that affects ("catalog refreshed: codex-plus +1:
// gpt-5.7; 240 accounts affected"), "catalog not modified", or why it
// failed and which catalog stays in force. affected < 0 means unknown (no
// auth dir): the accounts part is left out. maxItems caps the ids listed
// per change and the sections listed (0: all of them).
func RefreshSummary(r catalog.RefreshResult, affected, maxItems int) string {
	switch r.Outcome {
	case catalog.OutcomeOK:
		return "catalog refreshed: " + DescribeCatalogChanges(r.Sections, affected, maxItems)
	case catalog.OutcomeNotModified:
		return "catalog not modified"
	}
	msg := "catalog refresh failed"
	if r.Err != nil {
		msg = r.Err.Error()
	}
	if src := r.Loaded.Info.Source; src != "" {
		msg += "; keeping the " + src + " catalog"
	}
	return msg
}

// DescribeCatalogChanges words a catalog diff: one part per changed
// section in name order ("codex-plus +1: gpt-5.7 −1: gpt-5.2 ~1: gpt-5.4"
// for added, removed and changed models), then the accounts affected
// (left out when affected < 0). maxItems caps the ids per change and the
// sections listed (0: all of them).
func DescribeCatalogChanges(diff map[string]catalog.SectionDiff, affected, maxItems int) string {
	names := make([]string, 0, len(diff))
	for name, d := range diff {
		if !d.Empty() {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "no model changes"
	}
	slices.Sort(names)
	parts := make([]string, 0, len(names)+2)
	shown := names
	if maxItems > 0 && len(names) > maxItems {
		shown = names[:maxItems]
	}
	for _, name := range shown {
		parts = append(parts, DescribeSectionChange(name, diff[name], maxItems))
	}
	if n := len(names) - len(shown); n > 0 {
		parts = append(parts, fmt.Sprintf("%d more %s", n, refreshPlural(n, "section", "sections")))
	}
	if affected >= 0 {
		parts = append(parts, fmt.Sprintf("%d %s affected", affected, refreshPlural(affected, "account", "accounts")))
	}
	return strings.Join(parts, "; ")
}

// DescribeSectionChange words one section's change: "codex-plus +1:
// gpt-5.7", with "−N:" for removed and "~N:" for changed models. maxItems
// caps the ids listed per kind (0: all).
func DescribeSectionChange(name string, d catalog.SectionDiff, maxItems int) string {
	var b strings.Builder
	b.WriteString(name)
	add := func(sign string, ids []string) {
		if len(ids) == 0 {
			return
		}
		fmt.Fprintf(&b, " %s%d: %s", sign, len(ids), refreshIDList(ids, maxItems))
	}
	add("+", d.Added)
	add("−", d.Removed)
	changed := make([]string, len(d.Changed))
	for i, c := range d.Changed {
		changed[i] = c.ID
	}
	add("~", changed)
	return b.String()
}

func refreshIDList(ids []string, maxItems int) string {
	if maxItems <= 0 || len(ids) <= maxItems {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:maxItems], ", ") + fmt.Sprintf(", … (%d more)", len(ids)-maxItems)
}

func refreshPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
