package tui

import (
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// The diff views resolve every account again (under a candidate catalog,
// under edited rules): slow at 10,000 accounts, so it runs in commands.
// A job carries copies of all it reads; its key says what it computed, and
// a result whose key is no longer wanted (the snapshot or the inputs moved
// on) is dropped.

// jobKind is what a job computes.
type jobKind int

const (
	jobCandidate jobKind = iota // the candidate catalog's diff and usage
	jobWhatIf                   // the rule-set diff and usage
	jobUsage                    // usage alone, nothing to compare with
)

// jobKey identifies the inputs of a job's result.
type jobKey struct {
	kind      jobKind
	snap      *core.Snapshot
	cat, base *catalog.Catalog // jobCandidate: the candidate and, after a refresh, the previous catalog
	rules     string           // jobWhatIf: the edited rules (ruleKey)
}

// diffJob is one computation, with copies of everything it reads.
type diffJob struct {
	key  jobKey
	cand candidate
	to   core.RuleSet // jobWhatIf: the edited rules; the snapshot's are the "from"
}

// candidate is a catalog to compare with the one in force.
type candidate struct {
	loaded catalog.Loaded
	// base, when set, replaces the catalog in force as the "before" side:
	// after a refresh, the catalog it replaced.
	base  *catalog.Loaded
	label string // where it came from, e.g. the file name
}

// diffResultMsg is a finished job.
type diffResultMsg struct {
	key   jobKey
	cat   core.CatalogDiff // jobCandidate
	rules core.RuleSetDiff // jobWhatIf
	usage usageTable
}

// usageTable is how many accounts serve each model, now and after.
type usageTable struct {
	rows     []core.UsageChange        // every model; biggest loss first when compared
	now      map[string]map[string]int // model → tier → accounts, now
	compared bool
	after    *core.Snapshot // the accounts resolved under the candidate or the edited rules
}

// run does the job; it is called in a command (or by tests, directly).
func (j diffJob) run() diffResultMsg {
	msg := diffResultMsg{key: j.key}
	snap := j.key.snap
	switch j.key.kind {
	case jobCandidate:
		before := snap
		if j.cand.base != nil {
			before = snap.WithCatalog(*j.cand.base)
		}
		after := before.WithCandidate(j.cand.loaded.Catalog)
		msg.cat = before.CompareResolved(after)
		msg.usage = newUsageTable(before, after)
	case jobWhatIf:
		msg.rules = snap.CompareRules(snap.Rules, j.to)
		msg.usage = newUsageTable(snap, snap.WithRules(j.to))
	default:
		msg.usage = newUsageTable(snap, nil)
	}
	return msg
}

// cmd runs the job in a command.
func (j diffJob) cmd() tea.Cmd { return func() tea.Msg { return j.run() } }

// newUsageTable counts the accounts per model and tier in before and, when
// given, in after (core.CompareUsage's order: biggest loss first). Without
// after, the most served models come first.
func newUsageTable(before, after *core.Snapshot) usageTable {
	t := usageTable{now: map[string]map[string]int{}, after: after, compared: after != nil}
	usage := before.Usage()
	for _, u := range usage {
		t.now[u.ID] = u.PerTier
	}
	if after != nil {
		t.rows = core.CompareUsage(before, after)
		return t
	}
	t.rows = make([]core.UsageChange, len(usage))
	for i, u := range usage {
		t.rows[i] = core.UsageChange{ID: u.ID, Before: u.Total, After: u.Total, Tiers: u.PerTier}
	}
	slices.SortStableFunc(t.rows, func(a, b core.UsageChange) int { return cmp.Compare(b.Before, a.Before) })
	return t
}

// candidateMsg gives the diff views a candidate catalog (or says why one
// could not be loaded). It comes from --candidate at start, from the
// view's "open" prompt, or from a catalog refresh: see
// candidateFromRefresh.
type candidateMsg struct {
	cand candidate
	path string // what was typed in the prompt ("" otherwise)
	err  error
}

// candidateFromRefresh is the message that shows what a refresh changed
// in the diff views: the catalog just fetched (current) compared with the
// one it replaced (previous), over the same accounts, whatever catalog the
// snapshot holds by then. The refresh code sends it after a refresh that
// brought a new catalog (catalog.OutcomeOK with sections changed), e.g.
//
//	cmds = append(cmds, func() tea.Msg { return candidateFromRefresh(res.Previous, res.Loaded) })
//
// It replaces any candidate loaded before; `d`, then the candidate tab,
// shows it (it does not switch views by itself).
func candidateFromRefresh(previous, current catalog.Loaded) candidateMsg {
	label := "the catalog just refreshed"
	if current.Info.URL != "" {
		label += " from " + current.Info.URL
	}
	return candidateMsg{cand: candidate{loaded: current, base: &previous, label: label}}
}

// loadCandidateCmd reads and validates a candidate catalog file.
func loadCandidateCmd(path string) tea.Cmd {
	return func() tea.Msg {
		p := expandHome(path)
		l, err := catalog.LoadFile(p)
		if err != nil {
			return candidateMsg{path: path, err: err}
		}
		return candidateMsg{path: path, cand: candidate{loaded: l, label: filepath.Base(p)}}
	}
}

// candidateFromOptions is the candidate given at start (--candidate), or nil.
func candidateFromOptions(l catalog.Loaded) *candidate {
	if l.Catalog == nil {
		return nil
	}
	label := l.Info.Source
	switch {
	case l.Info.Path != "":
		label = filepath.Base(l.Info.Path)
	case l.Info.URL != "":
		label = l.Info.URL
	}
	return &candidate{loaded: l, label: label}
}

// errCandidateURL is the answer to a URL typed in the prompt when the UI
// has no network (--offline, the demo).
var errCandidateURL = errors.New("a URL needs the network, which is off here (--offline or the demo): download it and open the file")

// fetchCandidateCmd downloads a candidate catalog (validated, not cached).
func fetchCandidateCmd(url string, fetch func(ctx context.Context, url string) (catalog.Loaded, error)) tea.Cmd {
	return func() tea.Msg {
		l, err := fetch(context.Background(), url)
		if err != nil {
			return candidateMsg{path: url, err: err}
		}
		return candidateMsg{path: url, cand: candidate{loaded: l, label: url}}
	}
}

// isURL reports whether a typed candidate is a URL rather than a path.
func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// expandHome turns a leading ~/ into the home directory, as a shell would.
func expandHome(p string) string {
	rest, ok := strings.CutPrefix(p, "~/")
	if !ok && p != "~" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return p
	}
	return filepath.Join(home, rest)
}

// ruleKey is a rule set as comparable text: two rule sets with the same
// key resolve every account the same way.
func ruleKey(r core.RuleSet) string {
	aliases := make([]string, 0, len(r.Aliases))
	for k, v := range r.Aliases {
		aliases = append(aliases, k+"="+v)
	}
	slices.Sort(aliases)
	return strings.Join([]string{
		r.Name, r.Unknown, strings.Join(aliases, ","), strings.Join(r.PlanSources, ","),
		strings.Join(r.NotLoaded, ","), boolText(r.ForceModelPrefix),
	}, "|")
}

func boolText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
