package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// secretMarker is planted in broken files: no error text may ever quote it.
const secretMarker = "SECRETrt_9f8e7d6c5b4a39281706"

// writeFile creates dir/name with data, making parent folders.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func validAuth(email string) []byte {
	return fmt.Appendf(nil, `{"type": "codex", "email": %q, "account_id": "acct-1", "refresh_token": %q}`, email, secretMarker)
}

// scanWithin runs a scan that must finish promptly: a scan that blocks (on a
// FIFO, say) fails the test instead of hanging it.
func scanWithin(t *testing.T, d *Dir) []*Account {
	t.Helper()
	type result struct {
		accounts []*Account
		err      error
	}
	done := make(chan result, 1)
	go func() {
		accounts, err := d.Scan(context.Background())
		done <- result{accounts, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("Scan: %v", r.err)
		}
		return r.accounts
	case <-time.After(20 * time.Second):
		t.Fatal("Scan did not finish: it blocked on a file")
		return nil
	}
}

func fileNames(accounts []*Account) []string {
	names := make([]string, len(accounts))
	for i, a := range accounts {
		names[i] = a.File
	}
	return names
}

func TestDirScanListsTopLevelAuthFilesOnly(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  []string
	}{
		{
			name:  "a .json file is read",
			setup: func(t *testing.T, dir string) { writeFile(t, dir, "a.json", validAuth("a@example.com")) },
			want:  []string{"a.json"},
		},
		{
			name: "the .json suffix is matched in any case",
			setup: func(t *testing.T, dir string) {
				writeFile(t, dir, "X.JSON", validAuth("x@example.com"))
				writeFile(t, dir, "y.Json", validAuth("y@example.com"))
			},
			want: []string{"X.JSON", "y.Json"},
		},
		{
			name:  "files in subfolders are ignored",
			setup: func(t *testing.T, dir string) { writeFile(t, dir, "sub/c.json", validAuth("c@example.com")) },
			want:  []string{},
		},
		{
			name: "pending .oauth- login files are ignored",
			setup: func(t *testing.T, dir string) {
				writeFile(t, dir, ".oauth-codex-123.json", validAuth("p@example.com"))
			},
			want: []string{},
		},
		{
			name: "other files are ignored",
			setup: func(t *testing.T, dir string) {
				for _, n := range []string{"notes.txt", "a.json.bak", "json", "a.jsonl", "config.yaml", ".json.swp"} {
					writeFile(t, dir, n, validAuth("o@example.com"))
				}
			},
			want: []string{},
		},
		{
			name: "a directory named x.json is skipped without a row",
			setup: func(t *testing.T, dir string) {
				if err := os.Mkdir(filepath.Join(dir, "x.json"), 0o755); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{},
		},
		{
			name: "a symlink to a file is read",
			setup: func(t *testing.T, dir string) {
				target := writeFile(t, t.TempDir(), "elsewhere.json", validAuth("l@example.com"))
				if err := os.Symlink(target, filepath.Join(dir, "link.json")); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{"link.json"},
		},
		{
			name: "a symlink to a directory is skipped without a row",
			setup: func(t *testing.T, dir string) {
				if err := os.Symlink(t.TempDir(), filepath.Join(dir, "linkdir.json")); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{},
		},
		{
			name: "rows are sorted by file name in byte order",
			setup: func(t *testing.T, dir string) {
				for _, n := range []string{"b.json", "a.json", "C.json", "a-2.json", "_z.json"} {
					writeFile(t, dir, n, validAuth(n))
				}
			},
			want: []string{"C.json", "_z.json", "a-2.json", "a.json", "b.json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			d, err := NewDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			got := scanWithin(t, d)
			if names := fileNames(got); !slices.Equal(names, tt.want) {
				t.Fatalf("files = %q, want %q", names, tt.want)
			}
			for _, a := range got {
				if a.Err != nil {
					t.Errorf("%s: unexpected error %v", a.File, a.Err)
				}
				if a.Provider != "codex" || a.Email == "" {
					t.Errorf("%s: provider %q email %q, want the parsed account", a.File, a.Provider, a.Email)
				}
				if want := filepath.Join(d.Root, a.File); a.Path != want {
					t.Errorf("%s: Path = %q, want %q", a.File, a.Path, want)
				}
				if a.ModTime.IsZero() || a.Size == 0 {
					t.Errorf("%s: ModTime %v Size %d, want both set", a.File, a.ModTime, a.Size)
				}
			}
		})
	}
}

func TestDirScanBrokenFilesBecomeErrorRows(t *testing.T) {
	truncated := validAuth("t@example.com")
	truncated = truncated[:len(truncated)-10]
	tests := []struct {
		name    string
		setup   func(t *testing.T, path string)
		wantErr string // a part of the error text
	}{
		{"truncated JSON", func(t *testing.T, p string) { write(t, p, truncated) }, "invalid JSON"},
		{"empty file", func(t *testing.T, p string) { write(t, p, nil) }, "empty"},
		{"whitespace only", func(t *testing.T, p string) { write(t, p, []byte(" \n\t\r\n ")) }, "empty"},
		{"a JSON array", func(t *testing.T, p string) { write(t, p, []byte(`["`+secretMarker+`"]`)) }, "array"},
		{"a JSON string", func(t *testing.T, p string) { write(t, p, []byte(`"`+secretMarker+`"`)) }, "string"},
		{"a JSON number", func(t *testing.T, p string) { write(t, p, []byte(`12345`)) }, "number"},
		{"null", func(t *testing.T, p string) { write(t, p, []byte("null\n")) }, "null"},
		{"true", func(t *testing.T, p string) { write(t, p, []byte("true")) }, "boolean"},
		{"binary garbage with NUL bytes", func(t *testing.T, p string) {
			write(t, p, append([]byte{0x00, 0xff, 0xfe, 0x00, 0x89, 'P', 'N', 'G', 0x00}, secretMarker...))
		}, "not JSON"},
		{"an object followed by garbage", func(t *testing.T, p string) {
			write(t, p, []byte(`{"type":"codex","access_token":"`+secretMarker+`"} trailing`))
		}, "invalid JSON"},
		{"two objects", func(t *testing.T, p string) { write(t, p, []byte(`{"type":"codex"}{"type":"claude"}`)) }, "invalid JSON"},
		{"a key without a value", func(t *testing.T, p string) {
			write(t, p, []byte(`{"refresh_token": "`+secretMarker+`", "type": }`))
		}, "invalid JSON"},
		{"a byte order mark before the object", func(t *testing.T, p string) {
			write(t, p, append([]byte("\xef\xbb\xbf"), validAuth("bom@example.com")...))
		}, "not JSON"},
		{"a file over 1 MiB is not read", func(t *testing.T, p string) {
			// Sparse: a reader that read it whole would read 1 GiB.
			write(t, p, validAuth("big@example.com"))
			if err := os.Truncate(p, 1<<30); err != nil {
				t.Fatal(err)
			}
		}, "1 MiB limit"},
		{"a file of exactly 1 MiB plus one byte is not read", func(t *testing.T, p string) {
			data := append([]byte(`{"type":"codex","pad":"`), bytes.Repeat([]byte("x"), MaxFileSize)...)
			write(t, p, data[:MaxFileSize+1])
		}, "1 MiB limit"},
		{"a FIFO does not block the scan", func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatalf("mkfifo: %v", err)
			}
		}, "not a regular file"},
		{"a dangling symlink", func(t *testing.T, p string) {
			if err := os.Symlink(filepath.Join(filepath.Dir(p), "gone.json"), p); err != nil {
				t.Fatal(err)
			}
		}, "broken symlink"},
		{"a symlink loop", func(t *testing.T, p string) {
			if err := os.Symlink(p, p); err != nil {
				t.Fatal(err)
			}
		}, "cannot open"},
	}
	if os.Geteuid() != 0 {
		// chmod 000 does not stop root (CI runs as root); there the FIFO and
		// the symlink loop are the files that cannot be read.
		tests = append(tests, struct {
			name    string
			setup   func(t *testing.T, path string)
			wantErr string
		}{"an unreadable file", func(t *testing.T, p string) {
			write(t, p, validAuth("u@example.com"))
			if err := os.Chmod(p, 0); err != nil {
				t.Fatal(err)
			}
		}, "permission denied"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, filepath.Join(dir, "broken.json"))
			writeFile(t, dir, "good.json", validAuth("good@example.com"))
			d, err := NewDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			got := scanWithin(t, d)
			if names := fileNames(got); !slices.Equal(names, []string{"broken.json", "good.json"}) {
				t.Fatalf("files = %q, want the broken row and the good one", names)
			}
			bad, good := got[0], got[1]
			if good.Err != nil || good.Email != "good@example.com" {
				t.Errorf("good file: err %v email %q; a bad file must not spoil the scan", good.Err, good.Email)
			}
			if bad.Err == nil {
				t.Fatalf("broken file parsed without error: %+v", bad)
			}
			if msg := bad.Err.Error(); !strings.Contains(msg, tt.wantErr) {
				t.Errorf("error %q does not mention %q", msg, tt.wantErr)
			}
			assertNoSecret(t, bad.Err)
			assertEmptyAccount(t, bad)
			if bad.Path != filepath.Join(d.Root, "broken.json") {
				t.Errorf("Path = %q", bad.Path)
			}
		})
	}
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	for _, s := range []string{secretMarker, "rt_9f8e", "SECRET", "PNG", "t@example.com"} {
		if strings.Contains(msg, s) {
			t.Errorf("error %q quotes the file's content (%q)", msg, s)
		}
	}
}

// assertEmptyAccount checks that an error row carries no account fields.
func assertEmptyAccount(t *testing.T, a *Account) {
	t.Helper()
	empty := Account{File: a.File, Path: a.Path, Size: a.Size, ModTime: a.ModTime, Digest: a.Digest, Err: a.Err}
	if !accountsEqual(*a, empty) {
		t.Errorf("error row has account fields set: %+v", *a)
	}
}

func accountsEqual(a, b Account) bool {
	return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b)
}

func TestDirScanOversizeRowKeepsItsSize(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "big.json", []byte("{"))
	if err := os.Truncate(p, 3<<20); err != nil {
		t.Fatal(err)
	}
	d := &Dir{Root: dir}
	got := scanWithin(t, d)
	if len(got) != 1 || got[0].Err == nil {
		t.Fatalf("got %+v, want one error row", got)
	}
	if got[0].Size != 3<<20 || got[0].ModTime.IsZero() {
		t.Errorf("Size %d ModTime %v, want the file's size and time from stat", got[0].Size, got[0].ModTime)
	}
	if !strings.Contains(got[0].Err.Error(), "3.0 MiB") {
		t.Errorf("error %q should say how big the file is", got[0].Err)
	}
}

// TestDirScanParallelMatchesSerial scans many files of every kind and checks
// each row against a serial Parse of the same bytes.
func TestDirScanParallelMatchesSerial(t *testing.T) {
	dir := t.TempDir()
	const n = 500
	want := map[string]*Account{}
	for i := range n {
		name := fmt.Sprintf("codex-%04d-u%d@example.com-plus.json", i, i)
		var data []byte
		switch i % 5 {
		case 0:
			data = []byte("{not json")
		case 1:
			data = []byte(fmt.Sprintf(`{"type":"claude","email":"u%d@example.com"}`, i))
		case 2:
			data = []byte("[]")
		default:
			data = []byte(fmt.Sprintf(`{"type":"codex","email":"u%d@example.com","account_id":"acct-%d","plan_type":"plus","expired":%d}`, i, i, 1767225600+i))
		}
		writeFile(t, dir, name, data)
		want[name] = Parse(name, filepath.Join(dir, name), data)
	}
	writeFile(t, dir, "sub/ignored.json", []byte("{}"))
	d := &Dir{Root: dir}
	for round := range 3 {
		got := scanWithin(t, d)
		if len(got) != n {
			t.Fatalf("round %d: %d rows, want %d", round, len(got), n)
		}
		if !slices.IsSortedFunc(got, func(a, b *Account) int { return strings.Compare(a.File, b.File) }) {
			t.Fatalf("round %d: rows are not sorted by name", round)
		}
		for _, a := range got {
			w := want[a.File]
			if w == nil {
				t.Fatalf("unexpected row %s", a.File)
			}
			if (a.Err == nil) != (w.Err == nil) || a.Provider != w.Provider || a.Email != w.Email ||
				a.AccountID != w.AccountID || a.Digest != w.Digest || a.Size != w.Size || a.StoredPlan != w.StoredPlan ||
				fmt.Sprint(a.ExpiresAt) != fmt.Sprint(w.ExpiresAt) {
				t.Fatalf("round %d: %s differs from a serial parse:\n got %+v\nwant %+v", round, a.File, a, w)
			}
		}
	}
}

func TestDirScanErrors(t *testing.T) {
	t.Run("a missing folder is an error of the source", func(t *testing.T) {
		d := &Dir{Root: filepath.Join(t.TempDir(), "nope")}
		if _, err := d.Scan(context.Background()); err == nil {
			t.Fatal("Scan of a missing folder succeeded")
		}
	})
	t.Run("a cancelled context stops the scan", func(t *testing.T) {
		dir := t.TempDir()
		for i := range 20 {
			writeFile(t, dir, fmt.Sprintf("f%d.json", i), []byte("{}"))
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := (&Dir{Root: dir}).Scan(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("an empty folder gives no rows", func(t *testing.T) {
		got, err := (&Dir{Root: t.TempDir()}).Scan(context.Background())
		if err != nil || len(got) != 0 {
			t.Fatalf("got %v, %v; want no rows", got, err)
		}
	})
}

func TestNewDirMakesThePathAbsolute(t *testing.T) {
	t.Chdir(t.TempDir())
	d, err := NewDir("auths")
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(d.Root) || filepath.Base(d.Root) != "auths" || d.Describe() != d.Root {
		t.Fatalf("Root %q Describe %q, want an absolute path ending in auths", d.Root, d.Describe())
	}
}

func TestDirLoad(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.json", validAuth("a@example.com"))
	writeFile(t, dir, "bad.json", []byte("[1]"))
	if err := os.Mkdir(filepath.Join(dir, "d.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere.json"), filepath.Join(dir, "dangling.json")); err != nil {
		t.Fatal(err)
	}
	d := &Dir{Root: dir}
	tests := []struct {
		name    string
		file    string
		wantOK  bool
		wantErr bool
		check   func(t *testing.T, a *Account)
	}{
		{"an existing file is re-read", "a.json", true, false, func(t *testing.T, a *Account) {
			if a.Err != nil || a.Email != "a@example.com" {
				t.Errorf("got err %v email %q", a.Err, a.Email)
			}
		}},
		{"a broken file is a row with Err", "bad.json", true, false, func(t *testing.T, a *Account) {
			if a.Err == nil {
				t.Error("no error for a JSON array")
			}
		}},
		{"a vanished file is not ok", "gone.json", false, false, nil},
		{"a dangling symlink is a row with Err", "dangling.json", true, false, func(t *testing.T, a *Account) {
			if a.Err == nil {
				t.Error("no error for a dangling symlink")
			}
		}},
		{"a directory is not ok", "d.json", false, false, nil},
		{"a path with a folder is refused", "sub/a.json", false, true, nil},
		{"a parent path is refused", "../a.json", false, true, nil},
		{"a name that is not an auth file is refused", "notes.txt", false, true, nil},
		{"a pending login is refused", ".oauth-x.json", false, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok, err := d.Load(context.Background(), tt.file)
			if (err != nil) != tt.wantErr || ok != tt.wantOK {
				t.Fatalf("Load(%q) = ok %v err %v; want ok %v, error %v", tt.file, ok, err, tt.wantOK, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, a)
			}
		})
	}
}

func TestIsAuthFileName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"codex-1a2b3c4d-a@example.com-plus.json", true},
		{"A.JSON", true},
		{"a.jSoN", true},
		{".json", true},
		{".hidden.json", true},
		{".oauth-codex.json", false},
		{"a.json.tmp", false},
		{"a.json~", false},
		{"json", false},
		{"a.txt", false},
	}
	for _, tt := range tests {
		if got := IsAuthFileName(tt.name); got != tt.want {
			t.Errorf("IsAuthFileName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "a.json", []byte(`{"type":"codex"}`))
	big := writeFile(t, dir, "big.json", nil)
	if err := os.Truncate(big, MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		wantErr string
	}{
		{"a regular file is read", good, ""},
		{"a directory is an error", dir, "is a directory"},
		{"a file over the limit is an error", big, "1 MiB limit"},
		{"a FIFO is an error, without blocking", fifo, "not a regular file"},
		{"a missing file is fs.ErrNotExist", filepath.Join(dir, "nope.json"), "not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := ReadFile(tt.path)
			if tt.wantErr == "" {
				if err != nil || string(data) != `{"type":"codex"}` {
					t.Fatalf("ReadFile = %q, %v", data, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}
