package tui

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/core"
)

// detailPane shows everything known about the selected account, in a
// viewport that scrolls when the pane has focus.
type detailPane struct {
	styles *Styles
	keys   *KeyMap

	acc     *core.Account
	rules   core.RuleSet
	now     time.Time
	vp      viewport.Model
	width   int
	height  int
	focused bool
	side    bool // drawn to the right of the table (a left border)
	loading string
	proxy   proxyView // the account's check against the proxy (verify.go)
}

func newDetailPane(styles *Styles, keys *KeyMap) detailPane {
	return detailPane{styles: styles, keys: keys, vp: viewport.New(0, 0)}
}

// SetSize sets the pane's outer size, title line included.
func (d *detailPane) SetSize(width, height int) {
	if width == d.width && height == d.height {
		return
	}
	d.width, d.height = width, height
	d.vp.Width, d.vp.Height = max(d.innerWidth(), 0), max(height-1, 0)
	d.render()
}

func (d *detailPane) innerWidth() int {
	if d.side {
		return d.width - 2 // "│ "
	}
	return d.width
}

// SetAccount shows an account (nil: nothing selected). The content is
// rebuilt only when the account or the clock changed.
func (d *detailPane) SetAccount(a *core.Account, rules core.RuleSet, now time.Time) {
	if a == d.acc && now.Equal(d.now) && rules.Name == d.rules.Name {
		return
	}
	if d.acc == nil || a == nil || a.File != d.acc.File {
		d.vp.GotoTop()
	}
	d.acc, d.rules, d.now = a, rules, now
	d.render()
}

func (d *detailPane) render() {
	if d.vp.Width <= 0 {
		return
	}
	var content string
	switch {
	case d.acc != nil:
		content = renderAccount(d.styles, d.acc, d.rules, d.now, d.vp.Width, d.proxy)
	case d.loading != "":
		content = d.styles.Muted.Render(" " + d.loading)
	default:
		content = d.styles.Muted.Render(" no account selected")
	}
	d.vp.SetContent(content)
}

// scrollViewport moves a viewport by the movement keys (the detail pane
// and the catalog view scroll alike).
func scrollViewport(vp *viewport.Model, keys *KeyMap, km tea.KeyMsg) {
	switch {
	case key.Matches(km, keys.Up):
		vp.ScrollUp(1)
	case key.Matches(km, keys.Down):
		vp.ScrollDown(1)
	case key.Matches(km, keys.PageUp):
		vp.PageUp()
	case key.Matches(km, keys.PageDown):
		vp.PageDown()
	case key.Matches(km, keys.Home):
		vp.GotoTop()
	case key.Matches(km, keys.End):
		vp.GotoBottom()
	}
}

// Update scrolls the pane; the root sends keys here when it has focus.
func (d detailPane) Update(msg tea.Msg) (detailPane, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return d, nil
	}
	scrollViewport(&d.vp, d.keys, km)
	return d, nil
}

// View renders the title line and the visible part of the content.
func (d detailPane) View() string {
	if d.width <= 0 || d.height <= 0 {
		return ""
	}
	title := "detail"
	if d.acc != nil {
		title = d.acc.File
	}
	scroll := ""
	if d.vp.TotalLineCount() > d.vp.Height && d.vp.Height > 0 {
		scroll = fmt.Sprintf("%3.f%%", d.vp.ScrollPercent()*100)
	}
	head := paneTitle(d.styles, title, scroll, d.innerWidth(), d.focused)
	body := d.vp.View()
	if !d.side {
		return head + "\n" + body
	}
	border := d.styles.Rule.Render("│") + " "
	lines := strings.Split(head+"\n"+body, "\n")
	for i, l := range lines {
		lines[i] = border + l
	}
	return strings.Join(lines, "\n")
}

// paneTitle is a rule with a title: "── title ─────── 40% ──".
func paneTitle(s *Styles, title, right string, width int, focused bool) string {
	style := s.PaneTitle
	mark := ""
	if focused {
		style, mark = s.PaneTitleOn, "▸ "
	}
	lead := "── "
	tail := ""
	if right != "" {
		tail = " " + right + " ──"
	}
	room := width - ansi.StringWidth(lead) - ansi.StringWidth(tail) - 1
	title = truncate(mark+title, max(room, 0))
	fill := max(width-ansi.StringWidth(lead)-ansi.StringWidth(title)-1-ansi.StringWidth(tail), 0)
	return s.Rule.Render(lead) + style.Render(title) + " " + s.Rule.Render(strings.Repeat("─", fill)) + s.Muted.Render(tail)
}

// detailWriter builds the content of the detail pane: labelled fields
// with values wrapped under themselves, and titled sections.
type detailWriter struct {
	s     *Styles
	width int
	b     strings.Builder
}

const labelWidth = 14

func (w *detailWriter) blank() { w.b.WriteString("\n") }

func (w *detailWriter) section(title string) {
	w.b.WriteString(" " + w.s.Section.Render(title) + "\n")
}

// field writes "label   value", the value wrapped and indented.
func (w *detailWriter) field(label, value string) {
	w.styledField(label, value, w.s.Value)
}

func (w *detailWriter) styledField(label, value string, style lipgloss.Style) {
	indent := 1 + labelWidth
	lines := wrap(value, max(w.width-indent-1, 10))
	for i, l := range lines {
		if i == 0 {
			w.b.WriteString(" " + w.s.Label.Render(fit(label, labelWidth)))
		} else {
			w.b.WriteString(strings.Repeat(" ", indent))
		}
		w.b.WriteString(style.Render(l) + "\n")
	}
}

// mark writes a symbol-led line, e.g. "▲ stale_plan_type  message".
func (w *detailWriter) mark(symbol, code, msg string, style lipgloss.Style) {
	head := " " + symbol + " " + code
	indent := 3
	lines := wrap(msg, max(w.width-indent-1, 10))
	w.b.WriteString(style.Render(head) + "\n")
	for _, l := range lines {
		w.b.WriteString(strings.Repeat(" ", indent) + w.s.Value.Render(l) + "\n")
	}
}

func (w *detailWriter) line(text string) {
	for _, l := range wrap(text, max(w.width-2, 10)) {
		w.b.WriteString(" " + l + "\n")
	}
}

func (w *detailWriter) String() string { return strings.TrimRight(w.b.String(), "\n") }

// wrap word-wraps plain text to width cells (hard-wrapping long words).
func wrap(text string, width int) []string {
	return strings.Split(ansi.Wrap(text, width, " ,/"), "\n")
}

// renderAccount is the detail content of one account. Everything passes
// through auth.Redact: nothing here should be a secret, and nothing is.
func renderAccount(s *Styles, a *core.Account, rules core.RuleSet, now time.Time, width int, proxy proxyView) string {
	w := &detailWriter{s: s, width: width}
	if a.Error != nil {
		renderBroken(w, a, now)
		renderProxy(w, proxy)
		return auth.Redact(w.String())
	}
	renderSummary(w, a)
	renderWarnings(w, a)
	renderProxy(w, proxy)
	renderModels(w, a, rules)
	renderClaims(w, a, now)
	renderFile(w, a, now)
	return auth.Redact(w.String())
}

func renderBroken(w *detailWriter, a *core.Account, now time.Time) {
	w.mark(severitySymbols[core.SeverityError], core.WarnParseError, *a.Error, w.s.Error)
	w.blank()
	w.line("The file is listed but not used: tier none, no models, no account fields.")
	if r := a.Raw; r != nil {
		w.blank()
		w.section("file")
		if r.Size > 0 {
			w.field("size", byteCount(r.Size))
		}
		if !r.ModTime.IsZero() {
			w.field("modified", stampAgo(r.ModTime, now))
		}
	}
}

func renderSummary(w *detailWriter, a *core.Account) {
	w.field("account", strings.Join(nonEmpty(orNone(a.Email), a.Provider), " · "))
	if a.Provider == "codex" && a.Plan != nil {
		renderPlan(w, a)
	} else {
		w.field("plan", none+" (only Codex accounts have plans)")
	}
	tier := a.Tier
	switch a.Tier {
	case core.TierUnion:
		tier += " (every Codex tier)"
	case core.TierNone:
		tier += " (no models)"
	}
	w.field("tier", tier+" · "+plural(len(a.Models), "model"))
	switch {
	case a.Signature != nil && *a.Signature == auth.SignatureVerified:
		w.styledField("signature", "verified against the JWKS", w.s.Good)
	case a.Signature != nil && *a.Signature == auth.SignatureInvalid:
		w.styledField("signature", "INVALID: the token does not verify against the JWKS", w.s.Error)
	case a.Signature != nil:
		w.field("signature", "unverified (no JWKS given; the plan is read, not proven)")
	case a.Raw != nil && a.Raw.IDToken != nil:
		w.styledField("signature", none+" (the id_token cannot be decoded)", w.s.Warn)
	default:
		w.field("signature", none+" (no id_token)")
	}
}

func renderPlan(w *detailWriter, a *core.Account) {
	p := a.Plan
	switch {
	case p.Raw != nil && p.Source != nil:
		text := *p.Raw + ", from " + sourceName(*p.Source)
		if p.Normalized != nil && *p.Normalized != strings.ToLower(strings.TrimSpace(*p.Raw)) {
			text += " → " + *p.Normalized
		}
		w.field("plan", text)
	default:
		w.field("plan", none+" (no plan found)")
	}
	w.field("rule", p.Rule)
	w.field("id_token plan", quoteOrNone(p.IDToken))
	w.field("stored plan", quoteOrNone(p.Stored)+" (plan_type)")
	if t := a.Raw.StoredChatGPTPlan; t.Present {
		v := none
		if t.IsString {
			v = fmt.Sprintf("%q", t.Value)
		}
		w.field("", v+" (chatgpt_plan_type)")
	}
	if tier, ok := core.PlannedPlanType(a); ok {
		w.field("a write", fmt.Sprintf("would store plan_type %q", tier))
	}
}

func sourceName(src string) string {
	switch src {
	case core.SourceIDToken:
		return "the id_token"
	case core.SourcePlanType:
		return "the stored plan_type"
	case core.SourceChatGPTPlanType:
		return "the stored chatgpt_plan_type"
	}
	return src
}

func quoteOrNone(s *string) string {
	if s == nil {
		return none
	}
	return fmt.Sprintf("%q", *s)
}

func renderWarnings(w *detailWriter, a *core.Account) {
	if len(a.Warnings) == 0 {
		return
	}
	ws := slices.Clone(a.Warnings)
	slices.SortStableFunc(ws, func(x, y core.Warning) int { return severityRank(x.Severity) - severityRank(y.Severity) })
	w.blank()
	w.section(fmt.Sprintf("warnings (%d)", len(ws)))
	for _, x := range ws {
		w.mark(severitySymbols[x.Severity], x.Code, x.Message, w.s.severityStyle(x.Severity))
	}
}

func renderModels(w *detailWriter, a *core.Account, rules core.RuleSet) {
	w.blank()
	switch {
	case a.Disabled:
		w.section("models (0)")
		w.line("disabled: the proxy registers no models for it.")
		w.blank()
		w.section(fmt.Sprintf("once enabled (%d)", len(a.WhenEnabled)))
	default:
		w.section(fmt.Sprintf("models (%d)", len(a.Models)))
	}
	if len(a.Details) == 0 {
		w.line(w.s.Muted.Render("none"))
	}
	idWidth := 0
	for _, m := range a.Details {
		idWidth = max(idWidth, ansi.StringWidth(m.ID))
	}
	idWidth = min(idWidth, max(w.width/2, 12))
	for _, m := range a.Details {
		var marks []string
		if m.BuiltIn {
			marks = append(marks, "(built-in)")
		}
		if m.AliasOf != "" {
			marks = append(marks, "alias of "+m.AliasOf)
		}
		name := m.DisplayName
		if name == "" {
			name = none
		}
		rest := name
		if len(marks) > 0 {
			rest += "  " + w.s.Muted.Render(strings.Join(marks, " · "))
		}
		w.b.WriteString(" " + fit(m.ID, idWidth) + "  " + truncate(rest, max(w.width-idWidth-4, 4)) + "\n")
	}
	if a.Prefix != "" {
		if rules.ForceModelPrefix {
			w.line(w.s.Muted.Render(fmt.Sprintf("served only as %s/<id> (force-model-prefix)", a.Prefix)))
		} else {
			w.line(w.s.Muted.Render(fmt.Sprintf("each also served as %s/<id>", a.Prefix)))
		}
	}
	if len(a.Notes) > 0 {
		w.blank()
		w.section("notes")
		for _, n := range a.Notes {
			w.line("· " + n)
		}
	}
}

func renderClaims(w *detailWriter, a *core.Account, now time.Time) {
	tok := a.Raw.IDToken
	if tok == nil || tok.Err != nil {
		return
	}
	c := tok.Claims
	w.blank()
	w.section("id_token claims")
	if c.Email != "" {
		w.field("email", c.Email)
	}
	if c.AccountID != "" {
		w.field("account id", c.AccountID)
	}
	if c.UserID != "" {
		w.field("user id", c.UserID)
	}
	if c.SubscriptionStart != "" || c.SubscriptionUntil != "" {
		w.field("subscription", orNone(shortInstant(c.SubscriptionStart))+" → "+orNone(shortInstant(c.SubscriptionUntil)))
	}
	for i, o := range c.Organizations {
		label := ""
		if i == 0 {
			label = "organizations"
		}
		parts := nonEmpty(o.ID, o.Role)
		if o.IsDefault {
			parts = append(parts, "default")
		}
		w.field(label, orNone(o.Title)+" ("+strings.Join(parts, ", ")+")")
	}
	if c.ExpiresAt != nil {
		w.field("token exp", stampAgo(*c.ExpiresAt, now))
	}
	if c.IssuedAt != nil {
		w.field("token iat", stampAgo(*c.IssuedAt, now))
	}
}

// shortInstant shows an RFC 3339 subscription bound as a day.
func shortInstant(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return date(t)
	}
	return s
}

func renderFile(w *detailWriter, a *core.Account, now time.Time) {
	r := a.Raw
	w.blank()
	w.section("file")
	if a.ExpiresAt != nil {
		style := w.s.Value
		if a.Expired {
			style = w.s.Warn
		}
		w.styledField("expires", stampAgo(*a.ExpiresAt, now), style)
	} else {
		w.field("expires", none)
	}
	if r.LastRefresh != nil {
		w.field("last refresh", stampAgo(*r.LastRefresh, now))
	} else {
		w.field("last refresh", none)
	}
	if a.AccountID != "" {
		w.field("account_id", a.AccountID)
	}
	switch {
	case a.Prefix != "":
		w.field("prefix", a.Prefix)
	case strings.TrimSpace(r.Prefix) != "":
		w.field("prefix", fmt.Sprintf("%q (ignored)", r.Prefix))
	default:
		w.field("prefix", none)
	}
	if len(r.ExcludedModels) > 0 {
		w.field("excluded", strings.Join(r.ExcludedModels, ", ")+"  ("+r.ExcludedModelsKey+")")
	} else {
		w.field("excluded", none)
	}
	if len(r.ModelAliases) > 0 {
		for i, al := range r.ModelAliases {
			label := ""
			if i == 0 {
				label = "aliases"
			}
			text := al.Name + " → " + al.Alias
			if strings.EqualFold(al.Name, al.Alias) {
				text += " (ignored: the alias is the name)"
			} else if al.Fork {
				text += " (fork: original kept)"
			}
			if al.DisplayName != "" {
				text += fmt.Sprintf(" %q", al.DisplayName)
			}
			w.field(label, text)
		}
	} else {
		w.field("aliases", none)
	}
	if r.Disabled {
		w.field("disabled", "true")
	}
	if r.Priority != nil {
		w.field("priority", fmt.Sprint(*r.Priority))
	}
	if r.Label != "" {
		w.field("label", r.Label)
	}
	if r.Note != "" {
		w.field("note", r.Note)
	}
	if r.ProxyURL != "" {
		w.field("proxy_url", safeURL(r.ProxyURL))
	}
	w.field("size", byteCount(r.Size)+" · modified "+stampAgo(r.ModTime, now))
}

// safeURL drops a password from a proxy URL: it is a secret too.
func safeURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

func byteCount(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/1024)
}

func nonEmpty(parts ...string) []string {
	return slices.DeleteFunc(parts, func(s string) bool { return s == "" })
}
