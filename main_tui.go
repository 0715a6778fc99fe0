package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
	"github.com/tierscope/tierscope/tui"
)

// runTUI opens the terminal UI on the auth dir.
func (c *cli) runTUI() error {
	if len(c.args) > 0 {
		return usagef("unknown command %q (see tierscope --help)", c.args[0])
	}
	if c.usesStore() {
		return c.openStoreTUI() // store.go
	}
	path, err := c.authDirPath()
	if err != nil {
		return err
	}
	info, err := os.Stat(path)
	if err != nil || !info.IsDir() {
		return usagef("auth dir %s: not a directory (pass --auth-dir or set TIERSCOPE_AUTH_DIR)", path)
	}
	return c.openTUI(path, "")
}

// runDemoTUI generates a fresh demo auth directory, offline, and opens the
// TUI on it; the directory is removed when the UI closes.
func (c *cli) runDemoTUI() error {
	dir, err := demoDir(60)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	c.offline = true
	c.demoVerifier(dir)
	return c.openTUI(dir, fmt.Sprintf("demo: 60 generated accounts in %s (removed on quit)", dir))
}

func (c *cli) openTUI(dir, demoNote string) error {
	rules, err := c.ruleSet()
	if err != nil {
		return err
	}
	cache, err := c.cache()
	if err != nil {
		return err
	}
	cat, cacheErr, err := catalog.Open(c.catalogFile, cache)
	if err != nil {
		return usagef("--catalog: %v", err)
	}
	candidate, err := c.tuiCandidate()
	if err != nil {
		return err
	}
	fetchCandidate, err := c.candidateFetcher()
	if err != nil {
		return err
	}
	src, err := c.tuiSource(dir) // the folder, or the store (store.go)
	if err != nil {
		return err
	}
	fetcher, err := c.tuiFetcher()
	if err != nil {
		return err
	}
	// --management-url: check every account against the running proxy,
	// with the key from the environment, as `verify` does.
	var proxy core.ProxyAPI
	if c.managementURL != "" {
		client, err := c.managementClient()
		if err != nil {
			return err
		}
		proxy = client
	}
	var audit core.AuditLog
	if cache.Dir != "" {
		audit.Path = filepath.Join(cache.Dir, "audit.jsonl") // as normalize --write records
	}
	attempts, _ := cache.Attempts()
	return tui.Run(tui.Options{
		Source: src, Catalog: cat, Rules: rules, ReadOnly: c.readOnly,
		Attempts: attempts, CacheErr: cacheErr, DemoNote: demoNote,
		Fetcher: fetcher, RefreshEvery: c.refreshEvery, AuditLog: audit,
		Candidate: candidate, FetchCandidate: fetchCandidate,
		Proxy: proxy, ProxyConcurrency: c.concurrency, ProxyAddr: redactURL(c.managementURL),
	})
}

// tuiCandidate loads --candidate PATH, which the TUI opens on (the diff
// views' candidate tab). An invalid catalog is a usage error, as for
// `diff --candidate`.
func (c *cli) tuiCandidate() (catalog.Loaded, error) {
	if c.candidate == "" {
		return catalog.Loaded{}, nil
	}
	return c.loadCandidate(c.candidate)
}

// minRefreshEvery spares the catalog's hosts a refresh loop.
const minRefreshEvery = 10 * time.Second

// tuiFetcher is the fetcher of the TUI's background refreshes (at start,
// on r, every --refresh-every): the one `catalog refresh` uses, or none
// under --offline, --catalog FILE and in the demo, where the UI never
// touches the network.
func (c *cli) tuiFetcher() (*catalog.Fetcher, error) {
	switch {
	case c.refreshEvery < 0:
		return nil, usagef("--refresh-every %s: want a positive duration, e.g. 3h", c.refreshEvery)
	case c.refreshEvery > 0 && c.refreshEvery < minRefreshEvery:
		return nil, usagef("--refresh-every %s: at least %s, to spare the catalog's hosts", c.refreshEvery, minRefreshEvery)
	}
	if c.refreshRefusal() != nil {
		if c.refreshEvery > 0 {
			return nil, usagef("--refresh-every needs the network: it does not go with --offline, --catalog or the demo")
		}
		return nil, nil
	}
	return c.catalogFetcher()
}
