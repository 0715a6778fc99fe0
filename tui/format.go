package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// none is shown for an absent value.
const none = "—"

// thousands formats n with comma separators: 1284 → "1,284".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// plural is "1 account" / "2 accounts" with thousands separators.
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return thousands(n) + " " + word + "s"
}

// age words how long ago t was, coarsely: "just now", "5m", "3h", "2d", "4mo", "2y".
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d < 60*24*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	case d < 360*24*time.Hour:
		return fmt.Sprintf("%dmo", int(d.Hours()/24/30))
	}
	return fmt.Sprintf("%dy", max(int(d.Hours()/24/365), 1))
}

// ago words a past instant relative to now: "3h ago", "in 2d".
func ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d >= time.Minute:
		return age(d) + " ago"
	case d <= -time.Minute:
		return "in " + age(-d)
	}
	return "just now"
}

// stamp formats an instant for the detail pane, in UTC.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") }

// stampAgo is a stamp and its relative age.
func stampAgo(t, now time.Time) string { return stamp(t) + " (" + ago(t, now) + ")" }

// date formats an instant as a day, in UTC.
func date(t time.Time) string { return t.UTC().Format("2006-01-02") }

// fit truncates s to width display cells (with "…") and pads it to width.
func fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = ansi.StringWidth(s)
	}
	if w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// fitRight is fit, aligned to the right.
func fitRight(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		return ansi.Truncate(s, width, "…")
	}
	return strings.Repeat(" ", width-w) + s
}

// truncate cuts s to width display cells, with "…", without padding.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// shortHash shortens a hex digest for display.
func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}
