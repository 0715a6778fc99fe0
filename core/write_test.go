package core_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/core"
)

const refAuths = "../testdata/reference/proxy-a7e3596/auths"

// Reference files a write under pr2024 changes, and how: every other file
// has an unknown plan (k12, prolite), no id_token plan (stored-only,
// badtoken), another provider, or already the right plan_type.
const (
	stale    = "codex-stale@sample.example-plus.json"
	business = "codex-3db87a38-business@sample.example-business.json"
	goPlan   = "codex-2642cf12-go@sample.example-go.json"
)

var plannedWrites = map[string]struct {
	from *string // stored plan_type before; nil when absent
	to   string
}{
	goPlan:   {nil, "team"},
	business: {nil, "team"},
	"codex-448e743f-plus@sample.example-plus.json":             {nil, "plus"},
	"codex-636a6f24-education@sample.example-education.json":   {nil, "team"},
	"codex-6aee5029-team@sample.example-team.json":             {nil, "team"},
	"codex-77c7d2de-pro@sample.example-pro.json":               {nil, "pro"},
	"codex-81227b4f-free@sample.example-free.json":             {nil, "free"},
	"codex-9b73a69c-plus@sample.example-plus.json":             {nil, "plus"},
	"codex-alias-prefix@sample.example-free.json":              {nil, "free"},
	"codex-alias@sample.example-plus.json":                     {nil, "plus"},
	"codex-badprefix@sample.example-plus.json":                 {nil, "plus"},
	"codex-e9ffd343-edu@sample.example-edu.json":               {nil, "team"},
	"codex-excl-legacy@sample.example-team.json":               {nil, "team"},
	"codex-excl@sample.example-pro.json":                       {nil, "pro"},
	"codex-f4db5921-enterprise@sample.example-enterprise.json": {nil, "team"},
	"codex-off@sample.example-pro.json":                        {nil, "pro"},
	"codex-prefix@sample.example-plus.json":                    {nil, "plus"},
	stale:                                                      {ptrTo("plus"), "free"},
}

// Files a write must never touch, with why.
var neverWritten = map[string]string{
	"codex-352ea4e7-k12@sample.example-k12.json":         "unknown plan",
	"codex-62f03436-prolite@sample.example-prolite.json": "unknown plan",
	"codex-stored-only@sample.example.json":              "no id_token",
	"codex-badtoken@sample.example-free.json":            "id_token does not decode",
	"claude-c@sample.example.json":                       "not codex",
	"gemini-g@sample.example-p.json":                     "not codex",
	"xai-x@sample.example.json":                          "not codex",
}

func ptrTo(s string) *string { return &s }

// copyAuths copies the reference auth files into a temp dir and returns it
// with each file's original bytes.
func copyAuths(t *testing.T) (string, map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(refAuths)
	if err != nil {
		t.Fatal(err)
	}
	orig := map[string][]byte{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(refAuths, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o600); err != nil {
			t.Fatal(err)
		}
		orig[e.Name()] = data
	}
	return dir, orig
}

func loadDir(t *testing.T, dir string) (*core.Snapshot, *auth.Dir) {
	t.Helper()
	src, err := auth.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := core.Load(context.Background(), src, refCatalog(t), rules(t, "pr2024"), now)
	if err != nil {
		t.Fatal(err)
	}
	return snap, src
}

func newWriter(t *testing.T, src auth.Source) core.Writer {
	t.Helper()
	return core.Writer{Source: src, Audit: core.AuditLog{Path: filepath.Join(t.TempDir(), "audit.jsonl")}, Now: func() time.Time { return now }}
}

// accountsNamed picks rows of snap by file name.
func accountsNamed(t *testing.T, snap *core.Snapshot, files ...string) []*core.Account {
	t.Helper()
	var out []*core.Account
	for _, f := range files {
		i := snap.Find(f)
		if i < 0 {
			t.Fatalf("%s is not in the snapshot", f)
		}
		out = append(out, snap.Accounts[i])
	}
	return out
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func withPlan(t *testing.T, data []byte, plan string) []byte {
	t.Helper()
	out, err := auth.SetStringMember(data, core.PlanTypeKey, plan)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func entries(t *testing.T, w core.Writer) []core.AuditEntry {
	t.Helper()
	es, err := w.Audit.Entries()
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// sameFiles fails unless every file of dir is byte for byte as in want.
func sameFiles(t *testing.T, dir string, want map[string][]byte) {
	t.Helper()
	for name, data := range want {
		if got := readFile(t, filepath.Join(dir, name)); !bytes.Equal(got, data) {
			t.Errorf("%s differs (%d bytes, want %d)", name, len(got), len(data))
		}
	}
}

func TestWritePlansWritesWhatIsPlannedAndRecordsIt(t *testing.T) {
	dir, orig := copyAuths(t)
	leftover := auth.TempPrefix + strconv.Itoa(exitedPID(t)) + "-1"
	if err := os.WriteFile(filepath.Join(dir, leftover), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	snap, src := loadDir(t, dir)
	w := newWriter(t, src)
	var progress [][2]int
	w.Progress = func(done, total int) { progress = append(progress, [2]int{done, total}) }

	res := w.WritePlans(context.Background(), snap, snap.Accounts)

	if res.Written != len(plannedWrites) || res.Unchanged != len(orig)-len(plannedWrites) || res.Failed() != 0 {
		t.Fatalf("written %d, unchanged %d, failed %d: %+v", res.Written, res.Unchanged, res.Failed(), res.Outcomes)
	}
	if len(res.Outcomes) != len(snap.Accounts) {
		t.Fatalf("%d outcomes for %d accounts", len(res.Outcomes), len(snap.Accounts))
	}
	want := map[string][]byte{}
	for i, o := range res.Outcomes {
		if o.File != snap.Accounts[i].File {
			t.Errorf("outcome %d is for %s, want %s", i, o.File, snap.Accounts[i].File)
		}
		p, planned := plannedWrites[o.File]
		want[o.File] = orig[o.File]
		switch {
		case !planned:
			if o.Status != core.StatusUnchanged {
				t.Errorf("%s: %s, want unchanged (%s)", o.File, o.Status, neverWritten[o.File])
			}
		case o.Status != core.StatusWritten || o.To != p.to || !equalPtr(o.From, p.from):
			t.Errorf("%s: %s %v → %q, want written %v → %q", o.File, o.Status, deref(o.From), o.To, deref(p.from), p.to)
		default:
			want[o.File] = withPlan(t, orig[o.File], p.to)
		}
	}
	sameFiles(t, dir, want)
	for name, why := range neverWritten {
		if !bytes.Equal(readFile(t, filepath.Join(dir, name)), orig[name]) {
			t.Errorf("%s was written (%s)", name, why)
		}
	}

	es := entries(t, w)
	if len(es) != len(plannedWrites) {
		t.Fatalf("%d audit entries, want one per written file (%d)", len(es), len(plannedWrites))
	}
	for _, e := range es {
		p := plannedWrites[e.File]
		wantOld := "null"
		if p.from != nil {
			wantOld = strconv.Quote(*p.from)
		}
		onDisk := readFile(t, filepath.Join(dir, e.File))
		switch {
		case e.Batch != res.Batch || !e.Time.Equal(now) || e.Path != filepath.Join(dir, e.File) || e.Key != "plan_type" || e.Undoes != "":
			t.Errorf("entry %+v", e)
		case string(e.Old) != wantOld || string(e.New) != strconv.Quote(p.to):
			t.Errorf("%s: old %s new %s, want %s → %q", e.File, e.Old, e.New, wantOld, p.to)
		case e.SHA256Before != digest(orig[e.File]) || e.SHA256After != digest(onDisk):
			t.Errorf("%s: digests %s → %s do not match the files", e.File, e.SHA256Before, e.SHA256After)
		}
	}

	if len(progress) != len(snap.Accounts) {
		t.Fatalf("progress called %d times for %d files", len(progress), len(snap.Accounts))
	}
	for i, p := range progress {
		if p != [2]int{i + 1, len(snap.Accounts)} {
			t.Errorf("progress call %d: %v", i, p)
		}
	}
	if want := []string{filepath.Join(dir, leftover)}; !slices.Equal(res.CleanedTemps, want) {
		t.Errorf("cleaned %v, want %v", res.CleanedTemps, want)
	}
	if _, err := os.Lstat(filepath.Join(dir, leftover)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the crashed writer's temp file is still there: %v", err)
	}

	// Nothing is left to write: a second batch writes and records nothing.
	snap, _ = loadDir(t, dir)
	again := w.WritePlans(context.Background(), snap, snap.Accounts)
	if again.Written != 0 || again.Unchanged != len(orig) {
		t.Errorf("second batch: written %d, unchanged %d", again.Written, again.Unchanged)
	}
	if n := len(entries(t, w)); n != len(plannedWrites) {
		t.Errorf("the second batch added %d audit entries", n-len(plannedWrites))
	}
}

func equalPtr(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// exitedPID returns the pid of a process that has exited and been reaped.
func exitedPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("/bin/true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// changingSource changes the file on disk again each time it is reloaded:
// a second conflict in a row.
type changingSource struct {
	*auth.Dir
	t *testing.T
}

func (s changingSource) Load(ctx context.Context, file string) (*auth.Account, bool, error) {
	a, ok, err := s.Dir.Load(ctx, file)
	path := filepath.Join(s.Root, file)
	data := readFile(s.t, path)
	if err := os.WriteFile(path, append(data, '\n'), 0o600); err != nil {
		s.t.Fatal(err)
	}
	return a, ok, err
}

func TestWritePlansReloadsAndRetriesOnceOnConflict(t *testing.T) {
	original := readFile(t, filepath.Join(refAuths, stale))
	refreshed, err := auth.SetStringMember(original, "last_refresh", "2026-12-01T12:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		// theirs is what another writer puts in the file after the snapshot.
		theirs   []byte
		source   func(d *auth.Dir) auth.Source
		status   string
		want     []byte // the file afterwards
		recorded bool
	}{
		{name: "changed, still needs the write: reloaded and written",
			theirs: refreshed, status: core.StatusWritten, want: withPlan(t, refreshed, "free"), recorded: true},
		{name: "changed to the normalized plan: nothing left to write",
			theirs: withPlan(t, original, "free"), status: core.StatusUnchanged, want: withPlan(t, original, "free")},
		{name: "changed to the same stale plan in other bytes: written",
			theirs: append(slices.Clone(original), '\n'), status: core.StatusWritten, want: withPlan(t, append(slices.Clone(original), '\n'), "free"), recorded: true},
		{name: "caught half-written: a conflict, not unchanged",
			theirs: original[:len(original)/2], status: core.StatusConflict, want: original[:len(original)/2]},
		{name: "changed again while reloading: a conflict after one retry",
			theirs: refreshed, source: func(d *auth.Dir) auth.Source { return changingSource{d, t} },
			status: core.StatusConflict, want: append(slices.Clone(refreshed), '\n')},
		{name: "no source to reload from: a conflict",
			theirs: refreshed, source: func(*auth.Dir) auth.Source { return nil },
			status: core.StatusConflict, want: refreshed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := copyAuths(t)
			snap, src := loadDir(t, dir)
			path := filepath.Join(dir, stale)
			if err := os.WriteFile(path, tt.theirs, 0o600); err != nil { // in place, as the proxy writes
				t.Fatal(err)
			}
			var source auth.Source = src
			if tt.source != nil {
				source = tt.source(src)
			}
			w := newWriter(t, source)
			res := w.WritePlans(context.Background(), snap, accountsNamed(t, snap, stale))
			if o := res.Outcomes[0]; o.Status != tt.status {
				t.Fatalf("status %s (%s), want %s", o.Status, o.Error, tt.status)
			}
			if got := readFile(t, path); !bytes.Equal(got, tt.want) {
				t.Errorf("file is\n%s\nwant\n%s", got, tt.want)
			}
			es, err := w.Audit.Entries()
			switch {
			case !tt.recorded && !errors.Is(err, os.ErrNotExist):
				t.Errorf("audit log: %v, %+v; want none", err, es)
			case tt.recorded && (err != nil || len(es) != 1 || es[0].SHA256Before != digest(tt.theirs) || es[0].SHA256After != digest(tt.want)):
				t.Errorf("audit log: %v, %+v; want the reloaded file's digests", err, es)
			}
		})
	}
}

func TestWritePlansRefusesLinksAndReportsErrors(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	data := readFile(t, filepath.Join(refAuths, stale))
	target := filepath.Join(elsewhere, "target.json")
	for _, p := range []string{target, filepath.Join(dir, "codex-hard.json"), filepath.Join(dir, "codex-gone.json")} {
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(target, filepath.Join(dir, "codex-link.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(dir, "codex-hard.json"), filepath.Join(dir, "backup")); err != nil {
		t.Fatal(err)
	}
	snap, src := loadDir(t, dir)
	if err := os.Remove(filepath.Join(dir, "codex-gone.json")); err != nil {
		t.Fatal(err)
	}
	res := newWriter(t, src).WritePlans(context.Background(), snap, snap.Accounts)

	want := map[string]string{
		"codex-gone.json": core.StatusError + ": no such file",
		"codex-hard.json": core.StatusRefused + ": hard links",
		"codex-link.json": core.StatusRefused + ": symlink",
	}
	for _, o := range res.Outcomes {
		status, says, _ := strings.Cut(want[o.File], ": ")
		if o.Status != status || !strings.Contains(o.Error, says) {
			t.Errorf("%s: %s %q, want %s saying %q", o.File, o.Status, o.Error, status, says)
		}
	}
	if res.Refused != 2 || res.Errors != 1 || res.Failed() != 3 || len(res.Outcomes) != 3 {
		t.Errorf("summary %+v", res)
	}
	if !bytes.Equal(readFile(t, target), data) || !bytes.Equal(readFile(t, filepath.Join(dir, "codex-hard.json")), data) {
		t.Error("a refused file changed")
	}
}

func TestWritePlansWithACancelledContextWritesNothing(t *testing.T) {
	dir, orig := copyAuths(t)
	snap, src := loadDir(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := newWriter(t, src)
	res := w.WritePlans(ctx, snap, snap.Accounts)
	if res.Errors != len(orig) || res.Written != 0 {
		t.Errorf("summary %+v", res)
	}
	sameFiles(t, dir, orig)
}

func TestUndoRestoresEveryFileByteForByte(t *testing.T) {
	dir, orig := copyAuths(t)
	snap, src := loadDir(t, dir)
	w := newWriter(t, src)
	batch := w.WritePlans(context.Background(), snap, snap.Accounts)
	written := entries(t, w)

	res, err := w.Undo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != len(plannedWrites) || res.Failed() != 0 {
		t.Fatalf("undo: %+v", res)
	}
	sameFiles(t, dir, orig)
	for _, o := range res.Outcomes {
		p := plannedWrites[o.File]
		wantTo := "" // removed
		if p.from != nil {
			wantTo = *p.from
		}
		if o.Status != core.StatusWritten || deref(o.From) != p.to || o.To != wantTo {
			t.Errorf("%s: %s %s → %q, want %q → %q", o.File, o.Status, deref(o.From), o.To, p.to, wantTo)
		}
	}

	all := entries(t, w)
	undo := all[len(written):]
	if len(undo) != len(written) {
		t.Fatalf("%d undo entries for %d writes", len(undo), len(written))
	}
	byFile := map[string]core.AuditEntry{}
	for _, e := range written {
		byFile[e.File] = e
	}
	for _, e := range undo {
		was := byFile[e.File]
		switch {
		case e.Undoes != batch.Batch || e.Batch != res.Batch || e.Batch == batch.Batch:
			t.Errorf("%s: batch %s undoes %q, want a new batch undoing %s", e.File, e.Batch, e.Undoes, batch.Batch)
		case string(e.Old) != string(was.New) || string(e.New) != string(was.Old):
			t.Errorf("%s: undo %s → %s, write was %s → %s", e.File, e.Old, e.New, was.Old, was.New)
		case e.SHA256Before != was.SHA256After || e.SHA256After != digest(orig[e.File]):
			t.Errorf("%s: undo digests %s → %s", e.File, e.SHA256Before, e.SHA256After)
		}
	}

	if _, err := w.Undo(context.Background()); !errors.Is(err, core.ErrNothingToUndo) {
		t.Errorf("second undo: %v, want ErrNothingToUndo", err)
	}
	sameFiles(t, dir, orig)
}

func TestUndoRefusesAFileChangedSinceTheWrite(t *testing.T) {
	dir, orig := copyAuths(t)
	snap, src := loadDir(t, dir)
	w := newWriter(t, src)
	w.WritePlans(context.Background(), snap, snap.Accounts)
	path := filepath.Join(dir, stale)
	refreshed, err := auth.SetStringMember(readFile(t, path), "last_refresh", "2026-12-02T00:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, refreshed, 0o600); err != nil {
		t.Fatal(err)
	}

	res, err := w.Undo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Refused != 1 || res.Written != len(plannedWrites)-1 || res.Errors != 0 {
		t.Fatalf("undo: %+v", res)
	}
	for _, o := range res.Outcomes {
		if o.File == stale && (o.Status != core.StatusRefused || !strings.Contains(o.Error, "changed since")) {
			t.Errorf("%s: %s %q, want refused", o.File, o.Status, o.Error)
		}
	}
	want := maps(orig)
	want[stale] = refreshed
	sameFiles(t, dir, want)
	if n := len(entries(t, w)); n != 2*len(plannedWrites)-1 {
		t.Errorf("%d audit entries; the refused file must not be recorded as undone", n)
	}
}

func maps(m map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestUndoRevertsBatchesNewestFirst(t *testing.T) {
	dir, orig := copyAuths(t)
	_, src := loadDir(t, dir)
	w := newWriter(t, src)
	if _, err := w.Undo(context.Background()); !errors.Is(err, core.ErrNothingToUndo) {
		t.Fatalf("undo with no audit log: %v", err)
	}
	snap, _ := loadDir(t, dir)
	first := w.WritePlans(context.Background(), snap, accountsNamed(t, snap, stale))
	snap, _ = loadDir(t, dir)
	second := w.WritePlans(context.Background(), snap, accountsNamed(t, snap, business, goPlan))
	if first.Written != 1 || second.Written != 2 {
		t.Fatalf("batches wrote %d and %d files", first.Written, second.Written)
	}
	afterFirst := maps(orig)
	afterFirst[stale] = withPlan(t, orig[stale], "free")

	res, err := w.Undo(context.Background())
	if err != nil || res.Written != 2 {
		t.Fatalf("first undo: %v, %+v", err, res)
	}
	sameFiles(t, dir, afterFirst)
	res, err = w.Undo(context.Background())
	if err != nil || res.Written != 1 || res.Outcomes[0].File != stale {
		t.Fatalf("second undo: %v, %+v", err, res)
	}
	sameFiles(t, dir, orig)
	if _, err := w.Undo(context.Background()); !errors.Is(err, core.ErrNothingToUndo) {
		t.Errorf("third undo: %v, want ErrNothingToUndo", err)
	}
	var undid []string
	for _, e := range entries(t, w) {
		if e.Undoes != "" {
			undid = append(undid, e.Undoes)
		}
	}
	if want := []string{second.Batch, second.Batch, first.Batch}; !slices.Equal(undid, want) {
		t.Errorf("undo entries undo %v, want %v", undid, want)
	}
}

// A plan_type that was JSON null is put back as null, not removed: the
// audit log holds null both for it and for an absent key.
func TestUndoRestoresANullPlanType(t *testing.T) {
	dir := t.TempDir()
	name := "codex-448e743f-plus@sample.example-plus.json"
	data, err := auth.SetMember(readFile(t, filepath.Join(refAuths, name)), core.PlanTypeKey, []byte("null"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
	snap, src := loadDir(t, dir)
	w := newWriter(t, src)
	if res := w.WritePlans(context.Background(), snap, snap.Accounts); res.Written != 1 {
		t.Fatalf("write: %+v", res)
	}
	res, err := w.Undo(context.Background())
	if err != nil || res.Written != 1 {
		t.Fatalf("undo: %v, %+v", err, res.Outcomes)
	}
	sameFiles(t, dir, map[string][]byte{name: data})
}

func TestUndoWithACancelledContextWritesNothing(t *testing.T) {
	dir, _ := copyAuths(t)
	snap, src := loadDir(t, dir)
	w := newWriter(t, src)
	w.WritePlans(context.Background(), snap, snap.Accounts)
	written := map[string][]byte{}
	for name := range plannedWrites {
		written[name] = readFile(t, filepath.Join(dir, name))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	res, err := w.Undo(ctx)
	if err != nil || res.Errors != len(plannedWrites) || res.Written != 0 {
		t.Fatalf("undo: %v, %+v", err, res)
	}
	sameFiles(t, dir, written)
	// Nothing was undone, so the batch is still there to undo.
	if res, err := w.Undo(context.Background()); err != nil || res.Written != len(plannedWrites) {
		t.Errorf("undo after the cancelled one: %v, %+v", err, res)
	}
}

// A file an undo refused stays in the batch: once it is back to what the
// batch wrote, the next undo reverts it, and only it.
func TestARefusedFileIsUndoneByTheNextUndo(t *testing.T) {
	dir, orig := copyAuths(t)
	snap, src := loadDir(t, dir)
	w := newWriter(t, src)
	w.WritePlans(context.Background(), snap, snap.Accounts)
	path := filepath.Join(dir, stale)
	written := readFile(t, path)
	refreshed, err := auth.SetStringMember(written, "last_refresh", "2026-12-02T00:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, refreshed, 0o600); err != nil {
		t.Fatal(err)
	}
	if res, err := w.Undo(context.Background()); err != nil || res.Refused != 1 {
		t.Fatalf("first undo: %+v %v", res, err)
	}
	if err := os.WriteFile(path, written, 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := w.Undo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != 1 || len(res.Outcomes) != 1 || res.Outcomes[0].File != stale {
		t.Fatalf("second undo should revert only the refused file: %+v", res)
	}
	sameFiles(t, dir, orig)
	if _, err := w.Undo(context.Background()); err != core.ErrNothingToUndo {
		t.Errorf("third undo: %v, want nothing to undo", err)
	}
}
