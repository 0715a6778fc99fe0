package tui

import "sync"

// background counts the commands that must not be cut off when the UI
// quits: a write batch (its audit log is written at the end) and a
// refresh (cancelled by Close, it still records its attempt). Once wait
// is called, no new one starts.
type background struct {
	mu      sync.Mutex
	idle    *sync.Cond
	running int
	stopped bool
}

func newBackground() *background {
	b := &background{}
	b.idle = sync.NewCond(&b.mu)
	return b
}

// start registers one command; false means the UI is quitting: do nothing.
func (b *background) start() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		return false
	}
	b.running++
	return true
}

// done ends one command registered by start.
func (b *background) done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.running--
	if b.running == 0 {
		b.idle.Broadcast()
	}
}

// wait refuses new commands and waits for the running ones.
func (b *background) wait() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopped = true
	for b.running > 0 {
		b.idle.Wait()
	}
}
