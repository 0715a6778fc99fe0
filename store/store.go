// Package store reads the proxy's PostgreSQL store of auth records (its
// PGSTORE_DSN mode, where a fleet of proxy instances shares its accounts) as
// an auth.Source, beside the auth folder.
//
// The proxy keeps one row per auth file in a table (auth_store by default):
// id is the file name, content the file as JSONB. Every row is parsed
// exactly as a file of that name and content would be (auth.Parse), so core
// sees no difference. One thing does differ: JSONB does not keep a file's
// bytes. PostgreSQL normalizes whitespace and key order and keeps only the
// last of duplicated keys, so a row's size and digest are those of its
// JSONB text, and an edit keeps every member but not the original layout.
//
// A Postgres also polls for changes (auth.ChangeSource) and writes, with
// optimistic concurrency, a batch in one transaction (auth.BatchWriter).
package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tierscope/tierscope/auth"
)

// DefaultTable is the proxy's table of auth records.
const DefaultTable = "auth_store"

// Config says which store to open.
type Config struct {
	// DSN is a PostgreSQL connection string, URL (postgres://…) or
	// key=value. Two parameters are tierscope's own and are taken out of
	// it: table (the proxy's auth table) and schema (the proxy's
	// PGSTORE_SCHEMA); Table and Schema, when set, win over them. As with
	// libpq, PG* environment variables fill what the DSN leaves out.
	DSN    string
	Schema string
	Table  string // DefaultTable when empty
	// Verifier, when set, checks every id_token's signature (--jwks).
	Verifier *auth.Verifier
}

// FromEnv is the proxy's own configuration: PGSTORE_DSN and PGSTORE_SCHEMA,
// read through getenv.
func FromEnv(getenv func(string) string) (Config, error) {
	dsn := strings.TrimSpace(getenv("PGSTORE_DSN"))
	if dsn == "" {
		return Config{}, errors.New("PGSTORE_DSN is not set (the proxy's store DSN)")
	}
	return Config{DSN: dsn, Schema: strings.TrimSpace(getenv("PGSTORE_SCHEMA"))}, nil
}

// Postgres is the proxy's store of auth records. Safe for concurrent use.
type Postgres struct {
	pool     *pgxpool.Pool
	verifier *auth.Verifier
	secret   string // the DSN's password, scrubbed from every error
	base     string // postgres://host[:port]/db, never with user or password
	table    string // schema.table for people
	sql      queries

	mu      sync.Mutex
	known   map[string]time.Time // updated_at of every record last read
	lastFP  string               // the fingerprint when known was last complete
	settled bool                 // known matched the table at lastFP
	stats   Stats
}

// Stats count what a Postgres did, for tests and status lines.
type Stats struct {
	Scans      int // full reads
	RowsRead   int // record contents read, by Scan and Load
	Polls      int // Changes calls
	Listings   int // polls that listed every record's version (something changed)
	Reconnects int // reads retried on a new connection after one was lost
}

// Open prepares the store; it does not connect (the first read does), so
// a store can be described without a database.
func Open(cfg Config) (*Postgres, error) {
	pc, err := pgxpool.ParseConfig(cfg.DSN)
	if err != nil {
		return nil, parseError(cfg.DSN, err)
	}
	cc := pc.ConnConfig
	params := cc.RuntimeParams
	if cfg.Table == "" {
		cfg.Table = params["table"]
	}
	if cfg.Schema == "" {
		cfg.Schema = params["schema"]
	}
	delete(params, "table")
	delete(params, "schema")
	if cfg.Table == "" {
		cfg.Table = DefaultTable
	}
	if _, ok := params["application_name"]; !ok {
		params["application_name"] = "tierscope"
	}
	if cc.ConnectTimeout == 0 {
		cc.ConnectTimeout = 10 * time.Second
	}
	pc.MaxConns = 4
	s := &Postgres{
		verifier: cfg.Verifier,
		secret:   cc.Password,
		base:     baseURL(cc.Host, cc.Port, cc.Database),
		table:    cfg.Table,
		sql:      newQueries(qualified(cfg.Schema, cfg.Table)),
		known:    map[string]time.Time{},
	}
	if cfg.Schema != "" {
		s.table = cfg.Schema + "." + cfg.Table
	}
	if s.pool, err = pgxpool.NewWithConfig(context.Background(), pc); err != nil {
		return nil, s.fail("open", err)
	}
	return s, nil
}

// parseError says why a DSN does not parse, without repeating the DSN.
func parseError(dsn string, err error) error {
	msg := "cannot parse the DSN"
	if inner := errors.Unwrap(err); inner != nil {
		msg += ": " + inner.Error()
	} else if _, detail, ok := strings.Cut(err.Error(), "`: "); ok {
		msg += ": " + detail
	}
	if u, uerr := url.Parse(dsn); uerr == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "xxxxx")
		}
	}
	return errors.New(msg)
}

// baseURL names a database without credentials; a unix socket directory is
// percent-encoded as libpq reads it (postgres://%2Ftmp/db).
func baseURL(host string, port uint16, db string) string {
	h := host
	if strings.HasPrefix(host, "/") {
		h = url.PathEscape(host)
	}
	if port != 0 && port != 5432 {
		h += ":" + strconv.Itoa(int(port))
	}
	return "postgres://" + h + "/" + url.PathEscape(db)
}

// qualified quotes a table name, as the proxy does.
func qualified(schema, table string) string {
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	if strings.TrimSpace(schema) == "" {
		return quote(table)
	}
	return quote(schema) + "." + quote(table)
}

// Describe names the store for people: its database and table, never the
// user or the password.
func (s *Postgres) Describe() string {
	return "store " + s.base + " (table " + s.table + ")"
}

// Path is where a record is, as Account.Path shows it.
func (s *Postgres) Path(file string) string { return s.base + "/" + s.table + "/" + file }

// Close closes every connection.
func (s *Postgres) Close() { s.pool.Close() }

// Stats returns the counts so far.
func (s *Postgres) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// isRecordName reports whether a row id is one the proxy would load from
// its spool folder: a top-level *.json name that is not a pending login.
// Other rows are skipped, as a folder scan skips such files.
func isRecordName(id string) bool {
	return auth.IsAuthFileName(id) && !strings.Contains(id, "/")
}

// record is one row as read.
type record struct {
	id      string
	updated time.Time
	size    int64
	content []byte // nil when larger than auth.MaxFileSize (not read)
}

// Scan reads every record in one consistent snapshot of the table and
// parses them in parallel (bounded by GOMAXPROCS).
func (s *Postgres) Scan(ctx context.Context) ([]*auth.Account, error) {
	var out []*auth.Account
	var versions map[string]time.Time
	var fp string
	err := s.read(ctx, "read", func(ctx context.Context) error {
		var err error
		out, versions, fp, err = s.scan(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.known, s.lastFP, s.settled = versions, fp, true
	s.stats.Scans++
	s.stats.RowsRead += len(out)
	s.mu.Unlock()
	return out, nil
}

func (s *Postgres) scan(ctx context.Context) ([]*auth.Account, map[string]time.Time, string, error) {
	// Repeatable read: the fingerprint is that of exactly the rows read,
	// so a change made during the scan is seen by the next poll.
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, nil, "", err
	}
	defer tx.Rollback(ctx) // read-only: nothing to undo
	var count int
	var fp string
	if err := tx.QueryRow(ctx, s.sql.fingerprint).Scan(&count, &fp); err != nil {
		return nil, nil, "", err
	}
	rows, err := tx.Query(ctx, s.sql.list, auth.MaxFileSize)
	if err != nil {
		return nil, nil, "", err
	}
	defer rows.Close()

	// Rows arrive one by one; parsing them is the expensive part, so it
	// runs on every core while the connection streams the next ones.
	work := make(chan record, 256)
	workers := runtime.GOMAXPROCS(0)
	parsed := make([][]*auth.Account, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for r := range work {
				parsed[w] = append(parsed[w], s.parse(r))
			}
		})
	}
	versions := make(map[string]time.Time, count)
	var scanErr error
	for rows.Next() {
		var r record
		if scanErr = rows.Scan(&r.id, &r.updated, &r.size, &r.content); scanErr != nil {
			break
		}
		if !isRecordName(r.id) {
			continue
		}
		r.updated = r.updated.UTC()
		versions[r.id] = r.updated
		work <- r
	}
	close(work)
	wg.Wait()
	if scanErr == nil {
		scanErr = rows.Err()
	}
	if scanErr != nil {
		return nil, nil, "", scanErr
	}
	out := make([]*auth.Account, 0, len(versions))
	for _, p := range parsed {
		out = append(out, p...)
	}
	slices.SortFunc(out, func(a, b *auth.Account) int { return strings.Compare(a.File, b.File) })
	return out, versions, fp, nil
}

// parse turns a row into an Account, as a file of that name and content.
func (s *Postgres) parse(r record) *auth.Account {
	if r.content == nil {
		return &auth.Account{
			File: r.id, Path: s.Path(r.id), Size: r.size, ModTime: r.updated,
			Err: fmt.Errorf("content is %s of JSON, larger than the 1 MiB limit; not read", byteSize(r.size)),
		}
	}
	a := auth.Parse(r.id, s.Path(r.id), r.content)
	a.ModTime = r.updated
	s.verifier.CheckSignature(a, r.content)
	return a
}

// Load re-reads one record. ok is false when the row no longer exists.
func (s *Postgres) Load(ctx context.Context, file string) (*auth.Account, bool, error) {
	if !isRecordName(file) {
		return nil, false, fmt.Errorf("%q is not an auth file name", file)
	}
	var r record
	found := false
	err := s.read(ctx, "read "+file, func(ctx context.Context) error {
		err := s.pool.QueryRow(ctx, s.sql.one, file, auth.MaxFileSize).Scan(&r.updated, &r.size, &r.content)
		found = err == nil
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, false, err
	}
	r.id, r.updated = file, r.updated.UTC()
	s.mu.Lock()
	if found {
		s.known[file] = r.updated
		s.stats.RowsRead++
	} else {
		delete(s.known, file)
	}
	s.mu.Unlock()
	if !found {
		return nil, false, nil
	}
	return s.parse(r), true, nil
}

func byteSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// Check reaches the table, as a first read would, without reading it: a
// wrong DSN, a refused login or a missing table fails here.
func (s *Postgres) Check(ctx context.Context) error {
	return s.read(ctx, "connect", func(ctx context.Context) error {
		var nonEmpty bool
		return s.pool.QueryRow(ctx, s.sql.exists).Scan(&nonEmpty)
	})
}
