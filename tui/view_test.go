package tui

import (
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/tierscope/tierscope/catalog"
)

// TestViewGolden pins the screens of DESIGN §6 at fixed sizes, on the
// reference auth files plus a broken one, with a fixed clock and no
// colour. Refresh with `go test ./tui -update` and review the diff.
func TestViewGolden(t *testing.T) {
	cases := []struct {
		name          string
		width, height int
		opts          func(o *Options)
		do            func(t *testing.T, m *Model)
	}{
		{name: "main_80x24", width: 80, height: 24},
		{
			name: "main_200x50", width: 200, height: 50,
			opts: func(o *Options) { o.ReadOnly = true },
			do:   func(t *testing.T, m *Model) { selectFile(t, m, "codex-alias@sample.example-plus.json") },
		},
		{
			name: "detail_stale_plan", width: 100, height: 60,
			do: func(t *testing.T, m *Model) {
				selectFile(t, m, "codex-stale@sample.example-plus.json")
				send(m, keyEnter)
			},
		},
		{
			name: "detail_broken_file", width: 80, height: 24,
			do: func(t *testing.T, m *Model) {
				selectFile(t, m, brokenFile)
				send(m, keyEnter)
			},
		},
		{
			name: "full_help", width: 120, height: 30,
			do: func(t *testing.T, m *Model) { send(m, runes("?")) },
		},
		{
			name: "catalog", width: 100, height: 50,
			opts: func(o *Options) {
				o.Attempts = []catalog.Attempt{
					{At: testNow.Add(-2 * time.Hour), URL: "https://models.router-for.me/models.json", Outcome: catalog.OutcomeOK, Duration: 180 * time.Millisecond},
					{At: testNow.Add(-30 * time.Minute), URL: "https://models.router-for.me/models.json", Outcome: catalog.OutcomeNotModified, Duration: 95 * time.Millisecond},
					{At: testNow.Add(-5 * time.Minute), URL: "https://raw.githubusercontent.com/router-for-me/models/refs/heads/main/models.json", Outcome: catalog.OutcomeError, Error: "context deadline exceeded", Duration: 10 * time.Second},
				}
			},
			do: func(t *testing.T, m *Model) { send(m, runes("c")) },
		},
		{
			name: "filtered", width: 120, height: 30,
			do: func(t *testing.T, m *Model) { send(m, append(typed("/"), typed("alias")...)...) },
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := testOptions(t, writeAuthDir(t))
			if c.opts != nil {
				c.opts(&opts)
			}
			m := loadedModel(t, opts, c.width, c.height)
			if c.do != nil {
				c.do(t, m)
			}
			golden.RequireEqual(t, screen(m))
		})
	}
}
