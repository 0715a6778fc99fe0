package auth

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The crash and concurrency tests re-run this test binary as a second
// process; these variables tell it which part to play.
const (
	crashChildEnv   = "TIERSCOPE_CRASH_CHILD"   // dir: flip plan_type until killed
	rewriteChildEnv = "TIERSCOPE_REWRITE_CHILD" // dir: rewrite in place, as the proxy does
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		os.Exit(crashChild(dir))
	}
	if dir := os.Getenv(rewriteChildEnv); dir != "" {
		os.Exit(rewriteChild(dir))
	}
	os.Exit(m.Run())
}

// startChild re-runs the test binary in a role and waits for its "ready"
// line, so the parent acts while the child is at work, not starting up.
func startChild(t *testing.T, env ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child did not start: %q, %v; stderr: %s", line, err, stderr.String())
	}
	return cmd, &stderr
}

// authFiles lists the *.json files of dir, sorted.
func authFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if IsAuthFileName(e.Name()) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// crashChild flips plan_type between "plus" and "team" in every file of
// dir, round and round, each write from the file's current digest, until
// it is killed (or, should the parent fail to kill it, for 20 s).
func crashChild(dir string) int {
	paths, err := authFiles(dir)
	if err != nil || len(paths) == 0 {
		fmt.Fprintln(os.Stderr, "no files:", err)
		return 1
	}
	fmt.Println("ready")
	for i, stop := 0, time.Now().Add(20*time.Second); time.Now().Before(stop); i++ {
		path := paths[i%len(paths)]
		data, err := ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		next := "team"
		if v, _, _ := MemberValue(data, "plan_type"); string(v) == `"team"` {
			next = "plus"
		}
		if _, err := WriteFile(path, Fingerprint(data), setPlan(next)); err != nil {
			fmt.Fprintln(os.Stderr, path, err)
			return 1
		}
	}
	return 2
}

// TestCrashLeavesEveryFileOldOrNew kills a writing process at random points
// and checks that every file is, byte for byte, one of its two versions,
// never a mix or empty; a kill may leave temp files, which the next
// CleanTemps removes.
func TestCrashLeavesEveryFileOldOrNew(t *testing.T) {
	const kills = 100
	dir := t.TempDir()
	refs, err := authFiles(refAuthDir)
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string][2][]byte{} // file → {plan_type "plus", "team"}
	for _, ref := range refs[:20] {
		orig, err := ReadFile(ref)
		if err != nil {
			t.Fatal(err)
		}
		plus, err1 := SetStringMember(orig, "plan_type", "plus")
		team, err2 := SetStringMember(plus, "plan_type", "team")
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		path := filepath.Join(dir, filepath.Base(ref))
		writeAuth(t, path, plus, 0o600)
		versions[path] = [2][]byte{plus, team}
	}

	start := time.Now()
	interrupted, flips, cleaned := 0, 0, 0
	state := map[string]int{} // which version each file holds
	for kill := range kills {
		cmd, stderr := startChild(t, crashChildEnv+"="+dir)
		time.Sleep(rand.N(30 * time.Millisecond))
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("kill %d: the child ended on its own (%v): %s", kill, err, stderr)
		}

		for path, v := range versions {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("kill %d: %v", kill, err)
			}
			i := slices.IndexFunc(v[:], func(b []byte) bool { return bytes.Equal(b, data) })
			if i < 0 {
				t.Fatalf("kill %d: %s is neither version (%d bytes):\n%s", kill, filepath.Base(path), len(data), data)
			}
			if a := Parse(filepath.Base(path), path, data); a.Err != nil {
				t.Fatalf("kill %d: %s does not parse: %v", kill, path, a.Err)
			}
			if i != state[path] {
				flips++
				state[path] = i
			}
		}

		temps := tempsIn(t, dir)
		if len(temps) > 0 {
			interrupted++
		}
		for _, name := range temps {
			if !strings.HasPrefix(name, fmt.Sprintf("%s%d-", TempPrefix, cmd.Process.Pid)) {
				t.Errorf("kill %d: temp file %s is not the killed writer's", kill, name)
			}
		}
		removed, err := CleanTemps(dir)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(removed)
		if !slices.Equal(removed, temps) {
			t.Errorf("kill %d: CleanTemps removed %v, want the dead writer's %v", kill, removed, temps)
		}
		cleaned += len(removed)
		assertNoTemps(t, dir)
	}
	t.Logf("%d kills in %v: %d writes seen completed, %d kills left temp files (%d removed by CleanTemps)",
		kills, time.Since(start).Round(time.Millisecond), flips, interrupted, cleaned)
	// The kills must have landed while writing, or this proved nothing. A
	// write spends most of its time between creating and renaming its temp
	// file (the fsync), so of 100 kills, some always find one.
	if flips == 0 || interrupted == 0 {
		t.Errorf("the child never wrote (%d) or was never killed mid-write (%d)", flips, interrupted)
	}
}
