package auth

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Errors a write returns; each leaves the original file untouched.
var (
	// ErrConflict means the file is no longer what was loaded: another
	// writer (the proxy refreshing a token) changed it. Reload and retry.
	ErrConflict = errors.New("the file changed on disk since it was loaded")
	// ErrSymlink refuses to write through a symlink.
	ErrSymlink = errors.New("the file is a symlink; tierscope never writes through one")
	// ErrHardLink refuses a file with other hard links: a rename would
	// silently split it from them.
	ErrHardLink = errors.New("the file has other hard links; a rename would split them")
)

// TempPrefix starts the name of every temp file a write creates. The name
// never ends in .json, so the proxy's watcher (and our scan) ignore it; it
// carries the writer's pid, so a leftover of a crashed writer can be told
// from a live writer's.
const TempPrefix = ".tierscope-tmp-"

// WriteResult says what a write did.
type WriteResult struct {
	Path    string
	Before  [32]byte // sha256 of the file as it was before the write
	After   [32]byte // sha256 of what was written (Before when unchanged)
	Changed bool
	// Window is the time from the start of the last re-read to the
	// completed rename: a writer that does not lock (the proxy) and
	// writes inside it can still lose its write. Measured so it can be
	// reported, not hidden.
	Window time.Duration
}

// Edit turns a file's bytes into new bytes.
type Edit func(data []byte) ([]byte, error)

// testHookBeforeRename, when set by a test, runs between the last re-read
// and the rename.
var testHookBeforeRename func(tmp string)

// WriteFile applies edit to the file at path, safely against the proxy's
// unlocked, truncating rewrites: the file must still match loaded (else
// ErrConflict); the new bytes go to a temp file in the same directory, which
// is fsynced and given the file's mode (and owner, when allowed); the file
// is re-read once more right before the temp file is renamed over it; then
// the directory is fsynced. Any failure leaves the original intact.
func WriteFile(path string, loaded Digest, edit Edit) (WriteResult, error) {
	res := WriteResult{Path: path}
	info, err := checkWritable(path)
	if err != nil {
		return res, err
	}
	data, err := ReadFile(path)
	if err != nil {
		return res, err
	}
	if !loaded.Matches(data) {
		return res, ErrConflict
	}
	res.Before = sha256.Sum256(data)
	res.After = res.Before
	after, err := edit(data)
	if err != nil {
		return res, err
	}
	if bytes.Equal(after, data) {
		return res, nil
	}
	dir := filepath.Dir(path)
	tmp, err := writeTemp(dir, after, info)
	if err != nil {
		return res, err
	}
	defer os.Remove(tmp) // a no-op once renamed
	// The window opens as the re-read starts: a rewrite that finishes
	// during the re-read, after its bytes were read, is lost as well.
	start := time.Now()
	if err := recheck(path, loaded); err != nil {
		return res, err
	}
	if testHookBeforeRename != nil {
		testHookBeforeRename(tmp)
	}
	if err := os.Rename(tmp, path); err != nil {
		return res, fmt.Errorf("cannot replace the file: %w", unwrapPath(err))
	}
	res.Window = time.Since(start)
	res.After, res.Changed = sha256.Sum256(after), true
	if err := syncDir(dir); err != nil {
		return res, fmt.Errorf("written, but the directory could not be synced: %w", err)
	}
	return res, nil
}

// checkWritable refuses what must never be written: symlinks, hard-linked
// files, anything but a regular file.
func checkWritable(path string) (fs.FileInfo, error) {
	info, err := os.Lstat(path)
	switch {
	case err != nil:
		return nil, fmt.Errorf("cannot write: %w", unwrapPath(err))
	case info.Mode()&fs.ModeSymlink != 0:
		return nil, ErrSymlink
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("cannot write: not a regular file (%s)", fileKind(info.Mode()))
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
		return nil, ErrHardLink
	}
	return info, nil
}

// recheck re-reads the file right before the rename.
func recheck(path string, loaded Digest) error {
	if _, err := checkWritable(path); err != nil {
		return err
	}
	now, err := ReadFile(path)
	if err != nil {
		return err
	}
	if !loaded.Matches(now) {
		return ErrConflict
	}
	return nil
}

func writeTemp(dir string, data []byte, like fs.FileInfo) (string, error) {
	f, err := os.CreateTemp(dir, TempPrefix+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return "", fmt.Errorf("cannot create a temp file: %w", unwrapPath(err))
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(name)
		return "", fmt.Errorf("cannot write the temp file: %w", unwrapPath(err))
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Chmod(like.Mode().Perm()); err != nil {
		return fail(err)
	}
	if st, ok := like.Sys().(*syscall.Stat_t); ok {
		// Keep the owner when allowed (root); otherwise the file is ours anyway.
		_ = f.Chown(int(st.Uid), int(st.Gid))
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("cannot write the temp file: %w", unwrapPath(err))
	}
	return name, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// CleanTemps removes temp files that crashed writers left in dir (those
// whose pid is no longer running) and returns their names.
func CleanTemps(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, TempPrefix) || e.IsDir() {
			continue
		}
		pidText, _, _ := strings.Cut(strings.TrimPrefix(name, TempPrefix), "-")
		pid, err := strconv.Atoi(pidText)
		if err == nil && processAlive(pid) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err == nil {
			removed = append(removed, name)
		}
	}
	return removed, nil
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
