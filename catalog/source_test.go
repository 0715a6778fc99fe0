package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	fetchedAt = time.Date(2026, 8, 22, 10, 0, 0, 0, time.UTC)
	checkedAt = time.Date(2026, 8, 22, 11, 30, 0, 0, time.UTC)
)

func remoteInfo() Info {
	return Info{
		Source: SourceRemote, URL: "https://models.example.test/models.json",
		FetchedAt: fetchedAt, CheckedAt: fetchedAt, ETag: `W/"abc123"`,
	}
}

func TestEmbedded(t *testing.T) {
	l := Embedded()
	if err := l.Catalog.Validate(); err != nil {
		t.Fatalf("embedded catalog invalid: %v", err)
	}
	sum := sha256.Sum256(EmbeddedBytes())
	want := Info{
		Source:    SourceEmbedded,
		FetchedAt: time.Date(2026, 8, 21, 0, 0, 0, 0, time.UTC),
		CheckedAt: time.Date(2026, 8, 21, 0, 0, 0, 0, time.UTC),
		SHA256:    hex.EncodeToString(sum[:]),
	}
	if l.Info != want {
		t.Errorf("Info = %+v\nwant %+v", l.Info, want)
	}
	if ref := readReference(t, "models.json"); Digest(ref) != l.Info.SHA256 {
		t.Errorf("the embedded copy differs from testdata/reference/models.json")
	}
	if got := len(l.Catalog.Sections()); got != 12 {
		t.Errorf("%d sections, want 12", got)
	}
}

func TestBuiltIns(t *testing.T) {
	tests := []struct {
		provider string
		want     []string
	}{
		{"codex", []string{"gpt-image-1.5", "gpt-image-2"}},
		{"xai", []string{"grok-imagine-image", "grok-imagine-image-quality", "grok-imagine-image-2.0", "grok-imagine-video", "grok-imagine-video-1.5", "grok-imagine-video-1.5-preview"}},
		{"claude", nil},
		{"Codex", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			got := BuiltIns(tt.provider)
			if !slices.Equal(ids(got), tt.want) && !(len(got) == 0 && tt.want == nil) {
				t.Fatalf("BuiltIns(%q) = %q, want %q", tt.provider, ids(got), tt.want)
			}
			for _, m := range got {
				if m.DisplayName == "" {
					t.Errorf("%s has no display name", m.ID)
				}
			}
		})
	}
	if BuiltInCommit != "a7e3596" {
		t.Errorf("BuiltInCommit = %q", BuiltInCommit)
	}
}

func TestCacheSaveThenLoad(t *testing.T) {
	cache := Cache{Dir: t.TempDir()}
	data := readReference(t, "history/"+hist0802)
	if err := cache.Save(data, remoteInfo()); err != nil {
		t.Fatal(err)
	}
	l, err := cache.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := remoteInfo()
	want.Source = SourceCache
	want.SHA256 = Digest(data)
	want.Path = filepath.Join(cache.Dir, "catalog", "models.json")
	if !l.Info.FetchedAt.Equal(want.FetchedAt) || !l.Info.CheckedAt.Equal(want.CheckedAt) {
		t.Errorf("times %v %v, want %v", l.Info.FetchedAt, l.Info.CheckedAt, want.FetchedAt)
	}
	l.Info.FetchedAt, l.Info.CheckedAt = want.FetchedAt, want.CheckedAt
	if l.Info != want {
		t.Errorf("Info = %+v\nwant %+v", l.Info, want)
	}
	if !maps.Equal(l.Catalog.Counts(), parseReference(t, "history/"+hist0802).Counts()) {
		t.Error("the cached catalog differs from the one saved")
	}
	stored, _ := os.ReadFile(want.Path)
	if string(stored) != string(data) {
		t.Error("the data file is not the bytes downloaded")
	}
	entries, _ := os.ReadDir(filepath.Join(cache.Dir, "catalog"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"meta.json", "models.json"}) {
		t.Errorf("cache folder holds %q; temp files must not be left behind", names)
	}

	// A second save replaces the first.
	newer := readReference(t, "models.json")
	info := remoteInfo()
	info.ETag = `"v2"`
	if err := cache.Save(newer, info); err != nil {
		t.Fatal(err)
	}
	if l, err := cache.Load(); err != nil || l.Info.ETag != `"v2"` || l.Info.SHA256 != Digest(newer) {
		t.Fatalf("after a second save: %+v, %v", l.Info, err)
	}
}

func TestCacheLoadRejects(t *testing.T) {
	good := readReference(t, "models.json")
	tests := []struct {
		name     string
		damage   func(t *testing.T, c Cache)
		notExist bool   // errors.Is(err, fs.ErrNotExist)
		wantErr  string // a part of the error text
	}{
		{"no cache yet", func(t *testing.T, c Cache) { os.RemoveAll(c.Dir) }, true, ""},
		{"a data file changed after saving", func(t *testing.T, c Cache) {
			data := strings.Replace(string(good), `"gpt-5.5"`, `"gpt-5.9"`, 1)
			os.WriteFile(c.dataPath(), []byte(data), 0o644)
		}, false, "sha256"},
		{"a data file truncated", func(t *testing.T, c Cache) { os.Truncate(c.dataPath(), 100) }, false, "sha256"},
		{"a missing data file", func(t *testing.T, c Cache) { os.Remove(c.dataPath()) }, true, ""},
		{"a meta file that is not JSON", func(t *testing.T, c Cache) { os.WriteFile(c.metaPath(), []byte("{"), 0o644) }, false, "meta.json"},
		{"a meta file without a digest", func(t *testing.T, c Cache) { os.WriteFile(c.metaPath(), []byte(`{"url": "x"}`), 0o644) }, false, "sha256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Cache{Dir: t.TempDir()}
			if err := c.Save(good, remoteInfo()); err != nil {
				t.Fatal(err)
			}
			tt.damage(t, c)
			_, err := c.Load()
			if err == nil {
				t.Fatal("Load accepted a damaged cache")
			}
			if errors.Is(err, fs.ErrNotExist) != tt.notExist {
				t.Errorf("err = %v; fs.ErrNotExist %v, want %v", err, errors.Is(err, fs.ErrNotExist), tt.notExist)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %q, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestCacheLoadRejectsAnInvalidCatalogWithAGoodDigest(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	if err := c.Save([]byte(`{"claude": []}`), remoteInfo()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Load(); err == nil || !strings.Contains(err.Error(), "missing section codex-free") {
		t.Fatalf("err = %v", err)
	}
}

func TestCacheTouchMovesCheckedAtOnly(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	data := readReference(t, "models.json")
	if err := c.Save(data, remoteInfo()); err != nil {
		t.Fatal(err)
	}
	before, err := c.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Touch(checkedAt); err != nil {
		t.Fatal(err)
	}
	after, err := c.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !after.Info.CheckedAt.Equal(checkedAt) {
		t.Errorf("CheckedAt = %v, want %v", after.Info.CheckedAt, checkedAt)
	}
	if !after.Info.FetchedAt.Equal(before.Info.FetchedAt) {
		t.Errorf("FetchedAt moved from %v to %v", before.Info.FetchedAt, after.Info.FetchedAt)
	}
	after.Info.CheckedAt, after.Info.FetchedAt = before.Info.CheckedAt, before.Info.FetchedAt
	if after.Info != before.Info {
		t.Errorf("Info changed beyond CheckedAt:\n%+v\n%+v", before.Info, after.Info)
	}
	if stored, _ := os.ReadFile(c.dataPath()); string(stored) != string(data) {
		t.Error("Touch rewrote the data")
	}
	if err := (Cache{Dir: t.TempDir()}).Touch(checkedAt); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Touch of a missing cache: %v, want fs.ErrNotExist", err)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if err := os.WriteFile(good, readReference(t, "models.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	mod := time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC)
	if err := os.Chtimes(good, mod, mod); err != nil {
		t.Fatal(err)
	}
	l, err := LoadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	want := Info{Source: SourceFile, Path: good, FetchedAt: mod, CheckedAt: mod, SHA256: Digest(readReference(t, "models.json"))}
	if l.Info != want {
		t.Errorf("Info = %+v\nwant %+v", l.Info, want)
	}

	t.Chdir(dir)
	if l, err := LoadFile("good.json"); err != nil || l.Info.Path != good {
		t.Errorf("a relative path: %+v, %v; want the absolute path", l.Info, err)
	}
}

func TestLoadFileInvalidIsOneClearLine(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := write("big.json", nil)
	if err := os.Truncate(big, MaxSize+1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		wantErr string
	}{
		{"a missing file", filepath.Join(dir, "nope.json"), "no such file"},
		{"a directory", dir, "directory"},
		{"not JSON", write("html.json", []byte("<html>404</html>")), "not a JSON object"},
		{"truncated", write("trunc.json", readReference(t, "models.json")[:5000]), "not valid JSON"},
		{"no Codex sections", write("claude.json", []byte(`{"claude": [{"id": "c"}]}`)), "missing section codex-free"},
		{"a duplicate Codex id", write("dup.json", validCodex("", map[string]string{"codex-free": `[{"id": "a"}, {"id": "a"}]`})), `duplicate id "a"`},
		{"over 16 MiB", big, "16 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFile(tt.path)
			if err == nil {
				t.Fatal("LoadFile accepted it")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantErr) || !strings.Contains(msg, filepath.Base(tt.path)) {
				t.Errorf("error %q should name the file and say %q", msg, tt.wantErr)
			}
			if strings.Contains(msg, "\n") || len(msg) > 400 {
				t.Errorf("error is not one short line: %q", msg)
			}
		})
	}
}

func TestOpenPrefersFileThenCacheThenEmbedded(t *testing.T) {
	catalogFile := filepath.Join(t.TempDir(), "mine.json")
	if err := os.WriteFile(catalogFile, readReference(t, "history/"+hist0802), 0o644); err != nil {
		t.Fatal(err)
	}
	badFile := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(badFile, []byte(`{"claude": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	goodCache := func(t *testing.T) Cache {
		c := Cache{Dir: t.TempDir()}
		if err := c.Save(readReference(t, "history/"+hist0710_0406), remoteInfo()); err != nil {
			t.Fatal(err)
		}
		return c
	}
	brokenCache := func(t *testing.T) Cache {
		c := goodCache(t)
		if err := os.WriteFile(c.dataPath(), []byte(`{"tampered": []}`), 0o644); err != nil {
			t.Fatal(err)
		}
		return c
	}
	noCache := func(t *testing.T) Cache { return Cache{Dir: filepath.Join(t.TempDir(), "empty")} }
	unset := func(*testing.T) Cache { return Cache{} }
	tests := []struct {
		name         string
		file         string
		cache        func(t *testing.T) Cache
		wantSource   string
		wantCacheErr bool
		wantErr      bool
	}{
		{"a file wins over a good cache", catalogFile, goodCache, SourceFile, false, false},
		{"a file is used without looking at a broken cache", catalogFile, brokenCache, SourceFile, false, false},
		{"an invalid file is an error, never a fallback", badFile, goodCache, "", false, true},
		{"a good cache wins over the embedded copy", "", goodCache, SourceCache, false, false},
		{"a broken cache falls back to embedded and says why", "", brokenCache, SourceEmbedded, true, false},
		{"a missing cache falls back to embedded quietly", "", noCache, SourceEmbedded, false, false},
		{"no cache folder set: embedded", "", unset, SourceEmbedded, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, cacheErr, err := Open(tt.file, tt.cache(t))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if (cacheErr != nil) != tt.wantCacheErr {
				t.Errorf("cacheErr = %v, want error %v", cacheErr, tt.wantCacheErr)
			}
			if tt.wantErr {
				return
			}
			if l.Info.Source != tt.wantSource || l.Catalog == nil {
				t.Errorf("source %q, want %q", l.Info.Source, tt.wantSource)
			}
			if cacheErr != nil && !strings.Contains(cacheErr.Error(), "sha256") {
				t.Errorf("cacheErr %q should say the digest does not match", cacheErr)
			}
		})
	}
}

func TestDefaultCacheDir(t *testing.T) {
	base := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", base)
	t.Setenv("HOME", base)
	dir, err := DefaultCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(dir) != "tierscope" || !strings.HasPrefix(dir, base) {
		t.Fatalf("DefaultCacheDir = %q, want tierscope under the user cache dir", dir)
	}
}
