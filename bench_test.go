package main

import (
	"io"
	"testing"
	"time"

	"github.com/tierscope/tierscope/demo"
)

// BenchmarkListJSON10k runs `tierscope list --json` in-process on a
// generated directory of 10,000 accounts, output discarded.
func BenchmarkListJSON10k(b *testing.B) {
	dir := b.TempDir()
	if _, err := demo.Generate(dir, demo.Options{Count: 10000, Seed: 1, Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		b.Fatal(err)
	}
	env := map[string]string{"TIERSCOPE_CACHE_DIR": b.TempDir()}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if code := run([]string{"list", "--json", "--auth-dir", dir}, io.Discard, io.Discard, func(k string) string { return env[k] }); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}
