package tui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/tierscope/tierscope/core"
)

// compareSource is what the models view compares the accounts with.
type compareSource int

const (
	cmpAuto      compareSource = iota // the candidate if any, else the edited rules if edited, else nothing
	cmpNone                           // now only
	cmpCandidate                      // under the candidate catalog
	cmpWhatIf                         // under the edited rules
)

// modelsPane is every model with the accounts that serve it, in total and
// per tier, now and under the candidate catalog or the edited rules: the
// capacity question before a deploy ("gpt-5.5: 340 → 12 accounts").
type modelsPane struct {
	list    lineList
	targets []target

	source     compareSource  // as chosen with v
	plainUsage *diffResultMsg // usage now, when there is nothing to compare with
	cols       modelsLayout   // the columns of the rows built
}

// modelColumns are the per-tier columns; "other" sums the other providers'
// sections (claude, gemini-cli, …).
var modelColumns = [numModelColumns]string{core.TierFree, core.TierTeam, core.TierPlus, core.TierPro, core.TierUnion, "other"}

const (
	numModelColumns = 6
	otherColumn     = numModelColumns - 1
	unionColumn     = otherColumn - 1
)

// modelColumn is the column of a tier.
func modelColumn(tier string) int {
	if i := slices.Index(modelColumns[:otherColumn], tier); i >= 0 {
		return i
	}
	return otherColumn
}

// effective is the comparison shown.
func (p *modelsPane) effective(v *diffView) compareSource {
	hasCand, hasWhatIf := v.cand.cur != nil, v.edited()
	switch {
	case p.source == cmpNone:
		return cmpNone
	case p.source == cmpCandidate && hasCand, p.source == cmpAuto && hasCand:
		return cmpCandidate
	case p.source == cmpWhatIf && hasWhatIf, p.source == cmpAuto && hasWhatIf:
		return cmpWhatIf
	case p.source == cmpWhatIf && hasCand:
		return cmpCandidate
	}
	return cmpNone
}

// nextSource moves the comparison on, skipping what is not available.
func (p *modelsPane) nextSource(v *diffView) {
	cur := p.effective(v)
	order := []compareSource{cmpNone, cmpCandidate, cmpWhatIf}
	i := slices.Index(order, cur)
	for n := 1; n <= len(order); n++ {
		p.source = order[(i+n)%len(order)]
		if p.effective(v) == p.source {
			return
		}
	}
}

// sourceJob is the job whose result the view shows.
func (p *modelsPane) sourceJob(v *diffView) jobKind {
	switch p.effective(v) {
	case cmpCandidate:
		return jobCandidate
	case cmpWhatIf:
		return jobWhatIf
	}
	return jobUsage
}

// data is the result shown, if computed (it may be for an older input).
func (p *modelsPane) data(v *diffView) *diffResultMsg {
	switch p.effective(v) {
	case cmpCandidate:
		return v.cand.result
	case cmpWhatIf:
		return v.whatIf.result
	}
	return p.plainUsage
}

// where says what "after" means.
func (p *modelsPane) where(v *diffView) string {
	switch p.effective(v) {
	case cmpCandidate:
		return "under the candidate"
	case cmpWhatIf:
		return "under the edited rules"
	}
	return ""
}

func (p *modelsPane) head(v *diffView) [][]seg {
	s := v.styles
	var cmpLine []seg
	switch p.effective(v) {
	case cmpCandidate:
		cmpLine = []seg{plain("candidate "), styled(v.cand.cur.label, &s.Section)}
	case cmpWhatIf:
		to, _ := v.whatIf.edit.build(v.rules)
		cmpLine = []seg{plain("edited rules:")}
		for _, c := range describeRuleChanges(s, v.rules, to) {
			if c.label == "rule set" || c.label == "unknown plans" {
				cmpLine = append(cmpLine, plain(" "+c.label+" "))
				for i, w := range c.segs {
					if i > 0 {
						cmpLine = append(cmpLine, plain(" "))
					}
					cmpLine = append(cmpLine, w)
				}
			}
		}
	default:
		cmpLine = []seg{styled("nothing: open a candidate (2) or edit the rules (3)", &s.Muted)}
	}
	if p.canSwitch(v) {
		cmpLine = append(cmpLine, styled("   (v switches)", &s.Muted))
	}
	out := [][]seg{headField(s, "compare with", cmpLine...)}
	r := p.data(v)
	job, _ := v.wanted(p.sourceJob(v))
	switch {
	case v.snap == nil:
		out = append(out, headField(s, "models", styled("waiting for the scan …", &s.Muted)))
	case r == nil:
		out = append(out, headField(s, "models", styled("counting …", &s.Muted)))
	default:
		line := headField(s, "models", usageSummary(s, r.usage)...)
		if r.key != job.key {
			line = append(line, styled(" · updating …", &s.Muted))
		}
		out = append(out, line)
	}
	if r != nil {
		out = append(out, nil, p.columnHeader(v))
	}
	return out
}

// canSwitch reports whether v has something else to compare with.
func (p *modelsPane) canSwitch(v *diffView) bool {
	return v.cand.cur != nil || v.edited()
}

// usageSummary is "52 models · 3 lose accounts · 1 gains · biggest loss first".
func usageSummary(s *Styles, t usageTable) []seg {
	out := []seg{plain(plural(len(t.rows), "model"))}
	if !t.compared {
		return append(out, styled(" · most served first", &s.Muted))
	}
	lose, gain := 0, 0
	for _, r := range t.rows {
		switch {
		case r.Delta() < 0:
			lose++
		case r.Delta() > 0:
			gain++
		}
	}
	out = append(out, plain(" · "), styled(thousands(lose)+" lose accounts", &s.Removed), plain(" · "),
		styled(thousands(gain)+" gain", &s.Added), styled(" · biggest loss first", &s.Muted))
	return out
}

// modelsLayout is the column widths of the models view (0: hidden).
type modelsLayout struct {
	name, accounts, delta int
	tiers                 [numModelColumns]int // per modelColumns
}

// usageCells are one row's texts.
type usageCells struct {
	accounts, delta string
	tiers           [numModelColumns]string
	changed         [numModelColumns]bool
}

func cellsOf(u core.UsageChange, now map[string]int, compared bool) usageCells {
	c := usageCells{accounts: thousands(u.Before)}
	if compared && u.Before != u.After {
		c.accounts = thousands(u.Before) + " → " + thousands(u.After)
	}
	if d := u.Delta(); d != 0 {
		c.delta = strconv.Itoa(d)
		if d > 0 {
			c.delta = "+" + c.delta
		} else {
			c.delta = "−" + c.delta[1:]
		}
	}
	var before, after [numModelColumns]int
	for t, n := range now {
		before[modelColumn(t)] += n
	}
	for t, n := range u.Tiers {
		after[modelColumn(t)] += n
	}
	if !compared {
		after = before
	}
	for i := range modelColumns {
		switch {
		case before[i] != after[i]:
			c.tiers[i] = thousands(before[i]) + "→" + thousands(after[i])
			c.changed[i] = true
		case before[i] == 0:
			c.tiers[i] = "·"
		default:
			c.tiers[i] = thousands(before[i])
		}
	}
	return c
}

// layout fits the columns in width: the model column first, then the
// totals, then the tiers; "other" and "union" go first when short.
func (p *modelsPane) layout(width int, rows []core.UsageChange, cells []usageCells) modelsLayout {
	var l modelsLayout
	l.name = len("MODEL")
	for _, r := range rows {
		l.name = max(l.name, textWidth(r.ID))
	}
	l.name = min(l.name, 34)
	l.accounts = len("ACCOUNTS")
	compared := false
	for _, c := range cells {
		compared = compared || c.delta != ""
	}
	if compared {
		l.delta = len("Δ")
	}
	for i := range modelColumns {
		l.tiers[i] = len(modelColumns[i])
	}
	for _, c := range cells {
		l.accounts = max(l.accounts, textWidth(c.accounts))
		if compared {
			l.delta = max(l.delta, textWidth(c.delta))
		}
		for i, t := range c.tiers {
			l.tiers[i] = max(l.tiers[i], textWidth(t))
		}
	}
	total := func() int {
		n := markerWidth + l.name + 2 + l.accounts
		if l.delta > 0 {
			n += 2 + l.delta
		}
		for _, w := range l.tiers {
			if w > 0 {
				n += 2 + w
			}
		}
		return n
	}
	for _, drop := range []int{otherColumn, unionColumn, 3, 2, 1, 0} {
		if total() <= width {
			break
		}
		l.tiers[drop] = 0
	}
	if total() > width {
		l.name = max(width-(total()-l.name), 12)
	}
	return l
}

func (p *modelsPane) columnHeader(v *diffView) []seg {
	s := v.styles
	l := p.cols
	text := strings.Repeat(" ", markerWidth) + fit("MODEL", l.name) + "  " + fitRight("ACCOUNTS", l.accounts)
	if l.delta > 0 {
		text += "  " + fitRight("Δ", l.delta)
	}
	for i, w := range l.tiers {
		if w > 0 {
			text += "  " + fitRight(strings.ToUpper(modelColumns[i]), w)
		}
	}
	return []seg{styled(text, &s.ColumnHeader)}
}

func (p *modelsPane) cellsFor(t usageTable) []usageCells {
	cells := make([]usageCells, len(t.rows))
	for i, r := range t.rows {
		cells[i] = cellsOf(r, t.now[r.ID], t.compared)
	}
	return cells
}

func (p *modelsPane) rebuild(v *diffView) {
	s := v.styles
	b := listBuilder{width: v.width}
	p.targets = p.targets[:0]
	r := p.data(v)
	if r == nil {
		p.list.SetLines(b, false)
		return
	}
	t := r.usage
	cells := p.cellsFor(t)
	l := p.layout(v.width, t.rows, cells)
	p.cols = l
	where := p.where(v)
	for i, u := range t.rows {
		c := cells[i]
		accStyle, deltaStyle := &s.Value, &s.Muted
		switch d := u.Delta(); {
		case d < 0:
			accStyle, deltaStyle = &s.Removed, &s.Removed
		case d > 0:
			accStyle, deltaStyle = &s.Added, &s.Added
		}
		line := []seg{plain(fit(u.ID, l.name) + "  "), styled(fitRight(c.accounts, l.accounts), accStyle)}
		if l.delta > 0 {
			line = append(line, plain("  "), styled(fitRight(c.delta, l.delta), deltaStyle))
		}
		for j, w := range l.tiers {
			if w == 0 {
				continue
			}
			st := &s.Value
			switch {
			case c.changed[j]:
				st = &s.Changed
			case c.tiers[j] == "·":
				st = &s.Muted
			}
			line = append(line, plain("  "), styled(fitRight(c.tiers[j], w), st))
		}
		b.item(line)
		p.targets = append(p.targets, servingTarget(u.ID, t.after, where))
	}
	p.list.SetLines(b, true)
}
