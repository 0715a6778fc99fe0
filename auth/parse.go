package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"
)

// fieldKey names a top-level member that fill reads.
type fieldKey int

const (
	mType fieldKey = iota
	mEmail
	mAccountID
	mProxyURL
	mNote
	mLabel
	mPlanType
	mChatGPTPlanType
	mDisabled
	mPrefix
	mPriority
	mExcludedModels
	mExcludedModelsLegacy
	mModelAliases
	mModelAliasesLegacy
	mToken
	mLastRefresh
	mIDToken
	mExpired // the expiry keys, in the order the proxy tries them
	mExpire
	mExpiresAt
	mExpiresAtCamel
	mExpiry
	mExpires
	numMembers
)

// memberNames are the members' keys, matched exactly, as the proxy's map
// lookups do.
var memberNames = [numMembers]string{
	"type", "email", "account_id", "proxy_url", "note", "label", "plan_type", "chatgpt_plan_type", "disabled",
	"prefix", "priority", "excluded_models", "excluded-models", "model_aliases", "model-aliases", "token",
	"last_refresh", "id_token", "expired", "expire", "expires_at", "expiresAt", "expiry", "expires",
}

// expiryMembers may carry an account's expiry, in the order the proxy
// tries them (top level first, then inside a nested "token").
var expiryMembers = []fieldKey{mExpired, mExpire, mExpiresAt, mExpiresAtCamel, mExpiry, mExpires}

var memberByName = func() map[string]fieldKey {
	m := make(map[string]fieldKey, numMembers)
	for i, name := range memberNames {
		m[name] = fieldKey(i)
	}
	return m
}()

// fields holds the raw values of the members read from one object, by
// member: an array, not a map, since every file is read this way. A member
// that is absent is nil (a present one is never empty).
type fields [numMembers]json.RawMessage

func (f *fields) get(m fieldKey) (json.RawMessage, bool) { return f[m], f[m] != nil }

// collect is an eachMember visitor that keeps the members fill reads.
func (f *fields) collect(key, raw []byte) {
	if m, ok := memberByName[string(key)]; ok {
		f[m] = raw
	}
}

// parses counts the files parsed since the program started.
var parses atomic.Int64

// ParseCount returns how many files have been parsed: tests and benchmarks
// use it to prove that a changed file costs one parse, not a rescan.
func ParseCount() int64 { return parses.Load() }

// Parse turns the bytes of one auth file into an Account. It never fails: a
// file that is not a usable JSON object gives an Account with Err set.
func Parse(file, path string, data []byte) *Account {
	parses.Add(1)
	a := &Account{File: file, Path: path, Size: int64(len(data)), Digest: Fingerprint(data)}
	var f fields
	if err := decodeObject(data, &f); err != nil {
		a.Err = err
		return a
	}
	a.fill(&f)
	return a
}

// decodeObject checks that data is one JSON object and returns the members
// fill reads; a duplicated key keeps its last value, as in the proxy.
func decodeObject(data []byte, f *fields) error {
	// Only JSON's own whitespace: encoding/json, as the proxy reads files,
	// rejects a file that starts with any other space.
	trimmed := trimJSONSpace(data)
	switch {
	case len(trimmed) == 0:
		return errors.New("empty file")
	case bytes.IndexByte(trimmed, 0) >= 0 && !utf8.Valid(trimmed):
		return errors.New("not JSON: binary content")
	case trimmed[0] != '{':
		if json.Valid(trimmed) {
			return fmt.Errorf("not a JSON object: the file holds %s", jsonKind(trimmed[0]))
		}
		return errors.New("not JSON: does not start with '{'")
	}
	if err := eachMember(trimmed, f.collect); err != nil {
		return fmt.Errorf("invalid JSON: %s", describeSyntax(err, trimmed))
	}
	return nil
}

// trimJSONSpace trims JSON's own whitespace, and no other.
func trimJSONSpace(data []byte) []byte { return bytes.Trim(data, " \t\r\n") }

func jsonKind(first byte) string {
	switch first {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

func (a *Account) fill(f *fields) {
	a.Provider = strings.ToLower(strings.TrimSpace(rawString(f[mType])))
	a.Email = strings.TrimSpace(rawString(f[mEmail]))
	a.AccountID = rawString(f[mAccountID])
	a.ProxyURL = rawString(f[mProxyURL])
	a.Note = rawString(f[mNote])
	a.Label = rawString(f[mLabel])
	a.StoredPlan = textField(f, mPlanType)
	a.StoredChatGPTPlan = textField(f, mChatGPTPlanType)
	a.readDisabled(f)
	a.readPrefix(f)
	a.readPriority(f)
	a.readExclusions(f)
	a.readAliases(f)
	a.readExpiry(f)
	if raw, ok := f.get(mLastRefresh); ok {
		if t, ok := parseTime(raw); ok {
			a.LastRefresh = &t
		}
	}
	a.readIDToken(f)
}

func (a *Account) ignore(field, reason string) {
	a.Ignored = append(a.Ignored, IgnoredField{Field: field, Reason: reason})
}

func (a *Account) readDisabled(f *fields) {
	raw, ok := f.get(mDisabled)
	if !ok || isNull(raw) {
		return
	}
	if err := json.Unmarshal(raw, &a.Disabled); err != nil {
		a.ignore("disabled", "not a boolean ("+jsonKind(firstByte(raw))+"); the proxy treats the account as enabled")
	}
}

func (a *Account) readPrefix(f *fields) {
	t := textField(f, mPrefix)
	if t.Present && !t.IsString {
		a.ignore("prefix", "not a string; the proxy ignores it")
		return
	}
	a.Prefix = t.Value
}

func (a *Account) readPriority(f *fields) {
	raw, ok := f.get(mPriority)
	if !ok || isNull(raw) {
		return
	}
	var n float64
	if err := json.Unmarshal(raw, &n); err != nil || n != math.Trunc(n) || n < math.MinInt64 || n >= math.MaxInt64 {
		a.ignore("priority", "not an integer; the proxy ignores it")
		return
	}
	p := int64(n)
	a.Priority = &p
}

// readExclusions reads excluded_models, or the legacy excluded-models when
// the canonical key is absent. Only a list is honoured, as by the proxy.
func (a *Account) readExclusions(f *fields) {
	m := mExcludedModels
	raw, ok := f.get(m)
	if !ok {
		m = mExcludedModelsLegacy
		if raw, ok = f.get(m); !ok {
			return
		}
	}
	key := memberNames[m]
	a.ExcludedModelsKey = key
	if isNull(raw) {
		return
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		a.ignore(key, "not a list ("+jsonKind(firstByte(raw))+"); the proxy ignores it and excludes nothing")
		return
	}
	skipped := 0
	for _, item := range items {
		var s string
		if json.Unmarshal(item, &s) != nil {
			skipped++
			continue
		}
		if s = strings.TrimSpace(s); s != "" {
			a.ExcludedModels = append(a.ExcludedModels, s)
		}
	}
	if skipped > 0 {
		a.ignore(key, fmt.Sprintf("%d item(s) are not strings; the proxy skips them", skipped))
	}
}

// readAliases reads model_aliases, or the legacy model-aliases when the
// canonical key is absent.
func (a *Account) readAliases(f *fields) {
	m := mModelAliases
	raw, ok := f.get(m)
	if !ok {
		m = mModelAliasesLegacy
		if raw, ok = f.get(m); !ok {
			return
		}
	}
	key := memberNames[m]
	a.ModelAliasesKey = key
	if isNull(raw) {
		return
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		a.ignore(key, "not a list; the proxy ignores it")
		return
	}
	skipped := 0
	for _, item := range items {
		var m struct {
			Name        json.RawMessage `json:"name"`
			Alias       json.RawMessage `json:"alias"`
			Fork        json.RawMessage `json:"fork"`
			DisplayName json.RawMessage `json:"display_name"`
		}
		if json.Unmarshal(item, &m) != nil {
			skipped++
			continue
		}
		al := ModelAlias{
			Name:        strings.TrimSpace(rawString(m.Name)),
			Alias:       strings.TrimSpace(rawString(m.Alias)),
			DisplayName: rawString(m.DisplayName),
		}
		_ = json.Unmarshal(m.Fork, &al.Fork)
		if al.Name == "" || al.Alias == "" {
			skipped++
			continue
		}
		a.ModelAliases = append(a.ModelAliases, al)
	}
	if skipped > 0 {
		a.ignore(key, fmt.Sprintf("%d entry(ies) lack a string name or alias; the proxy skips them", skipped))
	}
}

func (a *Account) readExpiry(f *fields) {
	if t, ok := firstTime(f); ok {
		a.ExpiresAt = &t
		return
	}
	var token fields
	if raw, ok := f.get(mToken); ok && firstByte(raw) == '{' && eachMember(raw, token.collect) == nil {
		if t, ok := firstTime(&token); ok {
			a.ExpiresAt = &t
		}
	}
}

func firstTime(f *fields) (time.Time, bool) {
	for _, m := range expiryMembers {
		if raw, ok := f.get(m); ok {
			if t, ok := parseTime(raw); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

func (a *Account) readIDToken(f *fields) {
	raw, ok := f.get(mIDToken)
	if !ok || isNull(raw) {
		return
	}
	// Borrowed from the file's bytes, not copied: DecodeIDToken keeps no
	// part of the token, only decoded claims.
	s, ok := borrowString(raw)
	if !ok {
		a.IDToken = &IDToken{Err: errors.New("id_token is not a string")}
		return
	}
	if strings.TrimSpace(s) == "" {
		return
	}
	tok := DecodeIDToken(s)
	a.IDToken = &tok
}

// parseTime reads RFC 3339 text or a number of Unix seconds (milliseconds
// when above 1e12).
func parseTime(raw json.RawMessage) (time.Time, bool) {
	switch firstByte(raw) {
	case '"':
		s, _ := borrowString(raw) // parsed here, never kept
		s = strings.TrimSpace(s)
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
			if t, err := time.Parse(layout, s); err == nil {
				// An offset can carry 9999-12-31 into year 10000.
				return t.UTC(), writable(t.UTC())
			}
		}
		return time.Time{}, false
	case 'n', 't', 'f', '[', '{', 0:
		return time.Time{}, false
	}
	// A number the scanner has validated: parsed in place.
	n, err := strconv.ParseFloat(unsafe.String(&raw[0], len(raw)), 64)
	if err != nil {
		return time.Time{}, false
	}
	return unixTime(n)
}

// writable reports whether t has an RFC 3339 form (years 0 to 9999): a
// time outside them cannot be written in JSON, so it is unusable, like a
// negative Unix time.
func writable(t time.Time) bool { return t.Year() >= 0 && t.Year() <= 9999 }

// unixTime reads Unix seconds (milliseconds when above 1e12); see writable.
func unixTime(n float64) (time.Time, bool) {
	if n <= 0 || math.IsInf(n, 0) || math.IsNaN(n) || n > 1e17 {
		return time.Time{}, false
	}
	var t time.Time
	if n > 1e12 {
		t = time.UnixMilli(int64(n)).UTC()
	} else {
		sec, frac := math.Modf(n)
		t = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	}
	return t, writable(t)
}

func textField(f *fields, m fieldKey) Text {
	raw, ok := f.get(m)
	if !ok {
		return Text{}
	}
	t := Text{Present: true}
	if firstByte(raw) == '"' {
		t.Value, t.IsString = unquote(raw)
	}
	return t
}

// rawString returns the JSON string in raw, or "" when raw is not a string.
func rawString(raw json.RawMessage) string {
	if firstByte(raw) != '"' {
		return ""
	}
	s, _ := unquote(raw)
	return s
}

func firstByte(raw []byte) byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

func isNull(raw json.RawMessage) bool { return firstByte(raw) == 'n' }
