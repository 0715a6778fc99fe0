package auth

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// A Source whose records are not files (the proxy's PostgreSQL store) says
// so by implementing the optional interfaces below; callers check for them
// with a type assertion, so the folder needs none of this.

// BatchWriter is a Source that writes its records itself, a batch at a
// time, instead of having Account.Path rewritten (core routes every write
// of such a source here).
type BatchWriter interface {
	Source
	// EditRecords applies every edit in one transaction. Each record must
	// still be what was loaded (its ModTime and Digest as its Account had
	// them): if not, its result has ErrConflict (ErrGone when deleted) and
	// it is left alone, while the others are written together. With dryRun
	// nothing is written: the results say what a write would do. An error
	// is for the batch as a whole: then nothing was written (or, when it
	// says so, the outcome is unknown).
	EditRecords(ctx context.Context, edits []RecordEdit, dryRun bool) ([]RecordResult, error)
}

// ChangeSource is a Source that can tell, cheaply, which records changed
// since it last read them. A folder is watched (fsnotify) instead; a store
// is polled with this.
type ChangeSource interface {
	Source
	// Changes returns the names of the records added, changed or deleted
	// since Scan or Load last read them, re-reading none of them: call Load
	// for each (a deleted one loads as not present). Nothing changed gives
	// none, at the cost of one small query. Call Scan first.
	Changes(ctx context.Context) ([]string, error)
}

// RecordEdit sets, or removes, one top-level member of one record.
type RecordEdit struct {
	File    string    // the record's name (Account.File); one edit per record
	ModTime time.Time // its version as loaded (Account.ModTime)
	Digest  Digest    // its content as loaded (Account.Digest)
	Key     string    // the top-level member to set
	// Value is the member's new value, encoded JSON; nil removes the member.
	Value json.RawMessage
}

// RecordResult is what an edit did, or (dry run) would do, to one record.
type RecordResult struct {
	File    string
	Err     error // nil, ErrConflict, ErrGone, or why this record failed
	Changed bool  // written (or would be); false when it already held Value
	// Old is the member's value before, encoded; nil when it was absent.
	Old json.RawMessage
	// Before and After are the record's content before and after the edit
	// (After is Before when unchanged); nil when Err is set.
	Before, After []byte
	// ModTimeBefore and ModTimeAfter are the record's versions.
	ModTimeBefore, ModTimeAfter time.Time
}

// ErrGone means a record was deleted since it was loaded.
var ErrGone = errors.New("the record no longer exists")

// CheckSignature sets a's signature state from the id_token in data, the
// bytes a was parsed from: what a Dir does for its files, for sources that
// read records elsewhere. A nil Verifier leaves the state as it is.
func (v *Verifier) CheckSignature(a *Account, data []byte) {
	if v == nil || a.IDToken == nil || a.IDToken.Err != nil {
		return
	}
	if tok, ok := idTokenText(data); ok {
		a.IDToken.Signature = v.Verify(tok)
	}
}
