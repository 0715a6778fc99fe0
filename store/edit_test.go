package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/store/storetest"
)

// members decodes a row's content.
func members(t *testing.T, content string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(content), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func setPlan(a *auth.Account, tier string) auth.RecordEdit {
	return auth.RecordEdit{File: a.File, ModTime: a.ModTime, Digest: a.Digest, Key: "plan_type", Value: json.RawMessage(`"` + tier + `"`)}
}

func byFile(accounts []*auth.Account) map[string]*auth.Account {
	m := map[string]*auth.Account{}
	for _, a := range accounts {
		m[a.File] = a
	}
	return m
}

func TestABatchIsOneTransactionAndAConflictingRowIsLeftAlone(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	db.Put("a.json", []byte(`{"type": "codex", "email": "a@example.com", "plan_type": "business", "extra": {"k": [1, 2]}}`))
	db.Put("b.json", []byte(`{"type": "codex", "email": "b@example.com"}`))
	db.Put("c.json", []byte(`{"type": "codex", "email": "c@example.com"}`))
	db.Put("d.json", []byte(`{"type": "codex", "email": "d@example.com"}`))
	s := open(t, db.DSN)
	rows := byFile(scan(t, s))
	beforeA, _ := db.Row("a.json")

	// A second connection (a proxy instance refreshing a token) rewrites
	// b between the load and the write; d is deleted.
	db.Put("b.json", []byte(`{"type": "codex", "email": "b@example.com", "access_token": "new"}`))
	db.Delete("d.json")

	edits := []auth.RecordEdit{setPlan(rows["a.json"], "team"), setPlan(rows["b.json"], "team"), setPlan(rows["c.json"], "plus"), setPlan(rows["d.json"], "pro")}
	res, err := s.EditRecords(ctx, edits, false)
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Changed || !res[2].Changed || res[0].Err != nil || res[2].Err != nil {
		t.Fatalf("a and c not written: %+v %+v", res[0], res[2])
	}
	if !errors.Is(res[1].Err, auth.ErrConflict) || res[1].Changed {
		t.Errorf("b: %+v, want a conflict", res[1])
	}
	if !errors.Is(res[3].Err, auth.ErrGone) {
		t.Errorf("d: %+v, want gone", res[3])
	}
	// One transaction: one NOW() for every row written.
	if !res[0].ModTimeAfter.Equal(res[2].ModTimeAfter) || !res[0].ModTimeAfter.After(res[0].ModTimeBefore) {
		t.Errorf("updated_at: a %v→%v, c %v", res[0].ModTimeBefore, res[0].ModTimeAfter, res[2].ModTimeAfter)
	}
	if string(res[0].Old) != `"business"` || res[2].Old != nil {
		t.Errorf("old values: %s, %s", res[0].Old, res[2].Old)
	}

	afterA, updatedA := db.Row("a.json")
	if !updatedA.Equal(res[0].ModTimeAfter) || afterA != string(res[0].After) {
		t.Errorf("a in the table: %s at %v; result said %s at %v", afterA, updatedA, res[0].After, res[0].ModTimeAfter)
	}
	want := members(t, beforeA)
	want["plan_type"] = "team"
	if got := members(t, afterA); !reflect.DeepEqual(got, want) {
		t.Errorf("a: only plan_type may change:\n got %v\nwant %v", got, want)
	}
	if b, _ := db.Row("b.json"); strings.Contains(b, "plan_type") || !strings.Contains(b, `"access_token": "new"`) {
		t.Errorf("b was touched: %s", b)
	}
	if c, _ := db.Row("c.json"); members(t, c)["plan_type"] != "plus" {
		t.Errorf("c: %s", c)
	}
}

func TestAFailureRollsBackTheWholeBatch(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	db.Put("a.json", []byte(`{"type": "codex"}`))
	db.Put("b.json", []byte(`{"type": "codex"}`))
	s := open(t, db.DSN)
	rows := byFile(scan(t, s))
	db.Exec(fmt.Sprintf(`CREATE FUNCTION %s.refuse() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.id = 'b.json' THEN RAISE EXCEPTION 'refused by a trigger'; END IF; RETURN NEW; END $$`, db.Schema))
	db.Exec(fmt.Sprintf(`CREATE TRIGGER refuse BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION %s.refuse()`, db.Table, db.Schema))

	_, err := s.EditRecords(ctx, []auth.RecordEdit{setPlan(rows["a.json"], "team"), setPlan(rows["b.json"], "team")}, false)
	if err == nil || !strings.Contains(err.Error(), "nothing was written") || !strings.Contains(err.Error(), "refused by a trigger") {
		t.Fatalf("err = %v", err)
	}
	if a, updated := db.Row("a.json"); strings.Contains(a, "plan_type") || !updated.Equal(rows["a.json"].ModTime) {
		t.Errorf("a was written although the batch failed: %s", a)
	}
}

func TestADryRunComputesTheEditAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	db.Put("a.json", []byte(`{"type": "codex", "plan_type": "plus"}`))
	s := open(t, db.DSN)
	rows := byFile(scan(t, s))
	before, updated := db.Row("a.json")
	res, err := s.EditRecords(ctx, []auth.RecordEdit{setPlan(rows["a.json"], "pro")}, true)
	if err != nil || res[0].Err != nil || !res[0].Changed {
		t.Fatalf("dry run: %+v, %v", res, err)
	}
	if string(res[0].Before) != before || members(t, string(res[0].After))["plan_type"] != "pro" {
		t.Errorf("dry run before %s after %s", res[0].Before, res[0].After)
	}
	if now, at := db.Row("a.json"); now != before || !at.Equal(updated) {
		t.Errorf("a dry run wrote: %s at %v", now, at)
	}
}

func TestEditsSetRemoveAndLeaveAloneWhatAlreadyHolds(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	db.Put("a.json", []byte(`{"type": "codex", "plan_type": "team", "n": 1}`))
	s := open(t, db.DSN)
	a := byFile(scan(t, s))["a.json"]

	same, err := s.EditRecords(ctx, []auth.RecordEdit{setPlan(a, "team")}, false)
	if err != nil || same[0].Changed || same[0].Err != nil {
		t.Fatalf("setting the value it holds: %+v, %v", same, err)
	}
	if _, at := db.Row("a.json"); !at.Equal(a.ModTime) {
		t.Error("an edit that changes nothing bumped updated_at")
	}
	rm := auth.RecordEdit{File: a.File, ModTime: a.ModTime, Digest: a.Digest, Key: "plan_type"}
	res, err := s.EditRecords(ctx, []auth.RecordEdit{rm}, false)
	if err != nil || !res[0].Changed {
		t.Fatalf("remove: %+v, %v", res, err)
	}
	if got, _ := db.Row("a.json"); got != `{"n": 1, "type": "codex"}` {
		t.Errorf("after removing plan_type: %s", got)
	}
	a, _, _ = s.Load(ctx, "a.json")
	raw := auth.RecordEdit{File: a.File, ModTime: a.ModTime, Digest: a.Digest, Key: "n", Value: json.RawMessage(`{"x": [true]}`)}
	if res, err := s.EditRecords(ctx, []auth.RecordEdit{raw}, false); err != nil || !res[0].Changed {
		t.Fatalf("set a JSON value: %+v, %v", res, err)
	}
	if got, _ := db.Row("a.json"); got != `{"n": {"x": [true]}, "type": "codex"}` {
		t.Errorf("after setting n: %s", got)
	}
}
