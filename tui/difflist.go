package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// seg is a piece of a line with its style (nil: plain). Lines of the diff
// views are kept as segments and styled only when drawn, so a list of
// 10,000 accounts costs the rows on screen, not all of them.
type seg struct {
	text  string
	style *lipgloss.Style
}

// listLine is one line of a lineList. item is the selectable entry it
// belongs to (an entry may span wrapped lines), or -1 for headings and
// blank lines, which the cursor skips.
type listLine struct {
	segs []seg
	item int
}

// itemSpan is the first and last line of an entry.
type itemSpan struct{ first, last int }

// lineList is a scrolling list of entries with a cursor, drawn a window
// at a time.
type lineList struct {
	styles *Styles
	lines  []listLine
	items  []itemSpan
	cursor int // entry index
	offset int // first line on screen
	height int
	width  int
}

// listBuilder collects the lines of a lineList.
type listBuilder struct {
	lines []listLine
	items []itemSpan
	width int
}

// blank adds an empty line.
func (b *listBuilder) blank() { b.lines = append(b.lines, listLine{item: -1}) }

// heading adds a line the cursor skips.
func (b *listBuilder) heading(segs ...seg) { b.lines = append(b.lines, listLine{segs: segs, item: -1}) }

// item adds one selectable entry made of lines and returns its index.
func (b *listBuilder) item(lines ...[]seg) int {
	i := len(b.items)
	first := len(b.lines)
	for _, l := range lines {
		b.lines = append(b.lines, listLine{segs: l, item: i})
	}
	b.items = append(b.items, itemSpan{first, len(b.lines) - 1})
	return i
}

// wrapped lays out words after a head, wrapping at the builder's width
// (less the cursor marker); continuation lines are indented under the
// first word. At most maxLines lines (0: no limit); what does not fit is
// counted in a last "… N more" word.
func (b *listBuilder) wrapped(head []seg, words []seg, maxLines int) [][]seg {
	width := max(b.width-markerWidth, 20)
	indent := 0
	for _, s := range head {
		indent += textWidth(s.text)
	}
	if indent > width/2 {
		indent = 4
	}
	var out [][]seg
	line := append([]seg(nil), head...)
	used := 0
	for _, s := range head {
		used += textWidth(s.text)
	}
	fresh := true // nothing but the head or the indent on this line yet
	for i, w := range words {
		ww := textWidth(w.text)
		gap := 1
		if fresh {
			gap = 0
		}
		if !fresh && used+gap+ww > width {
			if maxLines > 0 && len(out)+1 == maxLines {
				more := seg{text: " … " + thousands(len(words)-i) + " more"}
				line = append(line, more)
				return append(out, line)
			}
			out = append(out, line)
			line = []seg{{text: strings.Repeat(" ", indent)}}
			used, gap = indent, 0
		}
		if gap > 0 {
			line = append(line, seg{text: " "})
		}
		line = append(line, w)
		used += gap + ww
		fresh = false
	}
	return append(out, line)
}

// SetSize sets the list's size.
func (l *lineList) SetSize(width, height int) {
	l.width, l.height = width, height
	l.clamp()
}

// SetLines replaces the content; the cursor stays on the same entry index
// when keep is true (a refresh of the same list), else goes to the top.
func (l *lineList) SetLines(b listBuilder, keep bool) {
	l.lines, l.items = b.lines, b.items
	if !keep {
		l.cursor, l.offset = 0, 0
	}
	l.cursor = max(min(l.cursor, len(l.items)-1), 0)
	l.clamp()
}

// Cursor is the entry under the cursor, or -1 when there is none.
func (l *lineList) Cursor() int {
	if len(l.items) == 0 {
		return -1
	}
	return l.cursor
}

// Len is the number of entries.
func (l *lineList) Len() int { return len(l.items) }

// Move moves the cursor by delta entries.
func (l *lineList) Move(delta int) {
	if len(l.items) == 0 {
		return
	}
	l.cursor = max(min(l.cursor+delta, len(l.items)-1), 0)
	l.scrollTo()
}

// Page moves by a screen.
func (l *lineList) Page(dir int) { l.Move(dir * max(l.height-1, 1)) }

// scrollTo brings the cursor's entry on screen, with the headings just
// above it when they fit, so an entry never shows without its title.
func (l *lineList) scrollTo() {
	if len(l.items) == 0 || l.height <= 0 {
		l.offset = 0
		return
	}
	span := l.items[l.cursor]
	top := span.first
	for top > 0 && l.lines[top-1].item < 0 && span.last-(top-1)+1 <= l.height {
		top--
	}
	if top < l.offset {
		l.offset = top
	}
	if span.last >= l.offset+l.height {
		l.offset = span.last - l.height + 1
	}
	l.clamp()
}

// clamp keeps the offset in range and the cursor's entry on screen (its
// first line, when the entry is taller than the list).
func (l *lineList) clamp() {
	l.offset = max(min(l.offset, len(l.lines)-l.height), 0)
	if len(l.items) == 0 || l.height <= 0 {
		return
	}
	span := l.items[l.cursor]
	if span.last >= l.offset+l.height {
		l.offset = span.last - l.height + 1
	}
	if span.first < l.offset {
		l.offset = span.first
	}
}

// Position is "entry/entries" for the title, or "" for an empty list.
func (l *lineList) Position() string {
	if len(l.items) == 0 {
		return ""
	}
	return thousands(l.cursor+1) + "/" + thousands(len(l.items))
}

// View draws height lines of width cells, the cursor's entry highlighted
// (plain text in the selection style, as the accounts table does).
func (l lineList) View() string {
	if l.height <= 0 || l.width <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow((l.width + 16) * l.height)
	n := 0
	for i := l.offset; i < len(l.lines) && n < l.height; i++ {
		if n > 0 {
			b.WriteByte('\n')
		}
		line := l.lines[i]
		selected := line.item >= 0 && line.item == l.cursor
		marker := "  "
		if selected && i == l.items[line.item].first {
			marker = "▸ "
		}
		text := renderSegs(line.segs, l.width-markerWidth, !selected)
		if selected {
			b.WriteString(l.styles.Selected.Render(padLine(marker+text, l.width)))
		} else {
			b.WriteString(padLine(marker+text, l.width))
		}
		n++
	}
	for ; n < l.height; n++ {
		if n > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat(" ", l.width))
	}
	return b.String()
}

// renderSegs joins segments cut to width cells (ending with "…" when cut),
// in their styles unless colour is false.
func renderSegs(segs []seg, width int, colour bool) string {
	if width <= 0 {
		return ""
	}
	total := 0
	for _, s := range segs {
		total += textWidth(s.text)
	}
	budget := width
	if total > width {
		budget = width - 1 // room for "…"
	}
	var b strings.Builder
	used := 0
	for _, s := range segs {
		text := s.text
		w := textWidth(text)
		if used+w > budget {
			text = ansi.Truncate(text, budget-used, "")
			w = ansi.StringWidth(text)
		}
		if colour && s.style != nil && text != "" {
			b.WriteString(s.style.Render(text))
		} else {
			b.WriteString(text)
		}
		used += w
		if used >= budget {
			break
		}
	}
	if total > width {
		b.WriteString("…")
	}
	return b.String()
}

// plainText is the text of segments without styles.
func plainText(segs []seg) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.text)
	}
	return b.String()
}

// styled makes a segment.
func styled(text string, style *lipgloss.Style) seg { return seg{text: text, style: style} }

// plain makes an unstyled segment.
func plain(text string) seg { return seg{text: text} }
