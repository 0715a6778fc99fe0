package auth

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
	"unsafe"
)

// This file is a validating scanner for one JSON object: one pass over the
// bytes that checks them exactly as encoding/json does (a differential fuzz
// test holds it to that) and hands back the top-level members as sub-slices,
// copying nothing. Auth files are mostly long token strings, which
// encoding/json scans twice (validate, then decode) and copies; this is the
// scan's main cost at 10,000 files.

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// errSyntax carries the offset of the first invalid byte.
type errSyntax struct {
	msg    string
	offset int
}

func (e *errSyntax) Error() string { return e.msg }

// stringByte marks the bytes a string can hold without a closer look: not
// '"', not '\\', not a control character.
var stringByte = func() (t [256]bool) {
	for i := 0x20; i < 256; i++ {
		t[i] = i != '"' && i != '\\'
	}
	return t
}()

// mayEndString reports whether any of the eight bytes in w is '"', '\\' or
// a control character (below 0x20), with the classic bit tricks: subtracting
// 0x01 (or 0x20) from every byte sets a byte's high bit only where the byte
// was 0x00 (below 0x20) or borrowed from one, so the result is exact about
// whether such a byte exists.
func mayEndString(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote, backslash := w^(ones*'"'), w^(ones*'\\')
	return ((w-ones*0x20)&^w|(quote-ones)&^quote|(backslash-ones)&^backslash)&highs != 0
}

type scanner struct {
	data  []byte
	pos   int
	depth int
}

func (s *scanner) fail(msg string) error {
	return &errSyntax{msg: msg, offset: s.pos}
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// objectMembers validates that data is exactly one JSON object (surrounded
// by JSON whitespace only) and returns its members; a duplicate key keeps
// its last value, as encoding/json does.
func objectMembers(data []byte) (map[string]json.RawMessage, error) {
	s := &scanner{data: data}
	s.skipSpace()
	if s.pos >= len(data) || data[s.pos] != '{' {
		return nil, s.fail("not a JSON object")
	}
	members := make(map[string]json.RawMessage, 16)
	if err := s.object(func(key, raw []byte) { members[string(key)] = raw }); err != nil {
		return nil, err
	}
	s.skipSpace()
	if s.pos != len(data) {
		return nil, s.fail("invalid character after top-level value")
	}
	return members, nil
}

// eachMember is objectMembers without the map: visit gets each member's
// decoded key (valid only during the call) and raw value, in order; a
// duplicate key is visited twice, so assigning in visit keeps the last.
func eachMember(data []byte, visit func(key, raw []byte)) error {
	s := &scanner{data: data}
	s.skipSpace()
	if s.pos >= len(data) || data[s.pos] != '{' {
		return s.fail("not a JSON object")
	}
	if err := s.object(visit); err != nil {
		return err
	}
	s.skipSpace()
	if s.pos != len(data) {
		return s.fail("invalid character after top-level value")
	}
	return nil
}

// arrayElements validates that data is one JSON array and returns its
// elements as sub-slices.
func arrayElements(data []byte) ([][]byte, error) {
	s := &scanner{data: data}
	s.skipSpace()
	if s.pos >= len(data) || data[s.pos] != '[' {
		return nil, s.fail("not a JSON array")
	}
	var out [][]byte
	s.pos++
	s.depth++
	s.skipSpace()
	if s.pos < len(data) && data[s.pos] == ']' {
		s.pos++
		return out, nil
	}
	for {
		s.skipSpace()
		start := s.pos
		if err := s.value(); err != nil {
			return nil, err
		}
		out = append(out, data[start:s.pos:s.pos])
		s.skipSpace()
		if s.pos >= len(data) {
			return nil, s.fail("unexpected end of JSON input")
		}
		switch data[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			s.skipSpace()
			if s.pos != len(data) {
				return nil, s.fail("invalid character after top-level value")
			}
			return out, nil
		default:
			return nil, s.fail("invalid character after array element")
		}
	}
}

// object scans an object at s.pos; visit, when not nil, receives the
// object's members.
func (s *scanner) object(visit func(key, raw []byte)) error {
	if s.depth++; s.depth > maxDepth {
		return s.fail("exceeded max depth")
	}
	s.pos++ // '{'
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		s.depth--
		return nil
	}
	for {
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.fail("unexpected end of JSON input")
		}
		if s.data[s.pos] != '"' {
			return s.fail("invalid character looking for beginning of object key string")
		}
		keyStart := s.pos
		escaped, err := s.str()
		if err != nil {
			return err
		}
		key := s.data[keyStart:s.pos]
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.fail("unexpected end of JSON input")
		}
		if s.data[s.pos] != ':' {
			return s.fail("invalid character after object key")
		}
		s.pos++
		s.skipSpace()
		valueStart := s.pos
		if err := s.value(); err != nil {
			return err
		}
		if visit != nil {
			visit(keyBytes(key, escaped), s.data[valueStart:s.pos:s.pos])
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.fail("unexpected end of JSON input")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			s.depth--
			return nil
		default:
			return s.fail("invalid character after object key:value pair")
		}
	}
}

func (s *scanner) array() error {
	if s.depth++; s.depth > maxDepth {
		return s.fail("exceeded max depth")
	}
	s.pos++ // '['
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		s.depth--
		return nil
	}
	for {
		s.skipSpace()
		if err := s.value(); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.fail("unexpected end of JSON input")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			s.depth--
			return nil
		default:
			return s.fail("invalid character after array element")
		}
	}
}

func (s *scanner) value() error {
	if s.pos >= len(s.data) {
		return s.fail("unexpected end of JSON input")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object(nil)
	case c == '[':
		return s.array()
	case c == '"':
		_, err := s.str()
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return s.fail("invalid character looking for beginning of value")
}

func (s *scanner) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if s.pos >= len(s.data) {
			return s.fail("unexpected end of JSON input")
		}
		if s.data[s.pos] != word[i] {
			return s.fail("invalid character in literal " + word)
		}
		s.pos++
	}
	return nil
}

// str scans a string at s.pos (the opening quote) past its closing quote
// and reports whether it holds escapes.
func (s *scanner) str() (escaped bool, err error) {
	s.pos++
	d := s.data
	for {
		// Eight bytes at a time while none needs a closer look: token
		// strings, most of an auth file's bytes, hold no such byte.
		for s.pos+8 <= len(d) && !mayEndString(binary.LittleEndian.Uint64(d[s.pos:])) {
			s.pos += 8
		}
		for s.pos < len(d) && stringByte[d[s.pos]] {
			s.pos++
		}
		if s.pos >= len(d) {
			return escaped, s.fail("unexpected end of JSON input")
		}
		switch c := d[s.pos]; {
		case c == '"':
			s.pos++
			return escaped, nil
		case c == '\\':
			escaped = true
			if err := s.escape(); err != nil {
				return escaped, err
			}
		default:
			return escaped, s.fail("invalid character in string literal")
		}
	}
}

func (s *scanner) escape() error {
	s.pos++ // '\\'
	if s.pos >= len(s.data) {
		return s.fail("unexpected end of JSON input")
	}
	switch s.data[s.pos] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.pos++
		return nil
	case 'u':
		s.pos++
		for range 4 {
			if s.pos >= len(s.data) {
				return s.fail("unexpected end of JSON input")
			}
			if !isHex(s.data[s.pos]) {
				return s.fail("invalid character in \\u hexadecimal character escape")
			}
			s.pos++
		}
		return nil
	}
	return s.fail("invalid character in string escape code")
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func (s *scanner) number() error {
	d := s.data
	if d[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos >= len(d):
		return s.fail("unexpected end of JSON input")
	case d[s.pos] == '0':
		s.pos++
	case d[s.pos] >= '1' && d[s.pos] <= '9':
		s.digits()
	default:
		return s.fail("invalid character in numeric literal")
	}
	if s.pos < len(d) && d[s.pos] == '.' {
		s.pos++
		if s.pos >= len(d) {
			return s.fail("unexpected end of JSON input")
		}
		if !isDigit(d[s.pos]) {
			return s.fail("invalid character after decimal point in numeric literal")
		}
		s.digits()
	}
	if s.pos < len(d) && (d[s.pos] == 'e' || d[s.pos] == 'E') {
		s.pos++
		if s.pos < len(d) && (d[s.pos] == '+' || d[s.pos] == '-') {
			s.pos++
		}
		if s.pos >= len(d) {
			return s.fail("unexpected end of JSON input")
		}
		if !isDigit(d[s.pos]) {
			return s.fail("invalid character in exponent of numeric literal")
		}
		s.digits()
	}
	return nil
}

func (s *scanner) digits() {
	for s.pos < len(s.data) && isDigit(s.data[s.pos]) {
		s.pos++
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// keyBytes decodes a quoted key; escapes and invalid UTF-8 go through
// encoding/json so a key reads exactly as there. The common case copies
// nothing.
func keyBytes(raw []byte, escaped bool) []byte {
	if !escaped && utf8.Valid(raw) {
		return raw[1 : len(raw)-1]
	}
	var k string
	_ = json.Unmarshal(raw, &k)
	return []byte(k)
}

// commonStrings are values that recur in nearly every file (providers,
// plans, claim values): reading one returns the shared copy instead of
// allocating a new one, ten thousand times over in a large folder.
var commonStrings = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{
		"codex", "claude", "gemini", "gemini-cli", "vertex", "aistudio", "antigravity", "kimi", "qwen", "xai", "iflow",
		"free", "plus", "pro", "team", "business", "enterprise", "edu", "go", "k12",
		"owner", "admin", "member", "reader", "Personal", "https://auth.openai.com",
	} {
		m[s] = s
	}
	return m
}()

// maxCommonLen is the longest of commonStrings: longer text (emails, ids)
// is not looked up.
const maxCommonLen = len("https://auth.openai.com")

// unquote returns the string a validated raw JSON string holds.
func unquote(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		if len(inner) <= maxCommonLen {
			if s, ok := commonStrings[string(inner)]; ok {
				return s, true
			}
		}
		return string(inner), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// borrowString is unquote without the copy for a plain string (no escapes,
// valid UTF-8): the result points into raw and is valid only while raw's
// bytes are (a scan reuses its read buffer after each file), so callers
// must not keep it.
func borrowString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if len(inner) == 0 || bytes.IndexByte(inner, '\\') >= 0 || !utf8.Valid(inner) {
		return unquote(raw)
	}
	return unsafe.String(&inner[0], len(inner)), true
}

// describeSyntax words a scan error with its line, never quoting content.
func describeSyntax(err error, data []byte) string {
	var se *errSyntax
	if !errors.As(err, &se) {
		return err.Error()
	}
	if se.msg == "unexpected end of JSON input" {
		return "truncated"
	}
	line := 1
	for _, c := range data[:min(se.offset, len(data))] {
		if c == '\n' {
			line++
		}
	}
	return fmt.Sprintf("%s (line %d, byte %d)", se.msg, line, se.offset+1)
}
