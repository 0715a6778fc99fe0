package core_test

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/core"
	"github.com/tierscope/tierscope/store"
	"github.com/tierscope/tierscope/store/storetest"
)

// TestMain stops the PostgreSQL server the store tests start (only they
// start it).
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// loadStore puts the reference files in a fresh store and resolves it.
func loadStore(t *testing.T) (*storetest.DB, *store.Postgres, *core.Snapshot) {
	t.Helper()
	db := storetest.New(t)
	db.LoadDir(refAuths)
	s, err := store.Open(store.Config{DSN: db.DSN})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	snap, err := core.Load(context.Background(), s, refCatalog(t), rules(t, "pr2024"), now)
	if err != nil {
		t.Fatal(err)
	}
	return db, s, snap
}

func rowMembers(t *testing.T, content string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(content), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// contents is every row of the reference files as it is now.
func contents(t *testing.T, db *storetest.DB) map[string]string {
	out := map[string]string{}
	for name := range plannedWrites {
		out[name], _ = db.Row(name)
	}
	for name := range neverWritten {
		out[name], _ = db.Row(name)
	}
	return out
}

func TestWritePlansOnAStoreWritesOneTransactionAndRetriesAConflictOnce(t *testing.T) {
	ctx := context.Background()
	db, s, snap := loadStore(t)
	before := contents(t, db)
	// A proxy instance saves the business account (a token refresh)
	// between the load and the write.
	theirs := rowMembers(t, before[business])
	theirs["last_refresh"] = "2026-12-01T12:00:00Z"
	data, _ := json.Marshal(theirs)
	db.Put(business, data)

	w := newWriter(t, s)
	res := w.WritePlans(ctx, snap, snap.Accounts)
	if res.Written != len(plannedWrites) || res.Failed() != 0 || len(res.Outcomes) != len(snap.Accounts) {
		t.Fatalf("written %d, failed %d: %+v", res.Written, res.Failed(), res.Outcomes)
	}
	var batchTime time.Time
	for _, o := range res.Outcomes {
		p, planned := plannedWrites[o.File]
		if !planned {
			if o.Status != core.StatusUnchanged {
				t.Errorf("%s: %s (%s)", o.File, o.Status, neverWritten[o.File])
			}
			continue
		}
		if o.Status != core.StatusWritten || o.To != p.to || !equalPtr(o.From, p.from) {
			t.Errorf("%s: %s %v → %q, want %v → %q", o.File, o.Status, deref(o.From), o.To, deref(p.from), p.to)
		}
		content, updated := db.Row(o.File)
		want := rowMembers(t, before[o.File])
		if o.File == business {
			want = rowMembers(t, string(data)) // reloaded: their change is kept
		} else if batchTime.IsZero() {
			batchTime = updated
		} else if !updated.Equal(batchTime) {
			t.Errorf("%s: updated_at %v, the batch's other rows %v: not one transaction", o.File, updated, batchTime)
		}
		want["plan_type"] = p.to
		if got := rowMembers(t, content); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: only plan_type may change:\n got %v\nwant %v", o.File, got, want)
		}
	}
	for name, why := range neverWritten {
		if now, _ := db.Row(name); now != before[name] {
			t.Errorf("%s was written (%s)", name, why)
		}
	}
	es := entries(t, w)
	if len(es) != len(plannedWrites) {
		t.Fatalf("%d audit entries, want %d", len(es), len(plannedWrites))
	}
	for _, e := range es {
		content, updated := db.Row(e.File)
		p := plannedWrites[e.File]
		wantOld := "null"
		if p.from != nil {
			wantOld = strconv.Quote(*p.from)
		}
		switch {
		case e.Store == nil || e.Store.Source != s.Describe() || e.Path != s.Path(e.File) || e.Batch != res.Batch:
			t.Errorf("%s: entry %+v", e.File, e)
		case string(e.Old) != wantOld || string(e.New) != strconv.Quote(p.to) || e.Store.OldAbsent != (p.from == nil):
			t.Errorf("%s: old %s new %s absent %v", e.File, e.Old, e.New, e.Store.OldAbsent)
		case !e.Store.UpdatedAtAfter.Equal(updated) || !e.Store.UpdatedAtAfter.After(e.Store.UpdatedAtBefore) || e.SHA256After != digest([]byte(content)):
			t.Errorf("%s: versions %v → %v, digest %s; the row is at %v", e.File, e.Store.UpdatedAtBefore, e.Store.UpdatedAtAfter, e.SHA256After, updated)
		}
	}

	// Undo puts every row back as it was (their refresh stays).
	undo, err := w.Undo(ctx)
	if err != nil || undo.Written != len(plannedWrites) || undo.Failed() != 0 {
		t.Fatalf("undo: %+v, %v", undo, err)
	}
	after := contents(t, db)
	for name, was := range before {
		if name == business {
			if got := rowMembers(t, after[name]); !reflect.DeepEqual(got, theirs) {
				t.Errorf("%s after undo: %v, want their version %v", name, got, theirs)
			}
			continue
		}
		if after[name] != was {
			t.Errorf("%s after undo:\n got %s\nwant %s", name, after[name], was)
		}
	}
}

// resaving is a store a proxy instance saves again each time tierscope
// reloads a row: the conflict persists.
type resaving struct {
	*store.Postgres
	db *storetest.DB
}

func (r resaving) Load(ctx context.Context, file string) (*auth.Account, bool, error) {
	a, ok, err := r.Postgres.Load(ctx, file)
	content, _ := r.db.Row(file)
	m := map[string]any{}
	_ = json.Unmarshal([]byte(content), &m)
	m["last_refresh"] = time.Now().UTC().Format(time.RFC3339Nano)
	data, _ := json.Marshal(m)
	r.db.Put(file, data)
	return a, ok, err
}

func TestARowThatConflictsTwiceIsAConflictAndTheOthersAreWritten(t *testing.T) {
	db, s, snap := loadStore(t)
	saved := rowMembers(t, contents(t, db)[stale])
	saved["note"] = "saved by a proxy"
	data, _ := json.Marshal(saved)
	db.Put(stale, data)
	w := newWriter(t, resaving{s, db})
	res := w.WritePlans(context.Background(), snap, accountsNamed(t, snap, business, stale, goPlan))
	want := []string{core.StatusWritten, core.StatusConflict, core.StatusWritten}
	for i, o := range res.Outcomes {
		if o.Status != want[i] {
			t.Errorf("%s: %s (%s), want %s", o.File, o.Status, o.Error, want[i])
		}
	}
	if o := res.Outcomes[1]; !strings.Contains(o.Error, "changed in the store since it was loaded") {
		t.Errorf("conflict says %q", o.Error)
	}
	if res.Conflicts != 1 || res.Failed() != 1 {
		t.Errorf("%+v", res)
	}
}

func TestPreparePlanWritesPreviewsAStoreWithoutWriting(t *testing.T) {
	db, s, snap := loadStore(t)
	before := contents(t, db)
	prepared := core.PreparePlanWrites(context.Background(), s, accountsNamed(t, snap, stale, "claude-c@sample.example.json"))
	p := prepared[0]
	if p.Err != nil || !p.Needed || p.Write.Path != s.Path(stale) || *p.Write.Old != "plus" || p.Write.New != "free" {
		t.Fatalf("stale: %+v", p)
	}
	if !strings.Contains(string(p.Write.Before), "\n  \"plan_type\": \"plus\",\n") || !strings.Contains(string(p.Write.After), "\n  \"plan_type\": \"free\",\n") {
		t.Errorf("the preview is not the indented row:\n%s\n%s", p.Write.Before, p.Write.After)
	}
	if prepared[1].Needed || prepared[1].Err != nil {
		t.Errorf("claude: %+v", prepared[1])
	}
	if after := contents(t, db); !reflect.DeepEqual(after, before) {
		t.Error("a preview wrote to the store")
	}
}

func TestUndoOfAStoreBatchWithoutTheStoreIsRefused(t *testing.T) {
	ctx := context.Background()
	_, s, snap := loadStore(t)
	w := newWriter(t, s)
	if res := w.WritePlans(ctx, snap, accountsNamed(t, snap, stale)); res.Written != 1 {
		t.Fatalf("%+v", res)
	}
	w.Source = nil // a run on an auth folder
	res, err := w.Undo(ctx)
	if err != nil || res.Refused != 1 || !strings.Contains(res.Outcomes[0].Error, "written to "+s.Describe()) {
		t.Fatalf("undo without the store: %+v, %v", res, err)
	}
	w.Source = s
	if res, err := w.Undo(ctx); err != nil || res.Written != 1 {
		t.Errorf("undo with the store, after a refused one: %+v, %v", res, err)
	}
}
