package store

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// read runs a read-only operation; when it fails because the connection
// was lost (a restarted server, pg_terminate_backend, a network cut), it
// runs it once more on a fresh connection, which the pool opens. Reads are
// always safe to repeat.
func (s *Postgres) read(ctx context.Context, op string, f func(context.Context) error) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	err := f(ctx)
	if err != nil && ctx.Err() == nil && connLost(err) {
		s.mu.Lock()
		s.stats.Reconnects++
		s.mu.Unlock()
		err = f(ctx)
	}
	if err != nil {
		return s.fail(op, err)
	}
	return nil
}

// opTimeout bounds an operation whose caller set no deadline, so a
// database that stops answering (a lock held for long, a cut link) is an
// error, not a hang. A full read of 10,000 rows takes well under a second.
const opTimeout = time.Minute

func withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, opTimeout)
}

// connLost reports whether err means the connection is gone, so that a
// new one may succeed.
func connLost(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 08: connection exception; 57P01..03: the server terminated the
		// backend or is shutting down or starting.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return false // a new connection was just refused: trying again now will not help
	}
	var ne net.Error
	return pgconn.SafeToRetry(err) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.As(err, &ne) || strings.Contains(err.Error(), "conn closed")
}

// StoreError is an error of the store itself (not of one record): it names
// the store and says what failed, on one line, never with the password.
type StoreError struct {
	Store string // Describe()
	Op    string // "read", "poll", "write", …
	Msg   string
	Err   error
}

func (e *StoreError) Error() string { return e.Store + ": " + e.Op + ": " + e.Msg }

func (e *StoreError) Unwrap() error { return e.Err }

// ConnectionLost reports whether the error was a lost or refused
// connection: the next try reconnects, and callers keep their last data.
func (e *StoreError) ConnectionLost() bool {
	var ce *pgconn.ConnectError
	return connLost(e.Err) || errors.As(e.Err, &ce)
}

// fail turns a driver error into a StoreError people can act on.
func (s *Postgres) fail(op string, err error) error {
	msg := err.Error()
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		msg = "interrupted: " + msg
	case errors.As(err, &ce):
		detail := msg
		if inner := errors.Unwrap(ce); inner != nil {
			detail = inner.Error()
		}
		msg = "cannot connect: " + distinctLines(detail)
	case errors.As(err, &pe) && pe.Code == "42P01":
		msg = "there is no table " + s.table + " in this database (the proxy's schema is PGSTORE_SCHEMA, or schema= in the DSN)"
	case errors.As(err, &pe) && pe.Code == "42501":
		msg = "permission denied: " + pe.Message
	case connLost(err):
		msg = "the connection was lost (" + msg + "); the next try reconnects"
	}
	return &StoreError{Store: s.Describe(), Op: op, Msg: s.scrub(oneLine(msg)), Err: err}
}

// scrub removes the DSN's password from a message, raw or URL-encoded.
func (s *Postgres) scrub(msg string) string {
	if s.secret == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, s.secret, "xxxxx")
	return strings.ReplaceAll(msg, url.QueryEscape(s.secret), "xxxxx")
}

// distinctLines drops repeated lines: pgx tries with, then without, TLS
// and reports the same refusal twice.
func distinctLines(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}
