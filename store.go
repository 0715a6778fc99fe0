package main

import (
	"context"
	"flag"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
	"github.com/tierscope/tierscope/store"
)

// storeFlags are --store DSN|env (the proxy's PostgreSQL store as the source
// of accounts, instead of an auth folder) and --allow-store-writes.
type storeFlags struct {
	dsn         string
	allowWrites bool
	// readOnly says --read-only was implied by --store (no
	// --allow-store-writes), so refusals can say how to lift it.
	readOnly bool
	opened   *store.Postgres // opened on first use; closed by closeStore
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dsn, "store", "", "")
	fs.BoolVar(&f.allowWrites, "allow-store-writes", false, "")
}

// storeWriteNote says what the proxy does with a change to its store.
const storeWriteNote = "note: proxy instances do not re-read the store while they run: each keeps the copy it mirrored into its spool folder " +
	"until it restarts, and one that saves the account later (a token refresh) overwrites the row with that copy, plan_type included"

func (c *cli) usesStore() bool { return c.store.dsn != "" }

// settleStore checks the store flags once parsed. A flag wins over the
// environment: --auth-dir (or the demo) given on the command line sets
// aside a TIERSCOPE_STORE. A store is the fleet's shared truth, so it is
// read-only unless --allow-store-writes is given.
func (c *cli) settleStore() error {
	switch {
	case c.usesStore() && c.set["store"] && c.set["auth-dir"]:
		return usagef("--store and --auth-dir are two sources of accounts: give one")
	case c.usesStore() && c.set["store"] && c.name() == "demo":
		return usagef("tierscope demo uses its own generated folder, not --store")
	case c.set["auth-dir"], c.name() == "demo":
		c.store.dsn = ""
	}
	if !c.usesStore() {
		if c.set["allow-store-writes"] {
			return usagef("--allow-store-writes goes with --store")
		}
		return nil
	}
	if !c.store.allowWrites && !c.readOnly {
		c.readOnly, c.store.readOnly = true, true
	}
	return nil
}

// readOnlyRefusal explains a refused write.
func (c *cli) readOnlyRefusal() error {
	if c.store.readOnly {
		return usagef("the store is read-only unless --allow-store-writes is given: normalize --write and --undo are refused")
	}
	return usagef("--read-only: normalize --write and --undo are refused")
}

// openStore opens the store of --store (no connection until the first
// read), once.
func (c *cli) openStore() (*store.Postgres, error) {
	if c.store.opened != nil {
		return c.store.opened, nil
	}
	var cfg store.Config
	switch dsn := strings.TrimSpace(c.store.dsn); {
	case dsn == "env":
		var err error
		if cfg, err = store.FromEnv(c.getenv); err != nil {
			return nil, usagef("--store env: %v", err)
		}
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"), strings.Contains(dsn, "="):
		cfg.DSN = dsn
	default:
		return nil, usagef("--store: want a PostgreSQL DSN (postgres://user@host/db, or key=value) or env (the proxy's PGSTORE_DSN and PGSTORE_SCHEMA)")
	}
	if c.verifier == nil && c.jwks != "" {
		v, err := c.loadVerifier(c.jwks)
		if err != nil {
			return nil, err
		}
		c.verifier = v
	}
	cfg.Verifier = c.verifier
	s, err := store.Open(cfg)
	if err != nil {
		return nil, usagef("--store: %v", err)
	}
	c.store.opened = s
	return s, nil
}

// closeStore closes the store's connections, if it was opened.
func (c *cli) closeStore() {
	if c.store.opened != nil {
		c.store.opened.Close()
	}
}

// source is where accounts come from: the store of --store, else the auth
// folder.
func (c *cli) source() (auth.Source, error) {
	if c.usesStore() {
		return c.openStore()
	}
	dir, err := c.authDirPath()
	if err != nil {
		return nil, err
	}
	return c.authSource(dir)
}

// storeSource is the store as an auth.Source, or nil (not a typed nil) for
// a folder: what core's write paths take.
func (c *cli) storeSource() (auth.Source, error) {
	if !c.usesStore() {
		return nil, nil
	}
	return c.openStore()
}

// sourceHeader is the first line of `list` on a store: which store, and
// whether it may be written.
func (c *cli) sourceHeader() string {
	if !c.usesStore() || c.store.opened == nil {
		return ""
	}
	mode := "read-only (--allow-store-writes to write)"
	switch {
	case c.store.allowWrites && !c.readOnly:
		mode = "writes allowed"
	case !c.store.readOnly:
		mode = "read-only"
	}
	return c.store.opened.Describe() + " · " + mode + "\n"
}

// authSourceJSON is `catalog --json`'s auth_source: where accounts come
// from, described without connecting.
type authSourceJSON struct {
	Kind     string `json:"kind"`     // "folder" or "store"
	Describe string `json:"describe"` // the folder's path, or the store (never a password)
	ReadOnly bool   `json:"read_only"`
}

func (c *cli) authSourceJSON() *authSourceJSON {
	if c.usesStore() {
		s, err := c.openStore()
		if err != nil {
			return nil
		}
		return &authSourceJSON{Kind: "store", Describe: s.Describe(), ReadOnly: c.readOnly}
	}
	dir, err := c.authDirPath()
	if err != nil {
		return nil
	}
	d, err := auth.NewDir(dir)
	if err != nil {
		return nil
	}
	return &authSourceJSON{Kind: "folder", Describe: d.Describe(), ReadOnly: c.readOnly}
}

// catalogSourceLine is the line `catalog` adds on a store.
func (c *cli) catalogSourceLine() string {
	if !c.usesStore() {
		return ""
	}
	if s, err := c.openStore(); err == nil {
		return fmt.Sprintf("%-13s %s\n", "accounts", s.Describe())
	}
	return ""
}

// recordID takes a record argument: a row id, or a path as `list` shows it.
func recordID(arg string) string { return path.Base(arg) }

// findStoreAccount is `show FILE` on a store: the record resolved with the
// whole table, so duplicate checks see its neighbours.
func (c *cli) findStoreAccount(arg string) (*core.Account, error) {
	snap, err := c.snapshot()
	if err != nil {
		return nil, err
	}
	if i := snap.Find(recordID(arg)); i >= 0 {
		return snap.Accounts[i], nil
	}
	return nil, usagef("%s: no such record in the %s", arg, c.store.opened.Describe())
}

// storeAccounts picks normalize's FILE arguments out of a store snapshot.
func (c *cli) storeAccounts(snap *core.Snapshot) ([]*core.Account, error) {
	var out []*core.Account
	for _, arg := range c.args {
		i := snap.Find(recordID(arg))
		if i < 0 {
			return nil, usagef("%s: no such record in the %s", arg, c.store.opened.Describe())
		}
		out = append(out, snap.Accounts[i])
	}
	return out, nil
}

// noteStoreWrite tells, on a store, what the proxy does with a change.
func (c *cli) noteStoreWrite() {
	if c.usesStore() {
		fmt.Fprintln(c.stderr, "tierscope: "+storeWriteNote)
	}
}

// storeAccountsAffected is catalog refresh's count on a store.
func (c *cli) storeAccountsAffected(res catalog.RefreshResult, rules core.RuleSet) int {
	src, err := c.openStore()
	if err != nil {
		return -1
	}
	snap, err := loadSnapshot(src, res.Previous, rules)
	if err != nil {
		fmt.Fprintf(c.stderr, "tierscope: warning: accounts affected not counted: %v\n", err)
		return -1
	}
	return snap.AccountsAffected(res.Loaded.Catalog)
}

// openStoreTUI opens the TUI on the store, once it answers: a wrong DSN
// or a missing table is one line and exit 2, not an empty screen.
func (c *cli) openStoreTUI() error {
	s, err := c.openStore()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(contextBackground(), 30*time.Second)
	defer cancel()
	if err := s.Check(ctx); err != nil {
		return err
	}
	return c.openTUI("", "")
}

// tuiSource is the TUI's source: the store, or the folder dir.
func (c *cli) tuiSource(dir string) (auth.Source, error) {
	if c.usesStore() {
		return c.openStore()
	}
	return c.authSource(dir)
}
