package catalog

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"
)

func TestCatalogFreshnessLevels(t *testing.T) {
	checked := time.Date(2026, 8, 22, 12, 0, 0, 0, time.UTC)
	ok := Attempt{At: checked, URL: "https://a.test/models.json", Outcome: OutcomeOK}
	notModified := Attempt{At: checked, URL: "https://a.test/models.json", Outcome: OutcomeNotModified}
	failed := Attempt{At: checked, URL: "https://a.test/models.json", Outcome: OutcomeError, Error: "timeout"}
	tests := []struct {
		name     string
		age      time.Duration
		attempts []Attempt
		want     string
	}{
		{"just checked", 0, nil, LevelFresh},
		{"exactly 6 h is still fresh", StaleAfter, nil, LevelFresh},
		{"one second past 6 h is stale", StaleAfter + time.Second, nil, LevelStale},
		{"exactly 48 h is stale", OldAfter, nil, LevelStale},
		{"one second past 48 h is old", OldAfter + time.Second, nil, LevelOld},
		{"a failed last attempt is old, however recent the copy", time.Minute, []Attempt{ok, failed}, LevelOld},
		{"a good last attempt after a failure is fresh", time.Minute, []Attempt{failed, ok}, LevelFresh},
		{"a not-modified last attempt is fresh", time.Minute, []Attempt{failed, notModified}, LevelFresh},
		{"a not-modified answer does not hide age", 7 * time.Hour, []Attempt{notModified}, LevelStale},
		{"a check in the future counts as age zero", -time.Hour, nil, LevelFresh},
	}
	l := Loaded{Catalog: parseReference(t, "models.json"), Info: Info{Source: SourceCache, CheckedAt: checked, FetchedAt: checked.Add(-time.Hour)}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := CatalogFreshness(l, checked.Add(tt.age), tt.attempts)
			if f.Level != tt.want {
				t.Errorf("Level = %q, want %q", f.Level, tt.want)
			}
			wantAge := max(tt.age, 0)
			if f.Age != wantAge || f.AgeSeconds != int64(wantAge/time.Second) {
				t.Errorf("Age %v (%d s), want %v", f.Age, f.AgeSeconds, wantAge)
			}
			if len(tt.attempts) == 0 {
				if f.LastAttempt != nil {
					t.Errorf("LastAttempt = %+v, want none", f.LastAttempt)
				}
			} else if *f.LastAttempt != tt.attempts[len(tt.attempts)-1] {
				t.Errorf("LastAttempt = %+v, want the last one", f.LastAttempt)
			}
		})
	}
}

func TestCatalogFreshnessAgeRunsFromTheLastCheck(t *testing.T) {
	fetched := time.Date(2026, 8, 20, 0, 0, 0, 0, time.UTC)
	checked := fetched.Add(72 * time.Hour) // a 304 three days later
	l := Loaded{Catalog: parseReference(t, "models.json"), Info: Info{Source: SourceCache, FetchedAt: fetched, CheckedAt: checked}}
	f := CatalogFreshness(l, checked.Add(time.Hour), nil)
	if f.Level != LevelFresh || f.Age != time.Hour || !f.FetchedAt.Equal(fetched) {
		t.Fatalf("level %q age %v fetched %v; the age runs from the last check", f.Level, f.Age, f.FetchedAt)
	}
}

func TestCatalogFreshnessCountsAndJSON(t *testing.T) {
	e := Embedded()
	f := CatalogFreshness(e, EmbeddedDate.Add(100*24*time.Hour), nil)
	if f.Level != LevelOld || f.Source != SourceEmbedded {
		t.Errorf("embedded copy 100 days on: level %q source %q", f.Level, f.Source)
	}
	want := map[string]int{"claude": 15, "gemini": 13, "vertex": 20, "gemini-cli": 7, "aistudio": 15, "codex-free": 5,
		"codex-team": 7, "codex-plus": 8, "codex-pro": 8, "kimi": 8, "antigravity": 13, "xai": 10}
	if !maps.Equal(f.Counts, want) {
		t.Errorf("Counts = %v", f.Counts)
	}
	out, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"source", "fetched_at", "checked_at", "sha256", "age_seconds", "level", "last_attempt", "sections"} {
		if _, ok := m[key]; !ok {
			t.Errorf("JSON lacks %q: %s", key, out)
		}
	}
	if m["age_seconds"] != float64(100*24*3600) || !strings.HasPrefix(m["sha256"].(string), f.SHA256[:12]) {
		t.Errorf("JSON = %s", out)
	}
}
