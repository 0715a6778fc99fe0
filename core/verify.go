package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tierscope/tierscope/mgmt"
)

// ProxyAPI is what a running proxy says about itself: the accounts it
// loaded and the models it registered for each. *mgmt.Client is one.
type ProxyAPI interface {
	AuthFiles(ctx context.Context) ([]mgmt.AuthFile, error)
	Models(ctx context.Context, name string) ([]mgmt.Model, error)
}

// Verification statuses (stable: used in JSON and the UI).
const (
	VerifyEqual       = "equal"         // the proxy serves exactly the predicted models
	VerifyDiffers     = "differs"       // see Missing and Extra
	VerifyNotOnProxy  = "not_on_proxy"  // on disk, but the proxy did not load it
	VerifyOnlyOnProxy = "only_on_proxy" // the proxy has it, the auth dir does not (another store)
	VerifyError       = "error"         // its models could not be fetched
)

// DefaultVerifyConcurrency is how many models requests run at once when
// Verifier.Concurrency is not set. The proxy scans every account per
// request (~125 ms at 10,000 accounts), so 8 cut a full verify from ~20
// minutes to ~2.6 without crowding a proxy that also serves traffic.
const DefaultVerifyConcurrency = 8

// VerifyResult is one account's prediction against what the proxy serves.
type VerifyResult struct {
	File     string `json:"file"`
	Provider string `json:"provider"`
	Status   string `json:"status"`
	// OK is false when a deploy gate should fail on this account: it
	// differs, could not be checked, is only on the proxy, or the proxy did
	// not load it although tierscope predicts it would.
	OK        bool     `json:"ok"`
	Predicted []string `json:"predicted"` // sorted; null when not on disk
	Actual    []string `json:"actual"`    // sorted; null when not fetched
	Missing   []string `json:"missing"`   // predicted, not served
	Extra     []string `json:"extra"`     // served, not predicted
	Error     *string  `json:"error"`
	Note      string   `json:"note,omitempty"` // a hint for people, e.g. "the proxy lists it as disabled"

	Account *Account       `json:"-"` // nil when only on the proxy
	Proxy   *mgmt.AuthFile `json:"-"` // nil when the proxy does not list it
}

// JudgeAccount compares one account with what the proxy lists for it and
// the model ids it serves (any order; nil when not fetched). a is nil for
// an account only on the proxy; listed is nil when the proxy did not load
// the file. It does no I/O.
func JudgeAccount(a *Account, listed *mgmt.AuthFile, actual []string) VerifyResult {
	r := VerifyResult{Account: a, Proxy: listed, Missing: []string{}, Extra: []string{}}
	if actual != nil {
		r.Actual = sortedIDs(actual)
	}
	switch {
	case a == nil && listed == nil:
		msg := "not in the auth dir, and the proxy does not list it"
		r.Status, r.Error = VerifyError, &msg
		return r
	case a == nil:
		r.File, r.Provider, r.Status = listed.Name, listed.ProviderName(), VerifyOnlyOnProxy
		r.Note = "not in the auth dir"
		if src := listed.Source; src != "" && src != "file" {
			r.Note += " (the proxy's " + src + " store)"
		}
		return r
	}
	r.File, r.Provider = a.File, a.Provider
	r.Predicted = sortedIDs(a.Models)
	if listed == nil {
		r.Status = VerifyNotOnProxy
		r.OK = predictedUnloaded(a)
		switch {
		case a.HasWarning(WarnNotLoaded):
			r.Note = fmt.Sprintf("as predicted: the proxy does not load %s files", a.Provider)
		case a.Error != nil:
			r.Note = "as predicted: the file does not parse"
		default:
			r.Note = fmt.Sprintf("the proxy did not load it; %d model(s) predicted", len(r.Predicted))
		}
		return r
	}
	r.Missing, r.Extra = CompareModels(r.Predicted, r.Actual)
	r.Status, r.OK = VerifyEqual, true
	if len(r.Missing) > 0 || len(r.Extra) > 0 {
		r.Status, r.OK = VerifyDiffers, false
	}
	r.Note = proxyNote(a, listed)
	return r
}

// CompareModels returns the ids predicted but not served and those served
// but not predicted, each sorted.
func CompareModels(predicted, actual []string) (missing, extra []string) {
	missing, extra = []string{}, []string{}
	served := make(map[string]bool, len(actual))
	for _, id := range actual {
		served[id] = true
	}
	want := make(map[string]bool, len(predicted))
	for _, id := range predicted {
		want[id] = true
		if !served[id] {
			missing = append(missing, id)
		}
	}
	for _, id := range actual {
		if !want[id] {
			extra = append(extra, id)
		}
	}
	return sortedIDs(missing), sortedIDs(extra)
}

// predictedUnloaded says tierscope itself predicts the proxy will not load
// the file, so its absence from the proxy is agreement, not drift.
func predictedUnloaded(a *Account) bool {
	return a.HasWarning(WarnNotLoaded) || a.Error != nil
}

// proxyNote points at a likely cause when the proxy's view of an account
// is not the file's: a disabled flag or a plan it read differently.
func proxyNote(a *Account, listed *mgmt.AuthFile) string {
	var notes []string
	switch {
	case listed.Disabled && !a.Disabled:
		notes = append(notes, "the proxy lists it as disabled")
	case !listed.Disabled && a.Disabled:
		notes = append(notes, "disabled in the file, enabled on the proxy (not reloaded?)")
	}
	if a.Plan != nil && a.Plan.IDToken != nil && listed.PlanType != "" &&
		!strings.EqualFold(strings.TrimSpace(*a.Plan.IDToken), strings.TrimSpace(listed.PlanType)) {
		notes = append(notes, fmt.Sprintf("the proxy read plan %q, the file has %q (not reloaded?)", listed.PlanType, *a.Plan.IDToken))
	}
	return strings.Join(notes, "; ")
}

func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	if out == nil {
		out = []string{}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// VerifySummary counts a verification's results.
type VerifySummary struct {
	Total       int `json:"total"`
	Equal       int `json:"equal"`
	Differs     int `json:"differs"`
	NotOnProxy  int `json:"not_on_proxy"`
	Expected    int `json:"not_on_proxy_as_predicted"` // of NotOnProxy, those tierscope predicted
	OnlyOnProxy int `json:"only_on_proxy"`
	Errors      int `json:"errors"`
	// ProxyAccounts is how many accounts the proxy lists; Requests how
	// many models requests were made.
	ProxyAccounts int  `json:"proxy_accounts"`
	Requests      int  `json:"requests"`
	OK            bool `json:"ok"` // no result failed the gate
}

// Add counts one result.
func (s *VerifySummary) Add(r VerifyResult) {
	if s.Total == 0 {
		s.OK = true
	}
	s.Total++
	s.OK = s.OK && r.OK
	switch r.Status {
	case VerifyEqual:
		s.Equal++
	case VerifyDiffers:
		s.Differs++
	case VerifyNotOnProxy:
		s.NotOnProxy++
		if r.OK {
			s.Expected++
		}
	case VerifyOnlyOnProxy:
		s.OnlyOnProxy++
	default:
		s.Errors++
	}
}

// String is the summary line: "29 equal, 0 differ, 1 not on proxy (1 as
// predicted), 0 only on proxy, 0 errors".
func (s VerifySummary) String() string {
	differ := "differ"
	if s.Differs == 1 {
		differ = "differs"
	}
	notOn := fmt.Sprintf("%d not on proxy", s.NotOnProxy)
	if s.Expected > 0 {
		notOn += fmt.Sprintf(" (%d as predicted)", s.Expected)
	}
	errs := "errors"
	if s.Errors == 1 {
		errs = "error"
	}
	return fmt.Sprintf("%d equal, %d %s, %s, %d only on proxy, %d %s",
		s.Equal, s.Differs, differ, notOn, s.OnlyOnProxy, s.Errors, errs)
}

// VerifyProgress is where a verification stands: results so far out of
// the total, and the models requests left with an estimate of their time.
type VerifyProgress struct {
	Done, Total            int
	RequestsDone, Requests int
	Elapsed, ETA           time.Duration // ETA is 0 until a request has finished
	Concurrency            int
}

// VerifyScope says what to verify.
type VerifyScope struct {
	// Accounts are the disk accounts to verify; their models requests go
	// out in this order (a UI puts the account the user looks at first).
	Accounts []*Account
	// Known is every account on disk, to tell which proxy accounts are only
	// on the proxy; nil means Accounts.
	Known []*Account
	// Names are requested file names that are not on disk: each is
	// reported only_on_proxy (with its models) when the proxy lists it,
	// else as an error.
	Names []string
	// OnlyOnProxy also lists every account the proxy has that is not in
	// Known (without a models request each).
	OnlyOnProxy bool
}

// Verifier checks predictions against a running proxy.
type Verifier struct {
	Proxy       ProxyAPI
	Concurrency int              // models requests at once; <= 0: DefaultVerifyConcurrency
	Now         func() time.Time // for Progress; nil: time.Now
	// OnProgress, when set, is called at the start and after each result,
	// on the same goroutine as onResult.
	OnProgress func(VerifyProgress)
}

// Verify fetches the proxy's account list (one request), then each listed
// account's models, at most Concurrency at a time, and calls onResult for
// every account as its result is known (cheap ones first, then in order of
// arrival), always from the calling goroutine. Accounts the proxy did not
// load cost no request.
//
// It returns an error, and stops, when the list cannot be read or a models
// request fails in a way every other one would (a refused key, a disabled
// API) or ctx ends; any other failed request is that account's error result.
func (v Verifier) Verify(ctx context.Context, scope VerifyScope, onResult func(VerifyResult)) (VerifySummary, error) {
	var sum VerifySummary
	now := v.Now
	if now == nil {
		now = time.Now
	}
	listed, err := v.Proxy.AuthFiles(ctx)
	if err != nil {
		return sum, err
	}
	start := now() // the ETA is about the models requests, after the list
	sum.ProxyAccounts = len(listed)
	byName := make(map[string]*mgmt.AuthFile, len(listed))
	for i := range listed {
		byName[listed[i].Name] = &listed[i]
	}

	type job struct {
		account *Account
		listed  *mgmt.AuthFile
	}
	var jobs []job
	var ready []VerifyResult
	for _, a := range scope.Accounts {
		if f := byName[a.File]; f != nil {
			jobs = append(jobs, job{a, f})
		} else {
			ready = append(ready, JudgeAccount(a, nil, nil))
		}
	}
	for _, name := range scope.Names {
		if f := byName[name]; f != nil {
			jobs = append(jobs, job{nil, f})
		} else {
			r := JudgeAccount(nil, nil, nil)
			r.File = name
			ready = append(ready, r)
		}
	}
	if scope.OnlyOnProxy {
		known := scope.Known
		if known == nil {
			known = scope.Accounts
		}
		onDisk := make(map[string]bool, len(known))
		for _, a := range known {
			onDisk[a.File] = true
		}
		for _, n := range scope.Names {
			onDisk[n] = true // already a job or a result above
		}
		for i := range listed {
			if !onDisk[listed[i].Name] {
				ready = append(ready, JudgeAccount(nil, &listed[i], nil))
			}
		}
	}

	conc := v.Concurrency
	if conc <= 0 {
		conc = DefaultVerifyConcurrency
	}
	p := VerifyProgress{Total: len(ready) + len(jobs), Requests: len(jobs), Concurrency: conc}
	emit := func(r VerifyResult) {
		sum.Add(r)
		if onResult != nil {
			onResult(r)
		}
		p.Done++
		if v.OnProgress != nil {
			p.Elapsed = now().Sub(start)
			if p.RequestsDone > 0 {
				p.ETA = p.Elapsed * time.Duration(p.Requests-p.RequestsDone) / time.Duration(p.RequestsDone)
			}
			v.OnProgress(p)
		}
	}
	if v.OnProgress != nil {
		v.OnProgress(p)
	}
	for _, r := range ready {
		emit(r)
	}
	if len(jobs) == 0 {
		return sum, ctx.Err()
	}

	// Workers hand results over unbuffered, so a stop (a refused key, a
	// cancelled ctx) is seen before they take more work; the first error
	// that every request would repeat is kept as the reason to stop.
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		fatalOnce sync.Once
		fatal     error
	)
	type fetched struct {
		job
		ids []string
		err error
	}
	queue := make(chan job)
	results := make(chan fetched)
	var wg sync.WaitGroup
	for range min(conc, len(jobs)) {
		wg.Go(func() {
			for j := range queue {
				if runCtx.Err() != nil {
					continue
				}
				ms, err := v.Proxy.Models(runCtx, j.listed.Name)
				var me *mgmt.Error
				if err != nil && runCtx.Err() == nil && errors.As(err, &me) && me.Persistent() {
					fatalOnce.Do(func() { fatal = err })
					cancel()
				}
				ids := make([]string, len(ms))
				for i, m := range ms {
					ids[i] = m.ID
				}
				results <- fetched{j, ids, err}
			}
		})
	}
	go func() {
		defer close(queue)
		for _, j := range jobs {
			select {
			case queue <- j:
			case <-runCtx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	for f := range results {
		p.RequestsDone++
		sum.Requests++
		switch {
		case f.err != nil && runCtx.Err() != nil:
			// The run is stopping: this is not the account's own failure.
		case f.err != nil:
			r := JudgeAccount(f.account, f.listed, nil)
			msg := f.err.Error()
			if me := (*mgmt.Error)(nil); errors.As(f.err, &me) {
				msg = me.Reason // the proxy's address is the same for every account
			}
			r.Status, r.OK, r.Error, r.Missing, r.Extra = VerifyError, false, &msg, []string{}, []string{}
			emit(r)
		default:
			emit(JudgeAccount(f.account, f.listed, f.ids))
		}
	}
	if ctx.Err() != nil {
		return sum, ctx.Err()
	}
	return sum, fatal
}
