package tui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// The recorded reference data of the real proxy, shared by every package.
const (
	referenceAuths   = "../testdata/reference/proxy-a7e3596/auths"
	referenceCatalog = "../testdata/reference/models.json"
)

// testNow is the fixed clock of every test: a day after the reference
// files' last refresh.
var testNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// testFileTime is the modification time given to every test file.
var testFileTime = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	// Goldens must not depend on the terminal running the tests.
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

// brokenFile is a truncated auth file, as a crash mid-write leaves one.
const brokenFile = "codex-0badf11e-broken@sample.example-plus.json"

// writeAuthDir copies the 30 reference auth files into a temp dir, adds a
// truncated one, and pins every modification time.
func writeAuthDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(referenceAuths)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(referenceAuths, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, e.Name(), data)
	}
	writeFile(t, dir, brokenFile, []byte(`{"type": "codex", "email": "broken@sample.example", "id_tok`))
	return dir
}

func writeFile(t testing.TB, dir, name string, data []byte) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, testFileTime, testFileTime); err != nil {
		t.Fatal(err)
	}
}

// testCatalog is the reference catalog with its provenance pinned, so the
// header and the catalog view do not depend on the checkout.
func testCatalog(t testing.TB) catalog.Loaded {
	t.Helper()
	l, err := catalog.LoadFile(referenceCatalog)
	if err != nil {
		t.Fatal(err)
	}
	l.Info.Path = "/srv/tierscope/models.json"
	l.Info.FetchedAt = testNow.Add(-26 * time.Hour)
	l.Info.CheckedAt = testNow.Add(-2 * time.Hour)
	return l
}

func testRules(t testing.TB) core.RuleSet {
	t.Helper()
	r, err := core.LookupRuleSet("pr2024")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// namedDir is an auth folder that describes itself with a fixed name, so
// goldens do not show the temp dir. It is not an *auth.Dir, so the model
// does not watch it.
type namedDir struct {
	*auth.Dir
	name string
}

func (n namedDir) Describe() string { return n.name }

// testOptions are the options of a model over dir.
func testOptions(t testing.TB, dir string) Options {
	t.Helper()
	d, err := auth.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Source:       namedDir{Dir: d, name: "/srv/proxy/auths"},
		Catalog:      testCatalog(t),
		Rules:        testRules(t),
		Now:          func() time.Time { return testNow },
		PollInterval: 50 * time.Millisecond,
	}
}

// loadedModel is a model of the given size whose initial scan ran
// synchronously, as Init's command would run it.
func loadedModel(t testing.TB, opts Options, width, height int) *Model {
	t.Helper()
	m := New(opts)
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: width, Height: height})
	msg := scanCmd(opts.Source, opts.Catalog, opts.Rules, opts.Now())()
	if lm := msg.(accountsLoadedMsg); lm.err != nil {
		t.Fatal(lm.err)
	}
	m.Update(msg)
	return m
}

// send feeds keys to the model, as a terminal would type them.
func send(m *Model, keys ...tea.KeyMsg) {
	for _, k := range keys {
		m.Update(k)
	}
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func typed(s string) []tea.KeyMsg {
	out := make([]tea.KeyMsg, 0, len(s))
	for _, r := range s {
		out = append(out, runes(string(r)))
	}
	return out
}

var (
	keyDown  = tea.KeyMsg{Type: tea.KeyDown}
	keyUp    = tea.KeyMsg{Type: tea.KeyUp}
	keyEnter = tea.KeyMsg{Type: tea.KeyEnter}
	keyEsc   = tea.KeyMsg{Type: tea.KeyEsc}
	keyTab   = tea.KeyMsg{Type: tea.KeyTab}
)

// screen is the model's view without ANSI sequences.
func screen(m *Model) string { return ansi.Strip(m.View()) }

// selectFile moves the cursor to a file by pressing down.
func selectFile(t testing.TB, m *Model, file string) {
	t.Helper()
	send(m, runes("g"))
	for range m.table.Total() {
		if m.table.SelectedFile() == file {
			return
		}
		send(m, keyDown)
	}
	t.Fatalf("%s is not in the table", file)
}
