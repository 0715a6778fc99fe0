package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
	"github.com/tierscope/tierscope/mgmt"
)

// managementKeyEnv holds the management key. It is never a flag, so it
// stays out of shell history and process listings, and it is never printed.
const managementKeyEnv = "TIERSCOPE_MANAGEMENT_KEY"

// mgmtTimeout bounds each management API request; tests shorten it.
var mgmtTimeout = mgmt.DefaultTimeout

// verifyJSON is `verify --json`.
type verifyJSON struct {
	Accounts []core.VerifyResult `json:"accounts"`
	Summary  core.VerifySummary  `json:"summary"`
}

// runVerify is `tierscope verify [--json] [--sample N] [FILE...]`: the
// models predicted under the rules, catalog and config in force against
// those the running proxy serves. Exit 1 when any account fails the gate
// (differs, not on the proxy unless predicted so, only on the proxy, or
// could not be checked), 2 when the check itself cannot run.
func (c *cli) runVerify() error {
	switch {
	case c.set["sample"] && c.sample < 1:
		return usagef("--sample %d: want a number of accounts above 0", c.sample)
	case c.sample > 0 && len(c.args) > 0:
		return usagef("verify: --sample N and FILE... do not go together")
	case c.concurrency < 1:
		return usagef("--concurrency %d: want at least 1", c.concurrency)
	}
	client, err := c.managementClient()
	if err != nil {
		return err
	}
	snap, err := c.snapshot()
	if err != nil {
		return err
	}
	scope := verifyScope(snap, c.args, c.sample)

	ctx, stop := signal.NotifyContext(contextBackground(), os.Interrupt)
	defer stop()
	var bar *progressLine
	if c.stderrTTY {
		bar = &progressLine{w: c.stderr}
	}
	v := core.Verifier{Proxy: client, Concurrency: c.concurrency, OnProgress: bar.update}
	var results []core.VerifyResult
	sum, err := v.Verify(ctx, scope, func(r core.VerifyResult) { results = append(results, r) })
	bar.clear()
	if err != nil {
		return verifyFailure(err, len(results), len(scope.Accounts)+len(scope.Names))
	}
	slices.SortFunc(results, func(a, b core.VerifyResult) int { return strings.Compare(a.File, b.File) })
	if c.jsonOut {
		if results == nil {
			results = []core.VerifyResult{}
		}
		err = c.writeJSON(verifyJSON{Accounts: results, Summary: sum})
	} else {
		err = c.writeText(renderVerify(results, sum, c.sample, len(snap.Accounts)))
	}
	if err == nil && !sum.OK {
		return errChanged
	}
	return err
}

// managementClient is the client for --management-url with the key from
// the environment. It goes through the environment's HTTP(S)_PROXY and
// NO_PROXY like any HTTP tool (loopback, the usual place of the management
// API, never does), but not through --proxy, which is for catalog
// downloads.
func (c *cli) managementClient() (*mgmt.Client, error) {
	if c.managementURL == "" {
		return nil, usagef("no --management-url (or TIERSCOPE_MANAGEMENT_URL): the running proxy's address, e.g. http://127.0.0.1:8317")
	}
	u, err := url.Parse(c.managementURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("--management-url %q: want an http:// or https:// URL, e.g. http://127.0.0.1:8317", redactURL(c.managementURL))
	}
	if c.offline && !isLoopback(u.Hostname()) {
		return nil, usagef("--management-url %s is not on this machine, and --offline forbids the network", u.Redacted())
	}
	key := strings.TrimSpace(c.getenv(managementKeyEnv))
	if key == "" {
		return nil, usagef("no management key: set %s (it is never taken from a flag)", managementKeyEnv)
	}
	hc, err := catalog.NewHTTPClient("", c.getenv)
	if err != nil {
		return nil, err
	}
	if t, ok := hc.Transport.(*http.Transport); ok {
		t.MaxIdleConnsPerHost = max(c.concurrency, 2) // reuse a connection per worker
	}
	return &mgmt.Client{BaseURL: c.managementURL, Key: key, HTTP: hc, Timeout: mgmtTimeout}, nil
}

// verifyFailure words an error that stopped the whole check, with a hint
// at what to fix.
func verifyFailure(err error, done, total int) error {
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("verify interrupted after %d of %d account(s)", done, total)
	}
	var me *mgmt.Error
	if errors.As(err, &me) {
		if me.Kind == mgmt.KindWrongKey || me.Kind == mgmt.KindMissingKey {
			return fmt.Errorf("%v; check %s", err, managementKeyEnv)
		}
	}
	return err
}

// verifyScope picks what to verify: the named files (names not on disk
// are looked up on the proxy), a sample, or everything, with the accounts
// only on the proxy listed unless files were named.
func verifyScope(snap *core.Snapshot, files []string, sample int) core.VerifyScope {
	if len(files) > 0 {
		scope := core.VerifyScope{Known: snap.Accounts}
		seen := map[string]bool{}
		for _, f := range files {
			name := filepath.Base(f)
			if seen[name] {
				continue
			}
			seen[name] = true
			if i := snap.Find(name); i >= 0 {
				scope.Accounts = append(scope.Accounts, snap.Accounts[i])
			} else {
				scope.Names = append(scope.Names, name)
			}
		}
		return scope
	}
	return core.VerifyScope{Accounts: spread(snap.Accounts, sample), Known: snap.Accounts, OnlyOnProxy: true}
}

// spread picks n accounts evenly spread over the list (sorted by file
// name): positions 0, L/n, 2L/n, … (rounded down), so the same n gives the
// same sample on every run. n <= 0 or n >= L gives the whole list.
func spread(accounts []*core.Account, n int) []*core.Account {
	if n <= 0 || n >= len(accounts) {
		return accounts
	}
	out := make([]*core.Account, n)
	for i := range n {
		out[i] = accounts[i*len(accounts)/n]
	}
	return out
}

// renderVerify prints the accounts that fail the gate as a table, then the
// summary line.
func renderVerify(results []core.VerifyResult, sum core.VerifySummary, sample, onDisk int) string {
	var rows [][]string
	for _, r := range results {
		if r.OK {
			continue
		}
		rows = append(rows, []string{r.File, r.Status, modelCount(r.Predicted), modelCount(r.Actual), verifyDetail(r)})
	}
	var b strings.Builder
	if len(rows) > 0 {
		b.WriteString(table([]string{"FILE", "STATUS", "PREDICTED", "ACTUAL", "DETAIL"}, rows))
	}
	b.WriteString(sum.String())
	if sample > 0 && sample < onDisk {
		fmt.Fprintf(&b, " (a sample of %d of %d accounts on disk)", sample, onDisk)
	}
	b.WriteString("\n")
	return b.String()
}

func modelCount(ids []string) string {
	if ids == nil {
		return dash
	}
	return fmt.Sprint(len(ids))
}

func verifyDetail(r core.VerifyResult) string {
	var parts []string
	if r.Error != nil {
		parts = append(parts, *r.Error)
	}
	if len(r.Missing) > 0 {
		parts = append(parts, "missing "+strings.Join(r.Missing, " "))
	}
	if len(r.Extra) > 0 {
		parts = append(parts, "extra "+strings.Join(r.Extra, " "))
	}
	if r.Note != "" {
		parts = append(parts, r.Note)
	}
	return strings.Join(parts, "; ")
}

// progressLine is the one-line progress on a terminal's stderr, redrawn
// at most ten times a second. A nil *progressLine draws nothing.
type progressLine struct {
	w     io.Writer
	drawn time.Time
	shown bool
}

func (p *progressLine) update(v core.VerifyProgress) {
	if p == nil || (v.Done < v.Total && time.Since(p.drawn) < 100*time.Millisecond) {
		return
	}
	p.drawn, p.shown = time.Now(), true
	line := fmt.Sprintf("verify: %d/%d accounts · %d of %d requests, %d at a time",
		v.Done, v.Total, v.RequestsDone, v.Requests, v.Concurrency)
	if v.ETA >= time.Second {
		line += " · about " + v.ETA.Round(time.Second).String() + " left"
	}
	fmt.Fprint(p.w, "\r\x1b[K"+line)
}

func (p *progressLine) clear() {
	if p != nil && p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// isTerminal reports whether w is a terminal (for the progress line).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return raw
}
