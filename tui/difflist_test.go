package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestListBuilderWrapsWordsUnderTheHead(t *testing.T) {
	b := listBuilder{width: 24 + markerWidth}
	lines := b.wrapped([]seg{plain("head  ")}, words("aaaa bbbb cccc dddd eeee ffff gggg", nil), 0)
	var got []string
	for _, l := range lines {
		got = append(got, plainText(l))
	}
	want := []string{"head  aaaa bbbb cccc", "      dddd eeee ffff", "      gggg"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrapped %q, want %q", got, want)
	}
	lines = b.wrapped([]seg{plain("head  ")}, words("aaaa bbbb cccc dddd eeee ffff gggg", nil), 2)
	if n := len(lines); n != 2 || !strings.HasSuffix(plainText(lines[1]), "… 1 more") {
		t.Errorf("capped at 2 lines: %q", plainText(lines[len(lines)-1]))
	}
}

func TestRenderSegsCutsByDisplayWidth(t *testing.T) {
	segs := []seg{plain("−gpt-5.5 "), plain("→ 界界界")}
	for _, w := range []int{1, 5, 10, 12, 15, 16, 30} {
		got := renderSegs(segs, w, false)
		if ansi.StringWidth(got) > w {
			t.Errorf("width %d: %q is %d cells", w, got, ansi.StringWidth(got))
		}
		if full := "−gpt-5.5 → 界界界"; ansi.StringWidth(full) > w && !strings.HasSuffix(got, "…") {
			t.Errorf("width %d: a cut line does not end with …: %q", w, got)
		}
	}
}

func TestLineListScrollsWithTheCursor(t *testing.T) {
	var b listBuilder
	b.heading(plain("title"))
	for i := range 10 {
		b.item([]seg{plain("entry")}, []seg{plain("more")}) // two lines each
		if i == 4 {
			b.blank()
			b.heading(plain("second title"))
		}
	}
	l := lineList{styles: &Styles{}}
	l.SetSize(20, 5)
	l.SetLines(b, false)
	if l.offset != 0 || l.Cursor() != 0 {
		t.Fatalf("start: offset %d cursor %d", l.offset, l.Cursor())
	}
	l.Move(5) // entry 5, just under the second title
	if span := l.items[5]; span.last >= l.offset+l.height || span.first < l.offset {
		t.Errorf("entry 5 (lines %d–%d) is off screen at offset %d", span.first, span.last, l.offset)
	}
	l.Move(10)
	if l.Cursor() != 9 || l.offset != len(l.lines)-5 {
		t.Errorf("end: cursor %d offset %d of %d lines", l.Cursor(), l.offset, len(l.lines))
	}
	// Going up to entry 5 shows its title too.
	l.Move(-4)
	if l.Cursor() != 5 {
		t.Errorf("up to entry 5: cursor %d", l.Cursor())
	}
	if title := plainText(l.lines[l.items[5].first-1].segs); title != "second title" || l.offset > l.items[5].first-1 {
		t.Errorf("the title above entry 5 (%q) is not on screen (offset %d)", title, l.offset)
	}
	l.Move(-10)
	if l.offset != 0 {
		t.Errorf("back at the top, offset %d", l.offset)
	}
	if got := strings.Count(l.View(), "\n") + 1; got != 5 {
		t.Errorf("View draws %d lines, want 5", got)
	}
}
