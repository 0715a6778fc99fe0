package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tierscope/tierscope/auth"
)

// startStoreWatchCmd watches a source that reports its own changes (the
// proxy's PostgreSQL store: auth.ChangeSource) by calling Changes every
// poll. Each changed record comes as the folder watcher's event, so the
// model re-reads it alone (loadFileCmd) and keeps the cursor. While the
// store is unreachable the table keeps its rows: one notice when polling
// starts failing, one when it works again.
func startStoreWatchCmd(src auth.ChangeSource, poll time.Duration, done <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		w := newWatcher("", poll, done)
		go w.storeLoop(src)
		return watchStartedMsg{w: w}
	}
}

func (w *watcher) storeLoop(src auth.ChangeSource) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-w.done
		cancel() // a poll in flight ends when the UI quits
	}()
	tick := time.NewTicker(w.poll)
	defer tick.Stop()
	failing := false
	for {
		select {
		case <-w.done:
			return
		case <-tick.C:
		}
		files, err := src.Changes(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return
		case err != nil:
			if !failing {
				w.send(watchEventMsg{notice: "store unreachable; showing the rows last read (retrying): " + err.Error()})
			}
			failing = true
			continue
		case failing:
			failing = false
			w.send(watchEventMsg{notice: "store reachable again"})
		}
		for _, f := range files {
			w.send(watchEventMsg{file: f})
		}
	}
}
