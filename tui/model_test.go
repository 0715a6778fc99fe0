package tui

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/core"
)

// blockingSource is an auth source whose scan waits until released.
type blockingSource struct {
	release chan struct{}
	err     error
}

func (b blockingSource) Describe() string { return "/slow/disk" }
func (b blockingSource) Scan(ctx context.Context) ([]*auth.Account, error) {
	<-b.release
	return nil, b.err
}
func (b blockingSource) Load(context.Context, string) (*auth.Account, bool, error) {
	return nil, false, nil
}

func TestFirstFrameAppearsBeforeTheScanEnds(t *testing.T) {
	src := blockingSource{release: make(chan struct{})}
	defer close(src.release)
	opts := testOptions(t, t.TempDir())
	opts.Source = src
	m := New(opts)
	defer m.Close()
	if got := screen(m); !strings.Contains(got, "scanning") {
		t.Errorf("frame before any size: %q", got)
	}
	done := make(chan tea.Cmd)
	go func() { done <- m.Init() }()
	select {
	case <-done: // Init only builds commands; the scan runs in one of them.
	case <-time.After(2 * time.Second):
		t.Fatal("Init blocked on the scan")
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	got := screen(m)
	for _, want := range []string{"scanning …", "/slow/disk"} {
		if !strings.Contains(got, want) {
			t.Errorf("first frame lacks %q:\n%s", want, got)
		}
	}
}

func TestScanFailureIsAStatusNotAPanic(t *testing.T) {
	opts := testOptions(t, t.TempDir())
	m := New(opts)
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	m.Update(accountsLoadedMsg{err: errors.New("auth dir: permission denied")})
	got := screen(m)
	for _, want := range []string{"✗ scan failed: auth dir: permission denied", "cannot read the auth folder"} {
		if !strings.Contains(got, want) {
			t.Errorf("screen lacks %q:\n%s", want, got)
		}
	}
	send(m, keyDown, keyEnter, runes("y"), runes("s"), runes("/"), runes("x")) // nothing to act on
}

func TestHeaderCountsWithThousandsSeparators(t *testing.T) {
	h := header{styles: &Styles{}, dir: "/a", rules: "rules pr2024", loaded: true, accounts: 12345,
		catalog: testCatalog(t), now: testNow, width: 200}
	if got := h.View(); !strings.Contains(got, "12,345 accounts") {
		t.Errorf("header: %q", got)
	}
}

func TestCatalogAgeLevels(t *testing.T) {
	cases := []struct {
		age  time.Duration
		want string
	}{
		{2 * time.Hour, "catalog file 2h ago ✓ ·"},
		{7 * time.Hour, "catalog file 7h ago ▲ older than 6h"},
		{50 * time.Hour, "catalog file 2d ago ✗ older than 2d"},
	}
	for _, c := range cases {
		l := testCatalog(t)
		l.Info.CheckedAt = testNow.Add(-c.age)
		h := header{styles: &Styles{}, dir: "/a", catalog: l, now: testNow, width: 200}
		if got := h.View(); !strings.Contains(got, c.want) {
			t.Errorf("age %s: header %q lacks %q", c.age, got, c.want)
		}
	}
}

func TestDisabledBindingsStayOutOfHelpAndDoNothing(t *testing.T) {
	opts := testOptions(t, writeAuthDir(t))
	opts.ReadOnly = true // and no Fetcher: r, w and W do not apply
	m := loadedModel(t, opts, 200, 50)
	send(m, runes("?"))
	got := screen(m)
	for _, absent := range []string{"refresh catalog", "write plan", "write all"} {
		if strings.Contains(got, absent) {
			t.Errorf("full help offers %q", absent)
		}
	}
	for _, present := range []string{"filter", "sort", "reverse", "copy path", "catalog", "switch pane", "diff", "quit"} {
		if !strings.Contains(got, present) {
			t.Errorf("full help lacks %q", present)
		}
	}
	before := screen(m)
	for _, k := range []string{"r", "w", "W"} {
		if _, cmd := m.Update(runes(k)); cmd != nil {
			t.Errorf("%s returned a command", k)
		}
	}
	if after := screen(m); after != before {
		t.Error("r/w/W changed the screen")
	}
}

func TestReadOnlyAndDemoBadges(t *testing.T) {
	opts := testOptions(t, writeAuthDir(t))
	opts.ReadOnly = true
	opts.DemoNote = "demo: generated in /tmp/tierscope-demo"
	m := loadedModel(t, opts, 200, 30)
	got := screen(m)
	for _, want := range []string{"READ-ONLY", "DEMO", "· demo: generated in /tmp/tierscope-demo"} {
		if !strings.Contains(got, want) {
			t.Errorf("screen lacks %q", want)
		}
	}
}

func TestCacheErrorIsShownAtStart(t *testing.T) {
	opts := testOptions(t, writeAuthDir(t))
	opts.CacheErr = errors.New("sha256 abc does not match")
	m := loadedModel(t, opts, 120, 30)
	if got := screen(m); !strings.Contains(got, "✗ catalog cache skipped: sha256 abc does not match") {
		t.Errorf("no cache error in:\n%s", got)
	}
}

func TestStatusExpiresOnlyItsOwnMessage(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 120, 30)
	m.footer.SetStatus(statusInfo, "first")
	old := m.footer.status.id
	m.footer.SetStatus(statusSuccess, "second")
	m.Update(statusExpiredMsg{id: old})
	if !strings.Contains(screen(m), "✓ second") {
		t.Fatal("the expiry of an older message cleared a newer one")
	}
	m.Update(statusExpiredMsg{id: m.footer.status.id})
	if strings.Contains(screen(m), "second") {
		t.Error("the message did not expire")
	}
}

func TestCopyWritesOSC52(t *testing.T) {
	for _, tmux := range []bool{false, true} {
		dir := writeAuthDir(t)
		m := loadedModel(t, testOptions(t, dir), 120, 30)
		var out bytes.Buffer
		m.clipboard = clipboardTarget{out: &out, tmux: tmux}
		selectFile(t, m, "kimi-k.json")
		_, cmd := m.Update(runes("y"))
		if cmd == nil {
			t.Fatal("y returned no command")
		}
		m.Update(cmd())
		path := filepath.Join(dir, "kimi-k.json")
		seq := out.String()
		if !strings.Contains(seq, "\x1b]52;c;"+base64.StdEncoding.EncodeToString([]byte(path))) {
			t.Errorf("tmux=%v: no OSC 52 sequence for %s in %q", tmux, path, seq)
		}
		if tmux != strings.HasPrefix(seq, "\x1bPtmux;") {
			t.Errorf("tmux=%v: sequence %q", tmux, seq)
		}
		if !strings.Contains(screen(m), "✓ copied the path of kimi-k.json") {
			t.Error("no status after copying")
		}
	}
}

func TestFocusAndViews(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 100, 30)
	selectFile(t, m, "codex-alias@sample.example-plus.json")

	send(m, keyTab)
	if m.focus != focusDetail {
		t.Fatal("tab did not focus the detail pane")
	}
	send(m, keyDown, keyDown, keyDown)
	if m.table.SelectedFile() != "codex-alias@sample.example-plus.json" {
		t.Error("keys for the detail pane moved the table")
	}
	if m.detail.vp.YOffset != 3 {
		t.Errorf("detail scrolled to %d, want 3", m.detail.vp.YOffset)
	}
	send(m, keyTab, keyDown)
	if m.table.SelectedFile() == "codex-alias@sample.example-plus.json" {
		t.Error("tab did not give the keys back to the table")
	}

	send(m, keyEnter)
	if m.view != viewZoom || !strings.Contains(screen(m), "── ▸ codex-badprefix@sample.example-plus.json") {
		t.Errorf("enter did not open the detail:\n%s", screen(m))
	}
	send(m, keyEsc)
	if m.view != viewMain {
		t.Error("esc did not close the detail")
	}

	send(m, runes("c"))
	if m.view != viewCatalog || !strings.Contains(screen(m), "sections (12, 129 models)") {
		t.Errorf("c did not open the catalog:\n%s", screen(m))
	}
	send(m, runes("c"))
	if m.view != viewMain {
		t.Error("c did not close the catalog")
	}
	send(m, runes("c"), keyEsc)
	if m.view != viewMain {
		t.Error("esc did not close the catalog")
	}
}

func TestQuitStopsTheWatcher(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 100, 30)
	_, cmd := m.Update(runes("q"))
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("q does not quit")
	}
	select {
	case <-m.stop:
	default:
		t.Error("quitting left the watcher running")
	}
	m.Close() // twice is fine
}

func TestQWhileFilteringIsText(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 100, 30)
	send(m, runes("/"))
	if _, cmd := m.Update(runes("q")); cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("q quit while typing a filter")
		}
	}
	if m.table.Query() != "q" {
		t.Errorf("query %q, want q", m.table.Query())
	}
	send(m, tea.KeyMsg{Type: tea.KeyBackspace})
	if m.table.Query() != "" || m.table.Shown() != m.table.Total() {
		t.Error("backspace did not clear the query")
	}
}

func TestKeysThatArriveTogetherAreTypedOneByOne(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 100, 30)
	send(m, runes("jj"))
	if m.table.cursor != 2 {
		t.Errorf("\"jj\" in one read moved the cursor to %d, want 2", m.table.cursor)
	}
	send(m, runes("/kimi"))
	if !m.filtering || m.table.Query() != "kimi" {
		t.Errorf("\"/kimi\" in one read: filtering=%v query=%q", m.filtering, m.table.Query())
	}
	send(m, runes("-k"))
	if m.table.Query() != "kimi-k" {
		t.Errorf("typing into the filter: %q", m.table.Query())
	}
}

func TestFilterEnterKeepsEscClears(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 100, 30)
	send(m, typed("/kimi")...)
	send(m, keyEnter)
	if m.filtering || m.table.Query() != "kimi" {
		t.Fatalf("enter: filtering=%v query=%q", m.filtering, m.table.Query())
	}
	if got := screen(m); !strings.Contains(got, "filter kimi") || strings.Contains(got, "claude-c@") {
		t.Errorf("kept filter not shown:\n%s", got)
	}
	send(m, keyDown, keyUp) // the table has the keys again
	send(m, keyEsc)
	if m.table.Query() != "" || m.table.Shown() != m.table.Total() {
		t.Error("esc did not clear the kept filter")
	}
}

// secretNote is an API key written where the UI must not show it.
const secretNote = "sk-live0123456789abcdefghij"

func TestNothingSecretIsRendered(t *testing.T) {
	dir := writeAuthDir(t)
	writeFile(t, dir, "claude-leak@sample.example.json", []byte(`{
  "type": "claude", "email": "leak@sample.example",
  "access_token": "sk-ant-oat01-abcdefghijklmnopqrstuvwxyz",
  "note": "`+secretNote+`",
  "label": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
  "proxy_url": "http://user:hunter2@proxy.example:8080"
}`))
	m := loadedModel(t, testOptions(t, dir), 200, 80)
	selectFile(t, m, "claude-leak@sample.example.json")
	send(m, keyEnter)
	got := screen(m)
	for _, secret := range []string{secretNote, "sk-ant-oat01", "eyJhbGciOiJSUzI1NiJ9", "hunter2"} {
		if strings.Contains(got, secret) {
			t.Errorf("the detail shows %q", secret)
		}
	}
	for _, want := range []string{"note          <redacted>", "proxy_url     http://user:xxxxx@proxy.example:8080"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
	// Every id_token in the reference set: never a token in any detail.
	for _, r := range m.table.rows {
		if tok := r.acc.Raw; tok != nil && tok.IDToken != nil {
			m.detail.SetAccount(r.acc, m.opts.Rules, testNow)
			if v := m.detail.vp.View(); strings.Contains(v, "eyJ") {
				t.Errorf("%s: a token in the detail", r.acc.File)
			}
		}
	}
}

func TestDisabledAccountShowsWhatItWouldSee(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 100, 80)
	selectFile(t, m, "codex-off@sample.example-pro.json")
	send(m, keyEnter)
	got := screen(m)
	for _, want := range []string{"models (0)", "disabled: the proxy registers no models for it", "once enabled (10)", "gpt-image-2", "(built-in)"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
}

func TestDetailMarksAliasesPrefixAndExclusions(t *testing.T) {
	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 120, 90)
	selectFile(t, m, "codex-alias-prefix@sample.example-free.json")
	send(m, keyEnter)
	got := screen(m)
	for _, want := range []string{"five", "alias of gpt-5.5", "each also served as p1/<id>", "prefix        p1", "gpt-5.5 → five (fork: original kept)"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
	send(m, keyEsc)
	selectFile(t, m, "codex-excl-legacy@sample.example-team.json")
	send(m, keyEnter)
	if got := screen(m); !strings.Contains(got, "excluded      *mini*  (excluded-models)") {
		t.Errorf("exclusions not shown:\n%s", got)
	}
}

func TestReloadKeepsTheCursorAndSaysWhatChanged(t *testing.T) {
	dir := writeAuthDir(t)
	opts := testOptions(t, dir)
	m := loadedModel(t, opts, 200, 40)
	const keep = "codex-448e743f-plus@sample.example-plus.json"
	selectFile(t, m, keep)
	index := m.table.cursor

	reload := func(name string) {
		t.Helper()
		m.Update(loadFileCmd(opts.Source, name)())
	}
	// A new file that sorts before the cursor.
	const added = "codex-00000000-new@sample.example-plus.json"
	copyFile(t, dir, "codex-9b73a69c-plus@sample.example-plus.json", added)
	reload(added)
	if got := m.table.SelectedFile(); got != keep || m.table.cursor != index+1 {
		t.Errorf("after an add the cursor is on %s (row %d)", got, m.table.cursor)
	}
	if got := screen(m); !strings.Contains(got, "+ "+added+" added (tier plus, 10 models)") || !strings.Contains(got, "32 accounts") {
		t.Errorf("no add status:\n%s", got)
	}

	copyFile(t, dir, "codex-77c7d2de-pro@sample.example-pro.json", added)
	reload(added)
	if got := screen(m); !strings.Contains(got, "~ "+added+" changed: tier plus→pro") {
		t.Errorf("no change status:\n%s", got)
	}

	if err := os.Remove(filepath.Join(dir, added)); err != nil {
		t.Fatal(err)
	}
	reload(added)
	if got := screen(m); !strings.Contains(got, "− "+added+" removed") || !strings.Contains(got, "31 accounts") {
		t.Errorf("no remove status:\n%s", got)
	}
	if got := m.table.SelectedFile(); got != keep {
		t.Errorf("after a remove the cursor is on %s", got)
	}

	// Removing the selected file leaves the cursor on its neighbour.
	if err := os.Remove(filepath.Join(dir, keep)); err != nil {
		t.Fatal(err)
	}
	reload(keep)
	if got := m.table.SelectedFile(); got == "" || got == keep {
		t.Errorf("after removing the selected file the cursor is on %q", got)
	}
}

func TestChangesBeforeTheFirstScanAreReadAfterIt(t *testing.T) {
	dir := writeAuthDir(t)
	opts := testOptions(t, dir)
	m := New(opts)
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	if _, cmd := m.Update(fileReloadedMsg{file: "kimi-k.json", present: false}); cmd != nil {
		t.Error("a reload before the scan was applied")
	}
	_, cmd := m.Update(scanCmd(opts.Source, opts.Catalog, opts.Rules, testNow)())
	if cmd == nil {
		t.Fatal("the pending file is not read again after the scan")
	}
	msg, ok := cmd().(fileReloadedMsg)
	if !ok || msg.file != "kimi-k.json" || !msg.present {
		t.Errorf("re-read %+v", msg)
	}
}

func TestDescribeChange(t *testing.T) {
	opts := testOptions(t, writeAuthDir(t))
	snap, err := core.Load(context.Background(), opts.Source, opts.Catalog, opts.Rules, testNow)
	if err != nil {
		t.Fatal(err)
	}
	find := func(name string) *core.Account { return snap.Accounts[snap.Find(name)] }
	plus, pro := find("codex-448e743f-plus@sample.example-plus.json"), find("codex-77c7d2de-pro@sample.example-pro.json")
	off, broken := find("codex-off@sample.example-pro.json"), find(brokenFile)
	cases := []struct {
		name string
		ch   core.FileChange
		want string
	}{
		{"added", core.FileChange{File: "f.json", Kind: core.ChangeAdded, After: plus}, "+ f.json added (tier plus, 10 models)"},
		{"removed", core.FileChange{File: "f.json", Kind: core.ChangeRemoved, Before: plus}, "− f.json removed"},
		{"tier", core.FileChange{File: "f.json", Kind: core.ChangeChanged, Before: plus, After: pro}, "~ f.json changed: tier plus→pro"},
		{"disabled", core.FileChange{File: "f.json", Kind: core.ChangeChanged, Before: pro, After: off}, "~ f.json changed: models 10→0, disabled"},
		{"broken", core.FileChange{File: "f.json", Kind: core.ChangeChanged, Before: plus, After: broken}, "~ f.json changed: now unreadable: invalid JSON"},
		{"same", core.FileChange{File: "f.json", Kind: core.ChangeChanged, Before: plus, After: plus}, "~ f.json changed (same tier and models)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := describeChange(c.ch); !strings.HasPrefix(got, c.want) {
				t.Errorf("got %q, want %q…", got, c.want)
			}
		})
	}
}

func copyFile(t *testing.T, dir, from, to string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, from))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, to, data)
}
