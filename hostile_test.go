package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// hostileDir builds an auth folder from testdata/hostile plus what cannot be
// checked in: symlinks out of the folder (to a file that needs a write, to
// a directory, to a device), a FIFO and, as root, a character device.
// outside is the symlinked file's real path.
func hostileDir(t *testing.T) (dir, outside string) {
	t.Helper()
	dir = copyDir(t, "testdata/hostile")
	elsewhere := t.TempDir()
	outside = filepath.Join(elsewhere, "codex-outside@sample.example-plus.json")
	if err := os.WriteFile(outside, mustRead(t, filepath.Join(refDir, "codex-stale@sample.example-plus.json")), 0o600); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"symlink-outside.json":  outside,
		"symlink-to-dir.json":   elsewhere,
		"symlink-device.json":   "/dev/null",
		"symlink-dangling.json": filepath.Join(elsewhere, "gone.json"),
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := syscall.Mknod(filepath.Join(dir, "device.json"), syscall.S_IFCHR|0o600, int(1<<8|3)); err != nil {
			t.Fatal(err)
		}
	}
	return dir, outside
}

func TestHostileInputsGiveRowsWithClearErrors(t *testing.T) {
	dir, _ := hostileDir(t)
	r := runCLI(t, nil, "list", "--json", "--auth-dir", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	rows := map[string]row{}
	for _, x := range decodeRows(t, r.stdout) {
		rows[x.File] = x
	}
	if _, ok := rows["symlink-to-dir.json"]; ok {
		t.Error("a symlink to a directory is not a file: no row")
	}
	errs := map[string]string{
		"deep-nesting.json":        "exceeded max depth",
		"string-1mib.json":         "1 MiB",
		"nul-after.json":           "invalid JSON",
		"nul-in-string.json":       "invalid JSON",
		"bom.json":                 "not JSON",
		"only-whitespace.json":     "empty",
		"trailing-comma.json":      "invalid JSON",
		"control-chars.json":       "invalid JSON",
		"fifo.json":                "not a regular file",
		"symlink-device.json":      "not a regular file",
		"symlink-dangling.json":    "broken symlink",
		"huge-number.json":         "", // parses: the values are just unusable
		"string-900kib.json":       "",
		"invalid-utf8.json":        "",
		"duplicate-keys.json":      "",
		"numbers-for-strings.json": "",
		"escaped-keys.json":        "",
		"far-future-times.json":    "",
		"offset-past-9999.json":    "",
	}
	if os.Geteuid() == 0 {
		errs["device.json"] = "not a regular file"
	}
	for file, want := range errs {
		x, ok := rows[file]
		switch {
		case !ok:
			t.Errorf("%s: no row", file)
		case want == "" && x.Error != nil:
			t.Errorf("%s: unexpected error %q", file, *x.Error)
		case want != "" && (x.Error == nil || !strings.Contains(*x.Error, want)):
			t.Errorf("%s: error %v, want one mentioning %q", file, x.Error, want)
		}
	}
	if x := rows["duplicate-keys.json"]; x.Provider != "codex" || x.Email != "dup@example.com" || *x.Plan.Stored != "pro" {
		t.Errorf("duplicate keys: the last one wins, as in the proxy: %+v", x)
	}
	if x := rows["escaped-keys.json"]; x.Provider != "codex" || x.Email != "esc@example.com" {
		t.Errorf("escaped keys read as their text: %+v", x)
	}
	// Unix times past year 9999 have no RFC 3339 form: an unknown expiry,
	// not a failed listing.
	if x := rows["far-future-times.json"]; x.ExpiresAt != nil || x.Plan == nil || x.Plan.Raw == nil || *x.Plan.Raw != "plus" {
		t.Errorf("far-future times: %+v", x)
	}
	if x := rows["offset-past-9999.json"]; x.ExpiresAt != nil || x.Email != "offset@example.com" {
		t.Errorf("an offset that carries a time past year 9999: %+v", x)
	}
	if x := rows["numbers-for-strings.json"]; x.Provider != "" || !hasWarning(x, "ignored_field") {
		t.Errorf("numbers where strings belong: %+v", x)
	}
	for _, file := range []string{"jwt-two-parts.json", "jwt-four-parts.json", "jwt-huge-header.json", "jwt-array-claims.json",
		"jwt-string-claims.json", "jwt-bad-base64.json"} {
		if x := rows[file]; x.Error != nil || !hasWarning(x, "id_token_invalid") {
			t.Errorf("%s: want a row with id_token_invalid: %+v", file, x)
		}
	}
	// alg none decodes (the proxy reads the claims too) but can never verify.
	if x := rows["jwt-alg-none.json"]; x.Plan == nil || x.Plan.Raw == nil || *x.Plan.Raw != "pro" || *x.Signature != "unverified" {
		t.Errorf("alg none: %+v", x)
	}
	if strings.Contains(r.stdout, "eyJhostile") {
		t.Error("a token reached the output")
	}
}

func hasWarning(x row, code string) bool {
	for _, w := range x.Warnings {
		if w.Code == code {
			return true
		}
	}
	return false
}

// TestEveryCommandSurvivesHostileInputs: no command fails (exit 2) or hangs
// on a folder of hostile files, and none writes through a symlink.
func TestEveryCommandSurvivesHostileInputs(t *testing.T) {
	dir, outside := hostileDir(t)
	before := mustRead(t, outside)
	entries, _ := os.ReadDir(dir)
	cmds := [][]string{
		{"list"}, {"list", "--json"}, {"normalize"}, {"catalog"}, {"catalog", "--json"},
		{"diff", "--rule-sets", "pr2024,upstream"}, {"diff", "--json", "--candidate", filepath.Join(historyDir, "models-2026-04-24T0505-4f4afb8.json")},
		{"list", "--rules", "upstream", "--warning", "parse_error"},
	}
	for _, e := range entries {
		if e.Name() != "symlink-to-dir.json" {
			cmds = append(cmds, []string{"show", "--json", e.Name()}, []string{"show", e.Name()})
		}
	}
	for _, args := range cmds {
		r := runCLI(t, nil, append(args, "--auth-dir", dir)...)
		if r.code == 2 {
			t.Errorf("tierscope %s: exit 2: %s", strings.Join(args, " "), r.stderr)
		}
	}
	r := runCLI(t, nil, "normalize", "--write", "--auth-dir", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "symlink-outside.json") || !strings.Contains(r.stdout, "refused") {
		t.Errorf("normalize --write: exit %d, want 1 with the symlink refused:\n%s", r.code, r.stdout)
	}
	if !bytes.Equal(before, mustRead(t, outside)) {
		t.Error("a write went through a symlink to a file outside the folder")
	}
}

// TestTUISurvivesHostileInputsAndALostFolder runs the binary on the hostile
// folder, walks every row, then deletes the folder while it is watched.
func TestTUISurvivesHostileInputsAndALostFolder(t *testing.T) {
	dir, _ := hostileDir(t)
	term := startTerminal(t, 140, 40, nil, "--auth-dir", dir, "--offline", "--catalog", refModels)
	term.waitText("accounts")
	for range 40 {
		term.send("j")
	}
	term.send("G", "g")
	term.waitText("deep-but-legal.json")
	term.send("/")
	term.typeText("deep-nesting")
	term.waitText("1 of ")
	term.send("Enter")
	term.waitText("exceeded max depth")
	term.send("Escape") // one key at a time: two escapes in one read are alt+esc
	term.waitText("FILE")
	term.send("Escape")
	term.waitFor("the filter to clear", func(s string) bool { return !strings.Contains(s, "1 of ") })
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	// The rows of removed files go; the program stays up and answers keys.
	term.waitFor("the rows to go", func(s string) bool { return strings.Contains(s, " 0 accounts") || strings.Contains(s, "· 0 ") })
	term.send("?")
	term.waitText("quit")
	term.send("q")
	term.waitFor("the program to exit", func(s string) bool { return !strings.Contains(s, "accounts") })
}
