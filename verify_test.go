package main

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierscope/tierscope/core"
	"github.com/tierscope/tierscope/mgmt"
	"github.com/tierscope/tierscope/mgmt/mgmttest"
)

const (
	mgmtRef     = "testdata/reference/proxy-a7e3596"
	mgmtKey     = "cli-verify-key-5d0e91"
	mgmtGemini  = "gemini-g@sample.example-p.json"
	mgmtDrifted = "codex-6aee5029-team@sample.example-team.json"
)

// recordedProxy serves the real proxy's recorded management API on
// loopback: its auth-files list and what it registered for each file.
func recordedProxy(t *testing.T) (*mgmttest.API, string) {
	t.Helper()
	api, err := mgmttest.Recorded(mgmtRef, mgmtKey)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return api, srv.URL
}

// verifyArgs predict under the rules the recorded proxy runs.
func verifyArgs(url string, more ...string) []string {
	return append([]string{"verify", "--rules", "upstream", "--catalog", refModels, "--auth-dir", refDir, "--management-url", url}, more...)
}

var keyEnv = map[string]string{"TIERSCOPE_MANAGEMENT_KEY": mgmtKey}

type verifyOut struct {
	Accounts []struct {
		File      string   `json:"file"`
		Provider  string   `json:"provider"`
		Status    string   `json:"status"`
		OK        bool     `json:"ok"`
		Predicted []string `json:"predicted"`
		Actual    []string `json:"actual"`
		Missing   []string `json:"missing"`
		Extra     []string `json:"extra"`
		Error     *string  `json:"error"`
	} `json:"accounts"`
	Summary struct {
		Total, Equal, Differs, Errors int
		NotOnProxy                    int  `json:"not_on_proxy"`
		Expected                      int  `json:"not_on_proxy_as_predicted"`
		OnlyOnProxy                   int  `json:"only_on_proxy"`
		Requests                      int  `json:"requests"`
		OK                            bool `json:"ok"`
	} `json:"summary"`
}

func decodeVerify(t *testing.T, r result) verifyOut {
	t.Helper()
	var v verifyOut
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("verify --json: %v\n%s\nstderr %s", err, r.stdout, r.stderr)
	}
	return v
}

func (v verifyOut) status(file string) string {
	for _, a := range v.Accounts {
		if a.File == file {
			return a.Status
		}
	}
	return "(absent)"
}

func TestVerifyTheRecordedProxyServesWhatUpstreamPredicts(t *testing.T) {
	_, url := recordedProxy(t)
	r := runCLI(t, keyEnv, verifyArgs(url)...)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q (no progress line when stderr is not a terminal)", r.code, r.stderr)
	}
	if r.stdout != "29 equal, 0 differ, 1 not on proxy (1 as predicted), 0 only on proxy, 0 errors\n" {
		t.Errorf("stdout %q: want only the summary line", r.stdout)
	}

	j := runCLI(t, keyEnv, verifyArgs(url, "--json")...)
	v := decodeVerify(t, j)
	if j.code != 0 || len(v.Accounts) != 30 || !v.Summary.OK || v.Summary.Equal != 29 || v.Summary.Requests != 29 {
		t.Fatalf("exit %d, %d accounts, summary %+v", j.code, len(v.Accounts), v.Summary)
	}
	for _, a := range v.Accounts {
		want := "equal"
		if a.File == mgmtGemini {
			want = "not_on_proxy" // the real proxy did not load it, as upstream predicts
		}
		if a.Status != want || !a.OK || !slices.Equal(a.Missing, []string{}) || !slices.Equal(a.Extra, []string{}) {
			t.Errorf("%s: %s ok=%v missing %v extra %v", a.File, a.Status, a.OK, a.Missing, a.Extra)
		}
		if want == "equal" && !slices.Equal(a.Predicted, a.Actual) {
			t.Errorf("%s: predicted %v actual %v", a.File, a.Predicted, a.Actual)
		}
	}
}

func TestVerifyDriftFailsTheGateAndListsAccountsOnlyOnTheProxy(t *testing.T) {
	api, url := recordedProxy(t)
	ms := slices.DeleteFunc(slices.Clone(api.Models[mgmtDrifted]), func(m mgmt.Model) bool { return m.ID == "gpt-5.4-mini" })
	api.Models[mgmtDrifted] = append(ms, mgmt.Model{ID: "gpt-5.6-sol-max"})
	api.Files = append(api.Files, mgmttest.Entry("claude-fleet@db.example.json", "claude"))

	r := runCLI(t, keyEnv, verifyArgs(url)...)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (stderr %q)", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "FILE") || !strings.Contains(lines[0], "STATUS") {
		t.Fatalf("want a header, two rows and the summary:\n%s", r.stdout)
	}
	if !strings.HasPrefix(lines[1], "claude-fleet@db.example.json") || !strings.Contains(lines[1], "only_on_proxy") {
		t.Errorf("row %q", lines[1])
	}
	if !strings.HasPrefix(lines[2], mgmtDrifted) || !strings.Contains(lines[2], "missing gpt-5.4-mini; extra gpt-5.6-sol-max") {
		t.Errorf("row %q", lines[2])
	}
	if strings.Index(lines[1], "only_on_proxy") != strings.Index(lines[0], "STATUS") || strings.Index(lines[2], "differs") != strings.Index(lines[0], "STATUS") {
		t.Errorf("columns are not aligned:\n%s", r.stdout)
	}
	if lines[3] != "28 equal, 1 differs, 1 not on proxy (1 as predicted), 1 only on proxy, 0 errors" {
		t.Errorf("summary %q", lines[3])
	}

	v := decodeVerify(t, runCLI(t, keyEnv, verifyArgs(url, "--json")...))
	for _, a := range v.Accounts {
		if a.File == mgmtDrifted && (!slices.Equal(a.Missing, []string{"gpt-5.4-mini"}) || !slices.Equal(a.Extra, []string{"gpt-5.6-sol-max"})) {
			t.Errorf("drifted: missing %v extra %v", a.Missing, a.Extra)
		}
		if a.File == "claude-fleet@db.example.json" && (a.Status != "only_on_proxy" || a.Provider != "claude" || a.Predicted != nil) {
			t.Errorf("only on proxy: %+v", a)
		}
	}
	if v.Summary.OK || v.Summary.Differs != 1 || v.Summary.OnlyOnProxy != 1 {
		t.Errorf("summary %+v", v.Summary)
	}
}

func TestVerifyKeyProblemsExitTwoWithOneLineAndNeverShowTheKey(t *testing.T) {
	_, url := recordedProxy(t)
	wrong := "wrong-key-0c7d55aa"
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"wrong key", map[string]string{"TIERSCOPE_MANAGEMENT_KEY": wrong}, `"invalid management key", HTTP 401`},
		{"no key", nil, "set TIERSCOPE_MANAGEMENT_KEY"},
		{"blank key", map[string]string{"TIERSCOPE_MANAGEMENT_KEY": "  \n"}, "set TIERSCOPE_MANAGEMENT_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, args := range [][]string{verifyArgs(url), verifyArgs(url, "--json")} {
				r := runCLI(t, tt.env, args...)
				if r.code != 2 || r.stdout != "" {
					t.Errorf("exit %d stdout %q, want 2 and nothing", r.code, r.stdout)
				}
				if strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tt.want) {
					t.Errorf("stderr %q: want one line with %q", r.stderr, tt.want)
				}
				for _, k := range []string{mgmtKey, wrong} {
					if strings.Contains(r.stdout+r.stderr, k) {
						t.Errorf("a key was printed: %q", r.stderr)
					}
				}
			}
		})
	}
}

func TestVerifyAHangingAccountTimesOutAndTheCommandEnds(t *testing.T) {
	api, url := recordedProxy(t)
	shortTimeout(t)
	api.BeforeModels = func(r *http.Request, name string) {
		if name == mgmtDrifted {
			<-r.Context().Done() // never answers
		}
	}
	r := runCLI(t, keyEnv, verifyArgs(url, "--json")...)
	v := decodeVerify(t, r)
	if r.code != 1 || v.Summary.Errors != 1 || v.Summary.Equal != 28 {
		t.Fatalf("exit %d, summary %+v", r.code, v.Summary)
	}
	for _, a := range v.Accounts {
		if a.File == mgmtDrifted && (a.Status != "error" || a.Error == nil || !strings.Contains(*a.Error, "timeout")) {
			t.Errorf("hanging account: %s %v", a.Status, a.Error)
		}
	}
	text := runCLI(t, keyEnv, verifyArgs(url)...)
	if !strings.Contains(text.stdout, mgmtDrifted) || !strings.Contains(text.stdout, "1 error\n") {
		t.Errorf("text:\n%s", text.stdout)
	}
}

func TestVerifyCannotRunExitsTwoWithOneLine(t *testing.T) {
	shortTimeout(t)
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(hanging.Close)
	disabled := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(disabled.Close)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String()
	l.Close()
	_, url := recordedProxy(t)

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"proxy down", verifyArgs(down), "connection refused"},
		{"account list hangs", verifyArgs(hanging.URL), "timeout"},
		{"management API disabled", verifyArgs(disabled.URL), "management API is disabled"},
		{"no management URL", []string{"verify", "--auth-dir", refDir}, "--management-url"},
		{"not a URL", verifyArgs("127.0.0.1:8317"), "want an http:// or https:// URL"},
		{"remote URL offline", verifyArgs("http://proxy.example:8317", "--offline"), "--offline"},
		{"negative sample", verifyArgs(url, "--sample", "-1"), "--sample"},
		{"sample and files", verifyArgs(url, "--sample", "2", "kimi-k.json"), "do not go together"},
		{"no concurrency", verifyArgs(url, "--concurrency", "0"), "--concurrency"},
		{"sample on another command", []string{"list", "--auth-dir", refDir, "--sample", "2"}, "does not apply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, keyEnv, tt.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", r.code, r.stderr)
			}
			if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "tierscope: ") || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q: want one line mentioning %q", r.stderr, tt.want)
			}
		})
	}
}

func TestVerifySampleIsEvenlySpreadAndStable(t *testing.T) {
	api, url := recordedProxy(t)
	r := runCLI(t, keyEnv, verifyArgs(url, "--json", "--sample", "3")...)
	v := decodeVerify(t, r)
	var files []string
	for _, a := range v.Accounts {
		files = append(files, a.File)
	}
	// 30 files sorted by name: positions 0, 10 and 20.
	want := []string{"aistudio-s.json", "codex-77c7d2de-pro@sample.example-pro.json", "codex-f4db5921-enterprise@sample.example-enterprise.json"}
	if r.code != 0 || !slices.Equal(files, want) {
		t.Errorf("exit %d, sample %v\nwant %v", r.code, files, want)
	}
	if got := api.ModelRequests(); !slices.Equal(sorted(got), want) {
		t.Errorf("requests %v, want one per sampled account", got)
	}
	text := runCLI(t, keyEnv, verifyArgs(url, "--sample", "3")...)
	if !strings.Contains(text.stdout, "3 equal") || !strings.Contains(text.stdout, "a sample of 3 of 30 accounts") {
		t.Errorf("text %q", text.stdout)
	}
}

func TestVerifyNamedFilesOnly(t *testing.T) {
	api, url := recordedProxy(t)
	api.Files = append(api.Files, mgmttest.Entry("claude-fleet@db.example.json", "claude"))
	api.Models["claude-fleet@db.example.json"] = []mgmt.Model{{ID: "claude-opus-5"}}
	r := runCLI(t, keyEnv, verifyArgs(url, "--json", "kimi-k.json", refDir+"/"+mgmtGemini, "kimi-k.json")...)
	v := decodeVerify(t, r)
	if r.code != 0 || len(v.Accounts) != 2 || v.status("kimi-k.json") != "equal" || v.status(mgmtGemini) != "not_on_proxy" {
		t.Errorf("exit %d, accounts %+v", r.code, v.Accounts)
	}
	if got := api.ModelRequests(); !slices.Equal(got, []string{"kimi-k.json"}) {
		t.Errorf("requests %v, want only the named, loaded file", got)
	}

	r = runCLI(t, keyEnv, verifyArgs(url, "--json", "claude-fleet@db.example.json", "nowhere.json")...)
	v = decodeVerify(t, r)
	if r.code != 1 || v.status("claude-fleet@db.example.json") != "only_on_proxy" || v.status("nowhere.json") != "error" {
		t.Errorf("exit %d, accounts %+v", r.code, v.Accounts)
	}
}

func TestVerifyKeepsToTheConcurrencyAndReadsTheURLFromTheEnvironment(t *testing.T) {
	api, url := recordedProxy(t)
	api.BeforeModels = func(*http.Request, string) { time.Sleep(5 * time.Millisecond) }
	env := map[string]string{"TIERSCOPE_MANAGEMENT_KEY": mgmtKey, "TIERSCOPE_MANAGEMENT_URL": url}
	r := runCLI(t, env, "verify", "--rules", "upstream", "--catalog", refModels, "--auth-dir", refDir, "--concurrency", "2")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got := api.MaxInFlight(); got > 2 {
		t.Errorf("%d requests at once with --concurrency 2", got)
	}
}

func TestProgressLineRedrawsOneLineAndClearsIt(t *testing.T) {
	var b strings.Builder
	p := &progressLine{w: &b}
	p.update(core.VerifyProgress{Done: 0, Total: 30, Requests: 29, Concurrency: 8})
	p.update(core.VerifyProgress{Done: 30, Total: 30, RequestsDone: 29, Requests: 29, Concurrency: 8})
	p.clear()
	out := b.String()
	if strings.Contains(out, "\n") || !strings.Contains(out, "verify: 30/30 accounts") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("progress output %q", out)
	}
	var none *progressLine
	none.update(core.VerifyProgress{Done: 1, Total: 2, ETA: time.Second}) // no terminal: draws nothing, no panic
	none.clear()
}

// shortTimeout makes every management request give up quickly.
func shortTimeout(t *testing.T) {
	saved := mgmtTimeout
	mgmtTimeout = 150 * time.Millisecond
	t.Cleanup(func() { mgmtTimeout = saved })
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
