package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tierscope/tierscope/auth"
)

// EditRecords writes a batch of member edits in one transaction, with
// optimistic concurrency: the rows are locked, and a row whose updated_at
// or content is no longer what was loaded is left alone with
// auth.ErrConflict (auth.ErrGone when deleted) while the others are
// written together. Each edit is done by the server on the stored JSONB
// (jsonb_set, or - to remove a member): nothing else in the row changes,
// and updated_at is set to NOW(), as the proxy's own upserts do.
//
// The proxy does not read the table back while it runs: each instance
// keeps the copy it mirrored at start until it restarts, and one that
// saves the account later (a token refresh) overwrites the row with that
// copy, this edit included.
//
// A dry run reads the rows without locking them and computes each edit
// without writing it. A lost connection before anything was sent is
// retried once; one during the transaction rolls everything back; one
// during the commit leaves the outcome unknown, and the error says so.
func (s *Postgres) EditRecords(ctx context.Context, edits []auth.RecordEdit, dryRun bool) ([]auth.RecordResult, error) {
	results := make([]auth.RecordResult, len(edits))
	if len(edits) == 0 {
		return results, nil
	}
	op := "write"
	if dryRun {
		op = "preview"
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var stage string
	err := s.editOnce(ctx, edits, results, dryRun, &stage)
	if err != nil && stage == "reading" && ctx.Err() == nil && connLost(err) {
		s.mu.Lock()
		s.stats.Reconnects++
		s.mu.Unlock()
		err = s.editOnce(ctx, edits, results, dryRun, &stage)
	}
	switch {
	case err == nil:
		return results, nil
	case stage == "committing":
		return nil, s.fail(op, fmt.Errorf("during the commit, so whether the batch was written is unknown (reload to see): %w", err))
	case stage == "writing":
		return nil, s.fail(op, fmt.Errorf("nothing was written (the transaction was rolled back): %w", err))
	}
	return nil, s.fail(op, err)
}

// Per-row outcomes, in the store's words; errors.Is matches auth's.
var (
	errConflict = rowError{"the row changed in the store since it was loaded (another writer: a proxy instance saving it, or another tierscope)", auth.ErrConflict}
	errGone     = rowError{"the row was deleted from the store since it was loaded", auth.ErrGone}
)

type rowError struct {
	msg  string
	kind error
}

func (e rowError) Error() string        { return e.msg }
func (e rowError) Is(target error) bool { return target == e.kind }

// current is a row as the transaction sees it.
type current struct {
	updated time.Time
	content []byte
}

func (s *Postgres) editOnce(ctx context.Context, edits []auth.RecordEdit, results []auth.RecordResult, dryRun bool, stage *string) error {
	*stage = "reading"
	opts := pgx.TxOptions{}
	if dryRun {
		opts.AccessMode = pgx.ReadOnly
	}
	tx, err := s.pool.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) // a no-op after the commit
	rows, err := s.lockRows(ctx, tx, edits, dryRun)
	if err != nil {
		return err
	}
	*stage = "writing"
	batch := &pgx.Batch{}
	var queued []int
	for i, e := range edits {
		r := &results[i]
		*r = auth.RecordResult{File: e.File}
		cur, ok := rows[e.File]
		switch {
		case !ok:
			r.Err = errGone
			continue
		case !cur.updated.Equal(e.ModTime) || !e.Digest.Matches(cur.content):
			r.Err = errConflict
			continue
		}
		r.Before, r.After, r.ModTimeBefore, r.ModTimeAfter = cur.content, cur.content, cur.updated, cur.updated
		old, present, err := auth.MemberValue(cur.content, e.Key)
		if err != nil {
			r.Err = err
			continue
		}
		if present {
			r.Old = bytes.Clone(old)
		}
		if (present && e.Value != nil && sameJSON(old, e.Value)) || (!present && e.Value == nil) {
			continue // already so: nothing to write
		}
		query, args, err := s.editQuery(e, dryRun)
		if err != nil {
			r.Err = err
			continue
		}
		batch.Queue(query, args...)
		queued = append(queued, i)
	}
	if len(queued) == 0 {
		return nil
	}
	br := tx.SendBatch(ctx, batch)
	for _, i := range queued {
		r := &results[i]
		var after []byte
		var at time.Time
		if err := br.QueryRow().Scan(&after, &at); err != nil {
			br.Close()
			return err
		}
		r.After, r.ModTimeAfter, r.Changed = after, at.UTC(), true
	}
	if err := br.Close(); err != nil {
		return err
	}
	if dryRun {
		return nil
	}
	*stage = "committing"
	return tx.Commit(ctx)
}

// lockRows reads the rows to edit as they are now; for a write, it locks
// them until the commit, so no other writer slips in between the check and
// the update (a proxy upsert waits, then wins: last writer wins).
func (s *Postgres) lockRows(ctx context.Context, tx pgx.Tx, edits []auth.RecordEdit, dryRun bool) (map[string]current, error) {
	ids := make([]string, len(edits))
	for i, e := range edits {
		ids[i] = e.File
	}
	query := s.sql.lock
	if dryRun {
		query = query[:len(query)-len(" FOR UPDATE")]
	}
	rows, err := tx.Query(ctx, query, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]current, len(ids))
	for rows.Next() {
		var id string
		var c current
		if err := rows.Scan(&id, &c.updated, &c.content); err != nil {
			return nil, err
		}
		c.updated = c.updated.UTC()
		out[id] = c
	}
	return out, rows.Err()
}

// editQuery picks the statement of one edit and its arguments: a string
// value goes through to_jsonb($3::text), so no JSON is built here.
func (s *Postgres) editQuery(e auth.RecordEdit, dryRun bool) (string, []any, error) {
	pick := func(write, preview string) string {
		if dryRun {
			return preview
		}
		return write
	}
	if e.Value == nil {
		return pick(s.sql.remove, s.sql.previewDel), []any{e.File, e.Key}, nil
	}
	if !json.Valid(e.Value) {
		return "", nil, errors.New("cannot edit: the new value is not JSON")
	}
	var str string
	if bytes.HasPrefix(bytes.TrimSpace(e.Value), []byte(`"`)) && json.Unmarshal(e.Value, &str) == nil {
		return pick(s.sql.setString, s.sql.previewStr), []any{e.File, e.Key, str}, nil
	}
	return pick(s.sql.setJSON, s.sql.previewJSON), []any{e.File, e.Key, string(e.Value)}, nil
}

// sameJSON reports whether two encoded values are equal as JSON.
func sameJSON(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}
