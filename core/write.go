package core

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/tierscope/tierscope/auth"
)

// Write statuses, per file.
const (
	StatusWritten   = "written"
	StatusUnchanged = "unchanged" // nothing to write (or no longer, after a reload)
	StatusConflict  = "conflict"  // changed by another writer twice in a row
	StatusRefused   = "refused"   // a symlink, a hard link, or (undo) changed since
	StatusError     = "error"
)

// WriteOutcome is what happened to one file.
type WriteOutcome struct {
	File   string        `json:"file"`
	Status string        `json:"status"`
	From   *string       `json:"from"` // stored plan_type before (nil when absent)
	To     string        `json:"to"`
	Error  string        `json:"error,omitempty"`
	Window time.Duration `json:"-"` // re-read to rename, for the race measurement
}

// BatchResult is one batch of writes (or of undos).
type BatchResult struct {
	Batch        string         `json:"batch"`
	Outcomes     []WriteOutcome `json:"files"`
	Written      int            `json:"written"`
	Unchanged    int            `json:"unchanged"`
	Conflicts    int            `json:"conflicts"`
	Refused      int            `json:"refused"`
	Errors       int            `json:"errors"`
	CleanedTemps []string       `json:"cleaned_temps"`
}

// Failed counts the files that needed a write and did not get it.
func (b BatchResult) Failed() int { return b.Conflicts + b.Refused + b.Errors }

func (b *BatchResult) add(o WriteOutcome) {
	b.Outcomes = append(b.Outcomes, o)
	switch o.Status {
	case StatusWritten:
		b.Written++
	case StatusUnchanged:
		b.Unchanged++
	case StatusConflict:
		b.Conflicts++
	case StatusRefused:
		b.Refused++
	default:
		b.Errors++
	}
}

// Writer persists normalized metadata and records every write.
type Writer struct {
	Source   auth.Source // reloads a file after a conflict
	Audit    AuditLog
	Now      func() time.Time
	Progress func(done, total int) // optional, called after each file
}

// WritePlans writes the normalized plan_type into every given account that
// needs it (PlannedPlanType). A conflict reloads the file, recomputes what
// to write and retries once. Every write is appended to the audit log.
func (w Writer) WritePlans(ctx context.Context, snap *Snapshot, accounts []*Account) BatchResult {
	if bw, ok := w.Source.(auth.BatchWriter); ok {
		return w.writeStore(ctx, bw, snap, accounts) // a store: storewrite.go
	}
	res := BatchResult{Batch: newBatchID(w.now()), Outcomes: []WriteOutcome{}, CleanedTemps: w.cleanTemps(accounts)}
	var entries []AuditEntry
	for i, a := range accounts {
		if ctx.Err() != nil {
			res.add(WriteOutcome{File: a.File, Status: StatusError, Error: ctx.Err().Error()})
			continue
		}
		o, entry := w.writeOne(ctx, snap, a)
		res.add(o)
		if entry != nil {
			entry.Batch = res.Batch
			entries = append(entries, *entry)
		}
		if w.Progress != nil {
			w.Progress(i+1, len(accounts))
		}
	}
	if err := w.Audit.Append(entries); err != nil {
		// The files are written; say loudly that the record is missing.
		res.add(WriteOutcome{File: w.Audit.Path, Status: StatusError, Error: "audit log: " + err.Error()})
	}
	return res
}

func (w Writer) writeOne(ctx context.Context, snap *Snapshot, a *Account) (WriteOutcome, *AuditEntry) {
	o := WriteOutcome{File: a.File}
	for attempt := 0; ; attempt++ {
		tier, ok := PlannedPlanType(a)
		if !ok {
			o.Status = StatusUnchanged
			return o, nil
		}
		o.To = tier
		o.From = nil
		if st := a.Raw.StoredPlan; st.IsString {
			o.From = ptr(st.Value)
		}
		var old json.RawMessage
		res, err := auth.WriteFile(a.Path, a.Raw.Digest, func(data []byte) ([]byte, error) {
			if v, ok, err := auth.MemberValue(data, PlanTypeKey); err == nil && ok {
				old = slices.Clone(v)
			}
			return auth.SetStringMember(data, PlanTypeKey, tier)
		})
		o.Window = res.Window
		switch {
		case err == nil && !res.Changed:
			o.Status = StatusUnchanged
			return o, nil
		case err == nil || res.Changed:
			// Renamed into place: written, and audited, even if the
			// directory sync that follows failed (said in Error).
			o.Status = StatusWritten
			if err != nil {
				o.Error = err.Error()
			}
			newValue, _ := json.Marshal(tier)
			return o, &AuditEntry{
				Time: w.now(), File: a.File, Path: a.Path, Key: PlanTypeKey, Old: old, New: newValue,
				SHA256Before: hex.EncodeToString(res.Before[:]), SHA256After: hex.EncodeToString(res.After[:]),
			}
		case errors.Is(err, auth.ErrConflict) && attempt == 0 && w.Source != nil:
			// Another writer got there first: reload, recompute, retry once.
			raw, present, lerr := w.Source.Load(ctx, a.File)
			if lerr != nil || !present {
				o.Status, o.Error = StatusConflict, "changed, then could not be reloaded"
				return o, nil
			}
			if raw.Err != nil {
				// Most likely caught mid-rewrite: the write is still owed,
				// so not "unchanged".
				o.Status, o.Error = StatusConflict, "changed, then could not be read: "+raw.Err.Error()
				return o, nil
			}
			a = snap.Resolver().Resolve(raw)
		case errors.Is(err, auth.ErrConflict):
			o.Status, o.Error = StatusConflict, err.Error()
			return o, nil
		case errors.Is(err, auth.ErrSymlink), errors.Is(err, auth.ErrHardLink):
			o.Status, o.Error = StatusRefused, err.Error()
			return o, nil
		default:
			o.Status, o.Error = StatusError, err.Error()
			return o, nil
		}
	}
}

// cleanTemps removes crashed writers' temp files from the folders written.
func (w Writer) cleanTemps(accounts []*Account) []string {
	seen := map[string]bool{}
	removed := []string{}
	for _, a := range accounts {
		dir := filepath.Dir(a.Path)
		if seen[dir] {
			continue
		}
		seen[dir] = true
		names, _ := auth.CleanTemps(dir)
		for _, n := range names {
			removed = append(removed, filepath.Join(dir, n))
		}
	}
	return removed
}

func (w Writer) now() time.Time {
	if w.Now != nil {
		return w.Now().UTC()
	}
	return time.Now().UTC()
}

func newBatchID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return now.Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// AuditEntry is one line of the audit log: one member of one file changed.
type AuditEntry struct {
	Batch        string          `json:"batch"`
	Time         time.Time       `json:"time"`
	File         string          `json:"file"`
	Path         string          `json:"path"`
	Key          string          `json:"key"`
	Old          json.RawMessage `json:"old"` // as encoded in the file; null when absent
	New          json.RawMessage `json:"new"`
	SHA256Before string          `json:"sha256_before"`
	SHA256After  string          `json:"sha256_after"`
	Undoes       string          `json:"undoes,omitempty"` // set on entries of an undo batch
	Store        *StoreAudit     `json:"store,omitempty"`  // set on writes to a store (storewrite.go)
}

// AuditLog is a JSON-lines file of every write (under the cache dir).
type AuditLog struct {
	Path string
}

// Append adds entries, fsynced. Nothing is written for no entries.
func (l AuditLog) Append(entries []AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	if l.Path == "" {
		return errors.New("no audit log path")
	}
	var buf bytes.Buffer
	for _, e := range entries {
		if e.Old == nil {
			e.Old = json.RawMessage("null")
		}
		line, err := json.Marshal(e)
		if err != nil {
			return err
		}
		buf.Write(append(line, '\n'))
	}
	if err := os.MkdirAll(filepath.Dir(l.Path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(l.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Entries reads the whole log.
func (l AuditLog) Entries() ([]AuditEntry, error) {
	f, err := os.Open(l.Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []AuditEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var e AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("audit log line %d: %w", n, err)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// lastUndoable returns the entries of the newest write batch that no undo
// batch has reverted yet.
// A file an undo refused stays undoable: a later undo tries it again.
func lastUndoable(entries []AuditEntry) []AuditEntry {
	undone := map[string]bool{}
	for _, e := range entries {
		if e.Undoes != "" {
			undone[e.Undoes+"\x00"+e.Path] = true
		}
	}
	for i := len(entries) - 1; i >= 0; i-- {
		b := entries[i].Batch
		if entries[i].Undoes != "" || undone[b+"\x00"+entries[i].Path] {
			continue
		}
		var out []AuditEntry
		for _, e := range entries {
			if e.Batch == b && !undone[b+"\x00"+e.Path] {
				out = append(out, e)
			}
		}
		return out
	}
	return nil
}

// ErrNothingToUndo means the audit log has no batch left to revert.
var ErrNothingToUndo = errors.New("nothing to undo: the audit log has no write batch that was not undone")

// Undo reverts the newest batch not yet undone, through the same safe write:
// each file must still be exactly what the batch wrote (else it is refused),
// and must come back exactly as it was before.
func (w Writer) Undo(ctx context.Context) (BatchResult, error) {
	entries, err := w.Audit.Entries()
	if errors.Is(err, os.ErrNotExist) {
		return BatchResult{}, ErrNothingToUndo
	}
	if err != nil {
		return BatchResult{}, err
	}
	batch := lastUndoable(entries)
	if len(batch) == 0 {
		return BatchResult{}, ErrNothingToUndo
	}
	res := BatchResult{Batch: newBatchID(w.now()), Outcomes: []WriteOutcome{}, CleanedTemps: []string{}}
	var undo []AuditEntry
	batch, stored := splitStoreEntries(batch)
	for i := len(batch) - 1; i >= 0; i-- {
		e := batch[i]
		if ctx.Err() != nil {
			// Checked before writing: a cancelled undo writes nothing more.
			res.add(WriteOutcome{File: e.File, Status: StatusError, Error: ctx.Err().Error()})
			continue
		}
		o, entry := w.undoOne(e)
		res.add(o)
		if entry != nil {
			entry.Batch, entry.Undoes = res.Batch, e.Batch
			undo = append(undo, *entry)
		}
	}
	for _, entry := range w.undoStore(ctx, stored, &res) {
		entry.Batch, entry.Undoes = res.Batch, stored[0].Batch
		undo = append(undo, entry)
	}
	if err := w.Audit.Append(undo); err != nil {
		return res, fmt.Errorf("audit log: %w", err)
	}
	return res, nil
}

// restore puts e's member back as it was before the write; the result must
// hash to before. The log holds null both for a key that was absent and for
// one that held null, so for null the digest decides which it was.
func restore(data []byte, e AuditEntry, before [32]byte) ([]byte, error) {
	old := e.Old
	if len(old) == 0 {
		old = json.RawMessage("null")
	}
	out, err := auth.SetMember(data, e.Key, old)
	if err == nil && sha256.Sum256(out) != before && string(old) == "null" {
		out, err = auth.RemoveMember(data, e.Key)
	}
	if err == nil && sha256.Sum256(out) != before {
		err = errors.New("the restored file would not match the original byte for byte")
	}
	return out, err
}

func (w Writer) undoOne(e AuditEntry) (WriteOutcome, *AuditEntry) {
	o := WriteOutcome{File: e.File}
	var from, to string
	if json.Unmarshal(e.New, &from) == nil {
		o.From = &from
	}
	_ = json.Unmarshal(e.Old, &to) // "" when the key was absent: undo removes it
	o.To = to
	after, err1 := hex.DecodeString(e.SHA256After)
	before, err2 := hex.DecodeString(e.SHA256Before)
	if err1 != nil || err2 != nil || len(after) != 32 || len(before) != 32 {
		o.Status, o.Error = StatusError, "audit entry has no valid digests"
		return o, nil
	}
	res, err := auth.WriteFile(e.Path, auth.SHA256Digest([32]byte(after)), func(data []byte) ([]byte, error) {
		return restore(data, e, [32]byte(before))
	})
	switch {
	case err == nil:
		o.Status = StatusWritten
		return o, &AuditEntry{
			Time: w.now(), File: e.File, Path: e.Path, Key: e.Key, Old: e.New, New: e.Old,
			SHA256Before: e.SHA256After, SHA256After: hex.EncodeToString(res.After[:]),
		}
	case errors.Is(err, auth.ErrConflict):
		o.Status, o.Error = StatusRefused, "changed since the write; not reverted"
	case errors.Is(err, auth.ErrSymlink), errors.Is(err, auth.ErrHardLink):
		o.Status, o.Error = StatusRefused, err.Error()
	default:
		o.Status, o.Error = StatusError, err.Error()
	}
	return o, nil
}
