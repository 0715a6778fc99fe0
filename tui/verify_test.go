package tui

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
	"github.com/tierscope/tierscope/mgmt"
	"github.com/tierscope/tierscope/mgmt/mgmttest"
)

// The live check runs against the recorded management API of the real
// proxy (mgmttest), served on loopback. The recorded proxy runs the
// upstream rules: under them every file it loaded is predicted exactly,
// and the two it did not load (gemini, and the broken file the tests add)
// are predicted absent.
const (
	referenceProxy = "../testdata/reference/proxy-a7e3596"
	proxyKey       = "tui-proxy-key-31f6a0"
	proxyGemini    = "gemini-g@sample.example-p.json"
	proxyDrifted   = "codex-6aee5029-team@sample.example-team.json"
	proxyFleet     = "codex-fleet@db.example-pro.json" // only on the proxy (its postgres store)
	proxyHeld      = "codex-stale@sample.example-plus.json"
	proxyFirstRow  = "aistudio-s.json"
	proxySecondRow = "antigravity-a@sample.example.json"
)

func recordedAPI(t *testing.T) *mgmttest.API {
	t.Helper()
	api, err := mgmttest.Recorded(referenceProxy, proxyKey)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// serve serves h on loopback until the test ends; set an API's hooks
// before.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// drift makes the proxy serve one account differently from the
// prediction (one model missing, one extra) and list one account that is
// not on disk.
func drift(api *mgmttest.API) {
	ms := slices.DeleteFunc(slices.Clone(api.Models[proxyDrifted]), func(m mgmt.Model) bool { return m.ID == "gpt-5.4-mini" })
	api.Models[proxyDrifted] = append(ms, mgmt.Model{ID: "gpt-5.6-sol-max"})
	api.Files = append(api.Files, mgmttest.Entry(proxyFleet, "codex"))
}

// holdUntil makes the proxy answer file only once release is closed (or
// the client gives up); release is closed when the test ends.
func holdUntil(t *testing.T, api *mgmttest.API, file string) (release func()) {
	t.Helper()
	ch := make(chan struct{})
	release = sync.OnceFunc(func() { close(ch) })
	api.BeforeModels = func(r *http.Request, name string) {
		if name == file {
			select {
			case <-ch:
			case <-r.Context().Done():
			}
		}
	}
	return release
}

// proxyOptions are the test options under the recorded proxy's rules,
// checked against url with key, 4 requests at a time.
func proxyOptions(t *testing.T, url, key string) Options {
	t.Helper()
	opts := testOptions(t, writeAuthDir(t))
	rules, err := core.LookupRuleSet("upstream")
	if err != nil {
		t.Fatal(err)
	}
	opts.Rules = rules
	opts.Proxy = &mgmt.Client{BaseURL: url, Key: key, Timeout: time.Minute}
	opts.ProxyConcurrency = 4
	opts.ProxyAddr = "http://127.0.0.1:8317" // fixed for goldens; the real port varies
	return opts
}

// proxyModel is loadedModel for a model whose check runs in the
// background: the test waits for it (after Close cancels it) before its
// server and temp dirs go.
func proxyModel(t *testing.T, opts Options, width, height int) *Model {
	t.Helper()
	m := New(opts)
	t.Cleanup(m.work.wait)
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: width, Height: height})
	msg := scanCmd(opts.Source, opts.Catalog, opts.Rules, opts.Now())()
	if lm := msg.(accountsLoadedMsg); lm.err != nil {
		t.Fatal(lm.err)
	}
	m.Update(msg) // starts the check, as the first scan does
	return m
}

// verifyStep applies the check's next batch, as the program would.
func verifyStep(t *testing.T, m *Model) {
	t.Helper()
	got := make(chan tea.Msg, 1)
	next := m.verify.run.next()
	go func() { got <- next() }()
	select {
	case msg := <-got:
		m.Update(msg)
	case <-time.After(10 * time.Second):
		t.Fatal("no word from the proxy check in 10s")
	}
}

// verifyAll applies batches until the check ends.
func verifyAll(t *testing.T, m *Model) {
	t.Helper()
	for m.verify.running {
		verifyStep(t, m)
	}
}

func proxyCell(t *testing.T, m *Model, file string) string {
	t.Helper()
	return rowOf(t, m, file).cells[colProxy]
}

// wantCells checks every row's PROXY cell: want[file], else def.
func wantCells(t *testing.T, m *Model, def string, want map[string]string) {
	t.Helper()
	for _, r := range m.table.rows {
		w, ok := want[r.acc.File]
		if !ok {
			w = def
		}
		if got := r.cells[colProxy]; got != w {
			t.Errorf("%s: PROXY %q, want %q", r.acc.File, got, w)
		}
	}
}

var absentAsPredicted = map[string]string{proxyGemini: "absent", brokenFile: "absent"}

func TestProxyCheckOfTheRecordedProxyIsAllEqualUnderUpstream(t *testing.T) {
	api := recordedAPI(t)
	m := proxyModel(t, proxyOptions(t, serve(t, api), proxyKey), 160, 40)
	wantCells(t, m, "…", nil) // pending until the first batch
	verifyAll(t, m)

	wantCells(t, m, "=", absentAsPredicted)
	sum := m.verify.summary
	if sum.Equal != 29 || sum.NotOnProxy != 2 || sum.Expected != 2 || !sum.OK {
		t.Errorf("summary %+v", sum)
	}
	if got := m.footer.status.text; got != "proxy check: 29 equal, 0 differ, 2 not on proxy (2 as predicted), 0 only on proxy, 0 errors" {
		t.Errorf("status %q", got)
	}
	if s := screen(m); !strings.Contains(s, "proxy ✓ 29 equal, 2 absent") || !strings.Contains(s, " PROXY ") {
		t.Errorf("no PROXY column or header verdict:\n%s", s)
	}
	if n := len(api.ModelRequests()); api.ListRequests() != 1 || n != 29 || slices.Contains(api.ModelRequests(), proxyGemini) {
		t.Errorf("%d list and %d models requests (%v): want 1 and one per loaded file", api.ListRequests(), n, api.ModelRequests())
	}
	if got := api.MaxInFlight(); got > 4 {
		t.Errorf("%d requests at once, want at most 4", got)
	}

	selectFile(t, m, proxyGemini)
	if s := screen(m); !strings.Contains(s, "absent: the proxy did not load it") || !strings.Contains(s, "as predicted") {
		t.Errorf("the detail does not explain gemini's absence:\n%s", s)
	}
}

func TestProxyCheckShowsTheDriftAndTheAccountsOnlyOnTheProxy(t *testing.T) {
	api := recordedAPI(t)
	drift(api)
	m := proxyModel(t, proxyOptions(t, serve(t, api), proxyKey), 200, 50)
	verifyAll(t, m)

	wantCells(t, m, "=", map[string]string{proxyGemini: "absent", brokenFile: "absent", proxyDrifted: "≠ 2"})
	selectFile(t, m, proxyDrifted)
	s := screen(m)
	for _, want := range []string{
		"≠ differs: 1 missing, 1 extra", "9 predicted, 9 served",
		"missing       gpt-5.4-mini", "extra         gpt-5.6-sol-max",
		"proxy ✗ 1 differs, 28 equal, 2 absent, 1 account only on the proxy",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q on screen:\n%s", want, s)
		}
	}
	if got := m.footer.status.text; !strings.Contains(got, "1 only on proxy") || !strings.Contains(got, "c lists the accounts only on the proxy") {
		t.Errorf("status %q", got)
	}

	send(m, runes("c"))
	if s := screen(m); !strings.Contains(s, "only on the proxy (1)") || !strings.Contains(s, proxyFleet+"  codex · not in the auth dir (the proxy's postgres store)") {
		t.Errorf("the catalog view does not list the account only on the proxy:\n%s", s)
	}
}

func TestProxyColumnSortsWorstFirstAndFilters(t *testing.T) {
	api := recordedAPI(t)
	drift(api)
	m := proxyModel(t, proxyOptions(t, serve(t, api), proxyKey), 160, 40)
	verifyAll(t, m)

	for m.table.sortCol != colProxy {
		send(m, runes("s"))
	}
	var order []string
	for _, i := range m.table.view {
		order = append(order, m.table.rows[i].cells[colProxy])
	}
	if order[0] != "≠ 2" || order[len(order)-1] != "=" || slices.Index(order, "absent") > slices.Index(order, "=") {
		t.Errorf("sorted by PROXY: %v; want ≠ first, then absent, then =", order)
	}
	if got := m.footer.status.text; got != "sorted by proxy ↑" {
		t.Errorf("status %q", got)
	}

	send(m, runes("/"))
	send(m, typed("differs")...)
	if m.table.Shown() == 0 || m.table.SelectedFile() != proxyDrifted {
		t.Errorf("filtering for differs shows %d rows, best %s", m.table.Shown(), m.table.SelectedFile())
	}
}

func TestProxyCheckAsksForTheSelectedAccountFirst(t *testing.T) {
	api := recordedAPI(t)
	opts := proxyOptions(t, serve(t, api), proxyKey)
	opts.ProxyConcurrency = 1 // the server sees the requests in the order they are sent
	m := proxyModel(t, opts, 160, 40)
	verifyAll(t, m)
	first := api.ModelRequests()
	if first[0] != proxyFirstRow {
		t.Errorf("the first run asked for %s first, want the row under the cursor, %s", first[0], proxyFirstRow)
	}

	// r with another account selected, the table sorted by tier: that
	// account first, then the rows in the order shown.
	for m.table.sortCol != colTier {
		send(m, runes("s"))
	}
	selectFile(t, m, proxyDrifted)
	send(m, runes("r"))
	verifyAll(t, m)
	second := api.ModelRequests()[len(first):]
	want := []string{proxyDrifted}
	for _, i := range m.table.view {
		if f := m.table.rows[i].acc.File; f != proxyDrifted && f != proxyGemini && f != brokenFile {
			want = append(want, f)
		}
	}
	if !slices.Equal(second, want) {
		t.Errorf("r asked in this order:\n%v\nwant the selected account, then the table's order:\n%v", second, want)
	}
}

func TestProxyCheckStreamsRowsBeforeAHeldAccountAnswers(t *testing.T) {
	api := recordedAPI(t)
	release := holdUntil(t, api, proxyHeld)
	m := proxyModel(t, proxyOptions(t, serve(t, api), proxyKey), 160, 40)
	for m.verify.progress.Done < 30 {
		verifyStep(t, m)
	}
	// Every other account is in the table while the held one is pending.
	wantCells(t, m, "=", map[string]string{proxyGemini: "absent", brokenFile: "absent", proxyHeld: "…"})
	if !m.verify.running || !strings.Contains(screen(m), "proxy █████████░ 30/31") {
		t.Errorf("running=%v, no progress in the header:\n%s", m.verify.running, screen(m))
	}
	selectFile(t, m, proxyHeld)
	if s := screen(m); !strings.Contains(s, "… pending: waiting for the proxy's answer") {
		t.Errorf("the held account's detail:\n%s", s)
	}

	release()
	verifyAll(t, m)
	if got := proxyCell(t, m, proxyHeld); got != "=" {
		t.Errorf("%s: PROXY %q after its answer, want =", proxyHeld, got)
	}
	if s := screen(m); !strings.Contains(s, "status        = equal") {
		t.Errorf("the detail did not follow the answer:\n%s", s)
	}
}

func TestProxyCheckTimeoutIsThatAccountsErrorOnly(t *testing.T) {
	api := recordedAPI(t)
	holdUntil(t, api, proxyHeld)
	opts := proxyOptions(t, serve(t, api), proxyKey)
	opts.Proxy.(*mgmt.Client).Timeout = 200 * time.Millisecond
	m := proxyModel(t, opts, 160, 40)
	verifyAll(t, m)

	wantCells(t, m, "=", map[string]string{proxyGemini: "absent", brokenFile: "absent", proxyHeld: "err"})
	if m.verify.fatal != nil || m.verify.summary.Errors != 1 {
		t.Errorf("fatal %v, summary %+v: want one account's error, the run complete", m.verify.fatal, m.verify.summary)
	}
	selectFile(t, m, proxyHeld)
	if s := screen(m); !strings.Contains(s, "err: its models could not be fetched") || !strings.Contains(s, "no answer within 200ms (timeout)") {
		t.Errorf("the detail does not say why:\n%s", s)
	}
}

func TestProxyCheckStopsOnErrorsEveryRequestWouldRepeat(t *testing.T) {
	status := func(code int, msg string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_, _ = w.Write([]byte(`{"error":"` + msg + `"}`))
		})
	}
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()

	cases := []struct {
		name, key, url string
		handler        http.Handler
		header, reason string
	}{
		{name: "wrong key", key: "not-the-key-5e1b", handler: recordedAPI(t),
			header: "proxy ✗ wrong key", reason: `the proxy refused the management key ("invalid management key", HTTP 401); check the management key`},
		{name: "no key", key: "", handler: recordedAPI(t),
			header: "proxy ✗ no key", reason: "the proxy got no management key"},
		{name: "remote management off", key: proxyKey, handler: status(http.StatusForbidden, "remote management disabled"),
			header: "proxy ✗ access refused", reason: "the proxy refused access"},
		{name: "management API disabled", key: proxyKey, handler: http.NotFoundHandler(),
			header: "proxy ✗ management API disabled", reason: "the management API is disabled"},
		{name: "proxy down", key: proxyKey, url: downURL,
			header: "proxy ✗ unreachable", reason: "connection refused"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := c.url
			if c.handler != nil {
				url = serve(t, c.handler)
			}
			m := proxyModel(t, proxyOptions(t, url, c.key), 160, 40)
			verifyAll(t, m)

			if m.verify.fatal == nil {
				t.Fatal("the check did not stop")
			}
			got := m.footer.status.text
			if !strings.HasPrefix(got, "proxy check stopped: management API at http://127.0.0.1:") || !strings.Contains(got, c.reason) {
				t.Errorf("status %q, want the reason %q", got, c.reason)
			}
			wantCells(t, m, "err", nil)
			s := screen(m)
			if !strings.Contains(s, c.header) || !strings.Contains(s, "err: not checked, the check stopped") {
				t.Errorf("no header mark %q or detail:\n%s", c.header, s)
			}
			if c.key != "" && strings.Contains(s+got, c.key) {
				t.Errorf("the key is on screen:\n%s", s)
			}
			// The rest of the UI keeps working.
			send(m, runes("j"))
			if m.table.SelectedFile() != proxySecondRow {
				t.Errorf("j moved to %s", m.table.SelectedFile())
			}
		})
	}
}

func TestProxyResultsAreJudgedAgainWithoutNewRequests(t *testing.T) {
	api := recordedAPI(t)
	opts := proxyOptions(t, serve(t, api), proxyKey)
	m := proxyModel(t, opts, 160, 40)
	verifyAll(t, m)
	requests := len(api.ModelRequests())

	// A file rewritten on disk: the plus account is now free, which the
	// proxy (not reloaded) does not serve.
	const plus = "codex-448e743f-plus@sample.example-plus.json"
	dir := opts.Source.(namedDir).Root
	data, err := os.ReadFile(filepath.Join(dir, "codex-81227b4f-free@sample.example-free.json"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, plus, data)
	m.Update(loadFileCmd(m.opts.Source, plus)())
	if got := proxyCell(t, m, plus); !strings.HasPrefix(got, "≠") {
		t.Errorf("%s after its reload: PROXY %q, want ≠", plus, got)
	}

	// A new catalog: codex-plus gains a model the proxy does not serve.
	path := filepath.Join(t.TempDir(), "models.json")
	if err := os.WriteFile(path, catalogWithPlusModel(t, "gpt-5.7"), 0o600); err != nil {
		t.Fatal(err)
	}
	next, err := catalog.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m.opts.Catalog = next
	m.Update(m.rebuild(nil, nil)())
	const otherPlus = "codex-9b73a69c-plus@sample.example-plus.json"
	if got := proxyCell(t, m, otherPlus); got != "≠ 1" {
		t.Errorf("%s under the new catalog: PROXY %q, want ≠ 1", otherPlus, got)
	}
	selectFile(t, m, otherPlus)
	if s := screen(m); !strings.Contains(s, "missing       gpt-5.7") {
		t.Errorf("the detail does not name the missing model:\n%s", s)
	}
	if got := proxyCell(t, m, "kimi-k.json"); got != "=" {
		t.Errorf("kimi-k.json: PROXY %q, want = (its models did not change)", got)
	}
	if n := len(api.ModelRequests()); n != requests || api.ListRequests() != 1 {
		t.Errorf("%d models and %d list requests after the changes; want the first run's %d and 1", n, api.ListRequests(), requests)
	}
}

func TestProxyColumnOnlyWithAProxy(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 160, 40)
	if s := screen(m); strings.Contains(s, "PROXY") || strings.Contains(s, "· proxy") {
		t.Errorf("a proxy column or segment without a proxy:\n%s", s)
	}
	send(m, runes("?"))
	if s := screen(m); strings.Contains(s, "check proxy") {
		t.Errorf("help offers a proxy check without a proxy:\n%s", s)
	}
}

func TestProxyProgressShowsAnETAOnceKnown(t *testing.T) {
	s := DefaultStyles(DefaultPalette())
	cases := []struct {
		p    core.VerifyProgress
		want string
	}{
		{core.VerifyProgress{Done: 0, Total: 31}, "░░░░░░░░░░ 0/31"},
		{core.VerifyProgress{Done: 12, Total: 31, ETA: 80 * time.Second}, "███░░░░░░░ 12/31 · 1m20s left"},
		{core.VerifyProgress{Done: 9999, Total: 10000, ETA: 400 * time.Millisecond}, "█████████░ 9,999/10,000"},
	}
	for _, c := range cases {
		if got := progressText(&s, c.p); got != c.want {
			t.Errorf("%+v: %q, want %q", c.p, got, c.want)
		}
	}
}

// Flows: the program runs the check on its own, keys arrive meanwhile.

func TestFlowProxyKeysWorkWhileAnAccountHangs(t *testing.T) {
	api := recordedAPI(t)
	holdUntil(t, api, proxyHeld)
	tm := startWorkFlow(t, proxyOptions(t, serve(t, api), proxyKey), 200, 50)
	waitFor(t, tm, "30/31")

	tm.Type("j")
	waitFor(t, tm, "── "+proxySecondRow)
	tm.Type("?")
	waitFor(t, tm, "page up", "check proxy again")

	m := finalModel(t, tm)
	if !m.verify.running || proxyCell(t, m, proxyHeld) != "…" {
		t.Errorf("running=%v, held account %q: want still pending", m.verify.running, proxyCell(t, m, proxyHeld))
	}
	if m.table.SelectedFile() != proxySecondRow || !m.footer.help.ShowAll {
		t.Errorf("selected %s, full help %v", m.table.SelectedFile(), m.footer.help.ShowAll)
	}
}

func TestFlowProxyWrongKeyIsOneStatusAndTheUIKeepsWorking(t *testing.T) {
	const wrong = "wrong-key-0c7d55"
	api := recordedAPI(t)
	tm := startWorkFlow(t, proxyOptions(t, serve(t, api), wrong), 160, 40)
	seen := waitFor(t, tm, "proxy ✗ wrong key", "✗ proxy check stopped: management API at", "refused the management key")

	tm.Type("j")
	seen += waitFor(t, tm, "── "+proxySecondRow)
	m := finalModel(t, tm)
	if strings.Contains(seen, wrong) || strings.Contains(seen, proxyKey) {
		t.Error("a key was drawn on the screen")
	}
	var me *mgmt.Error
	if !errors.As(m.verify.fatal, &me) || me.Kind != mgmt.KindWrongKey {
		t.Errorf("stopped by %v, want a wrong key", m.verify.fatal)
	}
	if n := len(api.ModelRequests()); n != 0 {
		t.Errorf("%d models requests after the key was refused", n)
	}
}

func TestFlowProxyCheckRerunsOnR(t *testing.T) {
	api := recordedAPI(t)
	// The second run waits for one account, so its progress is drawn.
	var mu sync.Mutex
	asked := 0
	ch := make(chan struct{})
	release := sync.OnceFunc(func() { close(ch) })
	t.Cleanup(release)
	api.BeforeModels = func(r *http.Request, name string) {
		mu.Lock()
		asked++
		second := asked > 29 && name == proxyHeld
		mu.Unlock()
		if second {
			select {
			case <-ch:
			case <-r.Context().Done():
			}
		}
	}
	tm := startWorkFlow(t, proxyOptions(t, serve(t, api), proxyKey), 160, 40)
	waitFor(t, tm, "proxy ✓ 29 equal, 2 absent", "check proxy again")

	tm.Type("r")
	waitFor(t, tm, "30/31")
	release()
	waitFor(t, tm, "proxy ✓ 29 equal, 2 absent")

	m := finalModel(t, tm)
	if api.ListRequests() != 2 || len(api.ModelRequests()) != 58 {
		t.Errorf("%d list and %d models requests: want two full runs", api.ListRequests(), len(api.ModelRequests()))
	}
	if m.verify.running || m.verify.summary.Equal != 29 {
		t.Errorf("running=%v, summary %+v", m.verify.running, m.verify.summary)
	}
}

// refusingProxy refuses every request as a proxy does a wrong key, from a
// fixed address (goldens must not show a test server's port).
type refusingProxy struct{}

func (refusingProxy) AuthFiles(context.Context) ([]mgmt.AuthFile, error) {
	return nil, refusedKey
}

func (refusingProxy) Models(context.Context, string) ([]mgmt.Model, error) {
	return nil, refusedKey
}

var refusedKey = &mgmt.Error{Kind: mgmt.KindWrongKey, Status: http.StatusUnauthorized, URL: "http://127.0.0.1:8317",
	Reason: `the proxy refused the management key ("invalid management key", HTTP 401)`}

// TestProxyGolden pins the screens of the live check at fixed sizes, with
// a fixed clock and no colour. Refresh with `go test ./tui -update`.
func TestProxyGolden(t *testing.T) {
	cases := []struct {
		name          string
		width, height int
		api           func(t *testing.T, api *mgmttest.API) (release func())
		refused       bool
		do            func(t *testing.T, m *Model)
	}{
		{
			name: "drift_200x50", width: 200, height: 50,
			api: func(t *testing.T, api *mgmttest.API) func() { drift(api); return nil },
			do:  func(t *testing.T, m *Model) { selectFile(t, m, proxyDrifted) },
		},
		{name: "all_equal_120x30", width: 120, height: 30},
		{
			name: "running_120x30", width: 120, height: 30,
			api: func(t *testing.T, api *mgmttest.API) func() { return holdUntil(t, api, proxyHeld) },
		},
		{name: "stopped_wrong_key_120x30", width: 120, height: 30, refused: true},
		{
			name: "catalog_only_on_proxy_100x40", width: 100, height: 40,
			api: func(t *testing.T, api *mgmttest.API) func() { drift(api); return nil },
			do:  func(t *testing.T, m *Model) { send(m, runes("c")) },
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := recordedAPI(t)
			var release func()
			if c.api != nil {
				release = c.api(t, api)
			}
			opts := proxyOptions(t, serve(t, api), proxyKey)
			if c.refused {
				opts.Proxy = refusingProxy{}
			}
			m := proxyModel(t, opts, c.width, c.height)
			if release != nil {
				for m.verify.progress.Done < 30 {
					verifyStep(t, m)
				}
			} else {
				verifyAll(t, m)
			}
			if c.do != nil {
				c.do(t, m)
			}
			golden.RequireEqual(t, screen(m))
			if release != nil {
				release()
				verifyAll(t, m)
			}
		})
	}
}
