// Package storetest runs a real PostgreSQL server for tests: one per test
// binary, started from the system's binaries on first use, listening on a
// unix socket and a loopback port, and stopped when the tests end. Each test
// gets its own schema holding the proxy's table, created as the proxy
// creates it.
//
// initdb refuses to run as root, and CI runs tests as root: the server then
// runs as the unprivileged postgres system user (runuser), with its
// directories owned by that user. The Debian package postgresql provides
// both the binaries (/usr/lib/postgresql/<version>/bin) and the user;
// .ci/run installs it.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Database is the database every test schema lives in.
const Database = "tierscope"

// Role and Password are a non-superuser login that needs a password over
// TCP (scram-sha-256), for tests of credentials; it may use every test's
// schema.
const (
	Role     = "tierscope"
	Password = "s3cret-Pa55word"
)

// Server is the running server.
type Server struct {
	Dir    string // owns the data dir and the socket; removed on Stop
	Socket string // the unix socket directory
	Port   int    // the loopback TCP port (and the socket's number)
	Admin  *pgxpool.Pool

	bin   string
	owner *user.User // the postgres user when running as root, else nil
}

var (
	once     sync.Once
	shared   *Server
	startErr error
	schemas  int
	schemaMu sync.Mutex
)

// Main runs a package's tests, then stops the server if a test started
// one: func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		shared.Stop()
	}
	return code
}

// Start returns the server, starting it on first use. Tests call New; a
// benchmark or TestMain may call Start.
func Start() (*Server, error) {
	once.Do(func() { shared, startErr = start() })
	return shared, startErr
}

func start() (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin}
	if os.Geteuid() == 0 {
		if s.owner, err = user.Lookup("postgres"); err != nil {
			return nil, errors.New("tests run as root, and initdb refuses root, but there is no postgres system user to run the server as: " +
				"install PostgreSQL from Debian's packages (bash .ci/run does: apt-get install postgresql), which creates it")
		}
	}
	if s.Dir, err = os.MkdirTemp(tempRoot(), "tierscope-pg-"); err != nil {
		return nil, err
	}
	if err := s.chown(s.Dir); err != nil {
		os.RemoveAll(s.Dir)
		return nil, err
	}
	s.Socket = s.Dir
	if s.Port, err = freePort(); err != nil {
		os.RemoveAll(s.Dir)
		return nil, err
	}
	if err := s.initAndStart(); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// findBin finds the newest installed server binaries.
func findBin() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	slices.SortFunc(found, func(a, b string) int { return version(a) - version(b) })
	if len(found) > 0 {
		return filepath.Dir(found[len(found)-1]), nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb, no initdb on PATH): " +
		"bash .ci/run installs it from Debian's packages (apt-get install postgresql)")
}

func version(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// tempRoot is a temp dir every parent of which the postgres user can
// traverse (root's TMPDIR may not be).
func tempRoot() string {
	dir := os.TempDir()
	for d := dir; ; d = filepath.Dir(d) {
		info, err := os.Stat(d)
		if err != nil || info.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if d == filepath.Dir(d) {
			return dir
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) chown(path string) error {
	if s.owner == nil {
		return nil
	}
	uid, _ := strconv.Atoi(s.owner.Uid)
	gid, _ := strconv.Atoi(s.owner.Gid)
	return os.Chown(path, uid, gid)
}

// command runs a server binary as the server's user.
func (s *Server) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bin, name)
	if s.owner != nil {
		return exec.Command("runuser", append([]string{"-u", s.owner.Username, "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func (s *Server) run(name string, args ...string) error {
	out, err := s.command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

func (s *Server) data() string { return filepath.Join(s.Dir, "data") }

func (s *Server) initAndStart() error {
	if err := s.run("initdb", "-D", s.data(), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"); err != nil {
		return err
	}
	// Local connections are trusted; TCP ones need a password, so tests
	// can check what a wrong one gives.
	hba := "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
	if err := os.WriteFile(filepath.Join(s.data(), "pg_hba.conf"), []byte(hba), 0o600); err != nil {
		return err
	}
	if err := s.chown(filepath.Join(s.data(), "pg_hba.conf")); err != nil {
		return err
	}
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", s.Socket, s.Port)
	if err := s.run("pg_ctl", "-D", s.data(), "-l", filepath.Join(s.Dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.Dir, "server.log"))
		return fmt.Errorf("%v\n%s", err, log)
	}
	s.watchdog()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	boot, err := pgxpool.New(ctx, s.dsn("postgres", "storetest-boot"))
	if err != nil {
		return err
	}
	defer boot.Close()
	for _, q := range []string{
		"CREATE DATABASE " + Database,
		fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", Role, Password),
	} {
		if _, err := boot.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	s.Admin, err = pgxpool.New(ctx, s.dsn(Database, "storetest-admin"))
	return err
}

// watchdog stops the server should the test binary die without Stop (a
// panic, a timeout): a detached shell, as the server's user, polls for the
// test process.
func (s *Server) watchdog() {
	script := fmt.Sprintf(`while [ -d /proc/%d ] && [ -f %s/postmaster.pid ]; do sleep 1; done; %s -D %s -m immediate stop >/dev/null 2>&1; rm -rf %s`,
		os.Getpid(), s.data(), filepath.Join(s.bin, "pg_ctl"), s.data(), s.Dir)
	cmd := exec.Command("sh", "-c", script)
	if s.owner != nil {
		cmd = exec.Command("runuser", "-u", s.owner.Username, "--", "sh", "-c", script)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if cmd.Start() == nil {
		go cmd.Wait() // reaped; nothing to report
	}
}

// dsn connects over the unix socket (trusted) as the superuser.
func (s *Server) dsn(db, app string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&port=%d&application_name=%s&sslmode=disable", db, s.Socket, s.Port, app)
}

// Stop stops the server and removes its files.
func (s *Server) Stop() {
	if s.Admin != nil {
		s.Admin.Close()
	}
	if _, err := os.Stat(filepath.Join(s.data(), "postmaster.pid")); err == nil {
		_ = s.run("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop")
	}
	os.RemoveAll(s.Dir)
}

// nextSchema names a fresh schema.
func nextSchema() string {
	schemaMu.Lock()
	defer schemaMu.Unlock()
	schemas++
	return "t" + strconv.Itoa(schemas)
}
