package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/demo"
	"github.com/tierscope/tierscope/store/storetest"
)

// BenchmarkStoreLoad10k reads 10,000 generated accounts from the store
// (rows: one query over a unix socket, parsed in parallel) and the same
// accounts from a folder (files), for comparison; and times a poll of the
// 10,000 rows when nothing changed (quiet-poll).
func BenchmarkStoreLoad10k(b *testing.B) {
	dir := b.TempDir()
	if _, err := demo.Generate(dir, demo.Options{Count: 10000, Seed: 1, Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		b.Fatal(err)
	}
	db := storetest.New(b)
	names := db.LoadDir(dir)
	// The few generated files that JSONB cannot hold (broken JSON) leave
	// the folder too, so both sides read the same accounts.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !slices.Contains(names, e.Name()) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	want := 0
	for _, n := range names {
		if isRecordName(n) {
			want++
		}
	}
	s, err := Open(Config{DSN: db.DSN})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	folder, _ := auth.NewDir(dir)
	// A poll when nothing changed: one query, one row back, nothing read.
	b.Run("quiet-poll", func(b *testing.B) {
		if _, err := s.Scan(context.Background()); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if got, err := s.Changes(context.Background()); err != nil || len(got) > 0 {
				b.Fatalf("%v, %d changes", err, len(got))
			}
		}
	})
	for _, src := range []struct {
		name string
		src  auth.Source
	}{{"rows", s}, {"files", folder}} {
		b.Run(src.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				got, err := src.src.Scan(context.Background())
				if err != nil || len(got) != want {
					b.Fatalf("%v: %d accounts, want %d", err, len(got), want)
				}
			}
		})
	}
}
