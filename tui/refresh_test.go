package tui

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tierscope/tierscope/catalog"
)

// catalogServer is a loopback catalog host that counts its requests.
type catalogServer struct {
	*httptest.Server
	hits atomic.Int32
}

func newCatalogServer(t *testing.T, handler http.HandlerFunc) *catalogServer {
	t.Helper()
	s := &catalogServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		handler(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// hangingServer accepts every request and never answers, until the test
// ends (or the client gives up).
func hangingServer(t *testing.T) *catalogServer {
	t.Helper()
	release := make(chan struct{})
	s := newCatalogServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) }) // before s.Close, which waits for handlers
	return s
}

// withFetcher gives opts a fetcher of url: one try, no retry, attempts
// recorded in a temp cache, the test clock.
func withFetcher(t *testing.T, opts Options, url string) (Options, catalog.Cache) {
	t.Helper()
	cache := catalog.Cache{Dir: t.TempDir()}
	opts.Fetcher = &catalog.Fetcher{
		URLs: []string{url}, Retries: -1, Timeout: time.Minute, Cache: cache,
		Now: func() time.Time { return testNow },
	}
	return opts, cache
}

// catalogWithPlusModel is the reference catalog with one more model in
// codex-plus.
func catalogWithPlusModel(t *testing.T, id string) []byte {
	t.Helper()
	data, err := os.ReadFile(referenceCatalog)
	if err != nil {
		t.Fatal(err)
	}
	var sections map[string]json.RawMessage
	if err := json.Unmarshal(data, &sections); err != nil {
		t.Fatal(err)
	}
	var plus []json.RawMessage
	if err := json.Unmarshal(sections["codex-plus"], &plus); err != nil {
		t.Fatal(err)
	}
	plus = append(plus, json.RawMessage(`{"id": "`+id+`", "display_name": "GPT-5.7"}`))
	if sections["codex-plus"], err = json.Marshal(plus); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(sections)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// startWorkFlow is startFlow for models that work in the background: the
// test's cleanup waits for their refreshes and writes (after Close cancels
// a download) before temp dirs are removed.
func startWorkFlow(t *testing.T, opts Options, width, height int) *teatest.TestModel {
	t.Helper()
	m := New(opts)
	t.Cleanup(m.work.wait) // after Close: cleanups run last first
	t.Cleanup(m.Close)
	return teatest.NewTestModel(t, m, teatest.WithInitialTermSize(width, height))
}

// waitHits waits until the server saw n requests.
func waitHits(t *testing.T, s *catalogServer, n int32) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.hits.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("the catalog server saw %d requests, want %d", s.hits.Load(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func rowOf(t *testing.T, m *Model, file string) *row {
	t.Helper()
	for _, r := range m.table.rows {
		if r.acc.File == file {
			return r
		}
	}
	t.Fatalf("%s is not in the table", file)
	return nil
}

func TestRefreshHangingCatalogNeverBlocksTheUI(t *testing.T) {
	srv := hangingServer(t)
	opts, _ := withFetcher(t, testOptions(t, writeAuthDir(t)), srv.URL)
	tm := startWorkFlow(t, opts, 120, 30)

	// The first frame lists the accounts while the download hangs.
	waitFor(t, tm, "31 accounts", "claude-c@sample.example.json", "refreshing")
	waitHits(t, srv, 1)

	// Keys are handled while it hangs.
	tm.Type("j")
	waitFor(t, tm, "── antigravity-a@sample.example.json")
	tm.Type("?")
	waitFor(t, tm, "page up", "refresh catalog", "refreshing")

	m := finalModel(t, tm)
	if !m.refresh.running {
		t.Error("the refresh is no longer running, yet the server never answered")
	}
	if got := srv.hits.Load(); got != 1 {
		t.Errorf("%d requests, want the startup refresh's one", got)
	}
}

func TestRefreshNewCatalogUpdatesModelsAndSaysWhatChanged(t *testing.T) {
	body := catalogWithPlusModel(t, "gpt-5.7")
	srv := newCatalogServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v2"`)
		_, _ = w.Write(body)
	})
	dir := writeAuthDir(t)
	opts, cache := withFetcher(t, testOptions(t, dir), srv.URL)

	// What the status must say: computed by core, as the CLI does.
	snap := loadedModel(t, testOptions(t, dir), 120, 30).snap
	next, err := catalog.ParseValid(body)
	if err != nil {
		t.Fatal(err)
	}
	affected := snap.AccountsAffected(next)
	if affected == 0 {
		t.Fatal("no account sees codex-plus: the test proves nothing")
	}
	want := "catalog refreshed: codex-plus +1: gpt-5.7; " + plural(affected, "account") + " affected"

	tm := startWorkFlow(t, opts, 200, 40)
	waitFor(t, tm, want, "catalog remote")

	m := finalModel(t, tm)
	const plus = "codex-448e743f-plus@sample.example-plus.json"
	if got := rowOf(t, m, plus).cells[colModels]; got != "11" {
		t.Errorf("%s shows %s models, want 11 (10 + gpt-5.7)", plus, got)
	}
	if i := m.snap.Find(plus); i < 0 || !strings.Contains(strings.Join(m.snap.Accounts[i].Models, " "), "gpt-5.7") {
		t.Errorf("the snapshot's %s does not see gpt-5.7", plus)
	}
	if m.opts.Catalog.Info.Source != catalog.SourceRemote || m.header.catalog.Info.ETag != `"v2"` {
		t.Errorf("catalog in force: %+v", m.opts.Catalog.Info)
	}
	if n := len(m.opts.Attempts); n != 1 || m.opts.Attempts[0].Outcome != catalog.OutcomeOK {
		t.Errorf("attempts shown: %+v", m.opts.Attempts)
	}
	recorded, err := cache.Attempts()
	if err != nil || len(recorded) != 1 {
		t.Errorf("attempts recorded in the cache: %+v (%v)", recorded, err)
	}
}

func TestRefreshNotModified(t *testing.T) {
	srv := newCatalogServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		http.Error(w, "unconditional request", http.StatusBadRequest)
	})
	opts, _ := withFetcher(t, testOptions(t, writeAuthDir(t)), srv.URL)
	cat := opts.Catalog
	cat.Info.Source, cat.Info.URL, cat.Info.ETag = catalog.SourceCache, srv.URL, `"v1"`
	opts.Catalog = cat

	tm := startWorkFlow(t, opts, 120, 30)
	waitFor(t, tm, "✓ catalog not modified", "catalog cache just now ✓")
	tm.Type("c")
	waitFor(t, tm, "refresh attempts (1)", "✓ not modified")

	m := finalModel(t, tm)
	if m.opts.Catalog.Catalog != cat.Catalog {
		t.Error("a 304 replaced the catalog")
	}
	if got := m.snap.Catalog.Info.CheckedAt; !got.Equal(testNow) {
		t.Errorf("the snapshot's catalog was checked at %v, want %v", got, testNow)
	}
}

func TestRefreshFailureKeepsTheCatalog(t *testing.T) {
	srv := newCatalogServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	opts, cache := withFetcher(t, testOptions(t, writeAuthDir(t)), srv.URL)
	tm := startWorkFlow(t, opts, 200, 40)
	waitFor(t, tm, "✗ catalog refresh failed", "HTTP 500 Internal Server Error", "keeping the file catalog", "last refresh failed")

	m := finalModel(t, tm)
	if m.opts.Catalog.Catalog != opts.Catalog.Catalog || m.snap.Catalog.Catalog != opts.Catalog.Catalog {
		t.Error("a failed refresh replaced the catalog")
	}
	if recorded, _ := cache.Attempts(); len(recorded) != 1 || recorded[0].Outcome != catalog.OutcomeError {
		t.Errorf("attempts recorded: %+v", recorded)
	}
	if m.refresh.running {
		t.Error("the refresh still counts as running")
	}
}

func TestRefreshSecondRWhileOneRunsFetchesNothing(t *testing.T) {
	release := make(chan struct{})
	srv := newCatalogServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		_, _ = w.Write(catalogWithPlusModel(t, "gpt-5.7"))
	})
	opts, _ := withFetcher(t, testOptions(t, writeAuthDir(t)), srv.URL)
	tm := startWorkFlow(t, opts, 200, 40)
	waitFor(t, tm, "31 accounts", "refreshing")
	waitHits(t, srv, 1) // the startup refresh waits for release

	tm.Type("r")
	waitFor(t, tm, "a catalog refresh is already running")
	tm.Type("r")
	close(release)
	waitFor(t, tm, "catalog refreshed: codex-plus +1: gpt-5.7")
	if got := srv.hits.Load(); got != 1 {
		t.Fatalf("%d requests while one refresh ran, want 1", got)
	}

	// Once it is over, r fetches again.
	tm.Type("r")
	waitHits(t, srv, 2)
	waitFor(t, tm, "catalog refreshed: no model changes")
	finalModel(t, tm)
	if got := srv.hits.Load(); got != 2 {
		t.Errorf("%d requests, want 2", got)
	}
}

func TestRefreshKeyStartsOneFetchOnly(t *testing.T) {
	srv := hangingServer(t)
	opts, _ := withFetcher(t, testOptions(t, writeAuthDir(t)), srv.URL)
	m := loadedModel(t, opts, 120, 30)
	if !m.keys.Refresh.Enabled() {
		t.Fatal("r is off with a fetcher")
	}
	_, first := m.Update(runes("r"))
	if first == nil || !m.refresh.running {
		t.Fatal("r started no refresh")
	}
	m.Update(runes("r"))
	if got := screen(m); !strings.Contains(got, "a catalog refresh is already running") {
		t.Errorf("the second r says nothing:\n%s", got)
	}
}

func TestRefreshEveryFetchesPeriodically(t *testing.T) {
	srv := newCatalogServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, referenceCatalog)
	})
	opts, _ := withFetcher(t, testOptions(t, writeAuthDir(t)), srv.URL)
	opts.RefreshEvery = 20 * time.Millisecond
	tm := startWorkFlow(t, opts, 120, 30)
	waitHits(t, srv, 3)
	finalModel(t, tm)
}

func TestRefreshOffWithoutFetcher(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 200, 50)
	if m.keys.Refresh.Enabled() {
		t.Error("r is on without a fetcher (--offline, --catalog)")
	}
	if cmd := m.startupRefresh(); cmd != nil {
		t.Error("a model without a fetcher refreshes at startup")
	}
	send(m, runes("?"))
	if strings.Contains(screen(m), "refresh catalog") {
		t.Error("help offers r without a fetcher")
	}
}

// A refresh that ends before the first scan: the scan's snapshot is built
// under the old catalog, and is caught up with the new one.
func TestRefreshBeforeScanEndsIsCaughtUp(t *testing.T) {
	dir := writeAuthDir(t)
	opts := testOptions(t, dir)
	m := New(opts)
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	scan := scanCmd(opts.Source, opts.Catalog, opts.Rules, opts.Now())() // started under the old catalog

	next, err := catalog.ParseValid(catalogWithPlusModel(t, "gpt-5.7"))
	if err != nil {
		t.Fatal(err)
	}
	loaded := catalog.Loaded{Catalog: next, Info: catalog.Info{Source: catalog.SourceRemote, CheckedAt: testNow}}
	sections := catalog.Compare(opts.Catalog.Catalog, next)
	m.Update(catalogRefreshedMsg{res: catalog.RefreshResult{Loaded: loaded, Outcome: catalog.OutcomeOK, Sections: sections}})

	_, cmd := m.Update(scan)
	m.Update(execUntil(t, cmd, isMsg[snapshotRebuiltMsg]))
	if m.snap.Catalog.Catalog != next {
		t.Fatal("the scanned snapshot kept the old catalog")
	}
	if got := screen(m); !strings.Contains(got, "catalog refreshed: codex-plus +1: gpt-5.7; 8 accounts affected") {
		t.Errorf("the status has no count of accounts:\n%s", got)
	}
	if got := rowOf(t, m, "codex-448e743f-plus@sample.example-plus.json").cells[colModels]; got != "11" {
		t.Errorf("plus account shows %s models, want 11", got)
	}
}

// A file reloaded while the refresh's rebuild ran is not lost: the stale
// rebuild is built again from the current snapshot.
func TestRefreshRebuildNeverLosesAReload(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 120, 30)
	base := m.snap
	next, err := catalog.ParseValid(catalogWithPlusModel(t, "gpt-5.7"))
	if err != nil {
		t.Fatal(err)
	}
	loaded := catalog.Loaded{Catalog: next, Info: catalog.Info{Source: catalog.SourceRemote, CheckedAt: testNow}}
	_, cmd := m.Update(catalogRefreshedMsg{res: catalog.RefreshResult{Loaded: loaded, Outcome: catalog.OutcomeOK}})
	stale := execUntil(t, cmd, isMsg[snapshotRebuiltMsg]).(snapshotRebuiltMsg)
	if stale.base != base {
		t.Fatal("the rebuild did not start from the snapshot shown")
	}

	// A file disappears while the rebuild runs.
	const gone = "kimi-k.json"
	m.Update(fileReloadedMsg{file: gone, present: false})
	if m.snap.Find(gone) >= 0 {
		t.Fatal("the removal was not applied")
	}

	_, cmd = m.Update(stale)
	m.Update(execUntil(t, cmd, isMsg[snapshotRebuiltMsg]))
	if m.snap.Catalog.Catalog != next {
		t.Error("the new catalog is not in force")
	}
	if m.snap.Find(gone) >= 0 || m.table.Total() != 30 {
		t.Errorf("the removed file came back (%d rows)", m.table.Total())
	}
}

// A refresh that changes the catalog becomes the diff view's candidate:
// the previous catalog against the one just fetched.
func TestRefreshedCatalogIsTheDiffCandidate(t *testing.T) {
	body := catalogWithPlusModel(t, "gpt-5.7")
	srv := newCatalogServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
	dir := writeAuthDir(t)
	opts, _ := withFetcher(t, testOptions(t, dir), srv.URL)
	tm := startWorkFlow(t, opts, 200, 40)
	waitFor(t, tm, "catalog refreshed: codex-plus +1: gpt-5.7")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("d")})
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("2")})
	waitFor(t, tm, "just refreshed", "+gpt-5.7")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
}
