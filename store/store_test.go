package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/store/storetest"
)

var refDir = filepath.Join("..", "testdata", "reference", "proxy-a7e3596", "auths")

func open(t *testing.T, dsn string) *Postgres {
	t.Helper()
	s, err := Open(Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func scan(t *testing.T, s *Postgres) []*auth.Account {
	t.Helper()
	got, err := s.Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// comparable drops what differs between a file and a row by nature: where
// it is, and the bytes JSONB normalizes.
func comparable(a *auth.Account) auth.Account {
	c := *a
	c.Path, c.Size, c.Digest, c.ModTime = "", 0, auth.Digest{}, time.Time{}
	return c
}

func TestRowsParseExactlyAsTheirFiles(t *testing.T) {
	db := storetest.New(t)
	n := len(db.LoadDir(refDir))
	s := open(t, db.DSN)
	rows := scan(t, s)
	dir, _ := auth.NewDir(refDir)
	files, err := dir.Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n || len(rows) != len(files) {
		t.Fatalf("%d rows, %d files, %d loaded", len(rows), len(files), n)
	}
	for i, r := range rows {
		f := files[i]
		if r.File != f.File {
			t.Fatalf("row %d is %s, file %s", i, r.File, f.File)
		}
		if !reflect.DeepEqual(comparable(r), comparable(f)) {
			t.Errorf("%s: the row parses differently from its file:\nrow  %+v\nfile %+v", r.File, comparable(r), comparable(f))
		}
		if want := s.Path(r.File); r.Path != want || !strings.HasSuffix(want, db.Schema+".auth_store/"+r.File) {
			t.Errorf("%s: path %q, want %q", r.File, r.Path, want)
		}
		if r.ModTime.IsZero() || r.Size == 0 {
			t.Errorf("%s: no updated_at (%v) or size (%d)", r.File, r.ModTime, r.Size)
		}
	}
}

func TestBrokenRowsAreErrorRowsAndOtherIDsAreSkipped(t *testing.T) {
	db := storetest.New(t)
	db.Put("string.json", []byte(`"just a string"`))
	db.Put("array.json", []byte(`[1, 2]`))
	db.Put("null.json", []byte(`null`))
	db.Put("number.json", []byte(`42`))
	db.Put("big.json", []byte(`{"type": "codex", "note": "`+strings.Repeat("x", auth.MaxFileSize)+`"}`))
	db.Put("good.json", []byte(`{"type": "claude", "email": "c@example.com"}`))
	// The proxy's spool mirror would not load these from its folder.
	db.Put("notes.txt", []byte(`{"type": "codex"}`))
	db.Put(".oauth-pending.json", []byte(`{"type": "codex"}`))
	db.Put("sub/nested.json", []byte(`{"type": "codex"}`))

	s := open(t, db.DSN)
	rows := scan(t, s)
	got := map[string]string{}
	for _, a := range rows {
		msg := ""
		if a.Err != nil {
			msg = a.Err.Error()
		}
		got[a.File] = msg
	}
	want := map[string]string{
		"string.json": "not a JSON object: the file holds a string",
		"array.json":  "not a JSON object: the file holds an array",
		"null.json":   "not a JSON object: the file holds null",
		"number.json": "not a JSON object: the file holds a number",
		"big.json":    "content is 1.0 MiB of JSON, larger than the 1 MiB limit; not read",
		"good.json":   "",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %q\nwant %q", got, want)
	}
	for _, a := range rows {
		if a.Err != nil && (a.Provider != "" || a.Email != "") {
			t.Errorf("%s: an error row with account fields: %+v", a.File, a)
		}
	}
	// Load reads one row the same way.
	a, ok, err := s.Load(context.Background(), "array.json")
	if err != nil || !ok || a.Err == nil || a.Err.Error() != want["array.json"] {
		t.Errorf("Load(array.json) = %v, %v, %v", a, ok, err)
	}
	if _, _, err := s.Load(context.Background(), "sub/nested.json"); err == nil {
		t.Error("Load of an id the proxy would not load: no error")
	}
}

func TestLoadReloadsOneRowAndSaysWhenItIsGone(t *testing.T) {
	db := storetest.New(t)
	db.Put("a.json", []byte(`{"type": "codex", "email": "a@example.com"}`))
	s := open(t, db.DSN)
	scan(t, s)
	db.Put("a.json", []byte(`{"type": "codex", "email": "new@example.com"}`))
	a, ok, err := s.Load(context.Background(), "a.json")
	if err != nil || !ok || a.Email != "new@example.com" {
		t.Fatalf("Load = %+v, %v, %v", a, ok, err)
	}
	_, updated := db.Row("a.json")
	if !a.ModTime.Equal(updated) {
		t.Errorf("ModTime %v, updated_at %v", a.ModTime, updated)
	}
	db.Delete("a.json")
	if a, ok, err := s.Load(context.Background(), "a.json"); err != nil || ok || a != nil {
		t.Errorf("Load of a deleted row = %v, %v, %v", a, ok, err)
	}
}

func TestChangesReportsInsertsUpdatesAndDeletesAndReadsNothingWhenQuiet(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	db.Put("a.json", []byte(`{"type": "codex"}`))
	db.Put("b.json", []byte(`{"type": "codex"}`))
	s := open(t, db.DSN)
	scan(t, s)
	base := s.Stats()

	poll := func(want ...string) {
		t.Helper()
		got, err := s.Changes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("Changes = %q, want %q", got, want)
		}
		for _, f := range got {
			if _, _, err := s.Load(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 3 {
		poll()
	}
	if st := s.Stats(); st.Listings != base.Listings || st.RowsRead != base.RowsRead || st.Polls != base.Polls+3 {
		t.Fatalf("quiet polls listed or read rows: before %+v, after %+v", base, st)
	}

	db.Put("c.json", []byte(`{"type": "claude"}`))
	poll("c.json")
	db.Put("a.json", []byte(`{"type": "codex", "note": "refreshed"}`))
	poll("a.json")
	db.Delete("b.json")
	poll("b.json")
	db.Put("a.json", []byte(`{"type": "codex", "note": "again"}`))
	db.Put("d.json", []byte(`{"type": "kimi"}`))
	db.Delete("c.json")
	poll("a.json", "c.json", "d.json")

	poll() // settles: one listing that finds nothing new
	settled := s.Stats()
	for range 3 {
		poll()
	}
	if st := s.Stats(); st.Listings != settled.Listings || st.RowsRead != settled.RowsRead {
		t.Errorf("quiet polls after changes listed or read rows: %+v then %+v", settled, st)
	}
	// Six changes: four rows to read (c, a, a, d), two deletions to drop.
	if got := settled.RowsRead - base.RowsRead; got != 4 {
		t.Errorf("%d rows read, want 4", got)
	}
}

func TestAChangeNotReloadedIsReportedAgain(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	s := open(t, db.DSN)
	scan(t, s)
	db.Put("a.json", []byte(`{"type": "codex"}`))
	for range 2 {
		if got, err := s.Changes(ctx); err != nil || fmt.Sprint(got) != "[a.json]" {
			t.Fatalf("Changes = %q, %v", got, err)
		}
	}
}

func TestALostConnectionIsRetriedOnANewOne(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	db.Put("a.json", []byte(`{"type": "codex"}`))
	s := open(t, db.DSN)
	scan(t, s)
	for _, op := range []struct {
		name string
		run  func() error
	}{
		{"Changes", func() error { _, err := s.Changes(ctx); return err }},
		{"Scan", func() error { _, err := s.Scan(ctx); return err }},
		{"Load", func() error { _, _, err := s.Load(ctx, "a.json"); return err }},
	} {
		if n := db.Terminate(); n == 0 {
			t.Fatalf("%s: no connection to terminate", op.name)
		}
		if err := op.run(); err != nil {
			t.Errorf("%s after the server dropped the connection: %v", op.name, err)
		}
	}
	t.Logf("stats: %+v", s.Stats())
}

func TestAnUnreachableStoreIsAClearErrorAndKeepsWhatItKnew(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	db.Put("a.json", []byte(`{"type": "codex"}`))
	s := open(t, db.PasswordDSN(storetest.Password))
	scan(t, s)

	db.Exec("ALTER ROLE " + storetest.Role + " NOLOGIN")
	t.Cleanup(func() { db.Exec("ALTER ROLE " + storetest.Role + " LOGIN") })
	db.Terminate()
	db.Put("b.json", []byte(`{"type": "codex"}`))
	_, err := s.Changes(ctx)
	var se *StoreError
	if !errors.As(err, &se) || !se.ConnectionLost() {
		t.Fatalf("Changes while the store refuses logins = %v, want a StoreError that says the connection is lost", err)
	}
	msg := err.Error()
	if strings.Contains(msg, storetest.Password) || strings.Contains(msg, "\n") ||
		!strings.HasPrefix(msg, s.Describe()+": poll: cannot connect:") || !strings.Contains(msg, "not permitted to log in") {
		t.Errorf("error: %s", msg)
	}

	db.Exec("ALTER ROLE " + storetest.Role + " LOGIN")
	got, err := s.Changes(ctx)
	if err != nil || fmt.Sprint(got) != "[b.json]" {
		t.Errorf("Changes once the store answers again = %q, %v; want the row added meanwhile", got, err)
	}
}

func TestWrongDSNsGiveOneClearLineWithoutThePassword(t *testing.T) {
	db := storetest.New(t)
	const pw = "hunter2-Secret"
	closed := fmt.Sprintf("postgres://u:%s@127.0.0.1:1/db?connect_timeout=5", pw)
	for _, tc := range []struct {
		name, dsn, want string
	}{
		{"nothing listens", closed, "cannot connect: "},
		{"wrong password", db.PasswordDSN(pw), "password authentication failed"},
		{"no such table", strings.Replace(db.DSN, "schema="+db.Schema, "schema=nowhere", 1), "there is no table nowhere.auth_store in this database"},
		{"no such database", strings.Replace(db.DSN, "/"+storetest.Database+"?", "/missing?", 1), `database "missing" does not exist`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, tc.dsn)
			_, err := s.Scan(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, pw) || strings.Contains(msg, "\n") ||
				!strings.HasPrefix(msg, "store postgres://") {
				t.Errorf("error %q, want one line naming the store and saying %q, never the password", msg, tc.want)
			}
			if strings.Contains(s.Describe(), pw) || strings.Contains(s.Path("x.json"), pw) {
				t.Errorf("the description shows the password: %s", s.Describe())
			}
		})
	}
	_, err := Open(Config{DSN: "postgres://u:" + pw + "@host:notaport/db"})
	if err == nil || strings.Contains(err.Error(), pw) {
		t.Errorf("a DSN that does not parse: %v", err)
	}
}

func TestDescribeNamesDatabaseAndTableOnly(t *testing.T) {
	for _, tc := range []struct{ dsn, want string }{
		{"postgres://proxy:pw@db.internal/fleet", "store postgres://db.internal/fleet (table auth_store)"},
		{"postgres://proxy:pw@db.internal:6543/fleet?schema=cpa&table=auths", "store postgres://db.internal:6543/fleet (table cpa.auths)"},
		{"host=/run/pg port=5433 dbname=fleet user=proxy password=pw", "store postgres://%2Frun%2Fpg:5433/fleet (table auth_store)"},
	} {
		s, err := Open(Config{DSN: tc.dsn})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Describe(); got != tc.want {
			t.Errorf("%s: Describe = %q, want %q", tc.dsn, got, tc.want)
		}
		s.Close()
	}
	cfg, err := FromEnv(func(k string) string {
		return map[string]string{"PGSTORE_DSN": "postgres://p@h/d", "PGSTORE_SCHEMA": "cpa"}[k]
	})
	if err != nil || cfg.DSN != "postgres://p@h/d" || cfg.Schema != "cpa" {
		t.Errorf("FromEnv = %+v, %v", cfg, err)
	}
	if _, err := FromEnv(func(string) string { return "" }); err == nil {
		t.Error("FromEnv without PGSTORE_DSN: no error")
	}
}
