package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Source is where auth records come from: an auth folder today, the proxy's
// PostgreSQL store later. Implementations are safe for concurrent use.
type Source interface {
	// Describe names the source for people, e.g. the folder path.
	Describe() string
	// Scan reads every record. One bad record never fails the scan; it is an
	// Account with Err set. An error means the source itself is unusable.
	Scan(ctx context.Context) ([]*Account, error)
	// Load re-reads one record by file name. ok is false when it no longer
	// exists (or is no longer an auth file), so callers drop its row.
	Load(ctx context.Context, file string) (a *Account, ok bool, err error)
}

// Dir is an auth folder: the top-level *.json files of one directory.
type Dir struct {
	Root string // absolute path of the folder
	// Verifier, when set, checks every id_token's signature (--jwks).
	Verifier *Verifier
}

// NewDir returns the auth folder at path, made absolute.
func NewDir(path string) (*Dir, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	return &Dir{Root: abs}, nil
}

// Describe returns the folder path.
func (d *Dir) Describe() string { return d.Root }

// IsAuthFileName reports whether a directory entry name is one the proxy
// would load: ends in .json (any case) and is not a pending .oauth- login.
func IsAuthFileName(name string) bool {
	return strings.HasSuffix(strings.ToLower(name), ".json") && !strings.HasPrefix(name, ".oauth-")
}

// Scan reads every auth file of the folder in parallel (bounded by
// GOMAXPROCS) and returns them sorted by file name.
func (d *Dir) Scan(ctx context.Context) ([]*Account, error) {
	entries, err := os.ReadDir(d.Root)
	if err != nil {
		return nil, fmt.Errorf("auth dir: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if IsAuthFileName(e.Name()) && !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	out := make([]*Account, len(names))
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(names), 1)) {
		wg.Go(func() {
			// One read buffer per worker: a file's bytes are dead once it
			// is parsed (an Account keeps copies), so 10,000 files cost a
			// few buffers, not 10,000.
			var buf []byte
			for ctx.Err() == nil {
				next.Lock()
				j := i
				i++
				next.Unlock()
				if j >= len(names) {
					return
				}
				out[j], _ = d.readInto(names[j], &buf)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// A symlink to a directory, or a file that vanished, leaves a nil slot.
	out = slices.DeleteFunc(out, func(a *Account) bool { return a == nil })
	slices.SortFunc(out, func(a, b *Account) int { return strings.Compare(a.File, b.File) })
	return out, nil
}

// Load re-reads one file of the folder.
func (d *Dir) Load(_ context.Context, file string) (*Account, bool, error) {
	if file != filepath.Base(file) || !IsAuthFileName(file) {
		return nil, false, fmt.Errorf("%q is not an auth file name", file)
	}
	var buf []byte
	a, ok := d.readInto(file, &buf)
	return a, ok, nil
}

// read opens one file without blocking (a FIFO named x.json must not hang
// the scan) and parses it. ok is false when the name is not a file to list:
// it vanished or is a directory.
// buf is reused between calls and may be grown.
func (d *Dir) readInto(name string, buf *[]byte) (*Account, bool) {
	path := filepath.Join(d.Root, name)
	data, info, err := readAuthFileInto(path, *buf)
	if cap(data) > cap(*buf) {
		*buf = data[:0]
	}
	switch {
	case errors.Is(err, fs.ErrNotExist) && isSymlink(path):
		// A dangling link is a broken file to show, not one that vanished.
		return &Account{File: name, Path: path, Err: errors.New("broken symlink: its target does not exist")}, true
	case errors.Is(err, fs.ErrNotExist), err == nil && info.IsDir():
		return nil, false
	case err != nil:
		a := &Account{File: name, Path: path, Err: err}
		if info != nil {
			a.Size, a.ModTime = info.Size(), info.ModTime()
		}
		return a, true
	}
	a := Parse(name, path, data)
	a.ModTime = info.ModTime()
	d.verify(a, data)
	return a, true
}

// verify sets the signature state of a decoded id_token.
func (d *Dir) verify(a *Account, data []byte) {
	if d.Verifier == nil || a.IDToken == nil || a.IDToken.Err != nil {
		return
	}
	if tok, ok := idTokenText(data); ok {
		a.IDToken.Signature = d.Verifier.Verify(tok)
	}
}

func isSymlink(path string) bool {
	info, err := os.Lstat(path)
	return err == nil && info.Mode()&fs.ModeSymlink != 0
}

// ReadFile reads an auth file the way a scan does: no blocking on special
// files, and nothing over MaxFileSize read whole.
func ReadFile(path string) ([]byte, error) {
	data, info, err := readAuthFile(path)
	if err == nil && info.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	return data, err
}

func readAuthFile(path string) ([]byte, fs.FileInfo, error) {
	return readAuthFileInto(path, nil)
}

// readAuthFileInto is readAuthFile reading into buf when it is big enough.
func readAuthFileInto(path string, buf []byte) ([]byte, fs.FileInfo, error) {
	f, info, err := openNoFollowBlock(path)
	if err != nil {
		if info, serr := os.Stat(path); serr == nil && info.IsDir() {
			return nil, info, nil
		}
		return nil, nil, cleanPathError(err)
	}
	defer f.Close()
	switch {
	case info.IsDir():
		return nil, info, nil
	case !info.Mode().IsRegular():
		return nil, info, fmt.Errorf("not a regular file (%s)", fileKind(info.Mode()))
	case info.Size() > MaxFileSize:
		return nil, info, fmt.Errorf("file is %s, larger than the 1 MiB limit; not read", byteSize(info.Size()))
	}
	data, err := readAtMost(f, buf, info.Size(), MaxFileSize+1)
	if err != nil {
		return nil, info, cleanPathError(err)
	}
	if len(data) > MaxFileSize {
		return nil, info, errors.New("file grew past the 1 MiB limit while being read; not read")
	}
	return data, info, nil
}

// readAtMost reads r to its end, but no more than limit bytes, into a
// buffer sized from the file's size (io.ReadAll would grow it step by step).
func readAtMost(r io.Reader, buf []byte, size int64, limit int) ([]byte, error) {
	if want := min(int(size)+1, limit); cap(buf) < want {
		buf = make([]byte, 0, want)
	}
	buf = buf[:0]
	for len(buf) < limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // the file grew while being read
		}
		n, err := r.Read(buf[len(buf):min(cap(buf), limit)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// cleanPathError drops the path from an os error: rows already show it.
func cleanPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, fs.ErrNotExist) {
			return fs.ErrNotExist
		}
		return fmt.Errorf("cannot %s: %w", pe.Op, pe.Err)
	}
	return err
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return m.Type().String()
}

func byteSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
