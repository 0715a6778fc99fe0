package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// CreateTable is the proxy's DDL for its auth table (commit a7e3596,
// internal/store/postgresstore.go); %s is the quoted table name.
const CreateTable = `CREATE TABLE IF NOT EXISTS %s (
	id TEXT PRIMARY KEY,
	content JSONB NOT NULL,
	created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
	updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
)`

// Upsert is how the proxy writes a row: no version check, last writer wins.
const Upsert = `INSERT INTO %s (id, content, created_at, updated_at)
	VALUES ($1, $2, NOW(), NOW())
	ON CONFLICT (id)
	DO UPDATE SET content = EXCLUDED.content, updated_at = NOW()`

// DB is one test's schema, holding the proxy's table auth_store.
type DB struct {
	Server *Server
	Schema string
	App    string // application_name of the store's connections (see Terminate)
	// DSN reaches the schema over the unix socket, as the superuser; its
	// schema= parameter is tierscope's own (the proxy's PGSTORE_SCHEMA).
	DSN   string
	Table string // schema-qualified, quoted

	t testing.TB
}

// New gives the test a fresh schema with the proxy's table. It fails the
// test, saying how to install PostgreSQL, when the server cannot start.
func New(t testing.TB) *DB {
	t.Helper()
	srv, err := Start()
	if err != nil {
		t.Fatalf("PostgreSQL test server: %v", err)
	}
	schema := nextSchema()
	d := &DB{
		Server: srv, Schema: schema, App: "tierscope-" + schema, t: t,
		Table: fmt.Sprintf(`"%s"."auth_store"`, schema),
	}
	d.DSN = fmt.Sprintf("postgres://postgres@/%s?host=%s&port=%d&schema=%s&application_name=%s&sslmode=disable",
		Database, srv.Socket, srv.Port, schema, d.App)
	d.Exec("CREATE SCHEMA " + schema)
	d.Exec(fmt.Sprintf(CreateTable, d.Table))
	d.Exec(fmt.Sprintf("GRANT USAGE ON SCHEMA %s TO %s", schema, Role))
	d.Exec(fmt.Sprintf("GRANT ALL ON %s TO %s", d.Table, Role))
	t.Cleanup(func() {
		d.Terminate()
		_, _ = srv.Admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	return d
}

// PasswordDSN reaches the schema over TCP as Role, with password pw (the
// right one is Password), as a URL.
func (d *DB) PasswordDSN(pw string) string {
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?schema=%s&application_name=%s&sslmode=disable",
		Role, pw, d.Server.Port, Database, d.Schema, d.App)
}

// Exec runs a statement as the superuser.
func (d *DB) Exec(sql string, args ...any) {
	d.t.Helper()
	if _, err := d.Server.Admin.Exec(context.Background(), sql, args...); err != nil {
		d.t.Fatalf("%s: %v", sql, err)
	}
}

// Put writes a row the way the proxy does.
func (d *DB) Put(id string, content []byte) {
	d.t.Helper()
	d.Exec(fmt.Sprintf(Upsert, d.Table), id, string(content))
}

// Delete removes a row.
func (d *DB) Delete(id string) {
	d.t.Helper()
	d.Exec(fmt.Sprintf("DELETE FROM %s WHERE id = $1", d.Table), id)
}

// Row returns a row's content (as JSONB text) and updated_at.
func (d *DB) Row(id string) (content string, updated time.Time) {
	d.t.Helper()
	err := d.Server.Admin.QueryRow(context.Background(),
		fmt.Sprintf("SELECT content::text, updated_at FROM %s WHERE id = $1", d.Table), id).Scan(&content, &updated)
	if err != nil {
		d.t.Fatalf("row %s: %v", id, err)
	}
	return content, updated.UTC()
}

// LoadDir puts every top-level file of dir that JSONB can hold (valid
// JSON, no NUL character) in the table, the file name as the id, in one
// batch, and returns the names it put.
func (d *DB) LoadDir(dir string) []string {
	d.t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		d.t.Fatal(err)
	}
	b := &pgx.Batch{}
	var names []string
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil || e.IsDir() || !json.Valid(data) || bytes.Contains(data, []byte(`\u0000`)) {
			continue
		}
		b.Queue(fmt.Sprintf(Upsert, d.Table), e.Name(), string(data))
		names = append(names, e.Name())
	}
	if err := d.Server.Admin.SendBatch(context.Background(), b).Close(); err != nil {
		d.t.Fatalf("loading %s: %v", dir, err)
	}
	return names
}

// Terminate ends every backend of the store's connections, as a restarted
// server or a network cut would: their next use fails.
func (d *DB) Terminate() int {
	d.t.Helper()
	var n int
	err := d.Server.Admin.QueryRow(context.Background(),
		"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", d.App).Scan(&n)
	if err != nil {
		d.t.Fatalf("terminate: %v", err)
	}
	return n
}
