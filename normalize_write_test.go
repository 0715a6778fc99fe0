package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tierscope/tierscope/demo"
)

// writeRun is one tierscope run over an auth dir and an audit log that
// persist between runs (runCLI's own cache dir is new on every run).
type writeRun struct {
	t        *testing.T
	dir      string
	cache    string
	secrets  []string
	original map[string][]byte
}

func newWriteRun(t *testing.T) *writeRun {
	t.Helper()
	dir := copyDir(t, refDir)
	w := &writeRun{t: t, dir: dir, cache: t.TempDir(), secrets: demo.Secrets(dir, 16), original: readDir(t, dir)}
	if len(w.secrets) < 20 {
		t.Fatalf("only %d secrets found: the collector is broken", len(w.secrets))
	}
	return w
}

// run runs tierscope on the dir and fails on any secret in its output.
func (w *writeRun) run(args ...string) result {
	w.t.Helper()
	args = append(args, "--auth-dir", w.dir, "--catalog", refModels, "--cache-dir", w.cache)
	r := runCLI(w.t, nil, args...)
	for _, s := range w.secrets {
		if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
			w.t.Fatalf("tierscope %s printed a secret (%.8s…)", strings.Join(args, " "), s)
		}
	}
	return r
}

// changed lists the files of the dir that differ from the originals.
func (w *writeRun) changed() []string {
	w.t.Helper()
	var out []string
	for name, data := range readDir(w.t, w.dir) {
		if !bytes.Equal(data, w.original[name]) {
			out = append(out, name)
		}
	}
	return out
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if e.Type().IsRegular() {
			out[e.Name()] = mustRead(t, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// The reference dir has 18 files to normalize out of 30.
const writesNeeded, filesInRef = 18, 30

var summaryLine = regexp.MustCompile(`(?m)^(written|reverted) (\d+), unchanged (\d+), conflicts (\d+), refused (\d+), errors (\d+) \(batch \S+\)\n\z`)

func summary(t *testing.T, r result) string {
	t.Helper()
	m := summaryLine.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no summary line in:\n%s\nstderr: %s", r.stdout, r.stderr)
	}
	return strings.Join(m[1:], " ")
}

func TestNormalizeWriteWritesThenNothingIsLeft(t *testing.T) {
	w := newWriteRun(t)
	r := w.run("normalize", "--write")
	if r.code != 0 {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if got, want := summary(t, r), "written 18 12 0 0 0"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if !strings.Contains(r.stdout, `written   codex-stale@sample.example-plus.json  plan_type "plus" → "free"`) ||
		!strings.Contains(r.stdout, `written   codex-3db87a38-business@sample.example-business.json  plan_type (absent) → "team"`) {
		t.Errorf("per-file lines missing:\n%s", r.stdout)
	}
	if n := len(w.changed()); n != writesNeeded {
		t.Errorf("%d files changed, want %d", n, writesNeeded)
	}
	audit, err := os.ReadFile(filepath.Join(w.cache, "audit.jsonl"))
	if err != nil || bytes.Count(audit, []byte("\n")) != writesNeeded {
		t.Errorf("audit log: %v, %d lines", err, bytes.Count(audit, []byte("\n")))
	}

	r = w.run("normalize")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "0 of 30 file(s) would change") {
		t.Errorf("dry run after the write: exit %d, %q, %q", r.code, r.stdout, r.stderr)
	}
}

func TestNormalizeWriteReadOnlyRefuses(t *testing.T) {
	w := newWriteRun(t)
	for _, args := range [][]string{
		{"normalize", "--write", "--read-only"},
		{"normalize", "--undo", "--read-only"},
	} {
		r := w.run(args...)
		if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "--read-only") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	r := runCLI(t, map[string]string{"TIERSCOPE_READ_ONLY": "1"}, "normalize", "--write", "--auth-dir", w.dir, "--cache-dir", w.cache)
	if r.code != 2 {
		t.Errorf("TIERSCOPE_READ_ONLY=1: exit %d", r.code)
	}
	if c := w.changed(); len(c) > 0 {
		t.Errorf("read-only wrote %v", c)
	}
	if _, err := os.Stat(filepath.Join(w.cache, "audit.jsonl")); !os.IsNotExist(err) {
		t.Errorf("read-only created an audit log: %v", err)
	}
}

func TestNormalizeWriteOnlyTheNamedFile(t *testing.T) {
	w := newWriteRun(t)
	r := w.run("normalize", "--write", "codex-stale@sample.example-plus.json")
	if r.code != 0 || summary(t, r) != "written 1 0 0 0 0" {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if c := w.changed(); len(c) != 1 || c[0] != "codex-stale@sample.example-plus.json" {
		t.Errorf("changed %v", c)
	}
}

func TestNormalizeWriteRefusesASymlink(t *testing.T) {
	w := newWriteRun(t)
	target := filepath.Join(t.TempDir(), "target.json")
	data := mustRead(t, filepath.Join(refDir, "codex-stale@sample.example-plus.json"))
	if err := os.WriteFile(target, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(w.dir, "codex-link@sample.example-plus.json")); err != nil {
		t.Fatal(err)
	}
	r := w.run("normalize", "--write")
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (a file that needed a write did not get it)", r.code)
	}
	if !regexp.MustCompile(`(?m)^refused +codex-link@sample\.example-plus\.json .*symlink`).MatchString(r.stdout) {
		t.Errorf("no refused line for the link:\n%s", r.stdout)
	}
	if got := summary(t, r); got != "written 18 12 0 1 0" {
		t.Errorf("summary %q", got)
	}
	if !bytes.Equal(mustRead(t, target), data) {
		t.Error("written through the symlink")
	}
}

func TestNormalizeUndoRevertsTheLastBatch(t *testing.T) {
	w := newWriteRun(t)
	if r := w.run("normalize", "--write"); r.code != 0 {
		t.Fatalf("write: exit %d: %s", r.code, r.stderr)
	}
	r := w.run("normalize", "--undo")
	if r.code != 0 || summary(t, r) != "reverted 18 0 0 0 0" {
		t.Fatalf("undo: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, `reverted  codex-stale@sample.example-plus.json  plan_type "free" → "plus"`) ||
		!strings.Contains(r.stdout, `reverted  codex-3db87a38-business@sample.example-business.json  plan_type "team" → (removed)`) {
		t.Errorf("per-file lines missing:\n%s", r.stdout)
	}
	if c := w.changed(); len(c) > 0 {
		t.Errorf("not restored byte for byte: %v", c)
	}
	r = w.run("normalize", "--undo")
	if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "nothing to undo") {
		t.Errorf("second undo: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestNormalizeWriteJSON(t *testing.T) {
	w := newWriteRun(t)
	r := w.run("normalize", "--write", "--json")
	var got struct {
		Batch     string `json:"batch"`
		Written   int    `json:"written"`
		Unchanged int    `json:"unchanged"`
		Failed    int    `json:"errors"`
		Files     []struct {
			File   string  `json:"file"`
			Status string  `json:"status"`
			From   *string `json:"from"`
			To     string  `json:"to"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("exit %d, %v:\n%s", r.code, err, r.stdout)
	}
	if got.Written != writesNeeded || got.Unchanged != filesInRef-writesNeeded || got.Failed != 0 || got.Batch == "" || len(got.Files) != filesInRef {
		t.Errorf("summary %+v", got)
	}
	for _, f := range got.Files {
		if f.File == "codex-stale@sample.example-plus.json" && (f.Status != "written" || f.From == nil || *f.From != "plus" || f.To != "free") {
			t.Errorf("stale file: %+v", f)
		}
	}
}

func TestNormalizeWriteRefusesAPathOutsideTheAuthDir(t *testing.T) {
	dir := copyDir(t, refDir)
	other := copyDir(t, refDir)
	name := "codex-stale@sample.example-plus.json"
	before := mustRead(t, filepath.Join(dir, name))
	r := runCLI(t, nil, "normalize", "--write", "--auth-dir", dir, filepath.Join(other, name))
	if r.code != 2 || !strings.Contains(r.stderr, "not in the auth dir") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !bytes.Equal(before, mustRead(t, filepath.Join(dir, name))) {
		t.Error("the auth dir's file of the same name was written")
	}
	r = runCLI(t, nil, "normalize", "--write", "--auth-dir", dir, filepath.Join(dir, name))
	if r.code != 0 || !strings.Contains(r.stdout, "written 1") {
		t.Errorf("a path inside the auth dir: exit %d %q", r.code, r.stdout)
	}
}
