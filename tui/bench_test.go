package tui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/core"
)

// benchAccounts is the number of accounts of DESIGN §8's figures.
const benchAccounts = 10_000

var (
	benchOnce sync.Once
	benchRaw  []*auth.Account
	benchErr  error
)

// generatedAccounts parses n variations of the reference files: each copy
// gets its own file name, email and account id, so rows differ and no two
// are duplicates. It parses bytes in memory (auth.Parse), no disk.
func generatedAccounts(tb testing.TB) []*auth.Account {
	tb.Helper()
	benchOnce.Do(func() {
		entries, err := os.ReadDir(referenceAuths)
		if err != nil {
			benchErr = err
			return
		}
		type source struct {
			name   string
			fields map[string]any
		}
		var sources []source
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(referenceAuths, e.Name()))
			if err != nil {
				benchErr = err
				return
			}
			var f map[string]any
			if err := json.Unmarshal(data, &f); err != nil {
				benchErr = err
				return
			}
			sources = append(sources, source{e.Name(), f})
		}
		for i := range benchAccounts {
			src := sources[i%len(sources)]
			f := make(map[string]any, len(src.fields))
			for k, v := range src.fields {
				f[k] = v
			}
			f["email"] = fmt.Sprintf("user%05d@bench.example", i)
			if _, ok := f["account_id"]; ok {
				f["account_id"] = fmt.Sprintf("acct-bench%05d", i)
			}
			data, err := json.Marshal(f)
			if err != nil {
				benchErr = err
				return
			}
			name := strings.TrimSuffix(src.name, ".json") + fmt.Sprintf("-%05d.json", i)
			benchRaw = append(benchRaw, auth.Parse(name, "/bench/"+name, data))
		}
	})
	if benchErr != nil {
		tb.Fatal(benchErr)
	}
	return benchRaw
}

// benchModel is a 200×50 model holding 10,000 accounts.
func benchModel(b *testing.B) *Model {
	b.Helper()
	// Measure with colour, the costlier case; tests run without.
	lipgloss.SetColorProfile(termenv.TrueColor)
	b.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
	opts := Options{Catalog: testCatalog(b), Rules: testRules(b), Now: testOptions(b, b.TempDir()).Now}
	snap := core.Build(generatedAccounts(b), opts.Catalog, opts.Rules, testNow)
	m := New(opts)
	b.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	m.Update(accountsLoadedMsg{snap: snap, rows: buildRows(snap.Accounts, nil)})
	if m.table.Total() != benchAccounts {
		b.Fatalf("%d rows, want %d", m.table.Total(), benchAccounts)
	}
	return m
}

// BenchmarkView10k draws a full 200×50 frame over 10,000 accounts.
func BenchmarkView10k(b *testing.B) {
	m := benchModel(b)
	selectRow(m, benchAccounts/2)
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkCursorMove10k is one ↓ (Update) and the frame it draws (View).
// DESIGN §8: under 3 ms.
func BenchmarkCursorMove10k(b *testing.B) {
	m := benchModel(b)
	b.ResetTimer()
	for b.Loop() {
		if m.table.cursor == m.table.Shown()-1 {
			send(m, runes("g"))
		}
		m.Update(keyDown)
		_ = m.View()
	}
}

// BenchmarkFilterKeystroke10k is one character appended to a filter
// query over 10,000 accounts, and the frame drawn. DESIGN §8: under 16 ms.
func BenchmarkFilterKeystroke10k(b *testing.B) {
	for _, q := range []struct{ typed, next string }{
		{"", "c"},         // the first key: every row is searched
		{"plu", "s"},      // narrows the matches of "plu"
		{"co", "d"},       // nearly every row matches both
		{"user0421", "7"}, // a precise query
	} {
		b.Run(q.typed+"+"+q.next, func(b *testing.B) {
			m := benchModel(b)
			send(m, runes("/"))
			send(m, typed(q.typed)...)
			b.ResetTimer()
			for b.Loop() {
				m.Update(runes(q.next))
				_ = m.View()
				b.StopTimer()
				m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
				b.StartTimer()
			}
		})
	}
}

// selectRow puts the cursor on the i-th shown row.
func selectRow(m *Model, i int) {
	m.table.cursor = i
	m.table.clampOffset()
	m.syncDetail()
}
