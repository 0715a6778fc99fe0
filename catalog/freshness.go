package catalog

import (
	"time"
)

// Attempt is one refresh attempt, good or bad, kept for the freshness display.
type Attempt struct {
	At       time.Time     `json:"at"`
	URL      string        `json:"url"`
	Outcome  string        `json:"outcome"` // OutcomeOK, OutcomeNotModified or OutcomeError
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// Attempt outcomes.
const (
	OutcomeOK          = "ok"
	OutcomeNotModified = "not_modified"
	OutcomeError       = "error"
)

// Age thresholds for the freshness colour.
const (
	StaleAfter = 6 * time.Hour
	OldAfter   = 48 * time.Hour
)

// Freshness levels, from good to bad.
const (
	LevelFresh = "fresh" // checked within StaleAfter
	LevelStale = "stale" // older than StaleAfter
	LevelOld   = "old"   // older than OldAfter, or the last attempt failed
)

// Freshness is what the header and `catalog --json` say about the catalog.
type Freshness struct {
	Info
	Age         time.Duration  `json:"-"`
	AgeSeconds  int64          `json:"age_seconds"`
	Level       string         `json:"level"`
	LastAttempt *Attempt       `json:"last_attempt"`
	Counts      map[string]int `json:"sections"`
}

// CatalogFreshness describes l at now, given the refresh attempts so far
// (oldest first; may be empty).
func CatalogFreshness(l Loaded, now time.Time, attempts []Attempt) Freshness {
	f := Freshness{Info: l.Info, Counts: l.Catalog.Counts()}
	f.Age = max(now.Sub(l.Info.CheckedAt), 0)
	f.AgeSeconds = int64(f.Age / time.Second)
	if n := len(attempts); n > 0 {
		last := attempts[n-1]
		f.LastAttempt = &last
	}
	switch {
	case f.Age > OldAfter || (f.LastAttempt != nil && f.LastAttempt.Outcome == OutcomeError):
		f.Level = LevelOld
	case f.Age > StaleAfter:
		f.Level = LevelStale
	default:
		f.Level = LevelFresh
	}
	return f
}
