package core_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/core"
	"github.com/tierscope/tierscope/mgmt"
	"github.com/tierscope/tierscope/mgmt/mgmttest"
)

const (
	verifyKey  = "verify-test-key-2b81"
	geminiFile = "gemini-g@sample.example-p.json"
	aliasFile  = "codex-alias@sample.example-plus.json"
)

// refSnapshot resolves the recorded auth dir under a rule set and the
// reference catalog.
func refSnapshot(t *testing.T, ruleSet string) *core.Snapshot {
	t.Helper()
	dir, err := auth.NewDir(filepath.Join(reference, "auths"))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := core.Load(context.Background(), dir, refCatalog(t), rules(t, ruleSet), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// liveProxy serves the recorded management API on loopback and returns a
// client for it.
func liveProxy(t *testing.T) (*mgmttest.API, *mgmt.Client) {
	t.Helper()
	api, err := mgmttest.Recorded(reference, verifyKey)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return api, &mgmt.Client{BaseURL: srv.URL, Key: verifyKey, Timeout: 5 * time.Second}
}

// collect runs Verify and gathers every result by file.
func collect(t *testing.T, v core.Verifier, scope core.VerifyScope) (map[string]core.VerifyResult, core.VerifySummary, error) {
	t.Helper()
	got := map[string]core.VerifyResult{}
	sum, err := v.Verify(context.Background(), scope, func(r core.VerifyResult) {
		if _, dup := got[r.File]; dup {
			t.Errorf("%s reported twice", r.File)
		}
		got[r.File] = r
	})
	return got, sum, err
}

func TestVerifyAgainstTheRecordedProxyIsAllEqual(t *testing.T) {
	snap := refSnapshot(t, "upstream")
	api, client := liveProxy(t)
	got, sum, err := collect(t, core.Verifier{Proxy: client}, core.VerifyScope{Accounts: snap.Accounts, OnlyOnProxy: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range snap.Accounts {
		r := got[a.File]
		want := core.VerifyEqual
		if a.File == geminiFile {
			want = core.VerifyNotOnProxy
		}
		if r.Status != want || !r.OK {
			t.Errorf("%s: %s ok=%v (missing %v extra %v); want %s ok", a.File, r.Status, r.OK, r.Missing, r.Extra, want)
		}
	}
	g := got[geminiFile]
	if g.Actual != nil || !strings.Contains(g.Note, "as predicted") {
		t.Errorf("gemini: actual %v note %q; want not fetched, absent as predicted", g.Actual, g.Note)
	}
	want := core.VerifySummary{Total: 30, Equal: 29, NotOnProxy: 1, Expected: 1, ProxyAccounts: 29, Requests: 29, OK: true}
	if sum != want {
		t.Errorf("summary %+v\nwant    %+v", sum, want)
	}
	if s := sum.String(); s != "29 equal, 0 differ, 1 not on proxy (1 as predicted), 0 only on proxy, 0 errors" {
		t.Errorf("summary line %q", s)
	}
	if api.ListRequests() != 1 || slices.Contains(api.ModelRequests(), geminiFile) {
		t.Errorf("list requests %d, models requests %v: want one list and none for the unloaded file", api.ListRequests(), api.ModelRequests())
	}
}

func TestVerifyUnderTheOtherRuleSetFindsTheDrift(t *testing.T) {
	// pr2024 predicts what the hardened proxy would do; the recorded proxy
	// is upstream, so the gate must fail (and say where).
	_, client := liveProxy(t)
	_, sum, err := collect(t, core.Verifier{Proxy: client}, core.VerifyScope{Accounts: refSnapshot(t, "pr2024").Accounts})
	if err != nil {
		t.Fatal(err)
	}
	if sum.OK || sum.Differs == 0 || sum.NotOnProxy != 1 || sum.Expected != 0 {
		t.Errorf("summary %+v: want differences and an unexpected absence (pr2024 loads gemini files)", sum)
	}
}

func TestVerifyReportsDriftAndAccountsOnlyOnTheProxy(t *testing.T) {
	snap := refSnapshot(t, "upstream")
	api, client := liveProxy(t)
	drifted := "codex-6aee5029-team@sample.example-team.json"
	ms := slices.DeleteFunc(slices.Clone(api.Models[drifted]), func(m mgmt.Model) bool { return m.ID == "gpt-5.4-mini" })
	api.Models[drifted] = append(ms, mgmt.Model{ID: "gpt-5.6-sol-max"})
	api.Files = append(api.Files, mgmttest.Entry("codex-fleet@db.example-pro.json", "codex"))

	got, sum, err := collect(t, core.Verifier{Proxy: client}, core.VerifyScope{Accounts: snap.Accounts, OnlyOnProxy: true})
	if err != nil {
		t.Fatal(err)
	}
	d := got[drifted]
	if d.Status != core.VerifyDiffers || d.OK || !slices.Equal(d.Missing, []string{"gpt-5.4-mini"}) || !slices.Equal(d.Extra, []string{"gpt-5.6-sol-max"}) {
		t.Errorf("drifted: %s missing %v extra %v", d.Status, d.Missing, d.Extra)
	}
	o := got["codex-fleet@db.example-pro.json"]
	if o.Status != core.VerifyOnlyOnProxy || o.OK || o.Provider != "codex" || o.Predicted != nil || !strings.Contains(o.Note, "postgres") {
		t.Errorf("only on proxy: %+v", o)
	}
	if sum.OK || sum.Differs != 1 || sum.OnlyOnProxy != 1 || sum.Equal != 28 || sum.Requests != 29 {
		t.Errorf("summary %+v", sum)
	}
	if slices.Contains(api.ModelRequests(), "codex-fleet@db.example-pro.json") {
		t.Error("an account only on the proxy was fetched without being asked for")
	}
}

func TestJudgeAccount(t *testing.T) {
	snap := refSnapshot(t, "upstream")
	acc := func(file string) *core.Account { return snap.Accounts[snap.Find(file)] }
	alias := acc(aliasFile)
	off := acc("codex-off@sample.example-pro.json")
	tests := []struct {
		name           string
		account        *core.Account
		listed         *mgmt.AuthFile
		actual         []string
		status         string
		ok             bool
		missing, extra []string
		note           string
	}{
		{"same models in another order are equal", alias, &mgmt.AuthFile{Name: aliasFile},
			reversed(alias.Models), core.VerifyEqual, true, nil, nil, ""},
		{"one missing, one extra", alias, &mgmt.AuthFile{Name: aliasFile},
			append(slices.Clone(alias.Models[1:]), "zz-new"), core.VerifyDiffers, false, alias.Models[:1], []string{"zz-new"}, ""},
		{"disabled on the proxy only", alias, &mgmt.AuthFile{Name: aliasFile, Disabled: true},
			[]string{}, core.VerifyDiffers, false, alias.Models, nil, "the proxy lists it as disabled"},
		{"a plan the proxy read differently", alias, &mgmt.AuthFile{Name: aliasFile, PlanType: "pro"},
			alias.Models, core.VerifyEqual, true, nil, nil, `the proxy read plan "pro"`},
		{"disabled serves nothing, as predicted", off, &mgmt.AuthFile{Name: off.File, Disabled: true},
			[]string{}, core.VerifyEqual, true, nil, nil, ""},
		{"not loaded, as predicted", acc(geminiFile), nil, nil, core.VerifyNotOnProxy, true, nil, nil, "as predicted"},
		{"not loaded, not predicted", alias, nil, nil, core.VerifyNotOnProxy, false, nil, nil, "did not load it"},
		{"only on the proxy", nil, &mgmt.AuthFile{Name: "x.json", Provider: "claude", Source: "postgres"},
			nil, core.VerifyOnlyOnProxy, false, nil, nil, "postgres store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := core.JudgeAccount(tt.account, tt.listed, tt.actual)
			if r.Status != tt.status || r.OK != tt.ok {
				t.Errorf("%s ok=%v; want %s ok=%v", r.Status, r.OK, tt.status, tt.ok)
			}
			if !slices.Equal(r.Missing, nonNil(tt.missing)) || !slices.Equal(r.Extra, nonNil(tt.extra)) {
				t.Errorf("missing %v extra %v; want %v %v", r.Missing, r.Extra, tt.missing, tt.extra)
			}
			if !strings.Contains(r.Note, tt.note) || (tt.note == "" && r.Note != "") {
				t.Errorf("note %q; want %q", r.Note, tt.note)
			}
		})
	}
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestVerifyNeverRunsMoreThanConcurrencyRequests(t *testing.T) {
	snap := refSnapshot(t, "upstream")
	api, client := liveProxy(t)
	const limit = 3
	// The first `limit` requests wait for each other, so the server sees
	// exactly `limit` at once; any more would show in MaxInFlight.
	var mu sync.Mutex
	arrived := 0
	all := make(chan struct{})
	api.BeforeModels = func(r *http.Request, name string) {
		mu.Lock()
		arrived++
		first := arrived <= limit
		if arrived == limit {
			close(all)
		}
		mu.Unlock()
		if first {
			select {
			case <-all:
			case <-r.Context().Done():
			}
		}
	}
	_, sum, err := collect(t, core.Verifier{Proxy: client, Concurrency: limit}, core.VerifyScope{Accounts: snap.Accounts})
	if err != nil || !sum.OK {
		t.Fatalf("%v %+v", err, sum)
	}
	if got := api.MaxInFlight(); got != limit {
		t.Errorf("at most %d requests at once, want exactly the limit %d", got, limit)
	}
}

func TestVerifyStreamsResultsBeforeASlowAccountAnswers(t *testing.T) {
	snap := refSnapshot(t, "upstream")
	api, client := liveProxy(t)
	release := make(chan struct{})
	api.BeforeModels = func(r *http.Request, name string) {
		if name == aliasFile {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var order []string
	sum, err := core.Verifier{Proxy: client}.Verify(ctx, core.VerifyScope{Accounts: snap.Accounts}, func(r core.VerifyResult) {
		order = append(order, r.File)
		if len(order) == len(snap.Accounts)-1 {
			close(release) // every other account arrived while this one was held
		}
	})
	if err != nil {
		t.Fatalf("%v (a Verify that waits for every answer before reporting never releases the slow one)", err)
	}
	if last := order[len(order)-1]; last != aliasFile || !sum.OK {
		t.Errorf("last result %s, summary %+v", last, sum)
	}
}

func TestVerifySendsRequestsInTheGivenOrder(t *testing.T) {
	snap := refSnapshot(t, "upstream")
	api, client := liveProxy(t)
	selected := snap.Accounts[snap.Find(aliasFile)]
	accounts := append([]*core.Account{selected}, slices.DeleteFunc(slices.Clone(snap.Accounts), func(a *core.Account) bool { return a == selected })...)
	if _, _, err := collect(t, core.Verifier{Proxy: client, Concurrency: 1}, core.VerifyScope{Accounts: accounts}); err != nil {
		t.Fatal(err)
	}
	if reqs := api.ModelRequests(); len(reqs) == 0 || reqs[0] != aliasFile {
		t.Errorf("first request %v, want the selected account first", reqs[:min(1, len(reqs))])
	}
}

func TestVerifyTimeoutIsThatAccountsError(t *testing.T) {
	snap := refSnapshot(t, "upstream")
	api, client := liveProxy(t)
	client.Timeout = 100 * time.Millisecond
	api.BeforeModels = func(r *http.Request, name string) {
		if name == aliasFile {
			<-r.Context().Done() // hangs until the client gives up
		}
	}
	got, sum, err := collect(t, core.Verifier{Proxy: client}, core.VerifyScope{Accounts: snap.Accounts})
	if err != nil {
		t.Fatalf("a per-account timeout must not stop the run: %v", err)
	}
	r := got[aliasFile]
	if r.Status != core.VerifyError || r.Error == nil || !strings.Contains(*r.Error, "timeout") || r.OK || len(r.Missing) != 0 {
		t.Errorf("hanging account: %+v", r)
	}
	if sum.Errors != 1 || sum.Equal != 28 || sum.OK {
		t.Errorf("summary %+v", sum)
	}
}

func TestVerifyNamesNotOnDisk(t *testing.T) {
	api, client := liveProxy(t)
	api.Files = append(api.Files, mgmttest.Entry("fleet.json", "claude"))
	api.Models["fleet.json"] = []mgmt.Model{{ID: "claude-opus-5"}}
	got, _, err := collect(t, core.Verifier{Proxy: client}, core.VerifyScope{Names: []string{"fleet.json", "nowhere.json"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := got["fleet.json"]; r.Status != core.VerifyOnlyOnProxy || !slices.Equal(r.Actual, []string{"claude-opus-5"}) {
		t.Errorf("named proxy-only account: %+v", r)
	}
	if r := got["nowhere.json"]; r.Status != core.VerifyError || r.Error == nil {
		t.Errorf("unknown name: %+v", r)
	}
}

// fakeProxy lists accounts and fails models requests as told.
type fakeProxy struct {
	files    []mgmt.AuthFile
	modelErr error
	mu       sync.Mutex
	calls    int
}

func (f *fakeProxy) AuthFiles(context.Context) ([]mgmt.AuthFile, error) { return f.files, nil }

func (f *fakeProxy) Models(ctx context.Context, name string) ([]mgmt.Model, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	if f.modelErr != nil {
		return nil, f.modelErr
	}
	return []mgmt.Model{}, ctx.Err()
}

func listedAll(snap *core.Snapshot) []mgmt.AuthFile {
	var out []mgmt.AuthFile
	for _, a := range snap.Accounts {
		out = append(out, mgmt.AuthFile{Name: a.File})
	}
	return out
}

func TestVerifyStopsWhenEveryRequestWouldFail(t *testing.T) {
	snap := refSnapshot(t, "upstream")
	wrongKey := &mgmt.Error{Kind: mgmt.KindWrongKey, Status: 401, URL: "http://127.0.0.1:1", Reason: "refused"}
	fake := &fakeProxy{files: listedAll(snap), modelErr: wrongKey}
	reported := 0
	_, err := core.Verifier{Proxy: fake, Concurrency: 1}.Verify(context.Background(), core.VerifyScope{Accounts: snap.Accounts},
		func(r core.VerifyResult) {
			if r.Status == core.VerifyError {
				reported++
			}
		})
	if !errors.Is(err, wrongKey) {
		t.Fatalf("got %v, want the refused key", err)
	}
	if reported != 0 || fake.calls != 1 {
		t.Errorf("%d error results, %d requests: want a stop at the first refusal", reported, fake.calls)
	}
}

func TestVerifyHonoursCancellation(t *testing.T) {
	snap := refSnapshot(t, "upstream")
	ctx, cancel := context.WithCancel(context.Background())
	fake := &fakeProxy{files: listedAll(snap)}
	n := 0
	_, err := core.Verifier{Proxy: fake, Concurrency: 2}.Verify(ctx, core.VerifyScope{Accounts: snap.Accounts}, func(core.VerifyResult) {
		if n++; n == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if fake.calls >= len(snap.Accounts) {
		t.Errorf("%d requests after cancelling at 3", fake.calls)
	}
}

func TestVerifyProgressCountsToTheEndWithAnETA(t *testing.T) {
	snap := refSnapshot(t, "upstream")
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var ps []core.VerifyProgress
	v := core.Verifier{
		Proxy:       &fakeProxy{files: listedAll(snap)[1:]}, // the first file is not loaded
		Concurrency: 1,
		Now:         func() time.Time { clock = clock.Add(time.Second); return clock },
		OnProgress:  func(p core.VerifyProgress) { ps = append(ps, p) },
	}
	if _, err := v.Verify(context.Background(), core.VerifyScope{Accounts: snap.Accounts}, nil); err != nil {
		t.Fatal(err)
	}
	first, mid, last := ps[0], ps[len(ps)/2], ps[len(ps)-1]
	if first.Done != 0 || first.Total != 30 || first.Requests != 29 {
		t.Errorf("first progress %+v", first)
	}
	if mid.ETA <= 0 || mid.RequestsDone == 0 || mid.RequestsDone == mid.Requests {
		t.Errorf("mid-run progress %+v: want an ETA", mid)
	}
	if last.Done != last.Total || last.RequestsDone != 29 || last.ETA != 0 || len(ps) != 31 {
		t.Errorf("last progress %+v after %d calls", last, len(ps))
	}
}
