package main

import (
	"fmt"
	"os"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/tui"
)

// runTUI opens the terminal UI on the auth dir.
func (c *cli) runTUI() error {
	if len(c.args) > 0 {
		return usagef("unknown command %q (see tierscope --help)", c.args[0])
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
	src, err := auth.NewDir(dir)
	if err != nil {
		return err
	}
	attempts, _ := cache.Attempts()
	return tui.Run(tui.Options{
		Source: src, Catalog: cat, Rules: rules, ReadOnly: c.readOnly,
		Attempts: attempts, CacheErr: cacheErr, DemoNote: demoNote,
	})
}
