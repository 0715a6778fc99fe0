package tui

import (
	"net"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/demo"
)

// startupOptions is a generated folder of 10,000 accounts and a catalog
// URL that accepts connections and never answers.
func startupOptions(b *testing.B) Options {
	b.Helper()
	dir := b.TempDir()
	if _, err := demo.Generate(dir, demo.Options{Count: benchAccounts, Seed: 1, Now: testNow}); err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() { // accept, never answer
		var held []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	opts := testOptions(b, dir)
	opts.Source = &auth.Dir{Root: dir}
	opts.Fetcher = &catalog.Fetcher{URLs: []string{"http://" + ln.Addr().String() + "/models.json"}, Retries: -1, Timeout: time.Minute}
	return opts
}

// BenchmarkFirstFrame10k: from New to the first frame drawn, with 10,000
// files to scan and a catalog URL that hangs (the scan and the refresh run
// in commands, so neither may delay it).
func BenchmarkFirstFrame10k(b *testing.B) {
	opts := startupOptions(b)
	b.ResetTimer()
	for b.Loop() {
		m := New(opts)
		m.Init()
		m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
		if !strings.Contains(m.View(), "tierscope") {
			b.Fatal("no header in the first frame")
		}
		m.Close()
	}
}

// BenchmarkFirstFullFrame10k: from New to the frame that lists all 10,000
// accounts: the scan and resolve, then the first render of the table.
func BenchmarkFirstFullFrame10k(b *testing.B) {
	opts := startupOptions(b)
	b.ResetTimer()
	for b.Loop() {
		m := New(opts)
		m.Init()
		m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
		m.Update(scanCmd(opts.Source, opts.Catalog, opts.Rules, opts.Now())())
		if !strings.Contains(m.View(), "10,000 accounts") {
			b.Fatal("the frame does not list the accounts")
		}
		m.Close()
	}
}
