package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/fsnotify/fsnotify"

	"github.com/tierscope/tierscope/auth"
)

// debounceDelay gathers the bursts of events of one write (the proxy
// truncates, then writes) into one reload per file.
const debounceDelay = 100 * time.Millisecond

// defaultPollInterval is used when fsnotify cannot watch the folder.
const defaultPollInterval = 2 * time.Second

// watcher reports changed auth files of one folder: with fsnotify, or by
// polling (mtime and size per file) when fsnotify fails. Its goroutine
// sends events on a channel that the program reads with next().
type watcher struct {
	root  string
	poll  time.Duration
	delay time.Duration

	events chan watchEventMsg
	done   <-chan struct{} // closed when the UI quits

	mu     sync.Mutex
	timers map[string]*time.Timer
}

func newWatcher(root string, poll time.Duration, done <-chan struct{}) *watcher {
	if poll <= 0 {
		poll = defaultPollInterval
	}
	return &watcher{
		root: root, poll: poll, delay: debounceDelay,
		events: make(chan watchEventMsg, 256), done: done,
		timers: map[string]*time.Timer{},
	}
}

// startWatchCmd starts watching root in the background. The reply says
// whether it fell back to polling, and why.
func startWatchCmd(root string, poll time.Duration, done <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		w := newWatcher(root, poll, done)
		err := w.start(true)
		return watchStartedMsg{w: w, polling: err != nil, err: err}
	}
}

// start runs the watcher: fsnotify when useNotify and it works, else
// polling. The error says why fsnotify is not used.
func (w *watcher) start(useNotify bool) error {
	if !useNotify {
		go w.pollLoop()
		return nil
	}
	fw, err := fsnotify.NewWatcher()
	if err == nil {
		if err = fw.Add(w.root); err != nil {
			fw.Close()
		}
	}
	if err != nil {
		go w.pollLoop()
		return err
	}
	go w.notifyLoop(fw)
	return nil
}

// next waits for the next event; it returns nil once the UI quits.
func (w *watcher) next() tea.Cmd {
	return func() tea.Msg {
		select {
		case ev := <-w.events:
			return ev
		case <-w.done:
			return nil
		}
	}
}

func (w *watcher) send(ev watchEventMsg) {
	select {
	case w.events <- ev:
	case <-w.done:
	}
}

func (w *watcher) notifyLoop(fw *fsnotify.Watcher) {
	defer fw.Close()
	for {
		select {
		case <-w.done:
			w.stopTimers()
			return
		case ev, ok := <-fw.Events:
			if !ok {
				return
			}
			w.handle(ev)
		case err, ok := <-fw.Errors:
			if !ok {
				return
			}
			// Events may have been lost (e.g. a queue overflow): rescan
			// once, then poll, which cannot lose a change.
			fw.Close()
			w.send(watchEventMsg{
				notice: fmt.Sprintf("watching failed (%v); polling every %s", err, w.poll),
				rescan: true,
			})
			w.pollLoop()
			return
		}
	}
}

func (w *watcher) handle(ev fsnotify.Event) {
	if ev.Op == fsnotify.Chmod {
		return
	}
	if filepath.Clean(ev.Name) == filepath.Clean(w.root) {
		if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
			w.send(watchEventMsg{notice: "the auth folder was removed or renamed"})
		}
		return
	}
	name := filepath.Base(ev.Name)
	if filepath.Dir(ev.Name) != filepath.Clean(w.root) || !auth.IsAuthFileName(name) {
		return
	}
	w.bump(name)
}

// bump (re)starts the debounce timer of one file.
func (w *watcher) bump(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if t, ok := w.timers[name]; ok {
		t.Reset(w.delay)
		return
	}
	w.timers[name] = time.AfterFunc(w.delay, func() {
		w.mu.Lock()
		delete(w.timers, name)
		w.mu.Unlock()
		w.send(watchEventMsg{file: name})
	})
}

func (w *watcher) stopTimers() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for name, t := range w.timers {
		t.Stop()
		delete(w.timers, name)
	}
}

// fileStamp is what polling compares.
type fileStamp struct {
	mod  time.Time
	size int64
}

func (w *watcher) pollLoop() {
	prev := w.stamps()
	tick := time.NewTicker(w.poll)
	defer tick.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-tick.C:
			cur := w.stamps()
			if cur == nil {
				continue // the folder is unreadable for now
			}
			for name, st := range cur {
				if old, ok := prev[name]; !ok || old != st {
					w.send(watchEventMsg{file: name})
				}
			}
			for name := range prev {
				if _, ok := cur[name]; !ok {
					w.send(watchEventMsg{file: name})
				}
			}
			prev = cur
		}
	}
}

func (w *watcher) stamps() map[string]fileStamp {
	entries, err := os.ReadDir(w.root)
	if err != nil {
		return nil
	}
	out := make(map[string]fileStamp, len(entries))
	for _, e := range entries {
		if e.IsDir() || !auth.IsAuthFileName(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		out[e.Name()] = fileStamp{mod: info.ModTime(), size: info.Size()}
	}
	return out
}
