package main

import "errors"

// runTUI opens the terminal UI on the auth dir. (Wired to package tui once it lands.)
func (c *cli) runTUI() error { return errors.New("the TUI is not built yet") }

func (c *cli) runDemoTUI() error {
	dir, err := demoDir(60)
	if err != nil {
		return err
	}
	c.authDir, c.offline = dir, true
	return c.runList()
}
