package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aymanbagabas/go-udiff"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
	"github.com/tierscope/tierscope/demo"
)

func contextBackground() context.Context { return context.Background() }

func nowUTC() time.Time { return time.Now().UTC() }

// writeJSON prints v as one document. Output is built whole, then written
// once, so the redaction layer sees every value intact.
func (c *cli) writeJSON(v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := c.stdout.Write(buf.Bytes())
	return err
}

// writeJSONRows prints a JSON array with one compact element per line:
// valid JSON for scripts, greppable for people.
//
// Rows are encoded in batches on every core and written in order as each
// batch is ready, with a few batches in flight at most: a 10,000-row
// listing never sits whole in memory, and its buffers are reused. Each
// batch is whole rows, so the redaction layer sees every value intact.
func (c *cli) writeJSONRows(rows []*core.Account) error {
	const batch = 128
	batches := (len(rows) + batch - 1) / batch
	workers := min(runtime.GOMAXPROCS(0), max(1, batches))
	ready := make([]chan *bytes.Buffer, batches)
	for i := range ready {
		ready[i] = make(chan *bytes.Buffer, 1)
	}
	free := make(chan *bytes.Buffer, 2*workers) // also bounds the batches in flight
	for range cap(free) {
		free <- new(bytes.Buffer)
	}
	var next atomic.Int64
	stop := make(chan struct{}) // closed when the writing ends, early or not
	defer close(stop)
	for range workers {
		go func() {
			for {
				// A buffer first, then a batch: every batch claimed holds a
				// buffer, so the one the writer waits for always finishes
				// (claiming first could leave it waiting for a buffer held
				// by later batches, all waiting for the writer).
				var buf *bytes.Buffer
				select {
				case buf = <-free:
				case <-stop:
					return
				}
				k := int(next.Add(1) - 1)
				if k >= batches {
					return
				}
				if testHookBatchClaimed != nil {
					testHookBatchClaimed(k)
				}
				buf.Reset()
				encodeRows(buf, rows[k*batch:min((k+1)*batch, len(rows))], k == 0)
				ready[k] <- buf
			}
		}()
	}
	if _, err := io.WriteString(c.stdout, "["); err != nil {
		return err
	}
	for k := range batches {
		buf := <-ready[k]
		if _, err := c.stdout.Write(buf.Bytes()); err != nil {
			return err
		}
		free <- buf
	}
	_, err := io.WriteString(c.stdout, "\n]\n")
	return err
}

// testHookBatchClaimed, when a test sets it, runs as a worker of
// writeJSONRows claims batch k.
var testHookBatchClaimed func(k int)

// encodeRows appends rows to buf, each on its own line after a comma
// (except the very first row of the array).
func encodeRows(buf *bytes.Buffer, rows []*core.Account, first bool) {
	b := buf.AvailableBuffer()
	for i, r := range rows {
		if i > 0 || !first {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = r.AppendJSON(b)
	}
	buf.Write(b)
}

func (c *cli) noArgs() error {
	if len(c.args) > 0 {
		return usagef("tierscope %s takes no arguments (got %q)", c.name(), c.args[0])
	}
	return nil
}

func (c *cli) runList() error {
	if err := c.noArgs(); err != nil {
		return err
	}
	filter := core.Filter{Providers: c.providers.values, Tiers: c.tiers.values, Warnings: c.warnings.values}
	for _, w := range filter.Warnings {
		if !slices.Contains(core.WarningCodes, w) {
			return usagef("--warning %q: unknown code (one of %s)", w, strings.Join(core.WarningCodes, ", "))
		}
	}
	snap, err := c.snapshot()
	if err != nil {
		return err
	}
	rows := snap.Select(filter)
	if c.jsonOut {
		return c.writeJSONRows(rows)
	}
	return c.writeText(c.sourceHeader() + renderList(rows))
}

func (c *cli) writeText(s string) error {
	_, err := c.stdout.Write([]byte(s))
	return err
}

// showJSON is `show --json`: the list row plus claims and model details.
type showJSON struct {
	*core.Account
	Claims            *claimsJSON        `json:"claims"`
	ModelDetails      []core.ModelDetail `json:"model_details"`
	ModelsWhenEnabled []string           `json:"models_when_enabled"`
	Notes             []string           `json:"notes"`
}

type claimsJSON struct {
	auth.Claims
	PlanType *string `json:"chatgpt_plan_type"`
}

func (c *cli) runShow() error {
	if len(c.args) != 1 {
		return usagef("tierscope show takes one FILE (a path, or a file name in the auth dir)")
	}
	acc, err := c.findAccount(c.args[0])
	if err != nil {
		return err
	}
	if c.jsonOut {
		out := showJSON{Account: acc, ModelDetails: acc.Details, ModelsWhenEnabled: acc.WhenEnabled, Notes: acc.Notes}
		if out.ModelDetails == nil {
			out.ModelDetails = []core.ModelDetail{}
		}
		if out.Notes == nil {
			out.Notes = []string{}
		}
		if tok := acc.Raw.IDToken; tok != nil && tok.Err == nil {
			cl := &claimsJSON{Claims: tok.Claims}
			if tok.Claims.PlanType.IsString {
				cl.PlanType = &tok.Claims.PlanType.Value
			}
			out.Claims = cl
		}
		return c.writeJSON(out)
	}
	return c.writeText(renderShow(acc))
}

// findAccount resolves FILE: a path (anything with a slash), else a name in
// the auth dir, else a file in the working directory. The file is resolved
// with its folder, so duplicate checks see its neighbours.
func (c *cli) findAccount(arg string) (*core.Account, error) {
	if c.usesStore() {
		return c.findStoreAccount(arg) // a row id (store.go)
	}
	var candidates []string
	if strings.ContainsRune(arg, filepath.Separator) {
		candidates = []string{arg}
	} else {
		dir, err := c.authDirPath()
		if err != nil {
			return nil, err
		}
		candidates = []string{filepath.Join(dir, arg), arg}
	}
	for _, p := range candidates {
		// A dangling symlink is still a file to show (with its error).
		if info, err := os.Stat(p); err != nil {
			if _, lerr := os.Lstat(p); lerr != nil {
				continue
			}
		} else if info.IsDir() {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		rules, cat, err := c.rulesAndCatalog()
		if err != nil {
			return nil, err
		}
		src, err := c.authSource(filepath.Dir(abs))
		if err != nil {
			return nil, err
		}
		snap, err := loadSnapshot(src, cat, rules)
		if err != nil {
			return nil, err
		}
		if i := snap.Find(filepath.Base(abs)); i >= 0 {
			return snap.Accounts[i], nil
		}
		return nil, usagef("%s is not an auth file (the scan reads *.json files, not .oauth-* ones)", arg)
	}
	return nil, usagef("%s: no such auth file", arg)
}

func (c *cli) runNormalize() error {
	switch {
	case (c.write || c.undo) && c.readOnly:
		return c.readOnlyRefusal()
	case c.write && c.undo:
		return usagef("normalize: --write and --undo do not go together")
	case c.undo && len(c.args) > 0:
		return usagef("normalize --undo reverts the last batch; it takes no FILE")
	case c.undo:
		return c.runUndo()
	}
	snap, err := c.snapshot()
	if err != nil {
		return err
	}
	// A diff or a write per file is garbage, not live data: collected as
	// usual, a dry run over 10,000 files peaks near 55 MB instead of 190.
	collectAsUsual()
	accounts := snap.Accounts
	if len(c.args) > 0 && c.usesStore() {
		if accounts, err = c.storeAccounts(snap); err != nil {
			return err
		}
	} else if len(c.args) > 0 {
		accounts = nil
		root, err := c.authDirPath()
		if err != nil {
			return err
		}
		for _, f := range c.args {
			if abs, err := filepath.Abs(f); err == nil && strings.ContainsRune(f, filepath.Separator) {
				if absRoot, _ := filepath.Abs(root); filepath.Dir(abs) != absRoot {
					return usagef("%s is not in the auth dir %s (normalize works on the auth dir's files)", f, root)
				}
			}
			i := snap.Find(filepath.Base(f))
			if i < 0 {
				return usagef("%s: not an auth file in the auth dir", f)
			}
			accounts = append(accounts, snap.Accounts[i])
		}
	}
	if c.write {
		return c.writePlans(snap, accounts)
	}
	changed, failed := 0, 0
	src, err := c.storeSource() // nil for a folder: files are read directly
	if err != nil {
		return err
	}
	// One file's diff at a time, so a dry run over a large folder streams.
	for p := range core.PlanWrites(contextBackground(), src, accounts) {
		switch {
		case p.Err != nil:
			failed++
			fmt.Fprintf(c.stderr, "tierscope: %v\n", p.Err)
			continue
		case !p.Needed:
			continue
		}
		changed++
		w := p.Write
		diff := udiff.Unified("a/"+w.File, "b/"+w.File, string(w.Before), string(w.After))
		if !c.revealSecrets {
			// The writer redacts too, but a diff is where secrets would
			// be, so mask it here explicitly.
			diff = auth.Redact(diff)
		}
		if _, err := io.WriteString(c.stdout, diff); err != nil {
			return err
		}
	}
	fmt.Fprintf(c.stderr, "%d of %d file(s) would change (%s)", changed, len(accounts), core.PlanTypeKey)
	if failed > 0 {
		fmt.Fprintf(c.stderr, "; %d could not be read", failed)
	}
	fmt.Fprintln(c.stderr)
	if changed > 0 {
		c.noteStoreWrite()
		return errChanged
	}
	return nil
}

// writer builds the core writer with the audit log under the cache dir.
func (c *cli) writer(src auth.Source) (core.Writer, error) {
	cache, err := c.cache()
	if err != nil {
		return core.Writer{}, err
	}
	if cache.Dir == "" {
		return core.Writer{}, usagef("no cache dir for the audit log: pass --cache-dir")
	}
	return core.Writer{Source: src, Audit: core.AuditLog{Path: filepath.Join(cache.Dir, "audit.jsonl")}}, nil
}

func (c *cli) writePlans(snap *core.Snapshot, accounts []*core.Account) error {
	src, err := c.source()
	if err != nil {
		return err
	}
	w, err := c.writer(src)
	if err != nil {
		return err
	}
	res := w.WritePlans(contextBackground(), snap, accounts)
	if res.Written > 0 {
		c.noteStoreWrite()
	}
	return c.reportBatch(res, "written")
}

func (c *cli) runUndo() error {
	src, err := c.storeSource() // a store's entries are reverted through it
	if err != nil {
		return err
	}
	w, err := c.writer(src)
	if err != nil {
		return err
	}
	res, err := w.Undo(contextBackground())
	if errors.Is(err, core.ErrNothingToUndo) {
		return usagef("%v", err)
	}
	if err != nil {
		return err
	}
	return c.reportBatch(res, "reverted")
}

// reportBatch prints a batch summary; exit 1 when a file that needed a
// write did not get it.
func (c *cli) reportBatch(res core.BatchResult, verb string) error {
	if c.jsonOut {
		if err := c.writeJSON(res); err != nil {
			return err
		}
	} else {
		var b strings.Builder
		for _, o := range res.Outcomes {
			switch o.Status {
			case core.StatusUnchanged:
				continue
			case core.StatusWritten:
				to := fmt.Sprintf("%q", o.To)
				if o.To == "" {
					to = "(removed)"
				}
				fmt.Fprintf(&b, "%-9s %s  plan_type %s → %s\n", verb, o.File, fromText(o.From), to)
			default:
				fmt.Fprintf(&b, "%-9s %s  %s\n", o.Status, o.File, o.Error)
			}
		}
		for _, t := range res.CleanedTemps {
			fmt.Fprintf(&b, "removed   %s (a temp file left by a crashed write)\n", t)
		}
		fmt.Fprintf(&b, "%s %d, unchanged %d, conflicts %d, refused %d, errors %d (batch %s)\n",
			verb, res.Written, res.Unchanged, res.Conflicts, res.Refused, res.Errors, res.Batch)
		if err := c.writeText(b.String()); err != nil {
			return err
		}
	}
	if res.Failed() > 0 {
		return errChanged
	}
	return nil
}

func fromText(s *string) string {
	if s == nil {
		return "(absent)"
	}
	return fmt.Sprintf("%q", *s)
}

// catalogJSON is `catalog --json`: freshness, sections and the rules in force.
type catalogJSON struct {
	catalog.Freshness
	EmbeddedDate string    `json:"embedded_date"`
	Rules        rulesJSON `json:"rules"`
	BuiltIns     builtIns  `json:"built_ins"`
	// AuthSource is where accounts come from (store.go); null when unknown.
	AuthSource *authSourceJSON `json:"auth_source"`
}

type rulesJSON struct {
	Name             string            `json:"name"`
	UnknownPlan      string            `json:"unknown_plan"`
	PlanSources      []string          `json:"plan_sources"`
	Aliases          map[string]string `json:"aliases"`
	AliasOverrides   map[string]string `json:"alias_overrides"`
	NotLoaded        []string          `json:"not_loaded"`
	ForceModelPrefix bool              `json:"force_model_prefix"`
	ProxyConfig      *string           `json:"proxy_config"` // the config.yaml in force, or null
}

type builtIns struct {
	Commit string   `json:"commit"`
	Codex  []string `json:"codex"`
	XAI    []string `json:"xai"`
}

func (c *cli) runCatalog() error {
	if len(c.args) > 0 && c.args[0] == "refresh" {
		return c.runCatalogRefresh()
	}
	if err := c.noArgs(); err != nil {
		return err
	}
	rules, cat, err := c.rulesAndCatalog()
	if err != nil {
		return err
	}
	fr := catalog.CatalogFreshness(cat, nowUTC(), c.refreshAttempts())
	if !c.jsonOut {
		return c.writeText(c.catalogSourceLine() + renderCatalog(fr, cat, rules) + renderLastAttempt(fr))
	}
	out := catalogJSON{
		Freshness:    fr,
		EmbeddedDate: catalog.EmbeddedDate.Format("2006-01-02"),
		Rules: rulesJSON{
			Name: rules.Name, UnknownPlan: rules.Unknown, PlanSources: rules.PlanSources,
			Aliases: rules.Aliases, AliasOverrides: nonNilMap(rules.AliasOverrides), NotLoaded: nonNil(rules.NotLoaded),
			ForceModelPrefix: rules.ForceModelPrefix, ProxyConfig: configPath(rules),
		},
		BuiltIns:   builtIns{Commit: catalog.BuiltInCommit, Codex: modelIDs(catalog.BuiltIns("codex")), XAI: modelIDs(catalog.BuiltIns("xai"))},
		AuthSource: c.authSourceJSON(),
	}
	return c.writeJSON(out)
}

func (c *cli) runDiff() error {
	if err := c.noArgs(); err != nil {
		return err
	}
	modes := 0
	for _, s := range []string{c.candidate, c.tierPair, c.rulePair} {
		if s != "" {
			modes++
		}
	}
	if modes != 1 {
		return usagef("tierscope diff needs exactly one of --candidate PATH, --tiers A,B or --rule-sets A,B")
	}
	switch {
	case c.tierPair != "":
		return c.diffTiers()
	case c.rulePair != "":
		return c.diffRuleSets()
	}
	return c.diffCandidate()
}

func splitPair(flagName, v string) (string, string, error) {
	a, b, ok := strings.Cut(v, ",")
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if !ok || a == "" || b == "" || strings.Contains(b, ",") {
		return "", "", usagef("--%s %q: want two names, A,B", flagName, v)
	}
	return a, b, nil
}

func (c *cli) diffTiers() error {
	a, b, err := splitPair("tiers", c.tierPair)
	if err != nil {
		return err
	}
	rules, cat, err := c.rulesAndCatalog()
	if err != nil {
		return err
	}
	d, err := core.CompareTiers(cat.Catalog, rules, strings.ToLower(a), strings.ToLower(b))
	if err != nil {
		return usagef("--tiers: %v", err)
	}
	if c.jsonOut {
		err = c.writeJSON(d)
	} else {
		err = c.writeText(renderTierDiff(d))
	}
	if err == nil && (len(d.OnlyA) > 0 || len(d.OnlyB) > 0) {
		return errChanged
	}
	return err
}

func (c *cli) diffRuleSets() error {
	a, b, err := splitPair("rule-sets", c.rulePair)
	if err != nil {
		return err
	}
	snap, err := c.snapshot()
	if err != nil {
		return err
	}
	collectAsUsual() // resolving every account twice more makes garbage
	ra, err := c.ruleSetNamed(a)
	if err != nil {
		return err
	}
	rb, err := c.ruleSetNamed(b)
	if err != nil {
		return err
	}
	d := snap.CompareRules(ra, rb)
	if c.jsonOut {
		err = c.writeJSON(d)
	} else {
		err = c.writeText(renderRuleSetDiff(d, len(snap.Accounts)))
	}
	if err == nil && len(d.Accounts) > 0 {
		return errChanged
	}
	return err
}

// ruleSetNamed is the named rule set with this command line's overrides.
func (c *cli) ruleSetNamed(name string) (core.RuleSet, error) {
	saved := c.rules
	c.rules = name
	defer func() { c.rules = saved }()
	return c.ruleSet()
}

func (c *cli) diffCandidate() error {
	cand, err := c.loadCandidate(c.candidate)
	if err != nil {
		return err
	}
	snap, err := c.snapshot()
	if err != nil {
		return err
	}
	collectAsUsual() // resolving every account again makes garbage
	d := snap.CompareCatalog(cand.Catalog)
	if c.jsonOut {
		err = c.writeJSON(d)
	} else {
		err = c.writeText(renderCatalogDiff(d, snap))
	}
	if err == nil && d.Changed() {
		return errChanged
	}
	return err
}

func (c *cli) runDemo() error {
	if err := c.noArgs(); err != nil {
		return err
	}
	if c.generate == "" {
		if c.set["count"] || c.set["seed"] {
			return usagef("--count and --seed go with --generate DIR")
		}
		return c.runDemoTUI()
	}
	sum, err := demo.Generate(c.generate, demo.Options{Count: c.count, Seed: c.seed})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "wrote %d auth files to %s (%d broken, %d with forged signatures); JWKS: %s\n",
		sum.Files, sum.Dir, sum.Broken, sum.Forged, sum.JWKSPath)
	return nil
}

// demoDir generates a fresh demo auth directory in a temp folder.
func demoDir(count int) (string, error) {
	dir, err := os.MkdirTemp("", "tierscope-demo-")
	if err != nil {
		return "", err
	}
	if _, err := demo.Generate(dir, demo.Options{Count: count, Seed: 1}); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func modelIDs(ms []catalog.Model) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func configPath(r core.RuleSet) *string {
	if r.Config == nil {
		return nil
	}
	return &r.Config.Path
}
