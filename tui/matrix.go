package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// matrixPane is the tier matrix: every Codex model down, the tiers and
// the union across, with two tiers (A and B) compared.
type matrixPane struct {
	list    lineList
	targets []target

	cat     *catalog.Catalog
	rules   core.RuleSet
	m       core.TierMatrix
	a, b    int // indices into core.TierNames
	diff    core.TierDiff
	err     error
	builtIn map[string]bool
}

// Column widths of the matrix.
const (
	matrixCellWidth = 8
	matrixDiffWidth = 18
)

func newMatrixPane() matrixPane {
	p := matrixPane{
		a:       slices.Index(core.TierNames, core.TierPlus),
		b:       slices.Index(core.TierNames, core.TierFree),
		builtIn: map[string]bool{},
	}
	for _, m := range catalog.BuiltIns("codex") {
		p.builtIn[m.ID] = true
	}
	return p
}

// set builds the matrix of a catalog under a rule set.
func (p *matrixPane) set(cat *catalog.Catalog, rules core.RuleSet) {
	p.cat, p.rules = cat, rules
	p.m = core.TierMatrix{}
	if cat != nil {
		p.m = core.NewTierMatrix(cat, rules)
	}
	p.compare()
}

// compare diffs tier A with tier B.
func (p *matrixPane) compare() {
	p.diff, p.err = core.TierDiff{}, nil
	if p.cat != nil {
		p.diff, p.err = core.CompareTiers(p.cat, p.rules, core.TierNames[p.a], core.TierNames[p.b])
	}
}

// cycle moves tier A or B (i) to the next tier.
func (p *matrixPane) cycle(i *int) {
	*i = (*i + 1) % len(core.TierNames)
	p.compare()
}

// nameWidth is the width of the model column.
func (p *matrixPane) nameWidth(width int) int {
	natural := len("MODEL")
	for _, id := range p.m.Models {
		w := textWidth(id)
		if p.builtIn[id] {
			w += len(" (built-in)")
		}
		natural = max(natural, w)
	}
	room := width - markerWidth - len(core.TierNames)*matrixCellWidth - matrixDiffWidth
	return max(min(natural, room), 12)
}

func (p *matrixPane) head(v *diffView) [][]seg {
	s := v.styles
	if p.cat == nil {
		return [][]seg{{styled(" no catalog", &s.Error)}}
	}
	if p.err != nil {
		return [][]seg{{styled(" ✗ "+p.err.Error(), &s.Error)}}
	}
	a, b := p.diff.A, p.diff.B
	out := [][]seg{headField(s, "compare", plain("A "), styled(a, &s.Section), plain("  with  B "), styled(b, &s.Section),
		styled("   (a and b pick the tiers, x swaps them)", &s.Muted))}
	lb := listBuilder{width: v.width + markerWidth}
	out = append(out, lb.wrapped(
		[]seg{styled(" + only in "+a+" ("+thousands(len(p.diff.OnlyA))+")  ", &s.Added)},
		idWords(p.diff.OnlyA, "", &s.Added), 2)...)
	out = append(out, lb.wrapped(
		[]seg{styled(" − only in "+b+" ("+thousands(len(p.diff.OnlyB))+")  ", &s.Removed)},
		idWords(p.diff.OnlyB, "", &s.Removed), 2)...)
	out = append(out, nil, p.columnHeader(v))
	return out
}

// idWords are ids as wrapping words, each with a mark; "—" for none.
func idWords(ids []string, mark string, style *lipgloss.Style) []seg {
	if len(ids) == 0 {
		return []seg{plain(none)}
	}
	out := make([]seg, len(ids))
	for i, id := range ids {
		out[i] = styled(mark+id, style)
	}
	return out
}

func (p *matrixPane) columnHeader(v *diffView) []seg {
	s := v.styles
	nw := p.nameWidth(v.width)
	line := []seg{styled(strings.Repeat(" ", markerWidth)+fit("MODEL", nw), &s.ColumnHeader)}
	for i, t := range core.TierNames {
		label, style := strings.ToUpper(t), &s.ColumnHeader
		switch i {
		case p.a:
			label, style = "A:"+label, &s.SortedColumn
		case p.b:
			label, style = "B:"+label, &s.SortedColumn
		}
		line = append(line, styled(center(label, matrixCellWidth), style))
	}
	return append(line, styled("  "+fit("A vs B", matrixDiffWidth-2), &s.ColumnHeader))
}

// rebuild lays out the rows.
func (p *matrixPane) rebuild(v *diffView) {
	s := v.styles
	b := listBuilder{width: v.width}
	p.targets = p.targets[:0]
	nw := p.nameWidth(v.width)
	for _, id := range p.m.Models {
		has := p.m.Has[id]
		name := []seg{plain(id)}
		if p.builtIn[id] && textWidth(id)+len(" (built-in)") <= nw {
			name = append(name, styled(" (built-in)", &s.Muted))
		}
		line := append(name, plain(strings.Repeat(" ", max(nw-textWidth(plainText(name)), 0))))
		if textWidth(id) > nw {
			line = []seg{plain(fit(id, nw))}
		}
		for _, in := range has {
			if in {
				line = append(line, plain(center("✓", matrixCellWidth)))
			} else {
				line = append(line, styled(center("·", matrixCellWidth), &s.Muted))
			}
		}
		inA, inB := has[p.a], has[p.b]
		switch {
		case inA && !inB:
			line = append(line, styled("  + only in "+core.TierNames[p.a], &s.Added))
		case inB && !inA:
			line = append(line, styled("  − only in "+core.TierNames[p.b], &s.Removed))
		}
		b.item(line)
		p.targets = append(p.targets, servingTarget(id, nil, ""))
	}
	p.list.SetLines(b, true)
}

// servingTarget lists the accounts that serve a model now; when none does
// and after is given, those that would serve it there (where says which).
func servingTarget(id string, after *core.Snapshot, where string) target {
	return target{lazy: func(snap *core.Snapshot) (string, []string) {
		if files := snap.ServingFiles(id); len(files) > 0 || after == nil {
			return "accounts serving " + id, files
		}
		return "accounts that would serve " + id + " " + where, after.ServingFiles(id)
	}}
}

// center pads s on both sides to width cells.
func center(s string, width int) string {
	w := textWidth(s)
	if w >= width {
		return fit(s, width)
	}
	left := (width - w) / 2
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", width-w-left)
}
