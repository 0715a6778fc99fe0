package catalog

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// DefaultURLs are where the proxy itself fetches models.json, in its order.
var DefaultURLs = []string{
	"https://raw.githubusercontent.com/router-for-me/models/refs/heads/main/models.json",
	"https://models.router-for.me/models.json",
}

// Fetcher defaults, used when the matching field is zero.
const (
	DefaultTimeout = 15 * time.Second
	DefaultRetries = 2
	DefaultBackoff = 500 * time.Millisecond

	maxBackoff    = 30 * time.Second // one wait never exceeds this, Retry-After included
	maxReasonLen  = 200              // runes of an error text kept in an attempt
	drainOnReject = 64 << 10         // bytes read from a refused response so its connection can be reused
)

// Fetcher downloads the catalog from its URLs. The zero value works (with
// DefaultURLs, http.DefaultClient and no cache); set Client from
// NewHTTPClient so --proxy and the given environment are honoured. A
// Fetcher is not modified by Refresh, so one value may serve concurrent
// refreshes (the caller decides whether to allow them).
type Fetcher struct {
	URLs    []string      // tried in order; empty means DefaultURLs
	Client  *http.Client  // nil means http.DefaultClient
	Timeout time.Duration // per request, body included; 0 means DefaultTimeout
	Retries int           // extra tries per URL after a network error, 5xx or 429; 0 means DefaultRetries, negative means none
	Backoff time.Duration // first wait before a retry, doubled each time, with jitter; 0 means DefaultBackoff
	Cache   Cache         // where a good download, a "not modified" check and every attempt are recorded; Dir "" records nothing

	Now   func() time.Time                                 // nil means time.Now
	Sleep func(ctx context.Context, d time.Duration) error // nil means a timer that ctx cancels
}

// RefreshResult is what one refresh did. Loaded is the catalog in force
// afterwards: the download on OutcomeOK, the current catalog with CheckedAt
// moved on OutcomeNotModified, and the current catalog untouched on
// OutcomeError.
type RefreshResult struct {
	Loaded   Loaded
	Outcome  string // OutcomeOK, OutcomeNotModified or OutcomeError
	Previous Loaded // the catalog passed in
	// Sections is what changed from Previous to Loaded, per section; empty
	// (not nil) when nothing changed.
	Sections map[string]SectionDiff
	Attempts []Attempt // every HTTP try, good or bad, oldest first
	Err      error     // why the refresh failed (OutcomeError only)
	// CacheErr says the outcome could not be recorded on disk (the cache
	// or the attempts file); the refresh itself still counts.
	CacheErr error
}

// Refresh tries each URL in order until one answers with a valid catalog
// or "not modified", and keeps current otherwise. It never returns before
// every attempt is recorded in f.Cache.
func (f *Fetcher) Refresh(ctx context.Context, current Loaded) RefreshResult {
	res := RefreshResult{Loaded: current, Outcome: OutcomeError, Previous: current, Sections: map[string]SectionDiff{}}
	urls := f.URLs
	if len(urls) == 0 {
		urls = DefaultURLs
	}
	var failures []string
	for _, u := range urls {
		done, reason := f.tryURL(ctx, u, current, &res)
		if done {
			break
		}
		failures = append(failures, redactURL(u)+": "+reason)
		if ctx.Err() != nil {
			break
		}
	}
	if res.Outcome == OutcomeError {
		switch {
		case len(failures) == 0:
			res.Err = errors.New("catalog refresh failed: no URL to try")
		case ctx.Err() != nil:
			res.Err = fmt.Errorf("catalog refresh stopped: %w (%s)", context.Cause(ctx), strings.Join(failures, "; "))
		default:
			res.Err = errors.New("catalog refresh failed: " + strings.Join(failures, "; "))
		}
	}
	if err := f.Cache.RecordAttempts(res.Attempts); err != nil {
		res.CacheErr = errors.Join(res.CacheErr, fmt.Errorf("recording refresh attempts: %w", err))
	}
	return res
}

// tryURL makes up to 1+retries requests to one URL. It reports whether the
// refresh is over (res then holds the outcome), else why this URL failed.
func (f *Fetcher) tryURL(ctx context.Context, u string, current Loaded, res *RefreshResult) (done bool, reason string) {
	etag := ""
	if current.Info.ETag != "" && current.Info.URL == redactURL(u) &&
		(current.Info.Source == SourceCache || current.Info.Source == SourceRemote) {
		etag = current.Info.ETag
	}
	for try := 0; ; try++ {
		r := f.fetchOnce(ctx, u, etag)
		res.Attempts = append(res.Attempts, r.attempt)
		switch r.attempt.Outcome {
		case OutcomeOK:
			f.accept(r, current, res)
			return true, ""
		case OutcomeNotModified:
			f.notModified(r.attempt.At, current, res)
			return true, ""
		}
		if !r.retry || try >= f.retries() || ctx.Err() != nil {
			return false, r.attempt.Error
		}
		if err := f.sleep(ctx, f.wait(try+1, r.retryAfter)); err != nil {
			return false, r.attempt.Error
		}
	}
}

func (f *Fetcher) accept(r fetched, current Loaded, res *RefreshResult) {
	info := Info{
		Source: SourceRemote, URL: r.attempt.URL, FetchedAt: r.attempt.At, CheckedAt: r.attempt.At,
		ETag: r.etag, SHA256: Digest(r.body),
	}
	if f.Cache.Dir != "" {
		if err := f.Cache.Save(r.body, info); err != nil {
			res.CacheErr = errors.Join(res.CacheErr, fmt.Errorf("saving the catalog cache: %w", err))
		}
	}
	res.Loaded = Loaded{Catalog: r.catalog, Info: info}
	res.Outcome = OutcomeOK
	if current.Catalog != nil {
		res.Sections = Compare(current.Catalog, r.catalog)
	}
}

func (f *Fetcher) notModified(at time.Time, current Loaded, res *RefreshResult) {
	// Only restart the cache's age if it holds the very content confirmed.
	if f.Cache.Dir != "" {
		if cached, err := f.Cache.Load(); err == nil && cached.Info.SHA256 == current.Info.SHA256 {
			if err := f.Cache.Touch(at); err != nil {
				res.CacheErr = errors.Join(res.CacheErr, fmt.Errorf("updating the catalog cache: %w", err))
			}
		}
	}
	res.Loaded = current
	res.Loaded.Info.CheckedAt = at
	res.Outcome = OutcomeNotModified
}

// fetched is one HTTP try.
type fetched struct {
	attempt    Attempt
	retry      bool          // a network error, 5xx or 429: worth another try at the same URL
	retryAfter time.Duration // the server's Retry-After, when it gave one
	body       []byte
	etag       string
	catalog    *Catalog
}

func (f *Fetcher) fetchOnce(parent context.Context, u, etag string) (r fetched) {
	r.attempt = Attempt{At: f.now().UTC(), URL: redactURL(u)}
	start := time.Now()
	defer func() {
		r.attempt.Duration = time.Since(start)
		if r.attempt.Error != "" {
			r.attempt.Outcome = OutcomeError
			r.attempt.Error = sanitizeReason(r.attempt.Error)
		}
	}()
	ctx, cancel := context.WithTimeout(parent, f.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		r.attempt.Error = "bad URL: " + unwrapURLError(err).Error()
		return r
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "tierscope")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := f.client().Do(req)
	if err != nil {
		// A certificate the client refuses will be refused again.
		var certErr *tls.CertificateVerificationError
		r.attempt.Error, r.retry = f.networkReason(parent, ctx, err), !errors.As(err, &certErr)
		return r
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusNotModified && etag != "":
		r.attempt.Outcome = OutcomeNotModified
		return r
	case resp.StatusCode == http.StatusNotModified:
		r.attempt.Error = "HTTP 304 Not Modified to a request that was not conditional"
	case resp.StatusCode != http.StatusOK:
		r.attempt.Error = statusReason(resp.StatusCode)
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			r.retry = true
			r.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), f.now())
		}
	}
	if r.attempt.Error != "" {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainOnReject))
		return r
	}

	body, err := readCapped(resp.Body, resp.ContentLength)
	switch {
	case errors.Is(err, errTooLarge):
		r.attempt.Error = err.Error()
		return r
	case err != nil:
		// A body cut short is a network failure, not a bad catalog.
		r.attempt.Error, r.retry = "reading the body: "+f.networkReason(parent, ctx, err), true
		return r
	}
	cat, err := ParseValid(body)
	if err != nil {
		r.attempt.Error = "rejected: " + err.Error()
		return r
	}
	r.attempt.Outcome = OutcomeOK
	r.body, r.catalog, r.etag = body, cat, resp.Header.Get("ETag")
	return r
}

var errTooLarge = fmt.Errorf("rejected: the body is larger than the %d MiB limit", MaxSize>>20)

// readCapped reads at most MaxSize+1 bytes into one buffer: a body over the
// limit is refused there, never held whole.
func readCapped(r io.Reader, contentLength int64) ([]byte, error) {
	if contentLength > MaxSize {
		return nil, errTooLarge
	}
	var buf bytes.Buffer
	if contentLength > 0 {
		buf.Grow(int(contentLength) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if n > MaxSize {
		return nil, errTooLarge
	}
	return buf.Bytes(), nil
}

// networkReason words a transport error briefly; a deadline of this try
// reads as a timeout, not as the caller's cancellation.
func (f *Fetcher) networkReason(parent, ctx context.Context, err error) string {
	if parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("timed out after %s", f.timeout())
	}
	if parent.Err() != nil {
		return context.Cause(parent).Error()
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out: " + unwrapURLError(err).Error()
	}
	return unwrapURLError(err).Error()
}

// unwrapURLError drops the `Get "URL": ` prefix: the attempt names its URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// statusReason names a status by its standard text, never the server's
// reason phrase or body.
func statusReason(code int) string {
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("HTTP %d %s", code, text)
	}
	return fmt.Sprintf("HTTP %d", code)
}

func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return min(time.Duration(s)*time.Second, maxBackoff)
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxBackoff)
	}
	return 0
}

// sanitizeReason keeps an error text short and printable: text that came
// from a server (ids in a validation error, say) must not smuggle control
// sequences or pages of output into a terminal or a log.
func sanitizeReason(s string) string {
	var b strings.Builder
	n := 0
	space := false
	for _, r := range strings.TrimSpace(s) {
		blank := unicode.IsSpace(r) || !unicode.IsPrint(r)
		if blank && space {
			continue
		}
		if n == maxReasonLen {
			b.WriteString("…")
			break
		}
		space = blank
		if blank {
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

// redactURL hides a password in a URL given by the operator.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// wait is the pause before retry n (1-based): Backoff·2^(n-1), between half
// and all of it at random so many clients do not retry in step, and at
// least what the server asked for with Retry-After.
func (f *Fetcher) wait(n int, retryAfter time.Duration) time.Duration {
	d := f.backoff()
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	d = d/2 + rand.N(d/2+1)
	return max(d, retryAfter)
}

func (f *Fetcher) timeout() time.Duration {
	if f.Timeout > 0 {
		return f.Timeout
	}
	return DefaultTimeout
}

func (f *Fetcher) retries() int {
	switch {
	case f.Retries < 0:
		return 0
	case f.Retries == 0:
		return DefaultRetries
	}
	return f.Retries
}

func (f *Fetcher) backoff() time.Duration {
	if f.Backoff > 0 {
		return f.Backoff
	}
	return DefaultBackoff
}

func (f *Fetcher) client() *http.Client {
	if f.Client != nil {
		return f.Client
	}
	return http.DefaultClient
}

func (f *Fetcher) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *Fetcher) sleep(ctx context.Context, d time.Duration) error {
	if f.Sleep != nil {
		return f.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// FetchCandidate downloads a catalog to compare with the one in force (a
// candidate): one URL, with the fetcher's timeout, retries, size cap and
// validation, and nothing saved or recorded (the cache holds the catalog
// in force, not candidates).
func FetchCandidate(ctx context.Context, client *http.Client, url string) (Loaded, error) {
	f := &Fetcher{URLs: []string{url}, Client: client}
	res := f.Refresh(ctx, Loaded{})
	if res.Outcome != OutcomeOK {
		return Loaded{}, res.Err
	}
	return res.Loaded, nil
}
