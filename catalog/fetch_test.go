package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var refreshNow = time.Date(2026, 8, 23, 9, 0, 0, 0, time.UTC)

// newerCodex is validCodex with gpt-5.7 added to codex-plus.
func newerCodex() []byte {
	return validCodex(`"claude": [{"id": "claude-x"}]`, map[string]string{
		"codex-plus": `[{"id": "gpt-5.4-mini"}, {"id": "gpt-5.4"}, {"id": "gpt-5.7"}]`,
	})
}

// embeddedLike is a current catalog as a fresh install has it.
func embeddedLike(t *testing.T) Loaded {
	t.Helper()
	data := validCodex(`"claude": [{"id": "claude-x"}]`, nil)
	c, err := ParseValid(data)
	if err != nil {
		t.Fatal(err)
	}
	return Loaded{Catalog: c, Info: Info{Source: SourceEmbedded, FetchedAt: EmbeddedDate, CheckedAt: EmbeddedDate, SHA256: Digest(data)}}
}

// sleepLog is an injected Sleep that records each wait and never waits.
type sleepLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepLog) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

func newFetcher(t *testing.T, cacheDir string, urls ...string) (*Fetcher, *sleepLog) {
	t.Helper()
	client, err := NewHTTPClient("", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.CloseIdleConnections)
	s := &sleepLog{}
	return &Fetcher{
		URLs: urls, Client: client, Timeout: 5 * time.Second, Cache: Cache{Dir: cacheDir},
		Now: func() time.Time { return refreshNow }, Sleep: s.sleep,
	}, s
}

// origin is a catalog server whose answer to request n (1-based) is
// decided by respond; it records what each request asked.
type origin struct {
	*httptest.Server
	mu          sync.Mutex
	requests    int
	ifNoneMatch []string
}

func newOrigin(t *testing.T, respond func(n int, w http.ResponseWriter, r *http.Request)) *origin {
	t.Helper()
	o := &origin{}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.requests++
		n := o.requests
		o.ifNoneMatch = append(o.ifNoneMatch, r.Header.Get("If-None-Match"))
		o.mu.Unlock()
		respond(n, w, r)
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *origin) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.requests
}

func (o *origin) conditions() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.ifNoneMatch...)
}

// serveCatalog answers with body and etag, and 304 to a matching
// If-None-Match.
func serveCatalog(body []byte, etag string) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, r *http.Request) {
		if etag != "" && r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if etag != "" {
			w.Header().Set("ETag", etag)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}
}

func outcomes(as []Attempt) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Outcome
	}
	return out
}

func TestRefreshSavesAGoodDownloadAndOpenPrefersIt(t *testing.T) {
	body := newerCodex()
	srv := newOrigin(t, serveCatalog(body, `"v1"`))
	dir := t.TempDir()
	f, _ := newFetcher(t, dir, srv.URL+"/models.json")
	current := embeddedLike(t)

	res := f.Refresh(context.Background(), current)
	if res.Outcome != OutcomeOK || res.Err != nil || res.CacheErr != nil {
		t.Fatalf("outcome %s, err %v, cache err %v", res.Outcome, res.Err, res.CacheErr)
	}
	want := Info{Source: SourceRemote, URL: srv.URL + "/models.json", FetchedAt: refreshNow, CheckedAt: refreshNow, ETag: `"v1"`, SHA256: Digest(body)}
	if res.Loaded.Info != want {
		t.Errorf("Loaded.Info = %+v\nwant %+v", res.Loaded.Info, want)
	}
	if res.Previous.Catalog != current.Catalog {
		t.Error("Previous is not the catalog passed in")
	}
	if got := res.Sections; len(got) != 1 || fmt.Sprint(got["codex-plus"].Added) != "[gpt-5.7]" || len(got["codex-plus"].Removed) != 0 {
		t.Errorf("Sections = %+v, want only codex-plus +gpt-5.7", got)
	}
	if len(res.Attempts) != 1 || res.Attempts[0].Outcome != OutcomeOK || res.Attempts[0].URL != want.URL || !res.Attempts[0].At.Equal(refreshNow) {
		t.Errorf("Attempts = %+v", res.Attempts)
	}
	if got := srv.conditions(); len(got) != 1 || got[0] != "" {
		t.Errorf("If-None-Match sent = %q; nothing is cached yet, so none is due", got)
	}

	cache := Cache{Dir: dir}
	cached, err := cache.Load()
	if err != nil {
		t.Fatal(err)
	}
	if cached.Info.Source != SourceCache || cached.Info.URL != want.URL || cached.Info.ETag != `"v1"` ||
		cached.Info.SHA256 != Digest(body) || !cached.Info.FetchedAt.Equal(refreshNow) || !cached.Info.CheckedAt.Equal(refreshNow) {
		t.Errorf("cache = %+v", cached.Info)
	}
	opened, cacheErr, err := Open("", cache)
	if err != nil || cacheErr != nil || opened.Info.Source != SourceCache || opened.Info.SHA256 != Digest(body) {
		t.Errorf("Open after a refresh = %+v, %v, %v; want the cache", opened.Info, cacheErr, err)
	}
}

func TestRefreshNotModified(t *testing.T) {
	body := newerCodex()
	srv := newOrigin(t, serveCatalog(body, `"v1"`))
	u := srv.URL + "/models.json"
	dir := t.TempDir()
	f, _ := newFetcher(t, dir, u)
	first := f.Refresh(context.Background(), embeddedLike(t))
	if first.Outcome != OutcomeOK {
		t.Fatal(first.Err)
	}

	// The next start: the cache is current; its ETag is sent; 304 restarts
	// the age but not the content's fetch time.
	later := refreshNow.Add(3 * time.Hour)
	f.Now = func() time.Time { return later }
	cache := Cache{Dir: dir}
	current, err := cache.Load()
	if err != nil {
		t.Fatal(err)
	}
	res := f.Refresh(context.Background(), current)
	if res.Outcome != OutcomeNotModified || res.Err != nil || res.CacheErr != nil {
		t.Fatalf("outcome %s, err %v, cache err %v", res.Outcome, res.Err, res.CacheErr)
	}
	if got := srv.conditions(); len(got) != 2 || got[1] != `"v1"` {
		t.Fatalf("If-None-Match sent = %q, want the cached ETag on the second request", got)
	}
	if res.Loaded.Catalog != current.Catalog || res.Loaded.Info.Source != SourceCache ||
		!res.Loaded.Info.CheckedAt.Equal(later) || !res.Loaded.Info.FetchedAt.Equal(refreshNow) {
		t.Errorf("Loaded = %+v, want the current catalog checked now", res.Loaded.Info)
	}
	if res.Sections == nil || len(res.Sections) != 0 {
		t.Errorf("Sections = %v, want empty", res.Sections)
	}
	if outcomes(res.Attempts)[0] != OutcomeNotModified {
		t.Errorf("attempts %+v", res.Attempts)
	}
	touched, _ := cache.Load()
	if !touched.Info.CheckedAt.Equal(later) || !touched.Info.FetchedAt.Equal(refreshNow) {
		t.Errorf("cache after 304: fetched %v checked %v", touched.Info.FetchedAt, touched.Info.CheckedAt)
	}

	// A catalog from an earlier remote fetch in the same process counts too.
	res = f.Refresh(context.Background(), first.Loaded)
	if res.Outcome != OutcomeNotModified || res.Loaded.Info.Source != SourceRemote {
		t.Errorf("refresh of a remote catalog: %s %+v", res.Outcome, res.Loaded.Info)
	}

	// An ETag is only good for the URL that gave it.
	other := newOrigin(t, serveCatalog(body, `"v1"`))
	f.URLs = []string{other.URL + "/models.json"}
	res = f.Refresh(context.Background(), current)
	if got := other.conditions(); res.Outcome != OutcomeOK || len(got) != 1 || got[0] != "" {
		t.Errorf("another URL: outcome %s, If-None-Match %q; want a plain GET", res.Outcome, got)
	}
}

func TestRefreshRefusesAnUnaskedNotModified(t *testing.T) {
	srv := newOrigin(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotModified) })
	f, _ := newFetcher(t, t.TempDir(), srv.URL)
	current := embeddedLike(t)
	res := f.Refresh(context.Background(), current)
	if res.Outcome != OutcomeError || res.Loaded.Catalog != current.Catalog || !strings.Contains(res.Err.Error(), "not conditional") {
		t.Errorf("outcome %s, err %v", res.Outcome, res.Err)
	}
}

func TestRefreshRetries(t *testing.T) {
	good := newerCodex()
	fail := func(code int, header ...string) func(http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			w.WriteHeader(code)
			io.WriteString(w, "an error page")
		}
	}
	tests := []struct {
		name      string
		retries   int
		failFirst int // requests answered by failure before the good one; -1: all
		failure   func(http.ResponseWriter)
		requests  int
		outcome   string
		waits     []time.Duration // each wait must be in [w/2, w], or exactly w when negative
	}{
		{"500 then success", 0, 1, fail(500), 2, OutcomeOK, []time.Duration{100 * time.Millisecond}},
		{"503 twice then success", 0, 2, fail(503), 3, OutcomeOK, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{"always 502: three tries", 0, -1, fail(502), 3, OutcomeError, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{"429 with Retry-After waits as asked", 0, 1, fail(429, "Retry-After", "7"), 2, OutcomeOK, []time.Duration{-7 * time.Second}},
		{"404 is not retried", 0, 1, fail(404), 1, OutcomeError, nil},
		{"403 is not retried", 0, 1, fail(403), 1, OutcomeError, nil},
		{"negative Retries means one try", -1, 1, fail(500), 1, OutcomeError, nil},
		{"Retries 4 means five tries", 4, -1, fail(500), 5, OutcomeError, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newOrigin(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if tt.failFirst < 0 || n <= tt.failFirst {
					tt.failure(w)
					return
				}
				serveCatalog(good, "")(n, w, r)
			})
			f, sleeps := newFetcher(t, t.TempDir(), srv.URL)
			f.Retries, f.Backoff = tt.retries, 100*time.Millisecond
			current := embeddedLike(t)
			res := f.Refresh(context.Background(), current)
			if srv.count() != tt.requests || res.Outcome != tt.outcome || len(res.Attempts) != tt.requests {
				t.Fatalf("%d requests, outcome %s, %d attempts (%v); want %d, %s", srv.count(), res.Outcome, len(res.Attempts), res.Err, tt.requests, tt.outcome)
			}
			for i, a := range res.Attempts[:len(res.Attempts)-1] {
				if a.Outcome != OutcomeError || !strings.HasPrefix(a.Error, "HTTP ") {
					t.Errorf("attempt %d = %+v, want an HTTP error", i, a)
				}
			}
			waits := sleeps.all()
			if len(waits) != len(tt.waits) {
				t.Fatalf("waits %v, want %d", waits, len(tt.waits))
			}
			for i, w := range tt.waits {
				if w < 0 && waits[i] != -w || w > 0 && (waits[i] < w/2 || waits[i] > w) {
					t.Errorf("wait %d = %v, want about %v", i, waits[i], w)
				}
			}
			if tt.outcome == OutcomeError {
				if res.Loaded.Catalog != current.Catalog || res.Err == nil || strings.Contains(res.Err.Error(), "error page") {
					t.Errorf("failure: kept %v, err %v (the body must not be echoed)", res.Loaded.Catalog == current.Catalog, res.Err)
				}
				if _, err := (Cache{Dir: f.Cache.Dir}).Load(); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("a failed refresh wrote the cache: %v", err)
				}
			}
		})
	}
}

func TestRefreshRejectsBadBodiesAndKeepsTheCurrentCatalog(t *testing.T) {
	long, _ := json.Marshal(strings.Repeat("x\x1b[31m\n", 2000))
	tests := []struct {
		name   string
		body   []byte
		reason string
	}{
		{"invalid JSON", []byte(`{"codex-free": [{"id": "a"}], oops}`), "not valid JSON"},
		{"not an object", []byte(`["codex-free"]`), "not a JSON object"},
		{"partial body", newerCodex()[:40], "not valid JSON"},
		{"missing codex-pro", validCodex("", map[string]string{"codex-pro": ""}), "missing section codex-pro"},
		{"empty codex-team", validCodex("", map[string]string{"codex-team": "[]"}), "empty section codex-team"},
		{"a null entry", validCodex("", map[string]string{"codex-free": `[null]`}), "codex-free: entry 0: null entry"},
		{"a long hostile id", validCodex("", map[string]string{"codex-pro": fmt.Sprintf(`[{"id": %s}, {"id": %s}]`, long, long)}), "duplicate id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newOrigin(t, serveCatalog(tt.body, `"bad"`))
			dir := t.TempDir()
			f, sleeps := newFetcher(t, dir, srv.URL)
			current := embeddedLike(t)
			res := f.Refresh(context.Background(), current)
			if res.Outcome != OutcomeError || res.Loaded.Catalog != current.Catalog || res.Loaded.Info != current.Info {
				t.Fatalf("outcome %s, Loaded %+v; want the current catalog kept", res.Outcome, res.Loaded.Info)
			}
			if res.Err == nil || !strings.Contains(res.Err.Error(), tt.reason) || !strings.Contains(res.Err.Error(), "rejected") {
				t.Errorf("err = %v, want the reason %q", res.Err, tt.reason)
			}
			if srv.count() != 1 || len(sleeps.all()) != 0 {
				t.Errorf("%d requests: a bad catalog is not retried", srv.count())
			}
			a := res.Attempts[0]
			if a.Outcome != OutcomeError || !strings.Contains(a.Error, tt.reason) {
				t.Errorf("attempt = %+v", a)
			}
			if n := len([]rune(a.Error)); n > maxReasonLen+1 || strings.ContainsAny(a.Error, "\x1b\n") {
				t.Errorf("attempt error is %d runes or holds control characters: %q", n, a.Error)
			}
			if _, err := (Cache{Dir: dir}).Load(); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a rejected catalog reached the cache: %v", err)
			}
		})
	}
}

func TestRefreshRetriesABodyCutShort(t *testing.T) {
	good := newerCodex()
	srv := newOrigin(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			// Promise the whole body, send half, and hang up.
			w.Header().Set("Content-Length", strconv.Itoa(len(good)))
			w.Write(good[:len(good)/2])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}
		serveCatalog(good, "")(n, w, r)
	})
	f, _ := newFetcher(t, t.TempDir(), srv.URL)
	res := f.Refresh(context.Background(), embeddedLike(t))
	if res.Outcome != OutcomeOK || srv.count() != 2 || !strings.Contains(res.Attempts[0].Error, "reading the body") {
		t.Fatalf("outcome %s after %d requests; attempts %+v", res.Outcome, srv.count(), res.Attempts)
	}
}

// countingTransport counts the body bytes the client reads.
type countingTransport struct {
	base http.RoundTripper
	read atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err == nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &c.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

func TestRefreshRejectsAnOversizeBody(t *testing.T) {
	tests := []struct {
		name          string
		contentLength bool
		wantRead      int64 // bytes the client may read
	}{
		{"streamed without a length: reading stops after MaxSize+1 bytes", false, MaxSize + 1},
		{"an announced length over the limit: nothing is read", true, 0},
	}
	const total = 4 * MaxSize
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sent atomic.Int64
			srv := newOrigin(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				if tt.contentLength {
					w.Header().Set("Content-Length", strconv.Itoa(total))
				}
				chunk := []byte(`{"codex-free": [` + strings.Repeat(" ", 64<<10-16))
				for sent.Load() < total {
					n, err := w.Write(chunk)
					sent.Add(int64(n))
					if err != nil {
						return
					}
					chunk = []byte(strings.Repeat(" ", 64<<10))
				}
			})
			f, _ := newFetcher(t, t.TempDir(), srv.URL)
			counter := &countingTransport{base: f.Client.Transport}
			f.Client = &http.Client{Transport: counter}
			f.Retries = -1
			current := embeddedLike(t)
			res := f.Refresh(context.Background(), current)
			if res.Outcome != OutcomeError || res.Loaded.Catalog != current.Catalog ||
				res.Err == nil || !strings.Contains(res.Err.Error(), "larger than the 16 MiB limit") {
				t.Fatalf("outcome %s, err %v", res.Outcome, res.Err)
			}
			if got := counter.read.Load(); got != tt.wantRead {
				t.Errorf("the client read %d bytes, want %d", got, tt.wantRead)
			}
			srv.CloseClientConnections()
		})
	}
}

// silentListener accepts connections and never answers on them.
func silentListener(t *testing.T) (addr string, accepted *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted = &atomic.Int64{}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String(), accepted
}

func TestRefreshTimesOutAServerThatNeverAnswersAndMovesOn(t *testing.T) {
	hang, accepted := silentListener(t)
	good := newOrigin(t, serveCatalog(newerCodex(), ""))
	f, sleeps := newFetcher(t, t.TempDir(), "http://"+hang+"/models.json", good.URL)
	f.Timeout, f.Retries = 150*time.Millisecond, 1
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res := f.Refresh(ctx, embeddedLike(t))
	if res.Outcome != OutcomeOK || res.Loaded.Info.URL != good.URL {
		t.Fatalf("outcome %s from %q: %v", res.Outcome, res.Loaded.Info.URL, res.Err)
	}
	if got := outcomes(res.Attempts); fmt.Sprint(got) != "[error error ok]" {
		t.Fatalf("attempts %v, want two timeouts then ok", got)
	}
	for _, a := range res.Attempts[:2] {
		if !strings.Contains(a.Error, "timed out after 150ms") || a.Duration < 150*time.Millisecond {
			t.Errorf("attempt %+v, want a 150ms timeout", a)
		}
	}
	if accepted.Load() != 2 || len(sleeps.all()) != 1 {
		t.Errorf("%d connections, %d waits; want 2 and 1", accepted.Load(), len(sleeps.all()))
	}
}

func TestRefreshFallsBackToTheNextURL(t *testing.T) {
	gone := newOrigin(t, func(_ int, w http.ResponseWriter, _ *http.Request) { http.NotFound(w, nil) })
	good := newOrigin(t, serveCatalog(newerCodex(), `"g"`))
	f, _ := newFetcher(t, t.TempDir(), gone.URL+"/a.json", good.URL+"/b.json")
	res := f.Refresh(context.Background(), embeddedLike(t))
	if res.Outcome != OutcomeOK || res.Loaded.Info.URL != good.URL+"/b.json" || res.Loaded.Info.ETag != `"g"` {
		t.Fatalf("outcome %s %+v: %v", res.Outcome, res.Loaded.Info, res.Err)
	}
	if len(res.Attempts) != 2 || res.Attempts[0].URL != gone.URL+"/a.json" || res.Attempts[0].Error != "HTTP 404 Not Found" ||
		res.Attempts[1].URL != good.URL+"/b.json" || res.Attempts[1].Outcome != OutcomeOK {
		t.Errorf("attempts %+v", res.Attempts)
	}
	if gone.count() != 1 || good.count() != 1 {
		t.Errorf("requests %d, %d", gone.count(), good.count())
	}

	// When every URL fails, the error names each one and its reason.
	f.URLs = []string{gone.URL + "/a.json", gone.URL + "/c.json"}
	res = f.Refresh(context.Background(), embeddedLike(t))
	if res.Err == nil || !strings.Contains(res.Err.Error(), gone.URL+"/a.json: HTTP 404") || !strings.Contains(res.Err.Error(), gone.URL+"/c.json: HTTP 404") {
		t.Errorf("err = %v", res.Err)
	}
}

func TestRefreshRecordsEveryAttemptOnDisk(t *testing.T) {
	srv := newOrigin(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		serveCatalog(newerCodex(), `"v9"`)(n, w, r)
	})
	dir := t.TempDir()
	f, _ := newFetcher(t, dir, srv.URL)
	f.Retries = 1
	first := f.Refresh(context.Background(), embeddedLike(t)) // two 503s
	second := f.Refresh(context.Background(), embeddedLike(t))
	third := f.Refresh(context.Background(), second.Loaded) // 304
	if first.Outcome != OutcomeError || second.Outcome != OutcomeOK || third.Outcome != OutcomeNotModified {
		t.Fatalf("outcomes %s %s %s", first.Outcome, second.Outcome, third.Outcome)
	}
	got, err := Cache{Dir: dir}.Attempts()
	if err != nil {
		t.Fatal(err)
	}
	want := append(append(append([]Attempt{}, first.Attempts...), second.Attempts...), third.Attempts...)
	if len(got) != 4 || len(want) != 4 {
		t.Fatalf("recorded %d attempts, results had %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.URL != w.URL || g.Outcome != w.Outcome || g.Error != w.Error || !g.At.Equal(w.At) || g.Duration != w.Duration {
			t.Errorf("attempt %d = %+v, want %+v", i, g, w)
		}
	}
	if got[0].Error != "HTTP 503 Service Unavailable" {
		t.Errorf("first attempt error %q", got[0].Error)
	}
	fr := CatalogFreshness(third.Loaded, refreshNow, got)
	if fr.LastAttempt == nil || fr.LastAttempt.Outcome != OutcomeNotModified || fr.Level != LevelFresh {
		t.Errorf("freshness from the recorded attempts: %+v", fr)
	}
}

func TestRecordAttemptsKeepsTheLast50(t *testing.T) {
	cache := Cache{Dir: t.TempDir()}
	if got, err := cache.Attempts(); got != nil || err != nil {
		t.Fatalf("no file yet: %v, %v", got, err)
	}
	for batch := range 7 {
		var as []Attempt
		for i := range 10 {
			as = append(as, Attempt{At: refreshNow.Add(time.Duration(batch*10+i) * time.Second), URL: "u", Outcome: OutcomeOK})
		}
		if err := cache.RecordAttempts(as); err != nil {
			t.Fatal(err)
		}
	}
	got, err := cache.Attempts()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != MaxAttempts || !got[0].At.Equal(refreshNow.Add(20*time.Second)) || !got[49].At.Equal(refreshNow.Add(69*time.Second)) {
		t.Errorf("%d attempts from %v to %v; want the last 50, oldest first", len(got), got[0].At, got[len(got)-1].At)
	}
	if err := (Cache{}).RecordAttempts(got); err != nil {
		t.Errorf("a cache without a dir records nothing, quietly: %v", err)
	}
}

func TestRefreshStopsWhenCancelled(t *testing.T) {
	srv := newOrigin(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) })
	f, _ := newFetcher(t, t.TempDir(), srv.URL, srv.URL+"/second")
	ctx, cancel := context.WithCancel(context.Background())
	f.Sleep = func(ctx context.Context, _ time.Duration) error {
		cancel()
		return ctx.Err()
	}
	res := f.Refresh(ctx, embeddedLike(t))
	if res.Outcome != OutcomeError || !errors.Is(res.Err, context.Canceled) || srv.count() != 1 {
		t.Errorf("outcome %s, err %v, %d requests; want a stop after the first", res.Outcome, res.Err, srv.count())
	}
}

func TestSanitizeReason(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"two\nlines\r\n", "two lines"},
		{"\x1b[31mred\x1b[0m", "[31mred [0m"},
		{strings.Repeat("a", 300), strings.Repeat("a", maxReasonLen) + "…"},
	}
	for _, tt := range tests {
		if got := sanitizeReason(tt.in); got != tt.want {
			t.Errorf("sanitizeReason(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRefreshDoesNotRetryARefusedCertificate(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serveCatalog(newerCodex(), "")(0, w, r) }))
	t.Cleanup(srv.Close)
	f, sleeps := newFetcher(t, t.TempDir(), srv.URL) // the client does not trust httptest's certificate
	res := f.Refresh(context.Background(), embeddedLike(t))
	if res.Outcome != OutcomeError || len(res.Attempts) != 1 || len(sleeps.all()) != 0 || !strings.Contains(res.Attempts[0].Error, "certificate") {
		t.Errorf("outcome %s, attempts %+v, waits %v", res.Outcome, res.Attempts, sleeps.all())
	}
}
