package tui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/core"
)

const staleFile = "codex-stale@sample.example-plus.json"

// writeOptions are testOptions over a fresh copy of the reference files,
// with an audit log in a temp dir.
func writeOptions(t *testing.T) (Options, string) {
	t.Helper()
	dir := writeAuthDir(t)
	opts := testOptions(t, dir)
	opts.AuditLog = core.AuditLog{Path: filepath.Join(t.TempDir(), "audit.jsonl")}
	return opts, dir
}

// execUntil runs cmd (batches included) in the background, as the
// program would, and returns the first message that match accepts. The
// others (status expiry, spinner frames) are dropped.
func execUntil(t *testing.T, cmd tea.Cmd, match func(tea.Msg) bool) tea.Msg {
	t.Helper()
	msgs := make(chan tea.Msg, 64)
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			msg := c()
			if batch, ok := msg.(tea.BatchMsg); ok {
				for _, c := range batch {
					run(c)
				}
				return
			}
			select {
			case msgs <- msg:
			default:
			}
		}()
	}
	run(cmd)
	timeout := time.After(10 * time.Second)
	for {
		select {
		case msg := <-msgs:
			if match(msg) {
				return msg
			}
		case <-timeout:
			t.Fatal("the expected message never came")
		}
	}
}

func isMsg[T tea.Msg](msg tea.Msg) bool { _, ok := msg.(T); return ok }

// openWriteAll presses W and feeds the preview back, as the program would.
func openWriteAll(t *testing.T, m *Model) {
	t.Helper()
	_, cmd := m.Update(runes("W"))
	m.Update(execUntil(t, cmd, isMsg[writePreviewMsg]))
	if m.view != viewWrite {
		t.Fatalf("W opened no confirmation:\n%s", screen(m))
	}
}

// snapshotFiles reads every file of dir.
func snapshotFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}

func assertUntouched(t *testing.T, dir string, before map[string][]byte) {
	t.Helper()
	after := snapshotFiles(t, dir)
	if len(after) != len(before) {
		t.Errorf("%d files in the folder, was %d", len(after), len(before))
	}
	for name, data := range before {
		if !bytes.Equal(after[name], data) {
			t.Errorf("%s changed", name)
		}
	}
}

func auditEntries(t *testing.T, l core.AuditLog) []core.AuditEntry {
	t.Helper()
	entries, err := l.Entries()
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func TestWriteSelectedAccount(t *testing.T) {
	opts, dir := writeOptions(t)
	tm := startWorkFlow(t, opts, 200, 50)
	waitFor(t, tm, "31 accounts")
	tm.Type("/stale")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "1 of 31", staleFile, "▲stale")

	tm.Type("w")
	waitFor(t, tm, `✓ wrote plan_type "free" to `+staleFile)

	m := finalModel(t, tm)
	data, err := os.ReadFile(filepath.Join(dir, staleFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"plan_type": "free"`)) {
		t.Errorf("the file on disk was not written:\n%s", data)
	}
	r := rowOf(t, m, staleFile)
	if r.acc.HasWarning(core.WarnStalePlanType) || strings.Contains(r.cells[colFlags], "stale") {
		t.Errorf("the row still warns: %q", r.cells[colFlags])
	}
	if entries := auditEntries(t, opts.AuditLog); len(entries) != 1 || entries[0].File != staleFile {
		t.Errorf("audit log: %+v", entries)
	}
}

func TestWriteSelectedNothingToWrite(t *testing.T) {
	cases := []struct{ file, want string }{
		{"codex-stored-only@sample.example.json", "nothing to write: the plan comes from the stored plan_type, not from an id_token"},
		{"codex-352ea4e7-k12@sample.example-k12.json", `nothing to write: plan "k12" is unknown, and a write never invents a tier`},
		{"codex-badtoken@sample.example-free.json", "nothing to write: the plan comes from the stored plan_type, not from an id_token"},
		{"claude-c@sample.example.json", "nothing to write: plan_type is only written for Codex accounts"},
		{brokenFile, "nothing to write: " + brokenFile + " could not be read"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			opts, dir := writeOptions(t)
			before := snapshotFiles(t, dir)
			m := loadedModel(t, opts, 250, 40)
			selectFile(t, m, c.file)
			send(m, runes("w"))
			if got := screen(m); !strings.Contains(got, c.want) {
				t.Errorf("status lacks %q:\n%s", c.want, got)
			}
			if m.writes.running {
				t.Error("a write started")
			}
			assertUntouched(t, dir, before)
		})
	}
}

func TestWriteAllConfirmationDefaultsToNo(t *testing.T) {
	opts, dir := writeOptions(t)
	before := snapshotFiles(t, dir)
	tm := startWorkFlow(t, opts, 120, 40)
	waitFor(t, tm, "31 accounts")
	tm.Type("W")
	waitFor(t, tm, "Write the normalized plan_type to 18 files?", "[y/N]", "× plan_type (absent) → team", `1 × plan_type "plus" → free`)

	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "nothing written")
	m := finalModel(t, tm)
	if m.view != viewMain || m.writes.running {
		t.Errorf("enter left view %d, running=%v", m.view, m.writes.running)
	}
	assertUntouched(t, dir, before)
	if entries := auditEntries(t, opts.AuditLog); len(entries) != 0 {
		t.Errorf("audit log after No: %+v", entries)
	}
}

func TestWriteAllEveryNoKeyWritesNothing(t *testing.T) {
	for _, k := range []tea.KeyMsg{runes("n"), keyEnter, keyEsc, runes("x"), runes("Y")} {
		t.Run(k.String(), func(t *testing.T) {
			opts, dir := writeOptions(t)
			before := snapshotFiles(t, dir)
			m := loadedModel(t, opts, 120, 40)
			openWriteAll(t, m)
			send(m, k)
			if m.writes.running {
				t.Errorf("%s started the write", k)
			}
			assertUntouched(t, dir, before)
		})
	}
}

func TestWriteAllAfterYes(t *testing.T) {
	opts, dir := writeOptions(t)
	tm := startWorkFlow(t, opts, 120, 40)
	waitFor(t, tm, "31 accounts")
	tm.Type("W")
	waitFor(t, tm, "Write the normalized plan_type to 18 files?")
	tm.Type("y")
	waitFor(t, tm, "✓ wrote plan_type to 18 files")

	m := finalModel(t, tm)
	if m.view != viewMain {
		t.Errorf("view %d after a clean batch, want the table", m.view)
	}
	for _, a := range m.snap.Accounts {
		if tier, ok := core.PlannedPlanType(a); ok {
			t.Errorf("%s still needs plan_type %q after the batch", a.File, tier)
		}
	}
	// The table is what is on disk.
	fresh, err := core.Load(context.Background(), opts.Source, opts.Catalog, opts.Rules, testNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range fresh.Accounts {
		if got := m.snap.Accounts[m.snap.Find(a.File)]; got.Raw.Digest != a.Raw.Digest {
			t.Errorf("%s: the table does not show the file on disk", a.File)
		}
	}
	if entries := auditEntries(t, opts.AuditLog); len(entries) != 18 {
		t.Errorf("%d audit entries, want 18", len(entries))
	}
	data, err := os.ReadFile(filepath.Join(dir, "codex-3db87a38-business@sample.example-business.json"))
	if err != nil || !bytes.Contains(data, []byte(`"plan_type": "team"`)) {
		t.Errorf("business file not normalized to team (%v)", err)
	}
}

func TestWriteAllShowsProgress(t *testing.T) {
	opts, _ := writeOptions(t)
	m := loadedModel(t, opts, 120, 40)
	openWriteAll(t, m)
	_, cmd := m.Update(runes("y"))
	if got := screen(m); !strings.Contains(got, "writing plan_type: 0 of 18 files") {
		t.Errorf("no progress while the batch runs:\n%s", got)
	}
	m.writes.progress.set(7, 18)
	m.Update(writeProgressMsg{})
	if got := screen(m); !strings.Contains(got, "writing plan_type: 7 of 18 files") {
		t.Errorf("progress not updated:\n%s", got)
	}
	m.Update(execUntil(t, cmd, isMsg[writeDoneMsg]))
	if got := screen(m); !strings.Contains(got, "wrote plan_type to 18 files") || strings.Contains(got, "writing plan_type") {
		t.Errorf("after the batch:\n%s", got)
	}
}

func TestWriteReadOnlyTurnsWritesOff(t *testing.T) {
	opts, dir := writeOptions(t)
	opts.ReadOnly = true
	before := snapshotFiles(t, dir)
	m := loadedModel(t, opts, 200, 50)
	selectFile(t, m, staleFile)
	for _, k := range []string{"w", "W"} {
		if _, cmd := m.Update(runes(k)); cmd != nil {
			t.Errorf("%s returned a command under --read-only", k)
		}
	}
	send(m, runes("?"))
	got := screen(m)
	for _, absent := range []string{"write plan", "write all"} {
		if strings.Contains(got, absent) {
			t.Errorf("help offers %q under --read-only", absent)
		}
	}
	assertUntouched(t, dir, before)
}

func TestWriteKeysInHelpWhenWritable(t *testing.T) {
	opts, _ := writeOptions(t)
	m := loadedModel(t, opts, 200, 50)
	send(m, runes("?"))
	for _, want := range []string{"w write plan", "W write all"} {
		if !strings.Contains(screen(m), want) {
			t.Errorf("help lacks %q", want)
		}
	}
	send(m, runes("?")) // back to the short help
	openWriteAll(t, m)
	got := screen(m)
	for _, want := range []string{"y write", "n/enter/esc cancel"} {
		if !strings.Contains(got, want) {
			t.Errorf("the confirmation's help lacks %q:\n%s", want, got)
		}
	}
	for _, absent := range []string{"w write plan", "/ filter", "esc back"} {
		if strings.Contains(got, absent) {
			t.Errorf("the confirmation's help offers %q", absent)
		}
	}
}

// rewritingSource is an auth folder with a busy proxy behind it: the next
// time one file is re-read, it is rewritten just after, so a write that
// reloads it and retries meets a second conflict.
type rewritingSource struct {
	namedDir
	file    string
	rewrite atomic.Pointer[func()]
}

func (s *rewritingSource) Load(ctx context.Context, file string) (*auth.Account, bool, error) {
	a, ok, err := s.namedDir.Load(ctx, file)
	if file == s.file {
		if f := s.rewrite.Swap(nil); f != nil {
			(*f)()
		}
	}
	return a, ok, err
}

// proxyRewrite rewrites a file in place as the proxy does after a token
// refresh: same content, here one more trailing newline.
func proxyRewrite(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o600); err != nil {
		t.Error(err)
	}
}

func conflictOptions(t *testing.T) (Options, string) {
	t.Helper()
	opts, dir := writeOptions(t)
	src := &rewritingSource{namedDir: opts.Source.(namedDir), file: staleFile}
	path := filepath.Join(dir, staleFile)
	again := func() { proxyRewrite(t, path) }
	src.rewrite.Store(&again)
	opts.Source = src
	return opts, path
}

func TestWriteConflictIsReportedAndReloaded(t *testing.T) {
	opts, path := conflictOptions(t)
	tm := startWorkFlow(t, opts, 250, 50) // not watched: only the write reloads
	waitFor(t, tm, "31 accounts")
	proxyRewrite(t, path) // after the scan, before w

	tm.Type("/stale")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "1 of 31")
	tm.Type("w")
	waitFor(t, tm, "✗ conflict: "+staleFile+" changed on disk while writing", "not written, reloaded")

	m := finalModel(t, tm)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"plan_type": "plus"`)) || !bytes.HasSuffix(data, []byte("\n\n")) {
		t.Errorf("the other writer's content was not kept:\n%s", data)
	}
	if got := rowOf(t, m, staleFile).acc.Raw.Digest; got != auth.Fingerprint(data) {
		t.Error("the row was not reloaded from disk")
	}
	if entries := auditEntries(t, opts.AuditLog); len(entries) != 0 {
		t.Errorf("a conflict was logged as a write: %+v", entries)
	}
}

func TestWriteAllConflictOpensTheResult(t *testing.T) {
	opts, path := conflictOptions(t)
	m := loadedModel(t, opts, 200, 40)
	openWriteAll(t, m)
	proxyRewrite(t, path) // between the confirmation and the write
	_, cmd := m.Update(runes("y"))
	m.Update(execUntil(t, cmd, isMsg[writeDoneMsg]))

	got := screen(m)
	for _, want := range []string{
		"wrote plan_type to 17 files · 1 conflict (reloaded): " + staleFile,
		"── ▸ write result",
		"conflict  " + staleFile,
		"written   codex-3db87a38-business@sample.example-business.json",
		"enter/esc close",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("result lacks %q:\n%s", want, got)
		}
	}
	send(m, keyEnter)
	if m.view != viewMain {
		t.Error("enter did not close the result")
	}
	data, _ := os.ReadFile(path)
	if got := rowOf(t, m, staleFile).acc.Raw.Digest; got != auth.Fingerprint(data) {
		t.Error("the conflicting file was not reloaded")
	}
}

func TestWriteGolden(t *testing.T) {
	cases := []struct {
		name          string
		width, height int
		do            func(t *testing.T, m *Model)
	}{
		{name: "confirm_100x30", width: 100, height: 30},
		{name: "confirm_scrolled_100x30", width: 100, height: 30, do: func(t *testing.T, m *Model) {
			send(m, keyDown, keyDown, keyDown, tea.KeyMsg{Type: tea.KeyPgDown})
		}},
		{name: "confirm_narrow_60x24", width: 60, height: 24},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts, _ := writeOptions(t)
			opts.AuditLog.Path = "/srv/tierscope/audit.jsonl"
			m := loadedModel(t, opts, c.width, c.height)
			openWriteAll(t, m)
			if c.do != nil {
				c.do(t, m)
			}
			golden.RequireEqual(t, screen(m))
		})
	}
}

func TestWritePreviewIsRedacted(t *testing.T) {
	opts, dir := writeOptions(t)
	// A file whose plan_type sits among its tokens, so the diff's context
	// lines hold them.
	data, err := os.ReadFile(filepath.Join(dir, staleFile))
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte(",\n  \"plan_type\": \"plus\""), nil, 1)
	data = bytes.Replace(data, []byte("{\n"), []byte("{\n  \"plan_type\": \"plus\",\n"), 1)
	writeFile(t, dir, "codex-tokens@sample.example.json", data)
	m := loadedModel(t, opts, 120, 40)
	openWriteAll(t, m)
	m.dialog.vp.Height = 100000 // every line
	got := m.dialog.vp.View()
	if !strings.Contains(got, `"id_token": "`+auth.Redacted+`"`) {
		t.Errorf("the preview shows no redacted id_token line:\n%s", got)
	}
	if strings.Contains(got, "eyJ") {
		t.Error("the preview shows a token")
	}
}
