package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
)

// header is the top of the screen: where the accounts and the catalog
// come from, how fresh the catalog is, the rules in force.
type header struct {
	styles *Styles

	dir      string
	rules    string
	readOnly bool
	demo     string

	accounts int
	loaded   bool   // false until the first scan finished
	watch    string // "live" (fsnotify), "polling 2s", or "" when not watched
	catalog  catalog.Loaded
	attempts []catalog.Attempt
	now      time.Time
	// refreshing is the spinner after the catalog's age while a refresh
	// runs ("" otherwise); set by Model.syncRefreshHeader.
	refreshing string
	width      int
	// proxy is the proxy check's progress or verdict, "" without a
	// proxy; set by Model.syncVerifyViews (verify.go).
	proxy string
}

// SetSize sets the width.
func (h *header) SetSize(width int) { h.width = width }

// segments are the header's parts, in order.
func (h header) segments() []string {
	s := h.styles
	count := "scanning …"
	if h.loaded {
		count = plural(h.accounts, "account")
	}
	if h.watch != "" {
		count += " · " + h.watch
	}
	if h.catalog.Catalog == nil {
		return h.withProxy([]string{s.Header.Render(h.dir), s.Header.Render(count), s.Old.Render("no catalog ✗"), s.Header.Render(h.rules)})
	}
	f := catalog.CatalogFreshness(h.catalog, h.now, h.attempts)
	cat := "catalog " + f.Source + " " + age(f.Age)
	if f.Age >= time.Minute {
		cat += " ago"
	}
	cat += " " + levelSymbol(f.Level)
	if f.Level != catalog.LevelFresh {
		cat += " " + levelText(f)
	}
	return h.withProxy([]string{
		s.Header.Render(h.dir),
		s.Header.Render(count),
		levelStyle(s, f.Level).Render(cat) + h.refreshing,
		s.Header.Render(h.rules),
	})
}

// View renders one line when everything fits, else two.
func (h header) View() string {
	s := h.styles
	title := " " + s.AppName.Render("tierscope") + "  "
	var badges []string
	if h.demo != "" {
		badges = append(badges, s.Demo.Render("DEMO"))
	}
	if h.readOnly {
		badges = append(badges, s.ReadOnly.Render("READ-ONLY"))
	}
	right := strings.Join(badges, " ")
	if right != "" {
		right = " " + right + " "
	}
	segs := h.segments()
	sep := s.HeaderSep.Render(" · ")
	one := title + strings.Join(segs, sep)
	if ansi.StringWidth(one)+ansi.StringWidth(right) <= h.width {
		return auth.Redact(spread(one, right, h.width))
	}
	first := title + strings.Join(segs[:2], sep)
	second := "            " + strings.Join(segs[2:], sep)
	if ansi.StringWidth(title+segs[0]) > h.width/2 {
		// A long path: cut it rather than the count.
		room := max(h.width-ansi.StringWidth(title)-ansi.StringWidth(sep+segs[1])-ansi.StringWidth(right), 8)
		first = title + truncateLeft(h.dir, room, s) + sep + segs[1]
	}
	return auth.Redact(spread(first, right, h.width) + "\n" + padLine(truncate(second, h.width), h.width))
}

// spread puts left and right on one line of width cells, cutting left.
func spread(left, right string, width int) string {
	rw := ansi.StringWidth(right)
	left = truncate(left, max(width-rw, 0))
	gap := max(width-ansi.StringWidth(left)-rw, 0)
	return left + strings.Repeat(" ", gap) + right
}

// truncateLeft keeps the end of a path, which names it best.
func truncateLeft(path string, width int, s *Styles) string {
	if ansi.StringWidth(path) <= width {
		return s.Header.Render(path)
	}
	return s.Header.Render("…" + ansi.TruncateLeft(path, ansi.StringWidth(path)-width+1, ""))
}

// headerFor builds the header from the options.
func headerFor(s *Styles, opts Options) header {
	dir := ""
	if opts.Source != nil {
		dir = displayPath(opts.Source.Describe())
	}
	return header{
		styles: s, dir: dir, rules: opts.Rules.Describe(), readOnly: opts.ReadOnly, demo: opts.DemoNote,
		catalog: opts.Catalog, attempts: opts.Attempts,
	}
}
