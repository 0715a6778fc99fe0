package catalog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// MaxAttempts is how many refresh attempts the cache keeps: enough for the
// freshness display and a look back, small enough to rewrite whole.
const MaxAttempts = 50

func (c Cache) attemptsPath() string { return filepath.Join(c.Dir, "catalog", "attempts.jsonl") }

// RecordAttempts appends attempts to the cache's attempts file (JSON lines,
// oldest first), keeping the last MaxAttempts. The file is rewritten
// atomically, so a reader never sees half a line. A Cache without a Dir
// records nothing.
func (c Cache) RecordAttempts(attempts []Attempt) error {
	if c.Dir == "" || len(attempts) == 0 {
		return nil
	}
	all, err := c.Attempts()
	if err != nil {
		return err
	}
	all = append(all, attempts...)
	all = all[max(0, len(all)-MaxAttempts):]
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, a := range all {
		if err := enc.Encode(a); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(c.attemptsPath()), 0o755); err != nil {
		return err
	}
	return writeAtomic(c.attemptsPath(), buf.Bytes())
}

// Attempts returns the recorded refresh attempts, oldest first; none (and
// no error) when nothing was recorded yet. A line that does not decode is
// skipped: the history is a display aid, not a ledger.
func (c Cache) Attempts() ([]Attempt, error) {
	if c.Dir == "" {
		return nil, nil
	}
	data, err := os.ReadFile(c.attemptsPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Attempt
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		var a Attempt
		if json.Unmarshal(sc.Bytes(), &a) == nil && a.Outcome != "" {
			out = append(out, a)
		}
	}
	return out, nil
}
