package tui

import (
	"github.com/charmbracelet/lipgloss"

	"github.com/tierscope/tierscope/core"
)

// whatIfPane compares the rules in force with edited ones (another rule
// set, unknown-plan policy or aliases): the accounts whose tier or models
// would change, grouped, then one by one.
type whatIfPane struct {
	list    lineList
	targets []target

	edit   ruleEdit
	result *diffResultMsg
	built  string // the rules key the lines were built for

	// What the lines show, to skip rebuilding them when an edit leaves
	// both the same (the old result stays on screen until the new one).
	shown struct {
		result *diffResultMsg
		width  int
	}
}

func (p *whatIfPane) head(v *diffView) [][]seg {
	s := v.styles
	to, err := p.edit.build(v.rules)
	if err != nil {
		return [][]seg{{styled(" ✗ "+err.Error(), &s.Error)}}
	}
	var out [][]seg
	lb := listBuilder{width: v.width + markerWidth}
	for _, c := range describeRuleChanges(s, v.rules, to) {
		out = append(out, lb.wrapped(headField(s, c.label), c.segs, 2)...)
	}
	job, changed := v.wanted(jobWhatIf)
	switch r := p.result; {
	case !changed && v.snap != nil:
		out = append(out, headField(s, "accounts", styled("no change: s switches the rule set, u the unknown-plan policy, + and − edit the aliases", &s.Muted)))
	case v.snap == nil:
		out = append(out, headField(s, "accounts", styled("waiting for the scan …", &s.Muted)))
	case r == nil:
		out = append(out, headField(s, "accounts", styled("computing the change for "+plural(len(v.snap.Accounts), "account")+" …", &s.Muted)))
	default:
		line := headField(s, "accounts", whatIfSummary(s, r.rules, len(r.key.snap.Accounts))...)
		if r.key != job.key {
			line = append(line, styled(" · updating …", &s.Muted))
		}
		out = append(out, line)
	}
	return out
}

// whatIfSummary is "8 of 31 accounts change, in 5 groups".
func whatIfSummary(s *Styles, d core.RuleSetDiff, total int) []seg {
	text := thousands(len(d.Accounts)) + " of " + plural(total, "account") + " change"
	if len(d.Accounts) == 0 {
		return []seg{plain(text)}
	}
	return []seg{styled(text+", in "+plural(len(d.Groups), "group"), &s.Changed)}
}

func (p *whatIfPane) rebuild(v *diffView) {
	s := v.styles
	b := listBuilder{width: v.width}
	p.targets = p.targets[:0]
	changed := v.snap != nil && v.edited()
	r := p.result
	if !changed || r == nil {
		p.list.SetLines(b, false)
		p.built, p.shown.result = "", nil
		return
	}
	if p.shown.result == r && p.shown.width == v.width {
		return
	}
	p.shown.result, p.shown.width = r, v.width
	d := r.rules
	what := "what-if " + d.A + "→" + d.B
	if d.A == d.B {
		what = "what-if " + d.B + " edited"
	}
	if len(d.Accounts) == 0 {
		b.heading(styled(" no account would change", &s.Section))
	} else {
		b.heading(styled(" groups (enter lists a group's accounts)", &s.Section))
	}
	for _, g := range d.Groups {
		b.item(groupLines(s, &b, g)...)
		p.targets = append(p.targets, target{label: what + ": " + g.Describe(), files: g.Files})
	}
	if len(d.Accounts) > 0 {
		b.blank()
		b.heading(styled(" accounts ("+thousands(len(d.Accounts))+")", &s.Section))
	}
	fileWidth, moveWidth := 12, 4
	for _, a := range d.Accounts {
		fileWidth = max(fileWidth, textWidth(a.File))
		moveWidth = max(moveWidth, textWidth(tierMove(a)))
	}
	fileWidth = min(fileWidth, max(v.width/2, 24))
	for _, a := range d.Accounts {
		line := []seg{plain(fit(a.File, fileWidth) + "  "), styled(fit(tierMove(a), moveWidth), tierMoveStyle(s, a)), plain(" ")}
		for _, id := range a.Added {
			line = append(line, styled(" +"+id, &s.Added))
		}
		for _, id := range a.Removed {
			line = append(line, styled(" −"+id, &s.Removed))
		}
		if len(a.Added) == 0 && len(a.Removed) == 0 {
			line = append(line, styled(" same models", &s.Muted))
		}
		b.item(line)
		p.targets = append(p.targets, target{label: what + ": " + a.File, files: []string{a.File}})
	}
	keep := p.built != "" // edits keep the cursor near where it was
	p.built = r.key.rules
	p.list.SetLines(b, keep)
}

// tierMove is "team→pro", or the tier when it stays.
func tierMove(d core.RuleSetDelta) string {
	if d.From.Tier == d.To.Tier {
		return d.From.Tier
	}
	return d.From.Tier + "→" + d.To.Tier
}

func tierMoveStyle(s *Styles, d core.RuleSetDelta) *lipgloss.Style {
	if d.From.Tier == d.To.Tier {
		return &s.Value
	}
	return &s.Changed
}
