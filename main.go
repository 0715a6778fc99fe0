// Command tierscope shows, for every account in a CLIProxyAPI-style auth
// directory, its decoded plan, normalized tier and visible models, and the
// catalog's freshness: a terminal UI, plus headless commands for scripts.
//
// main.go parses flags and dispatches; the domain lives in core, auth and
// catalog, and the UI in tui.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

// Exit codes (DESIGN §7).
const (
	exitOK      = 0
	exitChanged = 1 // diff differs, normalize would write
	exitError   = 2 // usage or runtime error
)

// usageError is a mistake in the command line: exit 2 with one line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errChanged asks for exit code 1 without an error message.
var errChanged = errors.New("changed")

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// run is the whole program, with its streams and environment passed in so
// tests can run it in-process.
func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cli, err := parseArgs(args, getenv)
	if err == nil {
		cli.stderrTTY = isTerminal(stderr) // before the redacting wrapper hides the file
		if !cli.revealSecrets {
			stdout, stderr = auth.RedactingWriter(stdout), auth.RedactingWriter(stderr)
		}
		cli.stdout, cli.stderr = stdout, stderr
		err = cli.dispatch()
		cli.closeStore()
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errChanged):
		return exitChanged
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usageText)
		return exitOK
	}
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	fmt.Fprintln(auth.RedactingWriter(stderr), "tierscope: "+msg)
	return exitError
}

// cli is a parsed command line.
type cli struct {
	command []string // e.g. ["list"], ["diff"], ["demo"]
	args    []string // positional arguments after the command

	authDir          string
	catalogFile      string
	catalogURLs      listFlag // --catalog-url, repeatable: replaces catalog.DefaultURLs
	proxy            string   // --proxy for catalog downloads; else the proxy environment
	jwks             string   // --jwks FILE|URL: verify id_token signatures
	proxyConfigPath  string   // --proxy-config FILE: the proxy's config.yaml
	proxyConfig      *core.ProxyConfig
	verifier         *auth.Verifier
	cacheDir         string
	rules            string
	unknownPlan      string
	planAliases      listFlag
	forceModelPrefix bool
	offline          bool
	readOnly         bool
	revealSecrets    bool
	showVersion      bool

	jsonOut   bool
	providers listFlag
	tiers     listFlag
	warnings  listFlag
	candidate string
	tierPair  string
	rulePair  string
	generate  string
	count     int
	seed      uint64
	write     bool
	undo      bool

	refreshEvery time.Duration // --refresh-every (the TUI): periodic catalog refresh

	managementURL string // --management-url: the running proxy's management API (key only from the environment)
	sample        int    // verify --sample N
	concurrency   int    // verify --concurrency: models requests at once
	stderrTTY     bool   // stderr is a terminal: verify draws a progress line

	store storeFlags // --store, --allow-store-writes (store.go)

	set    map[string]bool // flags given on the command line
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// globalFlags may come from the environment as TIERSCOPE_<FLAG>.
var globalFlags = []string{
	"auth-dir", "catalog", "cache-dir", "rules", "unknown-plan", "plan-alias",
	"force-model-prefix", "offline", "read-only", "reveal-secrets",
	"catalog-url", "proxy", "jwks", "proxy-config",
	"management-url", "store", "allow-store-writes",
}

// commandFlags says which non-global flags each command accepts.
var commandFlags = map[string][]string{
	"":          {"refresh-every", "candidate", "concurrency"},
	"demo":      {"generate", "count", "seed", "refresh-every", "candidate"},
	"list":      {"json", "provider", "tier", "warning"},
	"show":      {"json"},
	"normalize": {"write", "undo", "json"},
	"catalog":   {"json"},
	"diff":      {"json", "candidate", "tiers", "rule-sets"},
	"verify":    {"json", "sample", "concurrency"},
}

func parseArgs(args []string, getenv func(string) string) (*cli, error) {
	c := &cli{set: map[string]bool{}, getenv: getenv}
	fs := flag.NewFlagSet("tierscope", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.authDir, "auth-dir", "", "")
	fs.StringVar(&c.catalogFile, "catalog", "", "")
	fs.StringVar(&c.cacheDir, "cache-dir", "", "")
	fs.Var(&c.catalogURLs, "catalog-url", "")
	fs.StringVar(&c.proxy, "proxy", "", "")
	fs.StringVar(&c.jwks, "jwks", "", "")
	fs.StringVar(&c.proxyConfigPath, "proxy-config", "", "")
	fs.StringVar(&c.rules, "rules", "pr2024", "")
	fs.StringVar(&c.unknownPlan, "unknown-plan", "", "")
	fs.Var(&c.planAliases, "plan-alias", "")
	fs.BoolVar(&c.forceModelPrefix, "force-model-prefix", false, "")
	fs.BoolVar(&c.offline, "offline", false, "")
	fs.BoolVar(&c.readOnly, "read-only", false, "")
	fs.BoolVar(&c.revealSecrets, "reveal-secrets", false, "")
	fs.BoolVar(&c.showVersion, "version", false, "")
	fs.BoolVar(&c.jsonOut, "json", false, "")
	fs.Var(&c.providers, "provider", "")
	fs.Var(&c.tiers, "tier", "")
	fs.Var(&c.warnings, "warning", "")
	fs.StringVar(&c.candidate, "candidate", "", "")
	fs.StringVar(&c.tierPair, "tiers", "", "")
	fs.StringVar(&c.rulePair, "rule-sets", "", "")
	fs.StringVar(&c.generate, "generate", "", "")
	fs.IntVar(&c.count, "count", 0, "")
	fs.Uint64Var(&c.seed, "seed", 1, "")
	fs.BoolVar(&c.write, "write", false, "")
	fs.BoolVar(&c.undo, "undo", false, "")
	fs.DurationVar(&c.refreshEvery, "refresh-every", 0, "")
	c.store.register(fs)
	fs.StringVar(&c.managementURL, "management-url", "", "")
	fs.IntVar(&c.sample, "sample", 0, "")
	fs.IntVar(&c.concurrency, "concurrency", core.DefaultVerifyConcurrency, "")

	if err := applyEnv(fs, getenv); err != nil {
		return nil, err
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%v (see tierscope --help)", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	fs.Visit(func(f *flag.Flag) { c.set[f.Name] = true })
	if len(positional) > 0 {
		c.command, c.args = positional[:1], positional[1:]
	}
	if err := c.checkFlags(); err != nil {
		return c, err
	}
	return c, c.settleStore()
}

// applyEnv sets each global flag from TIERSCOPE_<FLAG>; a command-line flag
// given later wins (list flags drop their environment values first).
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	for _, name := range globalFlags {
		key := "TIERSCOPE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		v := getenv(key)
		if v == "" {
			continue
		}
		f := fs.Lookup(name)
		if lf, ok := f.Value.(*listFlag); ok {
			lf.setFromEnv(v)
			continue
		}
		if err := f.Value.Set(v); err != nil {
			return usagef("%s=%q: %v", key, v, err)
		}
	}
	return nil
}

func (c *cli) name() string {
	if len(c.command) == 0 {
		return ""
	}
	return c.command[0]
}

// checkFlags refuses flags that the command does not take, so a typo never
// silently changes nothing.
func (c *cli) checkFlags() error {
	allowed, ok := commandFlags[c.name()]
	if !ok {
		return usagef("unknown command %q (see tierscope --help)", c.name())
	}
	for name := range c.set {
		if slices.Contains(globalFlags, name) || name == "version" || slices.Contains(allowed, name) {
			continue
		}
		where := "tierscope " + c.name()
		if c.name() == "" {
			where = "the TUI"
		}
		return usagef("--%s does not apply to %s", name, where)
	}
	if c.name() == "demo" && c.set["candidate"] && c.set["generate"] {
		return usagef("--candidate goes with the demo UI, not with --generate")
	}
	return nil
}

// collectAsUsual puts the collector back to its default pace, when
// dispatch had held it back: for a command whose work after the scan is
// mostly garbage rather than live data.
func collectAsUsual() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(100)
	}
}

func (c *cli) dispatch() error {
	if c.name() != "" && c.name() != "demo" && os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		// A headless command is a short batch job: nearly everything a
		// collection would mark is still live when it exits. Collect
		// rarely (once for 10,000 accounts instead of four times: list
		// --json 175 -> 163 ms, peak near 55 MB; bench/run measures both),
		// under a soft limit that keeps a far larger folder bounded
		// without collecting all the time (that would take some 200,000
		// accounts). Commands whose work after the scan is mostly garbage
		// (normalize, diff) return to the usual pace then: collectAsUsual.
		// The TUI, long-lived, keeps the defaults; so does a GOGC or
		// GOMEMLIMIT set in the environment.
		debug.SetGCPercent(800)
		debug.SetMemoryLimit(512 << 20)
	}
	if c.showVersion {
		fmt.Fprintln(c.stdout, "tierscope "+buildVersion())
		return nil
	}
	switch c.name() {
	case "":
		return c.runTUI()
	case "demo":
		return c.runDemo()
	case "list":
		return c.runList()
	case "show":
		return c.runShow()
	case "normalize":
		return c.runNormalize()
	case "catalog":
		return c.runCatalog()
	case "diff":
		return c.runDiff()
	case "verify":
		return c.runVerify()
	}
	return usagef("unknown command %q", c.name())
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// ruleSet builds the rule set in force from --rules, --plan-alias,
// --unknown-plan and --force-model-prefix.
func (c *cli) ruleSet() (core.RuleSet, error) {
	r, err := core.LookupRuleSet(c.rules)
	if err != nil {
		return r, usagef("--rules: %v", err)
	}
	for _, s := range c.planAliases.values {
		raw, tier, err := core.ParsePlanAlias(s)
		if err == nil {
			r, err = r.WithAlias(raw, tier)
		}
		if err != nil {
			return r, usagef("--plan-alias: %v", err)
		}
	}
	if c.unknownPlan != "" {
		if r, err = r.WithUnknown(c.unknownPlan); err != nil {
			return r, usagef("--unknown-plan: %v", err)
		}
	}
	r.ForceModelPrefix = c.forceModelPrefix
	cfg, err := c.loadProxyConfig()
	if err != nil {
		return r, err
	}
	if cfg != nil {
		r = r.WithProxyConfig(*cfg)
	}
	return r, nil
}

// authDirPath is --auth-dir, else TIERSCOPE_AUTH_DIR (applied as a flag),
// else ~/.cli-proxy-api.
func (c *cli) authDirPath() (string, error) {
	if c.authDir != "" {
		return expandHome(c.authDir)
	}
	if cfg, err := c.loadProxyConfig(); err != nil {
		return "", err
	} else if cfg != nil && cfg.AuthDir != "" {
		return cfg.AuthDir, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", usagef("no --auth-dir given and no home directory: %v", err)
	}
	return filepath.Join(home, ".cli-proxy-api"), nil
}

func expandHome(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, strings.TrimPrefix(p, "~")), nil
}

func (c *cli) cache() (catalog.Cache, error) {
	if c.cacheDir != "" {
		dir, err := expandHome(c.cacheDir)
		return catalog.Cache{Dir: dir}, err
	}
	dir, err := catalog.DefaultCacheDir()
	if err != nil {
		// No cache dir: run on the embedded catalog rather than fail.
		return catalog.Cache{}, nil
	}
	return catalog.Cache{Dir: dir}, nil
}

// openCatalog picks the catalog without the network: --catalog, else the
// cache, else the embedded copy. A broken cache is reported on stderr.
func (c *cli) openCatalog() (catalog.Loaded, error) {
	cache, err := c.cache()
	if err != nil {
		return catalog.Loaded{}, err
	}
	l, cacheErr, err := catalog.Open(c.catalogFile, cache)
	if err != nil {
		return l, usagef("--catalog: %v", err)
	}
	if cacheErr != nil {
		fmt.Fprintf(c.stderr, "tierscope: warning: cached catalog not used: %v\n", cacheErr)
	}
	return l, nil
}

// snapshot loads the auth dir and resolves it.
func (c *cli) snapshot() (*core.Snapshot, error) {
	rules, cat, err := c.rulesAndCatalog()
	if err != nil {
		return nil, err
	}
	src, err := c.source() // the auth folder, or the store (store.go)
	if err != nil {
		return nil, err
	}
	return loadSnapshot(src, cat, rules)
}

func loadSnapshot(src auth.Source, cat catalog.Loaded, rules core.RuleSet) (*core.Snapshot, error) {
	return core.Load(contextBackground(), src, cat, rules, time.Now().UTC())
}

// listFlag is a repeatable flag; values from the environment are replaced,
// not extended, by values on the command line.
type listFlag struct {
	values  []string
	fromEnv bool
}

func (l *listFlag) String() string { return strings.Join(l.values, ",") }

func (l *listFlag) Set(v string) error {
	if l.fromEnv {
		l.values, l.fromEnv = nil, false
	}
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			l.values = append(l.values, part)
		}
	}
	return nil
}

func (l *listFlag) setFromEnv(v string) {
	_ = l.Set(v)
	l.fromEnv = true
}

// rulesAndCatalog is the rule set and the catalog in force: what every
// command that resolves accounts starts from.
func (c *cli) rulesAndCatalog() (core.RuleSet, catalog.Loaded, error) {
	rules, err := c.ruleSet()
	if err != nil {
		return rules, catalog.Loaded{}, err
	}
	cat, err := c.openCatalog()
	return rules, cat, err
}

// loadProxyConfig reads --proxy-config once; a config that does not parse
// is a usage error.
func (c *cli) loadProxyConfig() (*core.ProxyConfig, error) {
	if c.proxyConfig != nil || c.proxyConfigPath == "" {
		return c.proxyConfig, nil
	}
	path, err := expandHome(c.proxyConfigPath)
	if err != nil {
		return nil, err
	}
	cfg, err := core.LoadProxyConfig(path)
	if err != nil {
		return nil, usagef("--proxy-config: %v", err)
	}
	c.proxyConfig = &cfg
	return c.proxyConfig, nil
}
