package auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const refAuthDir = "../testdata/reference/proxy-a7e3596/auths"

// fileShape is an auth file a write must keep byte for byte outside the
// member it changes. want, when set, is the whole expected result of
// setting plan_type to "team", written out by hand.
type fileShape struct {
	name string
	data []byte
	want []byte
}

// fileShapes returns every reference auth file (each provider's shape) and
// the formatting variants real files come in.
func fileShapes(t *testing.T) []fileShape {
	t.Helper()
	entries, err := os.ReadDir(refAuthDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []fileShape
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(refAuthDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fileShape{name: e.Name(), data: data})
	}
	if len(out) < 20 {
		t.Fatalf("only %d reference files", len(out))
	}
	synthetic := []struct{ name, data, want string }{
		{"compact one line",
			`{"type":"codex","email":"a@example.com","access_token":"at"}`,
			`{"type":"codex","email":"a@example.com","access_token":"at","plan_type":"team"}`},
		{"compact one line with plan_type",
			`{"type":"codex","plan_type":"plus","email":"a@example.com"}`,
			`{"type":"codex","plan_type":"team","email":"a@example.com"}`},
		{"compact with spaces",
			`{"type": "codex", "email": "a@example.com"}` + "\n",
			`{"type": "codex", "email": "a@example.com", "plan_type": "team"}` + "\n"},
		{"tabs",
			"{\n\t\"type\": \"codex\",\n\t\"email\": \"a@example.com\"\n}\n",
			"{\n\t\"type\": \"codex\",\n\t\"email\": \"a@example.com\",\n\t\"plan_type\": \"team\"\n}\n"},
		{"CRLF",
			"{\r\n  \"type\": \"codex\",\r\n  \"email\": \"a@example.com\"\r\n}\r\n",
			"{\r\n  \"type\": \"codex\",\r\n  \"email\": \"a@example.com\",\r\n  \"plan_type\": \"team\"\r\n}\r\n"},
		{"CRLF with plan_type",
			"{\r\n  \"type\": \"codex\",\r\n  \"plan_type\": \"free\",\r\n  \"email\": \"a@example.com\"\r\n}\r\n",
			"{\r\n  \"type\": \"codex\",\r\n  \"plan_type\": \"team\",\r\n  \"email\": \"a@example.com\"\r\n}\r\n"},
		{"four spaces and a nested object",
			"{\n    \"type\": \"gemini\",\n    \"token\": {\n        \"access_token\": \"at\"\n    }\n}\n",
			"{\n    \"type\": \"gemini\",\n    \"token\": {\n        \"access_token\": \"at\"\n    },\n    \"plan_type\": \"team\"\n}\n"},
		{"no trailing newline",
			"{\n  \"type\": \"codex\",\n  \"email\": \"a@example.com\"\n}",
			"{\n  \"type\": \"codex\",\n  \"email\": \"a@example.com\",\n  \"plan_type\": \"team\"\n}"},
		{"plan_type null, not last",
			"{\n  \"plan_type\": null,\n  \"type\": \"codex\"\n}\n",
			"{\n  \"plan_type\": \"team\",\n  \"type\": \"codex\"\n}\n"},
		{"one member",
			"{\n  \"type\": \"codex\"\n}\n",
			"{\n  \"type\": \"codex\",\n  \"plan_type\": \"team\"\n}\n"},
		{"unknown fields and odd spacing kept",
			"{\n  \"type\" :  \"codex\",\n  \"x-extra\": [1, 2,   3],\n  \"plan_type\" :  \"plus\"  ,\n  \"z\": {}\n}\n\n",
			"{\n  \"type\" :  \"codex\",\n  \"x-extra\": [1, 2,   3],\n  \"plan_type\" :  \"team\"  ,\n  \"z\": {}\n}\n\n"},
	}
	for _, s := range synthetic {
		out = append(out, fileShape{name: s.name, data: []byte(s.data), want: []byte(s.want)})
	}
	return out
}

var planTypeValue = regexp.MustCompile(`"plan_type"\s*:\s*("(?:[^"\\]|\\.)*"|null|true|false|[-0-9.eE+]+)`)

// expectTeam computes, without the code under test, the bytes that setting
// plan_type to "team" must give a reference file: an existing value's bytes
// replaced; else a member after the last value, indented like the first.
func expectTeam(t *testing.T, data []byte) []byte {
	t.Helper()
	switch m := planTypeValue.FindAllSubmatchIndex(data, -1); len(m) {
	case 0:
	case 1:
		return slices.Concat(data[:m[0][2]], []byte(`"team"`), data[m[0][3]:])
	default:
		t.Fatalf("plan_type appears %d times; the expectation cannot be computed", len(m))
	}
	closing := bytes.LastIndexByte(data, '}')
	end := len(bytes.TrimRight(data[:closing], " \t\r\n"))
	firstKey := bytes.IndexByte(data, '"')
	lead := data[bytes.IndexByte(data, '{')+1 : firstKey]
	if !bytes.Contains(lead, []byte("\n")) {
		t.Fatal("a reference file is compact; give it a hand-written want")
	}
	insert := slices.Concat([]byte(","), lead, []byte(`"plan_type": "team"`))
	return slices.Concat(data[:end], insert, data[end:])
}

// tempsIn lists the entries of dir named like a write's temp file.
func tempsIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TempPrefix) {
			out = append(out, e.Name())
		}
	}
	return out
}

func assertNoTemps(t *testing.T, dir string) {
	t.Helper()
	if temps := tempsIn(t, dir); len(temps) > 0 {
		t.Errorf("temp files left behind: %v", temps)
	}
}

func writeAuth(t *testing.T, path string, data []byte, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // whatever the umask
		t.Fatal(err)
	}
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func setPlan(value string) Edit {
	return func(data []byte) ([]byte, error) { return SetStringMember(data, "plan_type", value) }
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Sys().(*syscall.Stat_t).Ino
}

func TestWriteFileChangesOnlyPlanTypeInEveryShape(t *testing.T) {
	for _, shape := range fileShapes(t) {
		t.Run(shape.name, func(t *testing.T) {
			want := shape.want
			if want == nil {
				want = expectTeam(t, shape.data)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "auth.json")
			writeAuth(t, path, shape.data, 0o600)
			oldInode := inode(t, path)

			res, err := WriteFile(path, Fingerprint(shape.data), setPlan("team"))
			if err != nil {
				t.Fatal(err)
			}
			got := readBytes(t, path)
			if !bytes.Equal(got, want) {
				t.Fatalf("wrote\n%q\nwant\n%q", got, want)
			}
			checkEdit(t, shape.data, "plan_type", "team", got)
			if a := Parse("auth.json", path, got); a.Err != nil || a.StoredPlan != str("team") {
				t.Errorf("re-parsed: err %v, plan_type %+v", a.Err, a.StoredPlan)
			}
			if !res.Changed || res.Before != sha256.Sum256(shape.data) || res.After != sha256.Sum256(got) || res.Path != path || res.Window <= 0 {
				t.Errorf("result %+v", res)
			}
			if inode(t, path) == oldInode {
				t.Error("written in place; a write must rename a new file over the old")
			}
			assertNoTemps(t, dir)
		})
	}
}

func TestWriteFileAddedMemberIsRemovedExactly(t *testing.T) {
	for _, shape := range fileShapes(t) {
		if _, ok, _ := MemberValue(shape.data, "plan_type"); ok {
			continue
		}
		t.Run(shape.name, func(t *testing.T) {
			out, err := SetStringMember(shape.data, "plan_type", "team")
			if err != nil {
				t.Fatal(err)
			}
			back, err := RemoveMember(out, "plan_type")
			if err != nil || !bytes.Equal(back, shape.data) {
				t.Fatalf("removing the added member gave\n%q\nwant\n%q (%v)", back, shape.data, err)
			}
		})
	}
}

func TestWriteFileKeepsModeAndOwner(t *testing.T) {
	uid, gid := os.Getuid(), os.Getgid()
	if uid == 0 {
		// Root can give the file away; the write must give it back.
		uid, gid = 4321, 8765
	}
	for _, mode := range []fs.FileMode{0o600, 0o640, 0o644, 0o400} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "codex.json")
			data := []byte("{\n  \"type\": \"codex\"\n}\n")
			writeAuth(t, path, data, mode)
			if err := os.Chown(path, uid, gid); err != nil {
				t.Fatal(err)
			}
			if _, err := WriteFile(path, Fingerprint(data), setPlan("pro")); err != nil {
				t.Fatal(err)
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			st := info.Sys().(*syscall.Stat_t)
			if info.Mode() != mode || int(st.Uid) != uid || int(st.Gid) != gid {
				t.Errorf("now %v %d:%d, want %v %d:%d", info.Mode(), st.Uid, st.Gid, mode, uid, gid)
			}
			assertNoTemps(t, dir)
		})
	}
}

func TestWriteFileTempFileIsBesideTheFileAndNotJSON(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "codex-a@example.com.json")
	data := []byte(`{"type":"codex"}`)
	want := []byte(`{"type":"codex","plan_type":"plus"}`)
	writeAuth(t, path, data, 0o640)
	var seen []string
	testHookBeforeRename = func(tmp string) {
		seen = append(seen, tmp)
		info, err := os.Lstat(tmp)
		if err != nil || info.Mode() != 0o640 || !bytes.Equal(readBytes(t, tmp), want) {
			t.Errorf("temp file before the rename: %v, %v; want mode 0640 and the new bytes", info, err)
		}
		if !bytes.Equal(readBytes(t, path), data) {
			t.Error("the file changed before the rename")
		}
	}
	t.Cleanup(func() { testHookBeforeRename = nil })

	if _, err := WriteFile(path, Fingerprint(data), setPlan("plus")); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 {
		t.Fatalf("hook saw %d temp files", len(seen))
	}
	tmp := seen[0]
	name := filepath.Base(tmp)
	if filepath.Dir(tmp) != dir {
		t.Errorf("temp file %s is not in the file's directory", tmp)
	}
	if !strings.HasPrefix(name, TempPrefix+strconv.Itoa(os.Getpid())+"-") {
		t.Errorf("temp file %s does not carry the prefix and pid", name)
	}
	if strings.HasSuffix(strings.ToLower(name), ".json") || IsAuthFileName(name) {
		t.Errorf("temp file %s would be seen by the proxy's watcher", name)
	}
	if _, err := os.Lstat(tmp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("temp file still there after the rename: %v", err)
	}
}

func TestWriteFileConflicts(t *testing.T) {
	original := []byte("{\n  \"type\": \"codex\",\n  \"access_token\": \"old\"\n}\n")
	refreshed := []byte("{\n  \"type\": \"codex\",\n  \"access_token\": \"refreshed\"\n}\n")
	sameSize := []byte("{\n  \"type\": \"codex\",\n  \"access_token\": \"new\"\n}\n")
	inPlace := func(t *testing.T, path string, data []byte) {
		// The proxy's way: truncate and write, no rename, no lock.
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Error(err)
		}
	}
	byRename := func(t *testing.T, path string, data []byte) {
		if err := os.WriteFile(path+".other", data, 0o600); err != nil {
			t.Error(err)
		}
		if err := os.Rename(path+".other", path); err != nil {
			t.Error(err)
		}
	}
	tests := []struct {
		name   string
		theirs []byte
		write  func(t *testing.T, path string, data []byte)
		// During the write: inside the edit, after WriteFile's first check
		// and before its re-read, like a token refresh landing while the
		// temp file is written. Else between the load and WriteFile.
		during bool
	}{
		{"changed between load and write", refreshed, inPlace, false},
		{"rewritten in place during the write", refreshed, inPlace, true},
		{"rewritten in place, same size, during the write", sameSize, inPlace, true},
		{"replaced by a rename during the write", refreshed, byRename, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "codex.json")
			writeAuth(t, path, original, 0o600)
			loaded := Fingerprint(readBytes(t, path))
			if !tt.during {
				tt.write(t, path, tt.theirs)
			}
			editRan := false
			res, err := WriteFile(path, loaded, func(data []byte) ([]byte, error) {
				editRan = true
				if tt.during {
					tt.write(t, path, tt.theirs)
				}
				return SetStringMember(data, "plan_type", "team")
			})
			if !errors.Is(err, ErrConflict) {
				t.Fatalf("got %v, want ErrConflict", err)
			}
			if editRan != tt.during {
				t.Errorf("edit ran: %v; a stale digest must be refused before editing", editRan)
			}
			if got := readBytes(t, path); !bytes.Equal(got, tt.theirs) {
				t.Errorf("the other writer's content was lost: file is\n%s", got)
			}
			if res.Changed || res.After != res.Before {
				t.Errorf("result %+v says something was written", res)
			}
			assertNoTemps(t, dir)
		})
	}
}

func TestWriteFileRefusesLinks(t *testing.T) {
	data := []byte("{\n  \"type\": \"codex\"\n}\n")
	t.Run("symlink", func(t *testing.T) {
		dir, elsewhere := t.TempDir(), t.TempDir()
		target := filepath.Join(elsewhere, "real.json")
		writeAuth(t, target, data, 0o600)
		link := filepath.Join(dir, "codex.json")
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		_, err := WriteFile(link, Fingerprint(data), setPlan("team"))
		if !errors.Is(err, ErrSymlink) {
			t.Fatalf("got %v, want ErrSymlink", err)
		}
		if !bytes.Equal(readBytes(t, target), data) {
			t.Error("the target changed")
		}
		if info, err := os.Lstat(link); err != nil || info.Mode()&fs.ModeSymlink == 0 {
			t.Error("the link is no longer a link")
		}
		assertNoTemps(t, dir)
		assertNoTemps(t, elsewhere)
	})
	t.Run("hard link", func(t *testing.T) {
		dir := t.TempDir()
		path, other := filepath.Join(dir, "codex.json"), filepath.Join(dir, "backup")
		writeAuth(t, path, data, 0o600)
		if err := os.Link(path, other); err != nil {
			t.Fatal(err)
		}
		_, err := WriteFile(path, Fingerprint(data), setPlan("team"))
		if !errors.Is(err, ErrHardLink) {
			t.Fatalf("got %v, want ErrHardLink", err)
		}
		if !bytes.Equal(readBytes(t, path), data) || inode(t, path) != inode(t, other) {
			t.Error("the file was split from its other link or changed")
		}
		assertNoTemps(t, dir)
	})
}

// TestWriteFileFailuresLeaveTheOriginal causes failures that root cannot
// bypass (no permission bits involved): each must say why, and leave the
// original file as it was and no temp file behind.
func TestWriteFileFailuresLeaveTheOriginal(t *testing.T) {
	data := []byte("{\n  \"type\": \"codex\"\n}\n")
	tests := []struct {
		name string
		// setup returns the path to write; the file at keep must survive.
		setup func(t *testing.T, dir string) (path, keep string)
		edit  func(t *testing.T, path string) Edit // default: set plan_type
		hook  func(t *testing.T, tmp string)
		want  string
	}{
		{
			name: "a path component is a file",
			setup: func(t *testing.T, dir string) (string, string) {
				file := filepath.Join(dir, "file.json")
				writeAuth(t, file, data, 0o600)
				return filepath.Join(file, "x.json"), file
			},
			want: "not a directory",
		},
		{
			name: "the directory was removed",
			setup: func(t *testing.T, dir string) (string, string) {
				sub := filepath.Join(dir, "auths")
				if err := os.Mkdir(sub, 0o700); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(sub, "codex.json")
				writeAuth(t, path, data, 0o600)
				if err := os.RemoveAll(sub); err != nil {
					t.Fatal(err)
				}
				return path, ""
			},
			want: "no such file or directory",
		},
		{
			name: "the directory is removed during the write",
			setup: func(t *testing.T, dir string) (string, string) {
				sub := filepath.Join(dir, "auths")
				if err := os.Mkdir(sub, 0o700); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(sub, "codex.json")
				writeAuth(t, path, data, 0o600)
				return path, ""
			},
			edit: func(t *testing.T, path string) Edit {
				return func(b []byte) ([]byte, error) {
					if err := os.RemoveAll(filepath.Dir(path)); err != nil {
						t.Fatal(err)
					}
					return SetStringMember(b, "plan_type", "team")
				}
			},
			want: "cannot create a temp file: no such file or directory",
		},
		{
			name: "the file became a directory",
			setup: func(t *testing.T, dir string) (string, string) {
				path := filepath.Join(dir, "codex.json")
				if err := os.Mkdir(path, 0o700); err != nil {
					t.Fatal(err)
				}
				return path, ""
			},
			want: "not a regular file",
		},
		{
			name: "a directory takes the temp file's place before the rename",
			setup: func(t *testing.T, dir string) (string, string) {
				path := filepath.Join(dir, "codex.json")
				writeAuth(t, path, data, 0o600)
				return path, path
			},
			hook: func(t *testing.T, tmp string) {
				if err := os.Remove(tmp); err != nil {
					t.Fatal(err)
				}
				if err := os.Mkdir(tmp, 0o700); err != nil {
					t.Fatal(err)
				}
				writeAuth(t, filepath.Join(tmp, "inside"), data, 0o600)
			},
			want: "cannot replace the file: not a directory",
		},
		{
			name: "the edit fails",
			setup: func(t *testing.T, dir string) (string, string) {
				path := filepath.Join(dir, "codex.json")
				writeAuth(t, path, data, 0o600)
				return path, path
			},
			edit: func(*testing.T, string) Edit {
				return func([]byte) ([]byte, error) { return nil, errors.New("cannot edit: boom") }
			},
			want: "cannot edit: boom",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path, keep := tt.setup(t, dir)
			edit := setPlan("team")
			if tt.edit != nil {
				edit = tt.edit(t, path)
			}
			if tt.hook != nil {
				testHookBeforeRename = func(tmp string) { tt.hook(t, tmp) }
				t.Cleanup(func() { testHookBeforeRename = nil })
			}
			res, err := WriteFile(path, Fingerprint(data), edit)
			if err == nil || errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error saying %q", err, tt.want)
			}
			if res.Changed {
				t.Error("the result says the file was written")
			}
			if keep != "" && !bytes.Equal(readBytes(t, keep), data) {
				t.Error("the original changed")
			}
			// Only the directory the hook planted may remain.
			for _, name := range tempsIn(t, dir) {
				if info, err := os.Lstat(filepath.Join(dir, name)); err != nil || !info.IsDir() || tt.hook == nil {
					t.Errorf("temp file left behind: %s", name)
				}
			}
		})
	}
}

func TestWriteFileUnchangedWritesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "codex.json")
	data := []byte("{\n  \"type\": \"codex\",\n  \"plan_type\": \"plus\"\n}\n")
	writeAuth(t, path, data, 0o600)
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	ino := inode(t, path)
	testHookBeforeRename = func(string) { t.Error("a temp file was renamed for an unchanged file") }
	t.Cleanup(func() { testHookBeforeRename = nil })

	res, err := WriteFile(path, Fingerprint(data), setPlan("plus"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed || res.After != res.Before || res.Window != 0 {
		t.Errorf("result %+v; want unchanged", res)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !info.ModTime().Equal(old) || inode(t, path) != ino {
		t.Errorf("the file was rewritten (mtime %v)", info.ModTime())
	}
	assertNoTemps(t, dir)
}

// deadPID returns the pid of a process that has exited and been reaped.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("/bin/true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestCleanTempsRemovesOnlyDeadWritersFiles(t *testing.T) {
	dir := t.TempDir()
	dead := TempPrefix + strconv.Itoa(deadPID(t)) + "-123"
	live := TempPrefix + strconv.Itoa(os.Getpid()) + "-456"
	noPID := TempPrefix + "x-789"
	for _, name := range []string{dead, live, noPID, "codex.json", "tierscope-tmp-1-2"} {
		writeAuth(t, filepath.Join(dir, name), []byte("{}"), 0o600)
	}
	liveDir := TempPrefix + "1-dir" // a directory is never a temp file of ours
	if err := os.Mkdir(filepath.Join(dir, liveDir), 0o700); err != nil {
		t.Fatal(err)
	}

	removed, err := CleanTemps(dir)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	if want := []string{dead, noPID}; !slices.Equal(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := []string{live, liveDir, "codex.json", "tierscope-tmp-1-2"}
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Errorf("left %v, want %v", left, want)
	}
	if _, err := CleanTemps(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing directory gave no error")
	}
}

// TestUndoEditsRestoreEveryFileExactly proves what undo relies on: putting
// back the old encoded value, or removing a member that was added, gives
// the original bytes, for every top-level key of every shape.
func TestUndoEditsRestoreEveryFileExactly(t *testing.T) {
	for _, shape := range fileShapes(t) {
		t.Run(shape.name, func(t *testing.T) {
			orig := shape.data
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(orig, &raw); err != nil {
				t.Fatal(err)
			}
			keys := []string{"plan_type"}
			for k := range raw {
				if k != "plan_type" {
					keys = append(keys, k)
				}
			}
			for _, key := range keys {
				edited, err := SetStringMember(orig, key, "x")
				if err != nil {
					t.Fatal(err)
				}
				old, present, err := MemberValue(orig, key)
				if err != nil {
					t.Fatal(err)
				}
				var back []byte
				if present {
					if !bytes.Equal(old, raw[key]) {
						t.Errorf("%s: MemberValue %s, want %s", key, old, raw[key])
					}
					back, err = SetMember(edited, key, old)
				} else {
					back, err = RemoveMember(edited, key)
				}
				if err != nil || !bytes.Equal(back, orig) {
					t.Fatalf("%s (present %v): undo gave\n%q\nwant\n%q (%v)", key, present, back, orig, err)
				}
			}
			if out, err := RemoveMember(orig, "no_such_key"); err != nil || !bytes.Equal(out, orig) {
				t.Errorf("removing an absent key changed the file (%v)", err)
			}
		})
	}
}
