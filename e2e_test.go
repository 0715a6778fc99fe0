package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tierscope/tierscope/demo"
)

// The end-to-end tests run the built binary in a real terminal: tmux, on
// its own socket, with send-keys to type and capture-pane to read.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds tierscope once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tierscope-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "tierscope")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// terminal is one tmux session running the binary.
type terminal struct {
	t      *testing.T
	socket string
}

// startTerminal runs the binary with args in a w×h tmux session, in an empty
// environment plus env. HOME and the cache point into temp dirs, so the
// user's home is never touched. A
// missing tmux fails the test: .ci/run installs it.
func startTerminal(t *testing.T, w, h int, env []string, args ...string) *terminal {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is required for the end-to-end tests (bash .ci/run installs it)")
	}
	term := &terminal{t: t, socket: fmt.Sprintf("tierscope-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())}
	home := t.TempDir()
	// env -i: the binary sees only what the test gives it, never the
	// caller's NO_COLOR, TIERSCOPE_* or proxy settings (CI exports some).
	cmd := []string{"env", "-i", "PATH=" + os.Getenv("PATH"), "HOME=" + home, "TERM=xterm-256color", "TIERSCOPE_CACHE_DIR=" + filepath.Join(home, "cache")}
	cmd = append(cmd, env...)
	cmd = append(cmd, binary(t))
	cmd = append(cmd, args...)
	quoted := make([]string, len(cmd))
	for i, c := range cmd {
		quoted[i] = "'" + strings.ReplaceAll(c, "'", `'\''`) + "'"
	}
	term.tmux("new-session", "-d", "-s", "main", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), strings.Join(quoted, " ")+"; sleep 30")
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", term.socket, "kill-server").Run() })
	return term
}

func (term *terminal) tmux(args ...string) string {
	term.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (term *terminal) screen() string { return term.tmux("capture-pane", "-p", "-t", "main") }

// send types keys: literal text, or tmux key names such as Enter and Escape.
func (term *terminal) send(keys ...string) {
	term.tmux(append([]string{"send-keys", "-t", "main"}, keys...)...)
}

func (term *terminal) typeText(s string) { term.tmux("send-keys", "-t", "main", "-l", s) }

// waitFor polls the screen until cond holds, or fails with the last screen.
func (term *terminal) waitFor(what string, cond func(screen string) bool) string {
	term.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := term.screen()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (term *terminal) waitText(text string) string {
	term.t.Helper()
	return term.waitFor(fmt.Sprintf("%q", text), func(s string) bool { return strings.Contains(s, text) })
}

func TestEndToEndBrowseFilterReloadQuit(t *testing.T) {
	dir := t.TempDir()
	if _, err := demo.Generate(dir, demo.Options{Count: 60, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	term := startTerminal(t, 160, 45, nil, "--auth-dir", dir, "--offline", "--catalog", refModels)
	term.waitText("60 accounts")
	term.waitText("live") // the watcher is running

	// Filter down to one account and read its detail pane.
	term.send("/")
	term.typeText("stale.upgrade")
	s := term.waitText("1 of 60")
	if !strings.Contains(s, "stale.upgrade@sample.example") {
		t.Fatalf("the filter should show the stale account:\n%s", s)
	}
	term.send("Enter")
	s = term.waitText("stale_plan_type")
	for _, want := range []string{`id_token plan "pro"`, `stored plan   "plus"`} {
		if !strings.Contains(s, want) {
			t.Errorf("detail pane lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "eyJ") {
		t.Errorf("a token is on screen:\n%s", s)
	}
	// One key at a time: two escapes in one read are alt+esc to a terminal.
	term.send("Escape")
	term.waitText("FILE")
	term.send("Escape")
	term.waitFor("the filter to clear", func(s string) bool { return strings.Contains(s, "60 accounts") && !strings.Contains(s, "1 of 60") })

	// A file created on disk shows up without a restart.
	src := mustRead(t, filepath.Join(refDir, "codex-77c7d2de-pro@sample.example-pro.json"))
	if err := os.WriteFile(filepath.Join(dir, "codex-e2e0new0-added@sample.example-pro.json"), src, 0o600); err != nil {
		t.Fatal(err)
	}
	term.waitText("61 accounts")
	term.send("/")
	term.typeText("e2e0new0")
	term.waitText("codex-e2e0new0-added")
	term.send("Escape")
	term.waitFor("the filter to clear", func(s string) bool { return !strings.Contains(s, "1 of 61") })

	// q quits: the program ends and the shell's sleep is all that is left.
	term.send("q")
	term.waitFor("the program to exit", func(s string) bool { return !strings.Contains(s, "accounts") })
}

// colourSGR matches an SGR escape that sets a foreground or background
// colour (30–38, 40–48, 90–97, 100–107); bold, reverse and the like are not
// colour and stay allowed under NO_COLOR.
var colourSGR = regexp.MustCompile(`\x1b\[(?:[0-9]*;)*(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]`)

// TestNoColorIsHonoured: with NO_COLOR set the real terminal gets no colour
// at all; without it, the same screen is coloured (so the check can fail).
func TestNoColorIsHonoured(t *testing.T) {
	for _, tt := range []struct {
		env    []string
		colour bool
	}{{nil, true}, {[]string{"NO_COLOR=1"}, false}} {
		term := startTerminal(t, 140, 40, tt.env, "--auth-dir", refDir, "--offline", "--catalog", refModels)
		term.waitText("30 accounts")
		screen := term.tmux("capture-pane", "-p", "-e", "-t", "main")
		if got := colourSGR.MatchString(screen); got != tt.colour {
			t.Errorf("env %v: colour on screen = %v, want %v", tt.env, got, tt.colour)
		}
		term.send("q")
	}
}

// TestMouseIsOffByDefault: the running TUI never asks the terminal for mouse
// reports, so the terminal's own selection and scrolling keep working. tmux
// tracks what each pane's program asked for; a pane that asks for mouse
// reports shows the check can fail.
func TestMouseIsOffByDefault(t *testing.T) {
	term := startTerminal(t, 140, 40, nil, "--auth-dir", refDir, "--offline", "--catalog", refModels)
	term.waitText("30 accounts")
	const flags = "#{mouse_any_flag}#{mouse_standard_flag}#{mouse_button_flag}#{mouse_all_flag}#{mouse_sgr_flag}"
	if got := strings.TrimSpace(term.tmux("display", "-p", "-t", "main", flags)); got != "00000" {
		t.Errorf("the TUI turned on mouse reports (tmux flags %s)", got)
	}
	term.tmux("new-session", "-d", "-s", "control", `printf '\033[?1002h\033[?1006h'; sleep 30`)
	term.waitFor("the control pane to ask for mouse reports", func(string) bool {
		return strings.TrimSpace(term.tmux("display", "-p", "-t", "control", flags)) != "00000"
	})
	term.send("q")
}
