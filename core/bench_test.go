package core_test

import (
	"context"
	"testing"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/core"
	"github.com/tierscope/tierscope/demo"
)

// BenchmarkScanAndResolve10k scans and resolves a generated directory of
// 10,000 auth files: the work behind `list` and the TUI's first load.
func BenchmarkScanAndResolve10k(b *testing.B) {
	dir := b.TempDir()
	if _, err := demo.Generate(dir, demo.Options{Count: 10000, Seed: 1, Now: now}); err != nil {
		b.Fatal(err)
	}
	src, _ := auth.NewDir(dir)
	cat, err := catalogForBench()
	if err != nil {
		b.Fatal(err)
	}
	r, _ := core.LookupRuleSet("pr2024")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, err := core.Load(context.Background(), src, cat, r, now)
		if err != nil || len(s.Accounts) != 10000 {
			b.Fatalf("%v, %d accounts", err, len(s.Accounts))
		}
	}
}

// BenchmarkReloadOneFile10k re-reads one changed file of 10,000: one parse,
// one resolve and a duplicate pass, never a rescan.
func BenchmarkReloadOneFile10k(b *testing.B) {
	dir := b.TempDir()
	if _, err := demo.Generate(dir, demo.Options{Count: 10000, Seed: 1, Now: now}); err != nil {
		b.Fatal(err)
	}
	src, _ := auth.NewDir(dir)
	cat, _ := catalogForBench()
	r, _ := core.LookupRuleSet("pr2024")
	s, err := core.Load(context.Background(), src, cat, r, now)
	if err != nil {
		b.Fatal(err)
	}
	file := s.Accounts[len(s.Accounts)/2].File
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		a, ok, err := src.Load(context.Background(), file)
		if err != nil || !ok {
			b.Fatal(err)
		}
		s.WithFile(file, a, true)
	}
}
