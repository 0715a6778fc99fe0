package auth

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// rewrite is one in-place rewrite by the proxy-like child, as it logs it.
type rewrite struct {
	Seq       int64  // the "seq" written; rises by one per write, over all files
	File      int64  // index in the sorted file list
	Ino       uint64 // the inode written into (fstat of its fd)
	Open, End int64  // wall clock, ns: before the truncating open, after the write
}

const (
	rewriteFor = 2 * time.Second
	seqKey     = "seq"
)

// rewriteChild rewrites every file of dir the way the proxy does on a token
// refresh (os.WriteFile: open with O_TRUNC, write; no rename, no lock), with
// a rising sequence number inside the JSON, for rewriteFor; then it logs
// every write to dir/../rewrites.bin. It alternates 100 ms of a tight loop
// (the parent's writes mostly conflict) with 100 ms of short random pauses
// (the parent's writes mostly succeed, so their windows can be hit).
func rewriteChild(dir string) int {
	paths, err := authFiles(dir)
	if err != nil || len(paths) == 0 {
		fmt.Fprintln(os.Stderr, "no files:", err)
		return 1
	}
	bases := make([][]byte, len(paths))
	for i, p := range paths {
		if bases[i], err = os.ReadFile(p); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	fmt.Println("ready")
	var log []rewrite
	start := time.Now()
	for seq := int64(1); time.Since(start) < rewriteFor; seq++ {
		i := rand.IntN(len(paths))
		data, err := SetMember(bases[i], seqKey, strconv.AppendInt(nil, seq, 10))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		w := rewrite{Seq: seq, File: int64(i), Open: time.Now().UnixNano()}
		f, err := os.OpenFile(paths[i], os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		_, err = f.Write(data)
		w.End = time.Now().UnixNano()
		info, serr := f.Stat()
		if cerr := f.Close(); err == nil && serr == nil {
			err = cerr
		}
		if err != nil || serr != nil {
			fmt.Fprintln(os.Stderr, err, serr)
			return 1
		}
		w.Ino = info.Sys().(*syscall.Stat_t).Ino
		log = append(log, w)
		if time.Since(start)/(100*time.Millisecond)%2 == 1 {
			time.Sleep(rand.N(time.Millisecond))
		}
	}
	var buf bytes.Buffer
	if err := binary.Write(&buf, binary.LittleEndian, log); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "rewrites.bin"), buf.Bytes(), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// replacement is one of the parent's successful writes: the inode its rename
// replaced, held open so what lands in it after the rename can be read.
type replacement struct {
	file      int
	old       *os.File
	loaded    []byte
	loadedSeq int64
	// reReadAfter is a wall clock time (ns) before the re-read began: the
	// window runs from the re-read's start to the end of the rename, which
	// is after the hook, so the start is after hook time minus window.
	reReadAfter int64
	retAt       int64 // WriteFile returned, after the rename
}

func seqOf(t *testing.T, data []byte) int64 {
	t.Helper()
	v, ok, err := MemberValue(data, seqKey)
	n, perr := strconv.ParseInt(string(v), 10, 64)
	if err != nil || !ok || perr != nil {
		t.Fatalf("no %s in %q (%v)", seqKey, data, err)
	}
	return n
}

// TestWriteFileAgainstTheProxysInPlaceRewrites runs WriteFile over and over
// on files another process keeps rewriting in place without a lock, as the
// proxy does. It proves that every file parses when both are done, and that
// the only rewrites lost are those that landed after our re-read had seen
// the version we loaded (the window the proxy's missing lock leaves open):
// each is found in an inode our rename replaced, newer than what we loaded,
// finished after our re-read began; every other replaced inode still holds
// exactly what we loaded. It measures how often that happens.
func TestWriteFileAgainstTheProxysInPlaceRewrites(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "auths")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	refs, err := authFiles(refAuthDir)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, ref := range refs {
		if len(paths) < 8 && filepath.Base(ref) >= "codex" {
			orig, err := ReadFile(ref)
			if err != nil {
				t.Fatal(err)
			}
			data, err := SetMember(orig, seqKey, []byte("0"))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, filepath.Base(ref))
			writeAuth(t, path, data, 0o600)
			paths = append(paths, path)
		}
	}

	var hookAt int64
	testHookBeforeRename = func(string) { hookAt = time.Now().UnixNano() }
	t.Cleanup(func() { testHookBeforeRename = nil })

	cmd, stderr := startChild(t, rewriteChildEnv+"="+dir)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	replaced := map[uint64]*replacement{}
	t.Cleanup(func() {
		for _, r := range replaced {
			r.old.Close()
		}
	})
	var windows []time.Duration
	writes, conflicts, torn := 0, 0, 0
	var childErr error
loop:
	for n := 0; ; n++ {
		select {
		case childErr = <-done:
			break loop
		default:
		}
		i := n % len(paths)
		// Load through a descriptor that stays on the inode: if the write
		// succeeds, that inode is the one the rename replaced.
		f, err := os.Open(paths[i])
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(f)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(data) {
			torn++ // caught the child between its truncate and its write
			f.Close()
			continue
		}
		info, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		res, err := WriteFile(paths[i], Fingerprint(data), func(b []byte) ([]byte, error) {
			next := "team"
			if v, _, _ := MemberValue(b, "plan_type"); string(v) == `"team"` {
				next = "plus"
			}
			return SetStringMember(b, "plan_type", next)
		})
		switch {
		case errors.Is(err, ErrConflict):
			conflicts++
			f.Close()
		case err != nil || !res.Changed:
			f.Close()
			t.Fatalf("write %d: %v, changed %v", n, err, res.Changed)
		default:
			writes++
			windows = append(windows, res.Window)
			replaced[info.Sys().(*syscall.Stat_t).Ino] = &replacement{
				file: i, old: f, loaded: data, loadedSeq: seqOf(t, data),
				reReadAfter: hookAt - int64(res.Window), retAt: time.Now().UnixNano(),
			}
		}
	}
	if childErr != nil {
		t.Fatalf("rewriting child: %v: %s", childErr, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(root, "rewrites.bin"))
	if err != nil {
		t.Fatal(err)
	}
	log := make([]rewrite, len(raw)/binary.Size(rewrite{}))
	if err := binary.Read(bytes.NewReader(raw), binary.LittleEndian, log); err != nil {
		t.Fatal(err)
	}

	// (a) Both are done: every file parses, and holds the child's last
	// rewrite of it unless that rewrite was lost in a window (checked below).
	lastSeq := make([]int64, len(paths))
	for _, w := range log {
		lastSeq[w.File] = max(lastSeq[w.File], w.Seq)
	}
	finalSeq := make([]int64, len(paths))
	for i, p := range paths {
		data, err := ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if a := Parse(filepath.Base(p), p, data); a.Err != nil || !json.Valid(data) {
			t.Fatalf("%s does not parse after both writers finished: %v\n%s", p, a.Err, data)
		}
		finalSeq[i] = seqOf(t, data)
	}

	// (b) What landed in each replaced inode after our rename decision.
	finalIn := map[uint64]int64{} // replaced inode → seq it holds now, if not what we loaded
	for ino, r := range replaced {
		now, err := io.ReadAll(io.NewSectionReader(r.old, 0, 1<<20))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(now, r.loaded) {
			finalIn[ino] = seqOf(t, now)
		}
	}
	lost := map[int64]bool{}
	var lateness []time.Duration // from our re-read's start to the lost rewrite's end
	lostIn := map[uint64]int64{} // replaced inode → newest lost seq in it
	for _, w := range log {
		r, ok := replaced[w.Ino]
		if !ok || w.Seq <= r.loadedSeq {
			continue // not replaced, or written before we loaded
		}
		lost[w.Seq] = true
		lostIn[w.Ino] = max(lostIn[w.Ino], w.Seq)
		lateness = append(lateness, time.Duration(w.End-r.reReadAfter))
		switch {
		case int(w.File) != r.file:
			t.Errorf("rewrite %d of file %d went into the inode of file %d", w.Seq, w.File, r.file)
		case w.End <= r.reReadAfter:
			// Finished before our re-read began: the re-read must have
			// seen it and refused the write.
			t.Errorf("rewrite %d finished %v before our write's re-read, yet was lost", w.Seq, time.Duration(r.reReadAfter-w.End))
		case w.Open >= r.retAt:
			t.Errorf("rewrite %d began after our rename returned, yet wrote into the replaced inode", w.Seq)
		}
	}
	// The child's log and the replaced inodes tell the same story.
	for ino, seq := range finalIn {
		if lostIn[ino] != seq {
			t.Errorf("replaced inode %d holds seq %d, but the child's log says %d landed there", ino, seq, lostIn[ino])
		}
	}
	for ino, seq := range lostIn {
		if finalIn[ino] != seq {
			t.Errorf("the child's log has seq %d in replaced inode %d, which holds %d", seq, ino, finalIn[ino])
		}
	}
	for i := range paths {
		if finalSeq[i] != lastSeq[i] && !lost[lastSeq[i]] {
			t.Errorf("%s: ends with seq %d; the child's last rewrite %d was lost outside any window", paths[i], finalSeq[i], lastSeq[i])
		}
	}

	if writes == 0 || conflicts == 0 || len(log) == 0 {
		t.Fatalf("nothing raced: %d writes, %d conflicts, %d rewrites", writes, conflicts, len(log))
	}
	slices.Sort(windows)
	slices.Sort(lateness)
	median := func(d []time.Duration) time.Duration {
		if len(d) == 0 {
			return 0
		}
		return d[len(d)/2]
	}
	t.Logf("child: %d in-place rewrites in %v; we: %d writes, %d conflicts, %d torn reads (file caught mid-rewrite)",
		len(log), rewriteFor, writes, conflicts, torn)
	t.Logf("lost rewrites: %d (%.2f%% of our writes), in %d inodes; window (re-read to rename) median %v, max %v; lost rewrites ended a median %v after our re-read began",
		len(lost), 100*float64(len(lost))/float64(max(writes, 1)), len(lostIn), median(windows), windows[len(windows)-1], median(lateness))
	if len(lost) > writes {
		t.Errorf("%d lost rewrites for %d writes: each write can only lose what lands in its own window", len(lost), writes)
	}
}
