package tui

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tierscope/tierscope/auth"
)

// fakeChanges answers each Changes call with the next scripted reply.
type fakeChanges struct {
	auth.Source
	mu      sync.Mutex
	replies []func() ([]string, error)
}

func (f *fakeChanges) Changes(context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.replies) == 0 {
		return nil, nil
	}
	r := f.replies[0]
	f.replies = f.replies[1:]
	return r()
}

func TestStoreWatchSendsEachChangedRecordAndOneNoticePerOutage(t *testing.T) {
	down := errors.New("store postgres://db/fleet (table auth_store): poll: cannot connect: refused")
	src := &fakeChanges{replies: []func() ([]string, error){
		func() ([]string, error) { return []string{"a.json", "b.json"}, nil },
		func() ([]string, error) { return nil, down },
		func() ([]string, error) { return nil, down },
		func() ([]string, error) { return []string{"c.json"}, nil },
	}}
	done := make(chan struct{})
	defer close(done)
	msg := startStoreWatchCmd(src, 5*time.Millisecond, done)().(watchStartedMsg)
	var got []watchEventMsg
	for len(got) < 5 {
		select {
		case ev := <-msg.w.events:
			got = append(got, ev)
		case <-time.After(2 * time.Second):
			t.Fatalf("events so far: %+v", got)
		}
	}
	want := []watchEventMsg{
		{file: "a.json"}, {file: "b.json"},
		{notice: "store unreachable; showing the rows last read (retrying): " + down.Error()},
		{notice: "store reachable again"}, {file: "c.json"},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
