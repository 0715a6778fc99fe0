// Package mgmt is a client for a running CLIProxyAPI proxy's management API
// (/v0/management): which auth files the proxy really loaded, and which
// models it really registered for each.
//
// It earns its own package because it talks to an external system with its
// own protocol and quirks: a bearer key that the proxy's config cannot give
// back (it stores a bcrypt hash), a 404 for every route when the API is
// disabled, a 403 for remote callers it does not allow, and a models route
// that answers 200 with an empty list for an unknown file name, exactly as
// for a disabled or unloaded one. Callers get typed errors (Kind) and plain
// data; comparing it with predictions is core's job.
package mgmt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// DefaultTimeout bounds one request when Client.Timeout is zero. Measured on
// a real proxy with 10,000 accounts, the account list takes about 0.8 s
// and one models request about 125 ms; the margin covers a busy proxy.
const DefaultTimeout = 30 * time.Second

// Size limits: the list is about 1.8 KiB per account (18 MB for 10,000);
// a models answer is a few KiB.
const (
	maxListBytes   = 1 << 30
	maxModelsBytes = 16 << 20
)

// Client talks to one proxy's management API.
type Client struct {
	// BaseURL is the proxy's address, e.g. http://127.0.0.1:8317 (a
	// trailing /v0/management is accepted too).
	BaseURL string
	// Key is the management key, sent as "Authorization: Bearer KEY". It
	// never appears in an error: every error text is scrubbed of it.
	Key string
	// HTTP is the client to use; nil means http.DefaultClient.
	HTTP *http.Client
	// Timeout bounds each request; zero means DefaultTimeout.
	Timeout time.Duration
}

// AuthFile is one account the proxy loaded, as GET /auth-files lists it.
// Only the fields tierscope reads are kept; the rest of the proxy's record
// (recent request counts, timestamps, paths) is ignored.
type AuthFile struct {
	Name          string `json:"name"` // the file name, e.g. codex-…-plus.json
	Type          string `json:"type"`
	Provider      string `json:"provider"`
	Email         string `json:"email"`
	Label         string `json:"label"`
	AccountType   string `json:"account_type"` // oauth, api_key, …
	Disabled      bool   `json:"disabled"`
	Unavailable   bool   `json:"unavailable"`    // e.g. its last refresh failed
	Status        string `json:"status"`         // active, disabled, error, …
	StatusMessage string `json:"status_message"` // e.g. unauthorized
	Source        string `json:"source"`         // file, or another store
	RuntimeOnly   bool   `json:"runtime_only"`   // not persisted anywhere
	// PlanType is the plan the proxy read from the account's id_token
	// (its decoded "id_token.plan_type"), "" when none.
	PlanType string `json:"-"`
}

// ProviderName is the account's provider as the proxy names it.
func (f AuthFile) ProviderName() string {
	if f.Provider != "" {
		return f.Provider
	}
	return f.Type
}

// Model is one model the proxy registered for an account.
type Model struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	Type        string `json:"type"`
	OwnedBy     string `json:"owned_by"`
}

// AuthFiles lists the accounts the proxy loaded (one request). A file in
// the auth directory that the proxy did not load is simply absent.
func (c *Client) AuthFiles(ctx context.Context) ([]AuthFile, error) {
	var doc struct {
		Files *[]authFileJSON `json:"files"`
	}
	if err := c.get(ctx, "/v0/management/auth-files", nil, maxListBytes, &doc); err != nil {
		return nil, err
	}
	if doc.Files == nil {
		return nil, c.protocolError("/v0/management/auth-files", `the answer has no "files" list`)
	}
	out := make([]AuthFile, len(*doc.Files))
	for i, f := range *doc.Files {
		out[i] = f.AuthFile
		var tok struct {
			PlanType string `json:"plan_type"`
		}
		if len(f.IDToken) > 0 && f.IDToken[0] == '{' && json.Unmarshal(f.IDToken, &tok) == nil {
			out[i].PlanType = tok.PlanType
		}
	}
	return out, nil
}

// authFileJSON reads id_token as raw JSON: this proxy version gives the
// decoded claims as an object, and a raw token string must never be kept.
type authFileJSON struct {
	AuthFile
	IDToken json.RawMessage `json:"id_token"`
}

// Models lists the models the proxy registered for one account, in the
// proxy's registration order. Beware the quirk: a name the proxy does not
// know gives an empty list, not an error, just like a disabled account or
// one it did not load; tell them apart with AuthFiles.
func (c *Client) Models(ctx context.Context, name string) ([]Model, error) {
	var doc struct {
		Models *[]Model `json:"models"`
	}
	q := url.Values{"name": {name}}
	if err := c.get(ctx, "/v0/management/auth-files/models", q, maxModelsBytes, &doc); err != nil {
		return nil, err
	}
	if doc.Models == nil {
		return nil, c.protocolError("/v0/management/auth-files/models", `the answer has no "models" list`)
	}
	return *doc.Models, nil
}

// Kind classifies a failed request, so a caller can tell "fix the key" from
// "start the proxy" from "try again".
type Kind int

// Kinds of failure.
const (
	KindWrongKey    Kind = iota + 1 // 401: the proxy refused the key
	KindMissingKey                  // 401: the proxy got no key
	KindForbidden                   // 403: remote management not allowed, IP banned, no key configured
	KindNotEnabled                  // 404 on a management route: the API is disabled, or this is not the proxy
	KindUnreachable                 // no connection: refused, unknown host, TLS failure
	KindTimeout                     // no full answer within the timeout
	KindStatus                      // any other unexpected HTTP status
	KindProtocol                    // a 200 whose body is not the management API's JSON
	KindCanceled                    // the caller's context ended
)

var kindNames = map[Kind]string{
	KindWrongKey: "wrong_key", KindMissingKey: "missing_key", KindForbidden: "forbidden",
	KindNotEnabled: "not_enabled", KindUnreachable: "unreachable", KindTimeout: "timeout",
	KindStatus: "status", KindProtocol: "protocol", KindCanceled: "canceled",
}

// String is a stable name for the kind (wrong_key, timeout, …).
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is a failed management API request. Its text is one line, names the
// proxy's address and says why; it never holds the key.
type Error struct {
	Kind   Kind
	Status int    // the HTTP status, 0 when there was no answer
	URL    string // the proxy's address (credentials in it redacted)
	Reason string // one line, e.g. `the proxy refused the management key ("invalid management key", HTTP 401)`
	err    error
}

func (e *Error) Error() string { return "management API at " + e.URL + ": " + e.Reason }

// Unwrap gives the underlying transport error, if any.
func (e *Error) Unwrap() error { return e.err }

// Persistent reports whether every further request to this proxy would fail
// the same way (a refused key, a disabled API, a cancelled context), so a
// caller should stop rather than try each account.
func (e *Error) Persistent() bool {
	switch e.Kind {
	case KindWrongKey, KindMissingKey, KindForbidden, KindNotEnabled, KindCanceled:
		return true
	}
	return false
}

// get performs one GET and decodes a 200 JSON body into v.
func (c *Client) get(ctx context.Context, path string, q url.Values, limit int64, v any) error {
	base, err := c.base()
	if err != nil {
		return err
	}
	u := *base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawQuery = q.Encode()

	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return c.fail(KindUnreachable, 0, err.Error(), err)
	}
	if c.Key != "" {
		req.Header.Set("Authorization", "Bearer "+c.Key)
	}
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return c.transportError(ctx, rctx, timeout, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return c.statusError(path, resp.StatusCode, body)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return c.transportError(ctx, rctx, timeout, err)
	}
	if int64(len(body)) > limit {
		return c.protocolError(path, fmt.Sprintf("the answer is larger than %d MiB", limit>>20))
	}
	// A field of an unexpected type is skipped (json fills in the rest and
	// reports only the first such mismatch): one odd record must not hide
	// the whole list.
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal(body, v); err != nil && !errors.As(err, &typeErr) {
		return c.protocolError(path, "the answer is not the management API's JSON: "+firstLine(err.Error()))
	}
	return nil
}

func (c *Client) base() (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(c.BaseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &Error{Kind: KindUnreachable, URL: c.scrub(redactedURL(c.BaseURL)),
			Reason: "not an http:// or https:// URL"}
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/v0/management")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

func (c *Client) fail(kind Kind, status int, reason string, err error) *Error {
	return &Error{Kind: kind, Status: status, URL: c.scrub(redactedURL(c.BaseURL)), Reason: c.scrub(firstLine(reason)), err: err}
}

func (c *Client) protocolError(path, reason string) *Error {
	return c.fail(KindProtocol, http.StatusOK, "GET "+path+": "+reason, nil)
}

// statusError names the proxy's own reason (its {"error": "…"} body) when
// there is one.
func (c *Client) statusError(path string, status int, body []byte) *Error {
	var doc struct {
		Error string `json:"error"`
	}
	msg := ""
	if json.Unmarshal(body, &doc) == nil {
		msg = strings.TrimSpace(doc.Error)
	}
	said := fmt.Sprintf("HTTP %d", status)
	if msg != "" {
		said = fmt.Sprintf("%q, HTTP %d", msg, status)
	}
	switch {
	case status == http.StatusUnauthorized && strings.Contains(strings.ToLower(msg), "missing"):
		return c.fail(KindMissingKey, status, "the proxy got no management key ("+said+")", nil)
	case status == http.StatusUnauthorized:
		return c.fail(KindWrongKey, status, "the proxy refused the management key ("+said+")", nil)
	case status == http.StatusForbidden:
		return c.fail(KindForbidden, status, "the proxy refused access ("+said+"): remote management may be off (allow-remote) or this address banned after failed keys", nil)
	case status == http.StatusNotFound:
		return c.fail(KindNotEnabled, status, "GET "+path+" not found ("+said+"): the management API is disabled (remote-management.secret-key is empty) or this is not the proxy's address", nil)
	}
	return c.fail(KindStatus, status, "GET "+path+": unexpected "+said, nil)
}

// transportError tells a timeout from a cancellation from a refused or
// failed connection.
func (c *Client) transportError(ctx, rctx context.Context, timeout time.Duration, err error) *Error {
	switch {
	case ctx.Err() != nil:
		return c.fail(KindCanceled, 0, "cancelled", err)
	case errors.Is(rctx.Err(), context.DeadlineExceeded):
		return c.fail(KindTimeout, 0, fmt.Sprintf("no answer within %s (timeout)", timeout), err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return c.fail(KindUnreachable, 0, "connection refused: is the proxy running, and on this port?", err)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return c.fail(KindUnreachable, 0, "unknown host "+dnsErr.Name, err)
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return c.fail(KindTimeout, 0, "timed out: "+innerError(err), err)
	}
	return c.fail(KindUnreachable, 0, "cannot reach the proxy: "+innerError(err), err)
}

// innerError drops url.Error's "Get "URL": " prefix: the URL is named once.
func innerError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// scrub removes the key from text, wherever a server or library put it.
// A short key is replaced only where it stands alone (not inside a word),
// so a one-letter key cannot turn "proxy" into "pro<redacted>y".
func (c *Client) scrub(s string) string {
	if c.Key == "" {
		return s
	}
	if len(c.Key) >= 8 {
		return strings.ReplaceAll(s, c.Key, "<redacted>")
	}
	var b strings.Builder
	for {
		i := strings.Index(s, c.Key)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(c.Key)
		alone := (i == 0 || !wordByte(s[i-1])) && (end == len(s) || !wordByte(s[end]))
		b.WriteString(s[:i])
		if alone {
			b.WriteString("<redacted>")
		} else {
			b.WriteString(c.Key)
		}
		s = s[end:]
	}
}

func wordByte(c byte) bool {
	return c == '_' || c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func redactedURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "(unparsable URL)"
	}
	u.RawQuery, u.Fragment = "", ""
	return u.Redacted()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
