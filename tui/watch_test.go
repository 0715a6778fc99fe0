package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// collect gathers the watcher's file events for d.
func collect(w *watcher, d time.Duration) []string {
	var out []string
	deadline := time.After(d)
	for {
		select {
		case ev := <-w.events:
			if ev.file != "" {
				out = append(out, ev.file)
			}
		case <-deadline:
			slices.Sort(out)
			return out
		}
	}
}

func TestWatcherDebouncesEachAuthFile(t *testing.T) {
	dir := t.TempDir()
	done := make(chan struct{})
	defer close(done)
	w := newWatcher(dir, time.Second, done)
	if err := w.start(true); err != nil {
		t.Fatalf("fsnotify: %v", err)
	}
	// A burst of writes to one file (as the proxy's truncating writes make),
	// one write to another, and files that are not auth files.
	for i := range 5 {
		writeFile(t, dir, "a.json", []byte(strings.Repeat("x", i+1)))
	}
	writeFile(t, dir, "B.JSON", []byte("{}"))
	writeFile(t, dir, ".oauth-pending.json", []byte("{}"))
	writeFile(t, dir, "a.json.tmp-123", []byte("{}"))
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "sub"), "deep.json", []byte("{}"))

	if got := collect(w, 800*time.Millisecond); !slices.Equal(got, []string{"B.JSON", "a.json"}) {
		t.Errorf("events %v, want one per auth file", got)
	}

	// Renames and removals are changes too.
	if err := os.Rename(filepath.Join(dir, "a.json"), filepath.Join(dir, "c.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "B.JSON")); err != nil {
		t.Fatal(err)
	}
	if got := collect(w, 800*time.Millisecond); !slices.Equal(got, []string{"B.JSON", "a.json", "c.json"}) {
		t.Errorf("events %v after rename and remove", got)
	}
}

func TestWatcherPollingSeesAddChangeRemove(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "keep.json", []byte("{}"))
	writeFile(t, dir, "gone.json", []byte("{}"))
	done := make(chan struct{})
	defer close(done)
	w := newWatcher(dir, 20*time.Millisecond, done)
	if err := w.start(false); err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond) // let it take its baseline
	writeFile(t, dir, "new.json", []byte("{}"))
	writeFile(t, dir, "keep.json", []byte(`{"type":"codex"}`)) // same mtime, new size
	if err := os.Remove(filepath.Join(dir, "gone.json")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "notes.txt", []byte("x"))
	got := slices.Compact(collect(w, 300*time.Millisecond))
	if !slices.Equal(got, []string{"gone.json", "keep.json", "new.json"}) {
		t.Errorf("polling saw %v", got)
	}
}

func TestWatcherFallsBackToPolling(t *testing.T) {
	done := make(chan struct{})
	defer close(done)
	msg := startWatchCmd(filepath.Join(t.TempDir(), "missing"), 50*time.Millisecond, done)().(watchStartedMsg)
	if !msg.polling || msg.err == nil {
		t.Fatalf("watching a missing folder: polling=%v err=%v", msg.polling, msg.err)
	}

	m := loadedModel(t, testOptions(t, writeAuthDir(t)), 160, 30)
	m.Update(msg)
	if got := screen(m); !strings.Contains(got, "✗ cannot watch the auth folder (") || !strings.Contains(got, "polling every 50ms") {
		t.Errorf("no fallback status:\n%s", got)
	}
}

func TestWatcherStopsWhenTheUIQuits(t *testing.T) {
	done := make(chan struct{})
	w := newWatcher(t.TempDir(), time.Second, done)
	if err := w.start(true); err != nil {
		t.Fatal(err)
	}
	next := w.next()
	close(done)
	got := make(chan any, 1)
	go func() { got <- next() }()
	select {
	case msg := <-got:
		if msg != nil {
			t.Errorf("after quitting the watcher sent %v", msg)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the wait for events did not end when the UI quit")
	}
}
