package main

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

const dash = "—"

// table renders aligned columns; it reads well in a terminal and in a pipe.
func table(header []string, rows [][]string) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
	// tabwriter pads the last column too; trim trailing spaces per line.
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

func orDash(s string) string {
	if s == "" {
		return dash
	}
	return s
}

func renderList(rows []*core.Account) string {
	out := make([][]string, 0, len(rows))
	for _, a := range rows {
		plan := dash
		if a.Plan != nil && a.Plan.Raw != nil {
			plan = strings.TrimSpace(*a.Plan.Raw)
		}
		expires := dash
		if a.ExpiresAt != nil {
			expires = a.ExpiresAt.Format("2006-01-02")
		}
		codes := make([]string, 0, len(a.Warnings))
		for _, w := range a.Warnings {
			codes = append(codes, w.Code)
		}
		out = append(out, []string{
			a.File, orDash(a.Provider), orDash(a.Email), plan, a.Tier,
			fmt.Sprint(len(a.Models)), expires, strings.Join(codes, ","),
		})
	}
	return table([]string{"FILE", "PROVIDER", "EMAIL", "PLAN", "TIER", "MODELS", "EXPIRES", "WARNINGS"}, out) +
		fmt.Sprintf("%d account(s)\n", len(rows))
}

// kv renders "key  value" lines with aligned keys.
type kv struct {
	b strings.Builder
}

func (k *kv) add(key, value string) {
	fmt.Fprintf(&k.b, "%-13s %s\n", key, value)
}

func renderShow(a *core.Account) string {
	var k kv
	k.add("file", a.File)
	k.add("path", a.Path)
	if a.Error != nil {
		k.add("error", *a.Error)
		return k.b.String()
	}
	k.add("provider", orDash(a.Provider))
	k.add("email", orDash(a.Email))
	k.add("account id", orDash(a.AccountID))
	if p := a.Plan; p != nil {
		k.add("plan", planLine(p))
		k.add("rule", p.Rule)
		k.add("stored", deref(p.Stored))
		k.add("id_token", deref(p.IDToken))
	}
	k.add("tier", a.Tier)
	if a.Signature != nil {
		k.add("signature", *a.Signature)
	}
	k.add("expires", timeOrDash(a.ExpiresAt))
	if a.Raw != nil && a.Raw.LastRefresh != nil {
		k.add("last refresh", a.Raw.LastRefresh.Format(time.RFC3339))
	}
	if a.Prefix != "" {
		k.add("prefix", a.Prefix)
	}
	if a.Disabled {
		k.add("disabled", "yes: registered with no models")
	}
	for i, w := range a.Warnings {
		key := ""
		if i == 0 {
			key = "warnings"
		}
		k.add(key, fmt.Sprintf("%s [%s] %s", w.Code, w.Severity, w.Message))
	}
	for i, n := range a.Notes {
		key := ""
		if i == 0 {
			key = "notes"
		}
		k.add(key, n)
	}
	label := "models"
	if a.Disabled {
		label = "once enabled"
	}
	k.add(label, fmt.Sprintf("%d", len(a.WhenEnabled)))
	for _, d := range a.Details {
		line := d.ID
		if d.DisplayName != "" {
			line += "  " + d.DisplayName
		}
		if d.BuiltIn {
			line += "  (built-in)"
		}
		if d.AliasOf != "" {
			line += "  (alias of " + d.AliasOf + ")"
		}
		k.add("", line)
	}
	if a.Prefix != "" {
		k.add("", fmt.Sprintf("each also as %s/<id>", a.Prefix))
	}
	if tok := a.Raw.IDToken; tok != nil && tok.Err == nil {
		c := tok.Claims
		k.add("claims", "email "+orDash(c.Email))
		k.add("", "chatgpt account "+orDash(c.AccountID)+" · user "+orDash(c.UserID))
		k.add("", "subscription "+orDash(c.SubscriptionStart)+" → "+orDash(c.SubscriptionUntil))
		k.add("", "token issued "+timeOrDash(c.IssuedAt)+" · token expires "+timeOrDash(c.ExpiresAt))
		for _, o := range c.Organizations {
			def := ""
			if o.IsDefault {
				def = " (default)"
			}
			k.add("", fmt.Sprintf("org %s %q %s%s", o.ID, o.Title, o.Role, def))
		}
	}
	return k.b.String()
}

func planLine(p *core.Plan) string {
	if p.Raw == nil {
		return "none"
	}
	s := fmt.Sprintf("%q from %s", *p.Raw, *p.Source)
	if p.Normalized != nil {
		s += " → " + *p.Normalized
	} else {
		s += " (unknown)"
	}
	return s
}

func deref(s *string) string {
	if s == nil {
		return dash
	}
	return fmt.Sprintf("%q", *s)
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return dash
	}
	return t.UTC().Format(time.RFC3339)
}

func renderCatalog(f catalog.Freshness, l catalog.Loaded, rules core.RuleSet) string {
	var k kv
	where := f.Source
	if f.URL != "" {
		where += " " + f.URL
	} else if f.Path != "" {
		where += " " + f.Path
	}
	k.add("source", where)
	k.add("fetched", f.FetchedAt.UTC().Format(time.RFC3339))
	k.add("checked", fmt.Sprintf("%s (%s ago, %s)", f.CheckedAt.UTC().Format(time.RFC3339), core.RoughDuration(f.Age), f.Level))
	if f.ETag != "" {
		k.add("etag", f.ETag)
	}
	k.add("sha256", f.SHA256[:min(12, len(f.SHA256))])
	k.add("rules", rules.Describe())
	k.add("built-ins", fmt.Sprintf("codex %s; xai %s (proxy %s)",
		strings.Join(modelIDs(catalog.BuiltIns("codex")), " "), strings.Join(modelIDs(catalog.BuiltIns("xai")), " "), catalog.BuiltInCommit))
	rows := [][]string{}
	for _, name := range l.Catalog.Sections() {
		rows = append(rows, []string{name, fmt.Sprint(f.Counts[name])})
	}
	return k.b.String() + "\n" + table([]string{"SECTION", "MODELS"}, rows)
}

func renderTierDiff(d core.TierDiff) string {
	var b strings.Builder
	fmt.Fprintf(&b, "only in %s (%d): %s\n", d.A, len(d.OnlyA), orDash(strings.Join(d.OnlyA, " ")))
	fmt.Fprintf(&b, "only in %s (%d): %s\n", d.B, len(d.OnlyB), orDash(strings.Join(d.OnlyB, " ")))
	return b.String()
}

// writeGroups prints change groups, each with its first files.
func writeGroups(b *strings.Builder, groups []core.ChangeGroup) {
	const shown = 5
	for _, g := range groups {
		fmt.Fprintf(b, "  %s\n", g.Describe())
		for _, f := range g.Files[:min(shown, len(g.Files))] {
			fmt.Fprintf(b, "      %s\n", f)
		}
		if len(g.Files) > shown {
			fmt.Fprintf(b, "      … and %d more (--json lists all)\n", len(g.Files)-shown)
		}
	}
}

func renderCatalogDiff(d core.CatalogDiff, snap *core.Snapshot) string {
	var b strings.Builder
	names := make([]string, 0, len(d.Sections))
	for name := range d.Sections {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) == 0 {
		b.WriteString("catalog: no section changes\n")
	}
	for _, name := range names {
		s := d.Sections[name]
		fmt.Fprintf(&b, "%s:", name)
		for _, id := range s.Added {
			fmt.Fprintf(&b, " +%s", id)
		}
		for _, id := range s.Removed {
			fmt.Fprintf(&b, " −%s", id)
		}
		for _, ch := range s.Changed {
			fmt.Fprintf(&b, " ~%s(%s)", ch.ID, strings.Join(ch.Fields, ","))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n%d of %d account(s) change\n", len(d.Accounts), len(snap.Accounts))
	writeGroups(&b, core.GroupCatalogDeltas(d.Accounts))
	return b.String()
}

func renderRuleSetDiff(d core.RuleSetDiff, total int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d account(s) change from %s to %s\n", len(d.Accounts), total, d.A, d.B)
	writeGroups(&b, core.GroupRuleSetDeltas(d.Accounts))
	return b.String()
}

const usageText = `tierscope: plans, tiers and visible models of a CLIProxyAPI auth directory

Usage:
  tierscope [--auth-dir DIR]                 the TUI (default dir: $TIERSCOPE_AUTH_DIR or ~/.cli-proxy-api)
  tierscope demo                             the TUI on a generated demo directory, offline
  tierscope demo --generate DIR [--count N] [--seed S]
                                             write a realistic demo auth directory
  tierscope list [--json] [--provider P] [--tier T] [--warning CODE]
                                             every account, resolved (filters repeatable)
  tierscope show FILE [--json]               one account in full
  tierscope normalize [FILE...]              dry run: the unified diff of what a write would change
  tierscope normalize --write [FILE...]      write the normalized plan_type (safely; audited)
  tierscope normalize --undo                 revert the last write batch
  tierscope catalog [--json]                 catalog freshness, sections and the rules in force
  tierscope catalog refresh [--json]         fetch the catalog now, cache it, print what changed
  tierscope diff --candidate PATH|URL [--json]   current vs candidate catalog, per section and account
  tierscope diff --tiers A,B [--json]        models in tier A not in B, and in B not in A
  tierscope diff --rule-sets A,B [--json]    per account, what changes from rule set A to B
  tierscope verify [--json] [--sample N] [--concurrency N] [FILE...]
                                             predicted models vs what the running proxy serves
                                             (--management-url; key from TIERSCOPE_MANAGEMENT_KEY);
                                             --sample N checks N accounts evenly spread over the
                                             list sorted by file name (the same N every run);
                                             --concurrency N requests at once (default 8)

Global flags (each also as TIERSCOPE_<FLAG>, e.g. TIERSCOPE_AUTH_DIR; a flag wins):
  --auth-dir DIR            the proxy's auth directory
  --catalog FILE            use this models.json (validated; no network)
  --cache-dir DIR           catalog cache and audit log (default: the user cache dir's tierscope folder)
  --catalog-url URL         catalog URL (repeatable; replaces the two the proxy uses)
  --proxy URL               http://, https:// or socks5:// proxy for catalog downloads
                            (default: HTTPS_PROXY, HTTP_PROXY, NO_PROXY)
  --rules pr2024|upstream   rule set (default pr2024)
  --unknown-plan union|free|pro
                            policy for unknown plans (default: the rule set's)
  --plan-alias RAW=TIER     map a raw plan to a tier (repeatable)
  --force-model-prefix      prefixed accounts serve only prefix/id, as the proxy's force-model-prefix
  --proxy-config FILE       the proxy's config.yaml: auth-dir, oauth-excluded-models,
                            oauth-model-alias, force-model-prefix
  --jwks FILE|URL           verify id_token signatures (RS256) against a JWKS
  --management-url URL      the running proxy's management API, e.g. http://127.0.0.1:8317
                            (the key only from TIERSCOPE_MANAGEMENT_KEY, never a flag)
  --offline                 no network (no catalog download, no JWKS URL, only a local management URL)
  --store DSN|env           the proxy's PostgreSQL store instead of an auth folder: a DSN
                            (postgres://user@host/db; schema= and table= name the proxy's table)
                            or env (the proxy's PGSTORE_DSN and PGSTORE_SCHEMA); read-only by default
  --allow-store-writes      let writes reach the store (running proxies keep their copy until they
                            restart, and one that refreshes a token overwrites the row with it)
  --read-only               never write (the TUI shows a READ-ONLY badge)
  --reveal-secrets          show tokens in output (never by default)
  --version                 print the version

TUI flags (tierscope, tierscope demo):
  --refresh-every DURATION  also refresh the catalog in the background this often (e.g. 3h)
  --candidate PATH|URL      open with a candidate catalog loaded in the diff view (d)

Exit codes: 0 ok; 1 diff differs, normalize would write, or verify found an account that
differs, is not on the proxy (unless predicted), is only on the proxy, or could not be
checked; 2 usage or runtime error (no key, a refused key, proxy down, API disabled).
`
