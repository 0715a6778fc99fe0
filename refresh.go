package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// refreshJSON is `catalog refresh --json`.
type refreshJSON struct {
	Outcome          string                         `json:"outcome"`
	Summary          string                         `json:"summary"`
	Source           string                         `json:"source"`
	URL              string                         `json:"url"`
	ETag             string                         `json:"etag"`
	SHA256           string                         `json:"sha256"`
	FetchedAt        time.Time                      `json:"fetched_at"`
	CheckedAt        time.Time                      `json:"checked_at"`
	Sections         map[string]catalog.SectionDiff `json:"sections"`
	AccountsAffected *int                           `json:"accounts_affected"` // null: no auth dir to count in
	Attempts         []catalog.Attempt              `json:"attempts"`
	Error            *string                        `json:"error"`
}

// summaryItems caps the ids and sections in the one-line summary; the text
// output lists every change below it when it had to shorten.
const summaryItems = 5

// runCatalogRefresh is `tierscope catalog refresh`: the one headless
// command that fetches the catalog (DESIGN §5). Exit 0 on a new catalog or
// "not modified", 2 on failure with one line on stderr.
func (c *cli) runCatalogRefresh() error {
	if len(c.args) > 1 {
		return usagef("tierscope catalog refresh takes no arguments (got %q)", c.args[1])
	}
	if err := c.refreshRefusal(); err != nil {
		return err
	}
	rules, err := c.ruleSet()
	if err != nil {
		return err
	}
	f, err := c.catalogFetcher()
	if err != nil {
		return err
	}
	current, err := c.openCatalog()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(contextBackground(), os.Interrupt)
	defer stop()
	res := f.Refresh(ctx, current)
	if res.CacheErr != nil {
		fmt.Fprintf(c.stderr, "tierscope: warning: %s\n", strings.ReplaceAll(res.CacheErr.Error(), "\n", "; "))
	}
	affected := c.accountsAffected(res, rules)
	summary := core.RefreshSummary(res, affected, summaryItems)

	if c.jsonOut {
		if err := c.writeJSON(newRefreshJSON(res, summary, affected)); err != nil {
			return err
		}
	} else if res.Outcome != catalog.OutcomeError {
		if err := c.writeText(renderRefresh(res, summary, core.RefreshSummary(res, affected, 0))); err != nil {
			return err
		}
	}
	if res.Outcome == catalog.OutcomeError {
		return errors.New(summary)
	}
	return nil
}

// refreshRefusal says why this command line may not fetch the catalog, or
// nil. The TUI asks the same before its background and `r` refreshes.
func (c *cli) refreshRefusal() error {
	switch {
	case c.offline:
		return usagef("catalog refresh needs the network, and --offline (or TIERSCOPE_OFFLINE) forbids it")
	case c.catalogFile != "":
		return usagef("catalog refresh does not apply with --catalog %s: that file is the catalog in force", c.catalogFile)
	}
	return nil
}

// catalogFetcher builds the fetcher from --catalog-url, --proxy (else the
// proxy environment, read through c.getenv) and the cache dir. The TUI
// uses the same one.
func (c *cli) catalogFetcher() (*catalog.Fetcher, error) {
	for _, raw := range c.catalogURLs.values {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, usagef("--catalog-url %q: want an http:// or https:// URL", raw)
		}
	}
	client, err := catalog.NewHTTPClient(c.proxy, c.getenv)
	if err != nil {
		return nil, usagef("--proxy: %v", err)
	}
	cache, err := c.cache()
	if err != nil {
		return nil, err
	}
	return &catalog.Fetcher{URLs: slices.Clone(c.catalogURLs.values), Client: client, Cache: cache}, nil
}

// accountsAffected counts the auth dir's accounts whose models the new
// catalog changes; -1 when there is no auth dir to count in, so the
// summary gives the catalog part only.
func (c *cli) accountsAffected(res catalog.RefreshResult, rules core.RuleSet) int {
	if res.Outcome != catalog.OutcomeOK || len(res.Sections) == 0 {
		return 0
	}
	if c.usesStore() {
		return c.storeAccountsAffected(res, rules) // store.go
	}
	path, err := c.authDirPath()
	if err != nil {
		return -1
	}
	if info, err := os.Stat(path); err != nil || !info.IsDir() {
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(c.stderr, "tierscope: warning: accounts affected not counted: %v\n", err)
		}
		return -1
	}
	dir, err := auth.NewDir(path)
	if err != nil {
		return -1
	}
	snap, err := loadSnapshot(dir, res.Previous, rules)
	if err != nil {
		fmt.Fprintf(c.stderr, "tierscope: warning: accounts affected not counted: %v\n", err)
		return -1
	}
	return snap.AccountsAffected(res.Loaded.Catalog)
}

func newRefreshJSON(res catalog.RefreshResult, summary string, affected int) refreshJSON {
	info := res.Loaded.Info
	out := refreshJSON{
		Outcome: res.Outcome, Summary: summary, Source: info.Source, URL: info.URL, ETag: info.ETag, SHA256: info.SHA256,
		FetchedAt: info.FetchedAt, CheckedAt: info.CheckedAt, Sections: res.Sections, Attempts: res.Attempts,
	}
	if out.Sections == nil {
		out.Sections = map[string]catalog.SectionDiff{}
	}
	if out.Attempts == nil {
		out.Attempts = []catalog.Attempt{}
	}
	if affected >= 0 {
		out.AccountsAffected = &affected
	}
	if res.Err != nil {
		msg := res.Err.Error()
		out.Error = &msg
	}
	return out
}

// renderRefresh is the text of a good refresh: the summary line, every
// change when the summary had to shorten them, and where the catalog came
// from.
func renderRefresh(res catalog.RefreshResult, summary, full string) string {
	var b strings.Builder
	b.WriteString(summary + "\n")
	if full != summary {
		names := make([]string, 0, len(res.Sections))
		for name := range res.Sections {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			b.WriteString("  " + core.DescribeSectionChange(name, res.Sections[name], 0) + "\n")
		}
	}
	info := res.Loaded.Info
	var k kv
	k.add("source", strings.TrimSpace(info.Source+" "+info.URL))
	if info.ETag != "" {
		k.add("etag", info.ETag)
	}
	k.add("sha256", info.SHA256[:min(12, len(info.SHA256))])
	k.add("fetched", info.FetchedAt.UTC().Format(time.RFC3339))
	k.add("checked", info.CheckedAt.UTC().Format(time.RFC3339))
	return b.String() + k.b.String()
}

// refreshAttempts are the recorded refresh attempts for the freshness
// display; none under --catalog FILE, which no refresh replaces.
func (c *cli) refreshAttempts() []catalog.Attempt {
	if c.catalogFile != "" {
		return nil
	}
	cache, err := c.cache()
	if err != nil {
		return nil
	}
	attempts, err := cache.Attempts()
	if err != nil {
		fmt.Fprintf(c.stderr, "tierscope: warning: refresh attempts not read: %v\n", err)
	}
	return attempts
}

// renderLastAttempt is the freshness text's line about the last refresh.
func renderLastAttempt(f catalog.Freshness) string {
	a := f.LastAttempt
	if a == nil {
		return "\nlast refresh  never (tierscope catalog refresh fetches one)\n"
	}
	what := strings.ReplaceAll(a.Outcome, "_", " ")
	if a.Error != "" {
		what += ": " + a.Error
	}
	return fmt.Sprintf("\nlast refresh  %s %s (%s, %s)\n", a.At.UTC().Format(time.RFC3339), what, a.URL, a.Duration.Round(time.Millisecond))
}
