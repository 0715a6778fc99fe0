package catalog

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

//go:embed embedded_models.json
var embeddedData []byte

// EmbeddedDate is when the embedded copy was taken: the proxy's own embedded
// catalog of that day.
var EmbeddedDate = time.Date(2026, 8, 21, 0, 0, 0, 0, time.UTC)

// Source kinds, best first.
const (
	SourceRemote   = "remote"
	SourceCache    = "cache"
	SourceEmbedded = "embedded"
	SourceFile     = "file" // --catalog FILE: the operator's choice, no network
)

// Info describes where a catalog came from.
type Info struct {
	Source    string    `json:"source"`
	URL       string    `json:"url,omitempty"`
	Path      string    `json:"path,omitempty"`
	FetchedAt time.Time `json:"fetched_at"` // when this content was fetched (embedded: its date)
	CheckedAt time.Time `json:"checked_at"` // last good check; a 304 restarts the age, not FetchedAt
	ETag      string    `json:"etag,omitempty"`
	SHA256    string    `json:"sha256"`
}

// Loaded is a catalog with its provenance.
type Loaded struct {
	Catalog *Catalog
	Info    Info
}

// Digest returns the hex sha256 of data.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Embedded returns the catalog compiled into the binary.
func Embedded() Loaded {
	c, err := Parse(embeddedData)
	if err != nil {
		panic("catalog: embedded copy does not parse: " + err.Error())
	}
	return Loaded{Catalog: c, Info: Info{
		Source: SourceEmbedded, FetchedAt: EmbeddedDate, CheckedAt: EmbeddedDate, SHA256: Digest(embeddedData),
	}}
}

// EmbeddedBytes returns the embedded models.json as shipped.
func EmbeddedBytes() []byte { return embeddedData }

// LoadFile reads and validates a catalog file (--catalog, --candidate).
func LoadFile(path string) (Loaded, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Loaded{}, err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return Loaded{}, fmt.Errorf("catalog %s: %w", path, errors.Unwrap(err))
	}
	if info.Size() > MaxSize {
		return Loaded{}, fmt.Errorf("catalog %s: %d bytes, larger than the %d MiB limit", path, info.Size(), MaxSize>>20)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return Loaded{}, fmt.Errorf("catalog %s: %w", path, errors.Unwrap(err))
	}
	c, err := ParseValid(data)
	if err != nil {
		return Loaded{}, fmt.Errorf("catalog %s: %w", path, err)
	}
	mod := info.ModTime().UTC()
	return Loaded{Catalog: c, Info: Info{Source: SourceFile, Path: abs, FetchedAt: mod, CheckedAt: mod, SHA256: Digest(data)}}, nil
}

// ParseValid parses and validates: the gate every catalog passes before use.
func ParseValid(data []byte) (*Catalog, error) {
	c, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Cache is the on-disk copy of the last good remote catalog.
type Cache struct {
	Dir string // e.g. ~/.cache/tierscope
}

// DefaultCacheDir is the user cache dir's tierscope folder.
func DefaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "tierscope"), nil
}

func (c Cache) dataPath() string { return filepath.Join(c.Dir, "catalog", "models.json") }
func (c Cache) metaPath() string { return filepath.Join(c.Dir, "catalog", "meta.json") }

// Load returns the cached catalog. A missing cache is fs.ErrNotExist; a
// cache whose content no longer matches its recorded sha256, or that fails
// validation, is an error (and is not used).
func (c Cache) Load() (Loaded, error) {
	metaData, err := os.ReadFile(c.metaPath())
	if err != nil {
		return Loaded{}, err
	}
	var info Info
	if err := json.Unmarshal(metaData, &info); err != nil {
		return Loaded{}, fmt.Errorf("catalog cache: meta.json: %w", err)
	}
	data, err := os.ReadFile(c.dataPath())
	if err != nil {
		return Loaded{}, err
	}
	if got := Digest(data); got != info.SHA256 {
		return Loaded{}, fmt.Errorf("catalog cache: sha256 %.12s does not match the recorded %.12s", got, info.SHA256)
	}
	cat, err := ParseValid(data)
	if err != nil {
		return Loaded{}, fmt.Errorf("catalog cache: %w", err)
	}
	info.Source = SourceCache
	info.Path = c.dataPath()
	return Loaded{Catalog: cat, Info: info}, nil
}

// Save stores a good download atomically: data first, then its metadata,
// each through a temp file renamed into place, so a crash leaves either the
// old pair or a data file that Load rejects by its digest.
func (c Cache) Save(data []byte, info Info) error {
	info.SHA256 = Digest(data)
	info.Path = ""
	meta, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(c.dataPath()), 0o755); err != nil {
		return err
	}
	if err := writeAtomic(c.dataPath(), data); err != nil {
		return err
	}
	return writeAtomic(c.metaPath(), append(meta, '\n'))
}

// Touch records a "not modified" check: the content stays, CheckedAt moves.
func (c Cache) Touch(checkedAt time.Time) error {
	l, err := c.Load()
	if err != nil {
		return err
	}
	l.Info.CheckedAt = checkedAt
	meta, err := json.MarshalIndent(l.Info, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(c.metaPath(), append(meta, '\n'))
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Open picks the catalog to use without touching the network: the given
// file when set (an invalid one is an error), else the cache when it is
// good, else the embedded copy. cacheErr says why a present cache was
// skipped, so callers can show it.
func Open(file string, cache Cache) (l Loaded, cacheErr error, err error) {
	if file != "" {
		l, err := LoadFile(file)
		return l, nil, err
	}
	if cache.Dir != "" {
		l, err := cache.Load()
		if err == nil {
			return l, nil, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			cacheErr = err
		}
	}
	return Embedded(), cacheErr, nil
}
