package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/tierscope/tierscope/store/storetest"
)

// TestMain stops the PostgreSQL server the store tests start.
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// refStore is a store holding the reference auth files, and its DSN.
func refStore(t *testing.T) (*storetest.DB, string) {
	t.Helper()
	db := storetest.New(t)
	db.LoadDir(refDir)
	return db, db.DSN
}

// withoutPaths decodes list --json rows, leaving out "path": the one field
// that says where a row is.
func withoutPaths(t *testing.T, out string) []map[string]any {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, r := range rows {
		delete(r, "path")
	}
	return rows
}

func TestListOnAStoreIsListOnTheSameFiles(t *testing.T) {
	_, dsn := refStore(t)
	for _, rules := range []string{"pr2024", "upstream"} {
		folder := runCLI(t, nil, "list", "--json", "--rules", rules, "--auth-dir", refDir, "--catalog", refModels)
		rows := runCLI(t, nil, "list", "--json", "--rules", rules, "--store", dsn, "--catalog", refModels)
		if folder.code != 0 || rows.code != 0 {
			t.Fatalf("%s: exit %d / %d: %s%s", rules, folder.code, rows.code, folder.stderr, rows.stderr)
		}
		got, want := withoutPaths(t, rows.stdout), withoutPaths(t, folder.stdout)
		if len(got) != 30 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the store's rows differ from the folder's:\n got %v\nwant %v", rules, got, want)
		}
		if strings.Contains(rows.stdout, `"path": "/`) || !strings.Contains(rows.stdout, `"path":"postgres://`) {
			t.Errorf("%s: paths are not the rows': %.300s", rules, rows.stdout)
		}
	}
}

func TestEveryHeadlessCommandWorksOnAStore(t *testing.T) {
	db, dsn := refStore(t)
	stale := "codex-stale@sample.example-plus.json"
	same := func(args ...string) {
		t.Helper()
		folder := runCLI(t, nil, append(args, "--auth-dir", refDir, "--catalog", refModels)...)
		rows := runCLI(t, nil, append(args, "--store", dsn, "--catalog", refModels)...)
		if rows.code != folder.code || rows.code == 2 {
			t.Fatalf("%v: exit %d on the store, %d on the folder: %s", args, rows.code, folder.code, rows.stderr)
		}
		if strings.ReplaceAll(folder.stdout, absRef(t), "") != stripStorePaths(rows.stdout, db) {
			t.Errorf("%v: output differs:\nstore  %.600s\nfolder %.600s", args, rows.stdout, folder.stdout)
		}
	}
	same("diff", "--rule-sets", "pr2024,upstream", "--json")
	same("diff", "--candidate", historyDir+"/models-2026-07-10T0108-46f333c.json", "--json")
	same("list", "--provider", "codex", "--tier", "team", "--json")

	show := runCLI(t, nil, "show", stale, "--json", "--store", dsn, "--catalog", refModels)
	if show.code != 0 || !strings.Contains(show.stdout, `"file": "codex-stale@sample.example-plus.json"`) || !strings.Contains(show.stdout, `"claims"`) {
		t.Errorf("show: exit %d %s%.300s", show.code, show.stderr, show.stdout)
	}
	if r := runCLI(t, nil, "show", "missing.json", "--store", dsn); r.code != 2 || !strings.Contains(r.stderr, "no such record in the store postgres://") {
		t.Errorf("show missing: exit %d %s", r.code, r.stderr)
	}

	text := runCLI(t, nil, "list", "--store", dsn, "--catalog", refModels)
	first, _, _ := strings.Cut(text.stdout, "\n")
	wantHead := fmt.Sprintf("store postgres://%%2F%s:%d/tierscope (table %s.auth_store) · read-only (--allow-store-writes to write)",
		strings.ReplaceAll(strings.TrimPrefix(db.Server.Socket, "/"), "/", "%2F"), db.Server.Port, db.Schema)
	if text.code != 0 || first != wantHead || !strings.HasSuffix(text.stdout, "\n30 account(s)\n") {
		t.Errorf("list header %q, want %q (exit %d %s)", first, wantHead, text.code, text.stderr)
	}

	cat := runCLI(t, nil, "catalog", "--json", "--store", dsn, "--catalog", refModels)
	var out struct {
		AuthSource struct {
			Kind, Describe string
			ReadOnly       bool `json:"read_only"`
		} `json:"auth_source"`
	}
	if err := json.Unmarshal([]byte(cat.stdout), &out); err != nil || out.AuthSource.Kind != "store" ||
		!strings.HasPrefix(out.AuthSource.Describe, "store postgres://") || !out.AuthSource.ReadOnly {
		t.Errorf("catalog --json auth_source: %+v (%v)", out.AuthSource, err)
	}
	if r := runCLI(t, nil, "catalog", "--store", dsn, "--catalog", refModels); !strings.HasPrefix(r.stdout, "accounts      store postgres://") {
		t.Errorf("catalog: %.200s", r.stdout)
	}
}

// absRef is the reference folder's absolute path plus a slash, which
// folder output carries in paths.
func absRef(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd + "/" + refDir + "/"
}

// stripStorePaths removes the rows' path prefix from store output.
func stripStorePaths(out string, db *storetest.DB) string {
	i := strings.Index(out, "postgres://")
	if i < 0 {
		return out
	}
	j := strings.Index(out[i:], db.Schema+".auth_store/")
	if j < 0 {
		return out
	}
	return strings.ReplaceAll(out, out[i:i+j+len(db.Schema+".auth_store/")], "")
}

func TestAStoreIsReadOnlyUntilWritesAreAllowed(t *testing.T) {
	db, dsn := refStore(t)
	cache := t.TempDir()
	env := map[string]string{"TIERSCOPE_CACHE_DIR": cache}
	before, _ := db.Row("codex-stale@sample.example-plus.json")

	for _, args := range [][]string{{"normalize", "--write"}, {"normalize", "--undo"}} {
		r := runCLI(t, env, append(args, "--store", dsn)...)
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "read-only unless --allow-store-writes") {
			t.Errorf("%v: exit %d, %q", args, r.code, r.stderr)
		}
	}
	// --read-only wins over --allow-store-writes.
	if r := runCLI(t, env, "normalize", "--write", "--store", dsn, "--allow-store-writes", "--read-only"); r.code != 2 {
		t.Errorf("--read-only --allow-store-writes: exit %d", r.code)
	}
	if now, _ := db.Row("codex-stale@sample.example-plus.json"); now != before {
		t.Fatal("a refused write wrote")
	}

	dry := runCLI(t, env, "normalize", "--store", dsn, "codex-stale@sample.example-plus.json")
	if dry.code != 1 || !strings.Contains(dry.stdout, `-  "plan_type": "plus",`) || !strings.Contains(dry.stdout, `+  "plan_type": "free",`) ||
		!strings.Contains(dry.stderr, "overwrites the row with that copy") || strings.Contains(dry.stdout, "rt_") {
		t.Errorf("dry run: exit %d\n%s%s", dry.code, dry.stdout, dry.stderr)
	}

	env["TIERSCOPE_ALLOW_STORE_WRITES"] = "1"
	w := runCLI(t, env, "normalize", "--write", "--store", dsn)
	if w.code != 0 || !strings.Contains(w.stdout, `written   codex-stale@sample.example-plus.json  plan_type "plus" → "free"`) ||
		!strings.Contains(w.stdout, "written 18, unchanged 12, conflicts 0") ||
		!strings.Contains(w.stderr, "each keeps the copy it mirrored into its spool folder until it restarts") {
		t.Fatalf("write: exit %d\n%s%s", w.code, w.stdout, w.stderr)
	}
	if r := runCLI(t, env, "normalize", "--store", dsn); r.code != 0 || !strings.Contains(r.stderr, "0 of 30 file(s) would change") {
		t.Errorf("dry run after the write: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, env, "list", "--store", dsn); !strings.Contains(r.stdout, "· writes allowed") {
		t.Errorf("list header with writes allowed: %.200s", r.stdout)
	}
	u := runCLI(t, env, "normalize", "--undo", "--store", dsn)
	if now, _ := db.Row("codex-stale@sample.example-plus.json"); u.code != 0 || now != before {
		t.Errorf("undo: exit %d %s%s; row %s", u.code, u.stdout, u.stderr, now)
	}
}

func TestStoreUsageAndConnectionErrors(t *testing.T) {
	db, dsn := refStore(t)
	const pw = "Sup3r-secret-pw"
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"nothing listens", nil, []string{"list", "--store", "postgres://proxy:" + pw + "@127.0.0.1:1/fleet"},
			"tierscope: store postgres://127.0.0.1:1/fleet (table auth_store): read: cannot connect: "},
		{"wrong password", nil, []string{"list", "--store", db.PasswordDSN(pw)}, "password authentication failed"},
		{"not a DSN", nil, []string{"list", "--store", "mysql://x"}, "--store: want a PostgreSQL DSN"},
		{"env without PGSTORE_DSN", nil, []string{"list", "--store", "env"}, "--store env: PGSTORE_DSN is not set"},
		{"two sources", nil, []string{"list", "--store", dsn, "--auth-dir", refDir}, "--store and --auth-dir"},
		{"writes without a store", nil, []string{"list", "--allow-store-writes", "--auth-dir", refDir}, "--allow-store-writes goes with --store"},
		{"TUI on a wrong store", nil, []string{"--store", "postgres://proxy:" + pw + "@127.0.0.1:1/fleet"}, "connect: cannot connect: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.env, tc.args...)
			if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, pw) {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line with %q, never the password", r.code, r.stderr, tc.want)
			}
		})
	}

	// A flag wins over the environment.
	if r := runCLI(t, map[string]string{"TIERSCOPE_STORE": dsn}, "list", "--json", "--auth-dir", refDir); r.code != 0 || !strings.Contains(r.stdout, `"path":"/`) {
		t.Errorf("--auth-dir over TIERSCOPE_STORE: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, map[string]string{"TIERSCOPE_AUTH_DIR": refDir}, "list", "--json", "--store", dsn); r.code != 0 || !strings.Contains(r.stdout, `"path":"postgres://`) {
		t.Errorf("--store over TIERSCOPE_AUTH_DIR: exit %d %s", r.code, r.stderr)
	}

	// --store env is the proxy's own configuration.
	plain := strings.Replace(dsn, "schema="+db.Schema+"&", "", 1)
	env := map[string]string{"TIERSCOPE_STORE": "env", "PGSTORE_DSN": plain, "PGSTORE_SCHEMA": db.Schema}
	if r := runCLI(t, env, "list", "--json"); r.code != 0 || len(withoutPaths(t, r.stdout)) != 30 {
		t.Errorf("TIERSCOPE_STORE=env: exit %d %s", r.code, r.stderr)
	}
}
