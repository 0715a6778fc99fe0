package demo

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// JWKSFileName is the name of the JWK Set Generate writes beside the
// accounts. It ends in .pub, not .json, so a scanner that reads only *.json
// files never mistakes it for an account.
const JWKSFileName = "demo-jwks.json.pub"

// defaultCount is about the size of a small team's fleet: big enough to
// hold every fixture plus a spread of ordinary accounts.
const defaultCount = 60

// Options control Generate. Zero values mean defaults.
type Options struct {
	// Count is the number of account files (default 60). From 40 on, every
	// fixture (broken files and other providers included) is within the
	// count, followed by a random mix. Below 40 only files that parse are
	// written: as many well-formed fixtures as fit in half of Count, the
	// rest ordinary Codex accounts.
	Count int
	// Seed makes the output deterministic for a given Seed and Now (default 1).
	Seed uint64
	// Now is the reference time for expiries and last_refresh (default
	// time.Now()); tests pass a fixed time.
	Now time.Time
}

// Summary says what was written.
type Summary struct {
	// Dir is the absolute path of the directory written.
	Dir string
	// Files counts the *.json files written, broken ones included; the
	// pending-login file and the folder.json directory are not counted.
	Files int
	// JWKSPath is the path of the JWK Set that verifies the id_tokens.
	JWKSPath string
	// Forged counts id_tokens signed by a key that is not in the JWK Set.
	Forged int
	// Broken counts *.json files that are not readable accounts (not JSON,
	// not an object, or larger than 1 MiB).
	Broken int
}

// Generate writes a fake auth directory into dir, creating it if missing.
// It refuses a directory that already holds any *.json entry, so it can
// never clobber a real auth directory.
func Generate(dir string, opts Options) (Summary, error) {
	opts, err := withDefaults(opts)
	if err != nil {
		return Summary{}, err
	}
	if err := prepareDir(dir); err != nil {
		return Summary{}, err
	}
	keys, err := loadDemoKeys()
	if err != nil {
		return Summary{}, err
	}
	specs, err := planFiles(opts)
	if err != nil {
		return Summary{}, err
	}
	jwksPath := filepath.Join(dir, JWKSFileName)
	if err := writeJWKS(jwksPath, keys); err != nil {
		return Summary{}, err
	}
	if err := writeDecoys(dir, opts, keys); err != nil {
		return Summary{}, err
	}
	if err := writeAll(dir, specs, opts.Seed, keys); err != nil {
		return Summary{}, err
	}
	return summarize(dir, jwksPath, specs), nil
}

// withDefaults fills zero options and rejects a negative count.
func withDefaults(opts Options) (Options, error) {
	switch {
	case opts.Count < 0:
		return opts, fmt.Errorf("demo: count must not be negative, got %d", opts.Count)
	case opts.Count == 0:
		opts.Count = defaultCount
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	// Whole seconds in UTC: the files carry RFC 3339 seconds, and a
	// monotonic or zoned Now must not change the bytes.
	opts.Now = opts.Now.UTC().Truncate(time.Second)
	return opts, nil
}

// prepareDir creates dir, or checks that an existing one holds no *.json
// entry (matched case-insensitively, as the scanner matches).
func prepareDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	for _, e := range entries {
		if strings.HasSuffix(strings.ToLower(e.Name()), ".json") {
			return fmt.Errorf("demo: refusing to write into %s: it already holds %s (use an empty directory)", dir, e.Name())
		}
	}
	return nil
}

func writeJWKS(path string, keys demoKeys) error {
	doc, err := jwksDocument(&keys.signer.PublicKey)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return writeFile(path, doc)
}

// writeDecoys adds the two entries a scanner must skip: a pending-login file
// (the proxy's ".oauth-" prefix) and a directory named like an account that
// holds a valid account, which a top-level scan must not descend into.
func writeDecoys(dir string, opts Options, keys demoKeys) error {
	r := newRand(opts.Seed, 0, streamExtras)
	pending := object{}.
		with("provider", "codex").
		with("state", randomText(r, alnumAlphabet, 32)).
		with("code_verifier", randomText(r, base64URLAlphabet, 64)).
		with("created_at", opts.Now.Add(-90*time.Second).Format(time.RFC3339))
	body, err := encodeFile(pending, false)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, ".oauth-pending-"+randomText(r, hexAlphabet, 8)+".json"), body); err != nil {
		return err
	}
	folder := filepath.Join(dir, "folder.json")
	if err := os.Mkdir(folder, 0o700); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	nested := newCodexAccount(r, newIdentity(r, "nested.backup@sample.example"), "pro", opts.Now)
	return renderTo(filepath.Join(folder, nested.name()), nested, r, keys)
}

// writeAll renders and writes every spec on GOMAXPROCS goroutines. Each
// file draws from its own PRNG, so the bytes do not depend on scheduling;
// the error reported is the one of the lowest index, for the same reason.
func writeAll(dir string, specs []fileSpec, seed uint64, keys demoKeys) error {
	errs := make([]error, len(specs))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(specs)) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(specs) {
					return
				}
				f := specs[i].file
				r := newRand(seed, uint64(i), streamRender)
				if errs[i] = renderTo(filepath.Join(dir, f.name()), f, r, keys); errs[i] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// renderTo renders f and writes it to path.
func renderTo(path string, f authFile, r *rand.Rand, keys demoKeys) error {
	body, err := f.render(r, keys)
	if err != nil {
		return fmt.Errorf("demo: render %s: %w", filepath.Base(path), err)
	}
	return writeFile(path, body)
}

// writeFile writes with mode 0600, as the proxy does: these files hold
// credentials, fake or not.
func writeFile(path string, body []byte) error {
	if err := os.WriteFile(path, body, 0o600); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

func summarize(dir, jwksPath string, specs []fileSpec) Summary {
	s := Summary{Dir: dir, Files: len(specs), JWKSPath: jwksPath}
	if abs, err := filepath.Abs(dir); err == nil {
		s.Dir = abs
		s.JWKSPath = filepath.Join(abs, JWKSFileName)
	}
	for _, spec := range specs {
		if spec.has(kindTokenForged) {
			s.Forged++
		}
		for _, k := range spec.kinds {
			if k.isBroken() {
				s.Broken++
			}
		}
	}
	return s
}
