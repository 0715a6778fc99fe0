package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// candidatePane compares a candidate catalog with the catalog in force:
// per section the models added, removed and changed, then the accounts
// grouped by tier and change ("3 free accounts lose gpt-5.5").
type candidatePane struct {
	list    lineList
	targets []target

	cur    *candidate     // nil: none loaded
	result *diffResultMsg // the last result (it may lag behind cur and the snapshot)
	built  *catalog.Catalog
}

func (p *candidatePane) head(v *diffView) [][]seg {
	s := v.styles
	if p.cur == nil {
		return [][]seg{headField(s, "candidate", styled("none loaded", &s.Muted))}
	}
	base, note := v.cat, "in force"
	if p.cur.base != nil {
		base, note = *p.cur.base, "before the refresh"
	}
	out := [][]seg{
		headField(s, "candidate", styled(p.cur.label, &s.Section), styled("  ("+catalogProvenance(p.cur.loaded)+")", &s.Muted)),
		headField(s, "against", plain(catalogName(base)), styled("  ("+note+" · "+catalogProvenance(base)+")", &s.Muted)),
	}
	job, _ := v.wanted(jobCandidate)
	switch r := p.result; {
	case v.snap == nil:
		out = append(out, headField(s, "accounts", styled("waiting for the scan …", &s.Muted)))
	case r == nil || r.key.cat != job.key.cat || r.key.base != job.key.base:
		out = append(out, headField(s, "accounts", styled("computing the impact on "+plural(len(v.snap.Accounts), "account")+" …", &s.Muted)))
	default:
		line := headField(s, "accounts", candidateSummary(s, r.cat, len(r.key.snap.Accounts))...)
		if r.key != job.key {
			line = append(line, styled(" · updating …", &s.Muted))
		}
		out = append(out, line)
	}
	return out
}

// candidateSummary is "4 of 31 accounts change, in 2 groups · 4 sections change".
func candidateSummary(s *Styles, d core.CatalogDiff, total int) []seg {
	acc := thousands(len(d.Accounts)) + " of " + plural(total, "account") + " change"
	if len(d.Accounts) > 0 {
		acc += ", in " + plural(len(d.Groups), "group")
	}
	sec := plural(len(d.Sections), "section") + " change"
	if len(d.Sections) == 1 {
		sec = "1 section changes"
	}
	style := &s.Value
	if len(d.Accounts) > 0 {
		style = &s.Changed
	}
	return []seg{styled(acc, style), plain(" · " + sec)}
}

// catalogName names a catalog by its file, URL or source.
func catalogName(l catalog.Loaded) string {
	switch {
	case l.Catalog == nil:
		return none
	case l.Info.Path != "":
		return baseName(l.Info.Path)
	case l.Info.URL != "":
		return l.Info.URL
	}
	return l.Info.Source
}

// catalogProvenance is "file · sha256 1a2b3c4d5e6f": what identifies the
// content, never the machine (no local paths, no file times).
func catalogProvenance(l catalog.Loaded) string {
	parts := []string{l.Info.Source}
	if l.Info.Source == catalog.SourceEmbedded {
		parts = append(parts, "taken "+date(l.Info.FetchedAt))
	}
	if h := l.Info.SHA256; h != "" {
		parts = append(parts, "sha256 "+h[:min(len(h), 12)])
	}
	return strings.Join(nonEmpty(parts...), " · ")
}

func (p *candidatePane) rebuild(v *diffView) {
	s := v.styles
	b := listBuilder{width: v.width}
	p.targets = p.targets[:0]
	if p.cur == nil {
		for _, para := range []string{
			"A candidate catalog is a models.json you may deploy. This view shows, per section, the models it adds (+), removes (−) and changes (~, with the fields), and what every account would gain and lose, grouped by tier: enter on a group lists its accounts.",
			"",
			"o opens a file here; `tierscope --candidate PATH` opens one at start; after a catalog refresh (r) the new catalog shows here against the one it replaced.",
		} {
			if para == "" {
				b.blank()
				continue
			}
			for _, l := range b.wrapped([]seg{plain(" ")}, words(para, &s.Muted), 0) {
				b.heading(l...)
			}
		}
		p.list.SetLines(b, false)
		return
	}
	r := p.result
	if r == nil {
		p.list.SetLines(b, false)
		return
	}
	d := r.cat
	names := make([]string, 0, len(d.Sections))
	nameWidth := 0
	for n := range d.Sections {
		names = append(names, n)
		nameWidth = max(nameWidth, textWidth(n))
	}
	slices.Sort(names)
	nameWidth = min(nameWidth, 24)
	if len(names) == 0 {
		b.heading(styled(" sections: no change", &s.Section))
	} else {
		b.heading(styled(" sections: "+plural(len(names), "section")+" change", &s.Section))
	}
	for _, n := range names {
		sd := d.Sections[n]
		var ws []seg
		for _, id := range sd.Added {
			ws = append(ws, styled("+"+id, &s.Added))
		}
		for _, id := range sd.Removed {
			ws = append(ws, styled("−"+id, &s.Removed))
		}
		for _, c := range sd.Changed {
			ws = append(ws, styled("~"+c.ID+" ("+strings.Join(c.Fields, ", ")+")", &s.Changed))
		}
		b.item(b.wrapped([]seg{plain(fit(n, nameWidth) + "  ")}, ws, 0)...)
		p.targets = append(p.targets, target{})
	}
	b.blank()
	total := len(r.key.snap.Accounts)
	if len(d.Accounts) == 0 {
		b.heading(styled(" accounts: none of "+thousands(total)+" sees a different model list", &s.Section))
	} else {
		b.heading(styled(" accounts: "+thousands(len(d.Accounts))+" of "+plural(total, "account")+" change, in "+plural(len(d.Groups), "group")+" (enter lists a group's accounts)", &s.Section))
	}
	for _, g := range d.Groups {
		b.item(groupLines(s, &b, g)...)
		p.targets = append(p.targets, target{label: "candidate " + p.cur.label + ": " + g.Describe(), files: g.Files})
	}
	keep := p.built == p.cur.loaded.Catalog
	p.built = p.cur.loaded.Catalog
	p.list.SetLines(b, keep)
}

// groupLines lays out a change group: a mark (+ gains only, − losses
// only, ± both, = neither) and core.ChangeGroup.Describe's words, gains
// and losses coloured.
func groupLines(s *Styles, b *listBuilder, g core.ChangeGroup) [][]seg {
	mark, style := "=", &s.Muted
	switch {
	case len(g.Added) > 0 && len(g.Removed) > 0:
		mark, style = "±", &s.Changed
	case len(g.Added) > 0:
		mark, style = "+", &s.Added
	case len(g.Removed) > 0:
		mark, style = "−", &s.Removed
	}
	var ws []seg
	var cur *lipgloss.Style
	for _, w := range strings.Fields(g.Describe()) {
		switch w {
		case "gain", "gains":
			cur = &s.Added
		case "lose", "loses":
			cur = &s.Removed
		}
		ws = append(ws, styled(w, cur))
	}
	return b.wrapped([]seg{styled(mark, style), plain(" ")}, ws, 0)
}

// words splits text into wrapping words of one style.
func words(text string, style *lipgloss.Style) []seg {
	f := strings.Fields(text)
	out := make([]seg, len(f))
	for i, w := range f {
		out[i] = styled(w, style)
	}
	return out
}
