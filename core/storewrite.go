package core

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/tierscope/tierscope/auth"
)

// Writes to a source that writes its records itself (auth.BatchWriter: the
// proxy's PostgreSQL store) go through it, a batch per transaction, instead
// of rewriting files; what is decided (PlannedPlanType), reported
// (BatchResult) and audited (AuditEntry) is the same as for files.

// StoreAudit is what an audit entry of a store write adds: the record's
// versions, which undo checks (with the digests) before reverting.
type StoreAudit struct {
	Source          string    `json:"source"` // the store as described; never a password
	UpdatedAtBefore time.Time `json:"updated_at_before"`
	UpdatedAtAfter  time.Time `json:"updated_at_after"`
	// OldAbsent says the key was absent before (old is then null); undo
	// removes it rather than storing null.
	OldAbsent bool `json:"old_absent,omitempty"`
}

// writeStore is WritePlans for a BatchWriter: one transaction for the
// batch; the records that conflicted are reloaded, recomputed and retried
// in one more (as a file is retried once); one that conflicts again is a
// conflict.
func (w Writer) writeStore(ctx context.Context, bw auth.BatchWriter, snap *Snapshot, accounts []*Account) BatchResult {
	res := BatchResult{Batch: newBatchID(w.now()), Outcomes: []WriteOutcome{}, CleanedTemps: []string{}}
	outcomes := make([]WriteOutcome, len(accounts))
	current := make([]*Account, len(accounts))
	pending := make([]int, len(accounts))
	for i, a := range accounts {
		outcomes[i] = WriteOutcome{File: a.File, Status: StatusUnchanged}
		current[i], pending[i] = a, i
	}
	var entries []AuditEntry
	for attempt := 0; attempt < 2 && len(pending) > 0; attempt++ {
		if err := ctx.Err(); err != nil {
			for _, i := range pending {
				outcomes[i].Status, outcomes[i].Error = StatusError, err.Error()
			}
			break
		}
		edits, idx := planEdits(current, pending, outcomes)
		pending = nil
		if len(edits) == 0 {
			break
		}
		results, err := bw.EditRecords(ctx, edits, false)
		if err != nil {
			for _, i := range idx {
				outcomes[i].Status, outcomes[i].Error = StatusError, err.Error()
			}
			break
		}
		for k, r := range results {
			i, o, a := idx[k], &outcomes[idx[k]], current[idx[k]]
			switch {
			case r.Err == nil && r.Changed:
				o.Status, o.Error = StatusWritten, ""
				e := w.storeEntry(bw, a.File, a.Path, edits[k], r)
				e.Batch = res.Batch
				entries = append(entries, e)
			case r.Err == nil:
				o.Status, o.Error = StatusUnchanged, ""
			case errors.Is(r.Err, auth.ErrGone), errors.Is(r.Err, auth.ErrConflict) && attempt > 0:
				o.Status, o.Error = StatusConflict, r.Err.Error()
			case errors.Is(r.Err, auth.ErrConflict):
				raw, present, lerr := bw.Load(ctx, a.File)
				switch {
				case lerr != nil || !present:
					o.Status, o.Error = StatusConflict, "changed, then could not be reloaded"
				case raw.Err != nil:
					o.Status, o.Error = StatusConflict, "changed, then could not be read: "+raw.Err.Error()
				default:
					current[i] = snap.Resolver().Resolve(raw)
					pending = append(pending, i)
				}
			default:
				o.Status, o.Error = StatusError, r.Err.Error()
			}
		}
		if w.Progress != nil {
			w.Progress(len(accounts)-len(pending), len(accounts))
		}
	}
	for _, o := range outcomes {
		res.add(o)
	}
	if err := w.Audit.Append(entries); err != nil {
		res.add(WriteOutcome{File: w.Audit.Path, Status: StatusError, Error: "audit log: " + err.Error()})
	}
	return res
}

// planEdits makes the edits of the pending accounts that need one, and
// marks the others unchanged; idx maps each edit to its account.
func planEdits(accounts []*Account, pending []int, outcomes []WriteOutcome) (edits []auth.RecordEdit, idx []int) {
	for _, i := range pending {
		a, o := accounts[i], &outcomes[i]
		tier, ok := PlannedPlanType(a)
		if !ok {
			o.Status, o.Error = StatusUnchanged, ""
			continue
		}
		o.To, o.From = tier, nil
		if st := a.Raw.StoredPlan; st.IsString {
			o.From = ptr(st.Value)
		}
		value, _ := json.Marshal(tier)
		edits = append(edits, auth.RecordEdit{File: a.File, ModTime: a.Raw.ModTime, Digest: a.Raw.Digest, Key: PlanTypeKey, Value: value})
		idx = append(idx, i)
	}
	return edits, idx
}

func (w Writer) storeEntry(bw auth.BatchWriter, file, path string, e auth.RecordEdit, r auth.RecordResult) AuditEntry {
	before, after := sha256.Sum256(r.Before), sha256.Sum256(r.After)
	newValue := e.Value
	if newValue == nil {
		newValue = json.RawMessage("null")
	}
	return AuditEntry{
		Time: w.now(), File: file, Path: path, Key: e.Key, Old: r.Old, New: newValue,
		SHA256Before: hex.EncodeToString(before[:]), SHA256After: hex.EncodeToString(after[:]),
		Store: &StoreAudit{Source: bw.Describe(), UpdatedAtBefore: r.ModTimeBefore, UpdatedAtAfter: r.ModTimeAfter, OldAbsent: r.Old == nil},
	}
}

// splitStoreEntries separates the entries of store writes from those of
// file writes.
func splitStoreEntries(entries []AuditEntry) (files, stored []AuditEntry) {
	for _, e := range entries {
		if e.Store != nil {
			stored = append(stored, e)
		} else {
			files = append(files, e)
		}
	}
	return files, stored
}

// undoStore reverts store entries in one transaction: each record must
// still be what the batch wrote (its updated_at and digest), else it is
// refused and stays undoable. It adds the outcomes to res and returns the
// entries of what it reverted.
func (w Writer) undoStore(ctx context.Context, entries []AuditEntry, res *BatchResult) []AuditEntry {
	if len(entries) == 0 {
		return nil
	}
	bw, _ := w.Source.(auth.BatchWriter)
	var edits []auth.RecordEdit
	var from []AuditEntry
	for _, e := range entries {
		o := undoOutcome(e)
		after, err := hex.DecodeString(e.SHA256After)
		switch {
		case bw == nil || bw.Describe() != e.Store.Source:
			o.Status, o.Error = StatusRefused, "written to "+e.Store.Source+"; undo it with that store as the source"
		case err != nil || len(after) != 32:
			o.Status, o.Error = StatusError, "audit entry has no valid digests"
		case ctx.Err() != nil:
			o.Status, o.Error = StatusError, ctx.Err().Error()
		default:
			old := e.Old
			if e.Store.OldAbsent {
				old = nil
			}
			edits = append(edits, auth.RecordEdit{File: e.File, ModTime: e.Store.UpdatedAtAfter, Digest: auth.SHA256Digest([32]byte(after)), Key: e.Key, Value: old})
			from = append(from, e)
			continue
		}
		res.add(o)
	}
	if len(edits) == 0 {
		return nil
	}
	results, err := bw.EditRecords(ctx, edits, false)
	var out []AuditEntry
	for k, e := range from {
		o := undoOutcome(e)
		switch r := resultAt(results, k); {
		case err != nil:
			o.Status, o.Error = StatusError, err.Error()
		case errors.Is(r.Err, auth.ErrConflict), errors.Is(r.Err, auth.ErrGone):
			o.Status, o.Error = StatusRefused, "changed since the write; not reverted: "+r.Err.Error()
		case r.Err != nil:
			o.Status, o.Error = StatusError, r.Err.Error()
		default:
			o.Status = StatusWritten
			entry := w.storeEntry(bw, e.File, e.Path, edits[k], r)
			entry.Old, entry.New = e.New, e.Old
			entry.Store.OldAbsent = false
			out = append(out, entry)
		}
		res.add(o)
	}
	return out
}

func resultAt(results []auth.RecordResult, k int) auth.RecordResult {
	if k < len(results) {
		return results[k]
	}
	return auth.RecordResult{}
}

// undoOutcome is an undo's outcome before it runs: from the value written
// back to the one before.
func undoOutcome(e AuditEntry) WriteOutcome {
	o := WriteOutcome{File: e.File}
	var from, to string
	if json.Unmarshal(e.New, &from) == nil {
		o.From = &from
	}
	_ = json.Unmarshal(e.Old, &to)
	o.To = to
	return o
}

// PreparedWrite is the write one account would get, or why it has none.
type PreparedWrite struct {
	Write  PlanWrite
	Needed bool
	Err    error
}

// PreparePlanWrites prepares the write of each account: PlanWrites,
// collected.
func PreparePlanWrites(ctx context.Context, src auth.Source, accounts []*Account) []PreparedWrite {
	return slices.Collect(PlanWrites(ctx, src, accounts))
}

// PlanWrites yields the write each account would get, in order, as
// PreparePlanWrite prepares it for a file: one file at a time, so a dry run
// over 10,000 files never holds them all. For a source that writes its
// records itself (a store), the records are read through it in one dry run
// (no lock, no write) first, and Before and After are the record's JSONB
// content, indented for a diff. src may be nil: files.
func PlanWrites(ctx context.Context, src auth.Source, accounts []*Account) iter.Seq[PreparedWrite] {
	return func(yield func(PreparedWrite) bool) {
		bw, ok := src.(auth.BatchWriter)
		if !ok {
			for _, a := range accounts {
				var p PreparedWrite
				p.Write, p.Needed, p.Err = PreparePlanWrite(a)
				if !yield(p) {
					return
				}
			}
			return
		}
		for _, p := range prepareRecordWrites(ctx, bw, accounts) {
			if !yield(p) {
				return
			}
		}
	}
}

// prepareRecordWrites is PlanWrites for a store: one dry run of every edit.
func prepareRecordWrites(ctx context.Context, bw auth.BatchWriter, accounts []*Account) []PreparedWrite {
	out := make([]PreparedWrite, len(accounts))
	outcomes := make([]WriteOutcome, len(accounts))
	all := make([]int, len(accounts))
	for i := range all {
		all[i] = i
	}
	edits, idx := planEdits(accounts, all, outcomes)
	if len(edits) == 0 {
		return out
	}
	results, err := bw.EditRecords(ctx, edits, true)
	for k, i := range idx {
		a, p := accounts[i], &out[i]
		r := resultAt(results, k)
		switch {
		case err != nil:
			p.Err = fmt.Errorf("%s: %w", a.File, err)
			continue
		case r.Err != nil:
			p.Err = fmt.Errorf("%s: %w", a.File, r.Err)
			continue
		}
		p.Needed = r.Changed
		p.Write = PlanWrite{File: a.File, Path: a.Path, Key: PlanTypeKey, Old: outcomes[i].From, New: outcomes[i].To,
			Before: indentJSON(r.Before), After: indentJSON(r.After)}
	}
	return out
}

// indentJSON lays a record's JSONB text (one line) out for a diff.
func indentJSON(data []byte) []byte {
	var b bytes.Buffer
	if json.Indent(&b, data, "", "  ") != nil {
		return data
	}
	b.WriteByte('\n')
	return b.Bytes()
}
