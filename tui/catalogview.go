package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
)

// catalogView shows the catalog in use: freshness, sections with counts,
// and every refresh attempt.
type catalogView struct {
	styles *Styles
	keys   *KeyMap

	loaded   catalog.Loaded
	attempts []catalog.Attempt
	now      time.Time
	proxy    func(width int) string // the proxy check's section, shown first (verify.go); nil without a proxy
	vp       viewport.Model
	width    int
	height   int
}

func newCatalogView(styles *Styles, keys *KeyMap) catalogView {
	return catalogView{styles: styles, keys: keys, vp: viewport.New(0, 0)}
}

// SetSize sets the view's outer size, title line included.
func (c *catalogView) SetSize(width, height int) {
	c.width, c.height = width, height
	c.vp.Width, c.vp.Height = max(width, 0), max(height-1, 0)
	c.render()
}

// SetCatalog shows a catalog and its attempts as of now.
func (c *catalogView) SetCatalog(l catalog.Loaded, attempts []catalog.Attempt, now time.Time) {
	c.loaded, c.attempts, c.now = l, attempts, now
	c.render()
}

func (c *catalogView) render() {
	if c.vp.Width <= 0 || c.loaded.Catalog == nil {
		return
	}
	content := renderCatalog(c.styles, c.loaded, c.attempts, c.now, c.vp.Width)
	if c.proxy != nil {
		content = c.proxy(c.vp.Width) + "\n\n" + content
	}
	c.vp.SetContent(content)
}

// Update scrolls the view.
func (c catalogView) Update(msg tea.Msg) (catalogView, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return c, nil
	}
	scrollViewport(&c.vp, c.keys, km)
	return c, nil
}

// View renders the title line and the visible content.
func (c catalogView) View() string {
	if c.width <= 0 || c.height <= 0 {
		return ""
	}
	scroll := ""
	if c.vp.TotalLineCount() > c.vp.Height && c.vp.Height > 0 {
		scroll = fmt.Sprintf("%3.f%%", c.vp.ScrollPercent()*100)
	}
	return paneTitle(c.styles, "catalog", scroll, c.width, true) + "\n" + c.vp.View()
}

func renderCatalog(s *Styles, l catalog.Loaded, attempts []catalog.Attempt, now time.Time, width int) string {
	f := catalog.CatalogFreshness(l, now, attempts)
	w := &detailWriter{s: s, width: width}
	w.section("catalog in use")
	lvl := levelStyle(s, f.Level)
	w.styledField("freshness", levelSymbol(f.Level)+" "+levelText(f)+" · checked "+ago(f.CheckedAt, now), lvl)
	w.field("source", f.Source)
	if f.URL != "" {
		w.field("url", f.URL)
	}
	if f.Path != "" {
		w.field("path", f.Path)
	}
	if f.Source == catalog.SourceEmbedded {
		w.field("fetched", date(f.FetchedAt)+" (the copy compiled in)")
	} else {
		w.field("fetched", stampAgo(f.FetchedAt, now))
	}
	w.field("checked", stampAgo(f.CheckedAt, now))
	w.field("etag", orNone(f.ETag))
	w.field("sha256", orNone(shortHash(f.SHA256)))
	if a := f.LastAttempt; a != nil {
		w.styledField("last attempt", attemptText(*a, now), attemptStyle(s, *a))
	} else {
		w.field("last attempt", none+" (no refresh this session)")
	}

	w.blank()
	names := l.Catalog.Sections()
	total := 0
	for _, n := range names {
		total += f.Counts[n]
	}
	w.section(fmt.Sprintf("sections (%d, %s)", len(names), plural(total, "model")))
	nameWidth := 0
	for _, n := range names {
		nameWidth = max(nameWidth, len(n))
	}
	codex := slices.Clone(catalog.CodexSections)
	for _, n := range names {
		mark := ""
		if slices.Contains(codex, n) {
			mark = s.Muted.Render("  Codex tier " + strings.TrimPrefix(n, "codex-"))
		}
		w.b.WriteString(" " + fit(n, nameWidth) + "  " + fitRight(thousands(f.Counts[n]), 5) + mark + "\n")
	}

	w.blank()
	w.section(fmt.Sprintf("refresh attempts (%d)", len(attempts)))
	if len(attempts) == 0 {
		w.line(s.Muted.Render("none yet"))
	}
	for i := len(attempts) - 1; i >= 0; i-- { // newest first
		a := attempts[i]
		w.styledField(a.At.UTC().Format("01-02 15:04"), attemptText(a, now), attemptStyle(s, a))
	}
	return auth.Redact(w.String())
}

func attemptText(a catalog.Attempt, now time.Time) string {
	out := outcomeSymbol(a.Outcome) + " " + strings.ReplaceAll(a.Outcome, "_", " ")
	if a.Error != "" {
		out += ": " + a.Error
	}
	parts := []string{out}
	if a.URL != "" {
		parts = append(parts, a.URL)
	}
	if a.Duration > 0 {
		parts = append(parts, a.Duration.Round(time.Millisecond).String())
	}
	parts = append(parts, ago(a.At, now))
	return strings.Join(parts, " · ")
}

func outcomeSymbol(outcome string) string {
	switch outcome {
	case catalog.OutcomeOK, catalog.OutcomeNotModified:
		return "✓"
	}
	return "✗"
}

func attemptStyle(s *Styles, a catalog.Attempt) lipgloss.Style {
	if a.Outcome == catalog.OutcomeError {
		return s.Error
	}
	return s.Value
}

// levelText says why the catalog has its freshness level.
func levelText(f catalog.Freshness) string {
	switch {
	case f.Level == catalog.LevelFresh:
		return "fresh"
	case f.Level == catalog.LevelStale:
		return "older than " + age(catalog.StaleAfter)
	case f.LastAttempt != nil && f.LastAttempt.Outcome == catalog.OutcomeError:
		return "last refresh failed"
	}
	return "older than " + age(catalog.OldAfter)
}

func levelSymbol(level string) string {
	switch level {
	case catalog.LevelFresh:
		return "✓"
	case catalog.LevelStale:
		return "▲"
	}
	return "✗"
}

func levelStyle(s *Styles, level string) lipgloss.Style {
	switch level {
	case catalog.LevelFresh:
		return s.Fresh
	case catalog.LevelStale:
		return s.Stale
	}
	return s.Old
}
