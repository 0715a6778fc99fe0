package main

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// refreshCatalog is the embedded catalog with gpt-5.7 added to codex-plus.
func refreshCatalog(t *testing.T) []byte {
	t.Helper()
	const plus = `"codex-plus": [`
	data := string(catalog.EmbeddedBytes())
	if !strings.Contains(data, plus) {
		t.Fatal("the embedded catalog's layout changed")
	}
	return []byte(strings.Replace(data, plus, plus+`{"id": "gpt-5.7", "display_name": "GPT-5.7"},`, 1))
}

// refreshAffected is how many reference accounts gpt-5.7 in codex-plus
// reaches, computed through core directly.
func refreshAffected(t *testing.T, next []byte) int {
	t.Helper()
	rules, err := core.LookupRuleSet("pr2024")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.ParseValid(next)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(refDir)
	snap, err := loadSnapshot(&auth.Dir{Root: abs}, catalog.Embedded(), rules)
	if err != nil {
		t.Fatal(err)
	}
	n := snap.AccountsAffected(cat)
	if n == 0 {
		t.Fatal("the reference dir has no account that sees codex-plus")
	}
	return n
}

// refreshServer serves body with an ETag, answers If-None-Match with 304,
// and records the conditions it was sent.
type refreshServer struct {
	*httptest.Server
	mu         sync.Mutex
	conditions []string
}

func newRefreshServer(t *testing.T, body []byte, etag string) *refreshServer {
	t.Helper()
	s := &refreshServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.conditions = append(s.conditions, r.Header.Get("If-None-Match"))
		s.mu.Unlock()
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *refreshServer) sent() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.conditions...)
}

type refreshOut struct {
	Outcome          string                         `json:"outcome"`
	Summary          string                         `json:"summary"`
	Source           string                         `json:"source"`
	URL              string                         `json:"url"`
	ETag             string                         `json:"etag"`
	SHA256           string                         `json:"sha256"`
	FetchedAt        time.Time                      `json:"fetched_at"`
	CheckedAt        time.Time                      `json:"checked_at"`
	Sections         map[string]catalog.SectionDiff `json:"sections"`
	AccountsAffected *int                           `json:"accounts_affected"`
	Attempts         []catalog.Attempt              `json:"attempts"`
	Error            *string                        `json:"error"`
}

func decodeRefresh(t *testing.T, r result) refreshOut {
	t.Helper()
	var out refreshOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("catalog refresh --json: %v\n%s\nstderr %s", err, r.stdout, r.stderr)
	}
	return out
}

type catalogOut struct {
	Source      string           `json:"source"`
	URL         string           `json:"url"`
	ETag        string           `json:"etag"`
	SHA256      string           `json:"sha256"`
	Level       string           `json:"level"`
	LastAttempt *catalog.Attempt `json:"last_attempt"`
}

func decodeCatalog(t *testing.T, r result) catalogOut {
	t.Helper()
	var out catalogOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 {
		t.Fatalf("catalog --json: exit %d %v\n%s", r.code, err, r.stderr)
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestCatalogRefreshFetchesCachesThenSaysNotModified(t *testing.T) {
	body := refreshCatalog(t)
	srv := newRefreshServer(t, body, `"v1"`)
	u := srv.URL + "/models.json"
	env := map[string]string{"TIERSCOPE_CACHE_DIR": t.TempDir()}
	n := refreshAffected(t, body)

	r := runCLI(t, env, "catalog", "refresh", "--catalog-url", u, "--auth-dir", refDir)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := "catalog refreshed: codex-plus +1: gpt-5.7; " + strconv.Itoa(n) + " accounts affected"
	if got := firstLine(r.stdout); got != want {
		t.Errorf("first line %q\nwant       %q", got, want)
	}
	if !strings.Contains(r.stdout, "remote "+u) || !strings.Contains(r.stdout, catalog.Digest(body)[:12]) || !strings.Contains(r.stdout, `"v1"`) {
		t.Errorf("the output does not say where the catalog came from:\n%s", r.stdout)
	}

	r = runCLI(t, env, "catalog", "refresh", "--catalog-url", u, "--auth-dir", refDir)
	if r.code != 0 || r.stderr != "" || firstLine(r.stdout) != "catalog not modified" {
		t.Fatalf("second run: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if got := srv.sent(); len(got) != 2 || got[0] != "" || got[1] != `"v1"` {
		t.Errorf("If-None-Match sent %q; want none, then the cached ETag", got)
	}

	r = runCLI(t, env, "catalog", "refresh", "--json", "--catalog-url", u, "--auth-dir", refDir)
	out := decodeRefresh(t, r)
	if r.code != 0 || out.Outcome != "not_modified" || out.Source != "cache" || out.URL != u || out.ETag != `"v1"` ||
		out.SHA256 != catalog.Digest(body) || out.Error != nil || len(out.Sections) != 0 || out.AccountsAffected == nil || *out.AccountsAffected != 0 ||
		len(out.Attempts) != 1 || out.Attempts[0].Outcome != "not_modified" || !out.CheckedAt.After(out.FetchedAt) {
		t.Errorf("not modified --json: exit %d %+v", r.code, out)
	}

	// The headless freshness view reads the cache and the recorded attempts.
	c := decodeCatalog(t, runCLI(t, env, "catalog", "--json"))
	if c.Source != "cache" || c.URL != u || c.ETag != `"v1"` || c.Level != "fresh" ||
		c.LastAttempt == nil || c.LastAttempt.Outcome != "not_modified" || c.LastAttempt.URL != u {
		t.Errorf("catalog --json after refreshes: %+v (last %+v)", c, c.LastAttempt)
	}
	if r := runCLI(t, env, "catalog"); !strings.Contains(r.stdout, "last refresh") || !strings.Contains(r.stdout, "not modified "+"("+u) {
		t.Errorf("catalog text lacks the last attempt:\n%s", r.stdout)
	}
	// list uses the refreshed catalog from the cache: plus accounts see gpt-5.7.
	r = runCLI(t, env, "list", "--json", "--auth-dir", refDir, "--tier", "plus")
	for _, row := range decodeRows(t, r.stdout) {
		if !strings.Contains(strings.Join(row.Models, " "), "gpt-5.7") {
			t.Errorf("%s does not see gpt-5.7 after the refresh", row.File)
		}
	}
}

func TestCatalogRefreshJSONAfterAChange(t *testing.T) {
	body := refreshCatalog(t)
	srv := newRefreshServer(t, body, `"v2"`)
	u := srv.URL + "/models.json"
	env := map[string]string{"TIERSCOPE_CATALOG_URL": u} // the environment names the URL
	r := runCLI(t, env, "catalog", "refresh", "--json", "--auth-dir", refDir)
	out := decodeRefresh(t, r)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	plus, ok := out.Sections["codex-plus"]
	if out.Outcome != "ok" || out.Source != "remote" || out.URL != u || out.ETag != `"v2"` || out.SHA256 != catalog.Digest(body) ||
		!ok || len(plus.Added) != 1 || plus.Added[0] != "gpt-5.7" || len(out.Sections) != 1 ||
		out.AccountsAffected == nil || *out.AccountsAffected != refreshAffected(t, body) ||
		len(out.Attempts) != 1 || out.Attempts[0].Outcome != "ok" || out.Error != nil || !out.FetchedAt.Equal(out.CheckedAt) {
		t.Errorf("refresh --json: %+v", out)
	}
	var raw map[string]json.RawMessage
	json.Unmarshal([]byte(r.stdout), &raw)
	for _, key := range []string{"outcome", "source", "url", "etag", "sha256", "fetched_at", "checked_at", "sections", "accounts_affected", "attempts", "error"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("refresh --json lacks %q", key)
		}
	}
}

func TestCatalogRefreshWithoutAnAuthDirGivesTheCatalogPartOnly(t *testing.T) {
	body := refreshCatalog(t)
	srv := newRefreshServer(t, body, `"v3"`)
	gone := filepath.Join(t.TempDir(), "no-auth-dir")
	r := runCLI(t, nil, "catalog", "refresh", "--catalog-url", srv.URL, "--auth-dir", gone)
	if r.code != 0 || firstLine(r.stdout) != "catalog refreshed: codex-plus +1: gpt-5.7" {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, nil, "catalog", "refresh", "--json", "--catalog-url", srv.URL, "--auth-dir", gone)
	if out := decodeRefresh(t, r); out.Outcome != "ok" || out.AccountsAffected != nil || !strings.Contains(r.stdout, `"accounts_affected": null`) {
		t.Errorf("refresh --json without an auth dir: %+v", out)
	}
}

func TestCatalogRefreshFailureExitsTwoWithOneLine(t *testing.T) {
	invalid := newRefreshServer(t, []byte(`{"codex-free": [{"id": "a"}], "codex-team": [{"id": "a"}], "codex-plus": [{"id": "a"}]}`), `"x"`)
	var busyHits atomic.Int64
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		busyHits.Add(1)
		http.Error(w, "<html>maintenance page with details</html>", http.StatusServiceUnavailable)
	}))
	t.Cleanup(busy.Close)
	env := map[string]string{"TIERSCOPE_CACHE_DIR": t.TempDir()}
	args := []string{"catalog", "refresh", "--catalog-url", invalid.URL, "--catalog-url", busy.URL, "--auth-dir", refDir}

	r := runCLI(t, env, args...)
	if r.code != 2 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q; want 2 and nothing", r.code, r.stdout)
	}
	if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "tierscope: catalog refresh failed: ") ||
		!strings.Contains(r.stderr, "missing section codex-pro") || !strings.Contains(r.stderr, "HTTP 503 Service Unavailable") ||
		!strings.Contains(r.stderr, "keeping the embedded catalog") || strings.Contains(r.stderr, "maintenance page") {
		t.Errorf("stderr %q", r.stderr)
	}
	if busyHits.Load() != 3 {
		t.Errorf("the 503 server was asked %d times, want 3 (two retries)", busyHits.Load())
	}

	c := decodeCatalog(t, runCLI(t, env, "catalog", "--json"))
	if c.Source != "embedded" || c.Level != "old" || c.LastAttempt == nil || c.LastAttempt.Outcome != "error" || c.LastAttempt.URL != busy.URL {
		t.Errorf("catalog --json after a failure: %+v (last %+v)", c, c.LastAttempt)
	}

	r = runCLI(t, env, "catalog", "refresh", "--json", "--catalog-url", invalid.URL, "--auth-dir", refDir)
	out := decodeRefresh(t, r)
	if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || out.Outcome != "error" || out.Error == nil ||
		!strings.Contains(*out.Error, "missing section codex-pro") || out.Source != "embedded" || len(out.Attempts) != 1 {
		t.Errorf("failure --json: exit %d %+v; stderr %q", r.code, out, r.stderr)
	}
}

// silentPort is a listener that nobody should connect to; connected
// reports whether someone did (a finished handshake waits in the backlog).
func silentPort(t *testing.T) (addr string, connected func() bool) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String(), func() bool {
		ln.(*net.TCPListener).SetDeadline(time.Now().Add(200 * time.Millisecond))
		c, err := ln.Accept()
		if err == nil {
			c.Close()
			return true
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("accept: %v", err)
		}
		return false
	}
}

func TestCatalogRefreshRefusesWithoutTouchingTheNetwork(t *testing.T) {
	addr, connected := silentPort(t)
	u := "http://" + addr + "/models.json"
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"--offline", nil, []string{"--offline", "catalog", "refresh", "--catalog-url", u}, "--offline"},
		{"TIERSCOPE_OFFLINE", map[string]string{"TIERSCOPE_OFFLINE": "1", "TIERSCOPE_CATALOG_URL": u}, []string{"catalog", "refresh", "--json"}, "TIERSCOPE_OFFLINE"},
		{"--catalog FILE", nil, []string{"catalog", "refresh", "--catalog", refModels, "--catalog-url", u}, "--catalog " + refModels},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, tt.args...)
			if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and one line naming %s", r.code, r.stdout, r.stderr, tt.want)
			}
			if connected() {
				t.Error("a connection was made")
			}
		})
	}
	// Other headless commands never fetch, whatever URL and proxy are set.
	env := map[string]string{"TIERSCOPE_CATALOG_URL": u, "TIERSCOPE_PROXY": "http://" + addr, "HTTPS_PROXY": "http://" + addr}
	for _, args := range [][]string{
		{"catalog"}, {"catalog", "--json"}, {"list", "--auth-dir", refDir}, {"diff", "--tiers", "plus,pro"},
		{"show", "--auth-dir", refDir, "codex-448e743f-plus@sample.example-plus.json"},
	} {
		if r := runCLI(t, env, args...); r.code > 1 {
			t.Errorf("%q: exit %d: %s", args, r.code, r.stderr)
		}
		if connected() {
			t.Errorf("%q made a connection", args)
		}
	}
}

func TestCatalogRefreshUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a URL that is not http", []string{"catalog", "refresh", "--catalog-url", "ftp://example.org/models.json"}, "--catalog-url"},
		{"a proxy of an unknown kind", []string{"catalog", "refresh", "--proxy", "gopher://127.0.0.1:70"}, "--proxy"},
		{"an extra argument", []string{"catalog", "refresh", "now"}, "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.args...)
			if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and one line naming %s", r.code, r.stderr, tt.want)
			}
		})
	}
}

// TestCatalogRefreshUsesTheProxy: the catalog URL names a host only the
// proxy answers, so success proves the proxy carried the request. The
// proxy comes from --proxy, TIERSCOPE_PROXY, or HTTP_PROXY (read through
// the environment the program was given, not the process's).
func TestCatalogRefreshUsesTheProxy(t *testing.T) {
	body := refreshCatalog(t)
	var proxied atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !r.URL.IsAbs() || r.URL.Host != "catalog.tierscope.test" {
			http.Error(w, "not a proxy request for the test host", http.StatusBadGateway)
			return
		}
		proxied.Add(1)
		w.Write(body)
	}))
	t.Cleanup(proxy.Close)
	u := "http://catalog.tierscope.test/models.json"
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"--proxy", nil, []string{"--proxy", proxy.URL}},
		{"TIERSCOPE_PROXY", map[string]string{"TIERSCOPE_PROXY": proxy.URL}, nil},
		{"HTTP_PROXY", map[string]string{"HTTP_PROXY": proxy.URL}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := proxied.Load()
			args := append([]string{"catalog", "refresh", "--catalog-url", u, "--auth-dir", refDir}, tt.args...)
			r := runCLI(t, tt.env, args...)
			if r.code != 0 || !strings.HasPrefix(r.stdout, "catalog refreshed: codex-plus +1: gpt-5.7") || proxied.Load() != before+1 {
				t.Errorf("exit %d, %d proxied; stdout %q stderr %q", r.code, proxied.Load()-before, r.stdout, r.stderr)
			}
		})
	}
}
