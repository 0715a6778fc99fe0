package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
)

// member is one top-level member of a JSON object, as byte offsets.
type member struct {
	key                  string
	keyStart, valueStart int
	valueEnd             int
}

// topLevelMembers lists the members of the JSON object in data, in order,
// with their offsets, and the offset of the closing brace.
func topLevelMembers(data []byte) ([]member, int, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, 0, errors.New("not a JSON object")
	}
	var out []member
	for dec.More() {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return nil, 0, err
		}
		key, _ := tok.(string)
		m := member{key: key, keyStart: before + bytes.IndexByte(data[before:], '"')}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, 0, err
		}
		m.valueEnd = int(dec.InputOffset())
		m.valueStart = m.valueEnd - len(raw)
		out = append(out, m)
	}
	if _, err := dec.Token(); err != nil {
		return nil, 0, err
	}
	closing := int(dec.InputOffset()) - 1
	if _, err := dec.Token(); err != io.EOF {
		return nil, 0, errors.New("trailing data after the JSON object")
	}
	return out, closing, nil
}

// SetStringMember returns data with the top-level member key set to the
// string value, every other byte kept. An existing key (the last one, when
// duplicated, as a JSON reader takes the last) has only its value's bytes
// replaced; a missing key is added as the last member in the file's own
// style: the indentation and key/value spacing of its other members, on the
// same line when the file is compact.
func SetStringMember(data []byte, key, value string) ([]byte, error) {
	encoded, err := marshalString(value)
	if err != nil {
		return nil, err
	}
	return SetMember(data, key, encoded)
}

// SetMember is SetStringMember for any JSON value, given encoded (undo uses
// it to put back a value exactly as it was written).
func SetMember(data []byte, key string, encoded []byte) ([]byte, error) {
	if !json.Valid(encoded) {
		return nil, errors.New("cannot edit: the new value is not JSON")
	}
	members, closing, err := topLevelMembers(data)
	if err != nil {
		return nil, fmt.Errorf("cannot edit: %w", err)
	}
	if !utf8.ValidString(key) {
		// Written out, it would read back as another key (U+FFFD).
		return nil, errors.New("cannot edit: the key is not valid UTF-8")
	}
	for i := len(members) - 1; i >= 0; i-- {
		if m := members[i]; m.key == key {
			return splice(data, m.valueStart, m.valueEnd, encoded), nil
		}
	}
	encodedKey, err := marshalString(key)
	if err != nil {
		return nil, err
	}
	if len(members) == 0 {
		open := bytes.IndexByte(data, '{')
		inner := data[open+1 : closing]
		insert := slices.Concat(encodedKey, []byte(":"), encoded)
		if bytes.Contains(inner, []byte("\n")) {
			// An empty object over lines: indent two spaces, keep its line ends.
			eol := []byte("\n")
			if bytes.Contains(inner, []byte("\r\n")) {
				eol = []byte("\r\n")
			}
			insert = slices.Concat(eol, []byte("  "), encodedKey, []byte(": "), encoded, eol)
		}
		return splice(data, open+1, closing, insert), nil
	}
	first, last := members[0], members[len(members)-1]
	sep := data[first.keyStart+len(first.keyText(data)) : first.valueStart]
	between := memberSeparator(data, members, sep)
	insert := make([]byte, 0, len(between)+len(sep)+len(encodedKey)+len(encoded))
	insert = append(insert, between...)
	insert = append(insert, encodedKey...)
	insert = append(insert, sep...)
	insert = append(insert, encoded...)
	return splice(data, last.valueEnd, last.valueEnd, insert), nil
}

// MemberValue returns the encoded value of the top-level member key (the
// last one when duplicated); ok is false when the key is absent.
func MemberValue(data []byte, key string) (encoded []byte, ok bool, err error) {
	members, _, err := topLevelMembers(data)
	if err != nil {
		return nil, false, fmt.Errorf("cannot read: %w", err)
	}
	for i := len(members) - 1; i >= 0; i-- {
		if m := members[i]; m.key == key {
			return data[m.valueStart:m.valueEnd], true, nil
		}
	}
	return nil, false, nil
}

// RemoveMember returns data without the top-level member key (the last one
// when duplicated), with the separator before it: the exact inverse of
// SetMember adding a member as the last one.
func RemoveMember(data []byte, key string) ([]byte, error) {
	members, closing, err := topLevelMembers(data)
	if err != nil {
		return nil, fmt.Errorf("cannot edit: %w", err)
	}
	for i := len(members) - 1; i >= 0; i-- {
		m := members[i]
		if m.key != key {
			continue
		}
		switch {
		case i > 0:
			// From the end of the previous value to the end of this one.
			return splice(data, members[i-1].valueEnd, m.valueEnd, nil), nil
		case len(members) > 1:
			// The first of several: up to the next key.
			return splice(data, m.keyStart, members[1].keyStart, nil), nil
		default:
			open := bytes.IndexByte(data, '{')
			return splice(data, open+1, closing, nil), nil
		}
	}
	return data, nil
}

// keyText returns the encoded key of m as it appears in data.
func (m member) keyText(data []byte) []byte {
	end := m.keyStart + 1
	for end < len(data) {
		switch data[end] {
		case '\\':
			end += 2
			continue
		case '"':
			return data[m.keyStart : end+1]
		}
		end++
	}
	return data[m.keyStart:]
}

// memberSeparator is what goes between the last value and a new key: the
// bytes between the last two members (",\n  " in an indented file, ", " or
// "," in a compact one), or, with one member, a comma and the whitespace
// before its key, spaced like its colon when the file is compact.
func memberSeparator(data []byte, members []member, sep []byte) []byte {
	if n := len(members); n > 1 {
		return data[members[n-2].valueEnd:members[n-1].keyStart]
	}
	first := members[0]
	open := bytes.LastIndexByte(data[:first.keyStart], '{')
	lead := data[open+1 : first.keyStart]
	if len(lead) == 0 && bytes.HasSuffix(sep, []byte(" ")) {
		lead = []byte(" ")
	}
	return append([]byte{','}, lead...)
}

func splice(data []byte, from, to int, insert []byte) []byte {
	out := make([]byte, 0, len(data)-(to-from)+len(insert))
	out = append(out, data[:from]...)
	out = append(out, insert...)
	return append(out, data[to:]...)
}

func marshalString(s string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
