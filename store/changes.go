package store

import (
	"context"
	"slices"
	"time"
)

// DefaultPollInterval is how often a UI should call Changes: the proxy
// upserts a row whenever an instance saves an account, and an operator
// expects to see it within a few seconds.
const DefaultPollInterval = 3 * time.Second

// Changes returns the records added, changed (a new updated_at) or deleted
// since Scan or Load last read them, sorted; it re-reads none of them.
//
// A poll costs one query that returns one row (a fingerprint of every
// row's id and updated_at, computed by the server); only when that differs
// from the last poll's does it list every row's id and updated_at, never
// their content. A record reported stays reported until Load reads it,
// so a failed reload is retried by the next poll. An edit that changes
// content without updated_at (the proxy always sets it) is not seen.
//
// When the connection is lost the error says so (a *StoreError whose
// ConnectionLost is true) and nothing is forgotten: the next poll
// reconnects and reports what changed meanwhile.
func (s *Postgres) Changes(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	s.stats.Polls++
	s.mu.Unlock()
	var fp string
	err := s.read(ctx, "poll", func(ctx context.Context) error {
		var count int
		return s.pool.QueryRow(ctx, s.sql.fingerprint).Scan(&count, &fp)
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	quiet := s.settled && fp == s.lastFP
	s.mu.Unlock()
	if quiet {
		return nil, nil
	}
	now := map[string]time.Time{}
	err = s.read(ctx, "poll", func(ctx context.Context) error {
		clear(now)
		rows, err := s.pool.Query(ctx, s.sql.versions)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var t time.Time
			if err := rows.Scan(&id, &t); err != nil {
				return err
			}
			if isRecordName(id) {
				now[id] = t.UTC()
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Listings++
	var changed []string
	for id, t := range now {
		if old, ok := s.known[id]; !ok || !old.Equal(t) {
			changed = append(changed, id)
		}
	}
	for id := range s.known {
		if _, ok := now[id]; !ok {
			changed = append(changed, id)
		}
	}
	// The fingerprint was taken before the listing: at worst a change in
	// between is listed now and its fingerprint differs next time, which
	// costs one more listing, never a missed change.
	s.lastFP, s.settled = fp, len(changed) == 0
	slices.Sort(changed)
	return changed, nil
}
