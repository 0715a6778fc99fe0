package demo

import (
	"bytes"
	"encoding/json"
)

// member is one key/value pair of an ordered JSON object.
type member struct {
	key   string
	value any
}

// object is a JSON object that keeps its members in insertion order: the
// proxy writes its fields in struct order and tierscope's writer must
// preserve whatever order it finds, so the demo files need a realistic one
// (encoding/json would sort map keys).
type object []member

// with returns o with one more member appended.
func (o object) with(key string, value any) object {
	return append(o, member{key: key, value: value})
}

// MarshalJSON encodes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		value, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(value)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// encodeFile renders o as the proxy does (two-space indent, trailing
// newline) or, for variety, compact on one line as hand-edited files are.
func encodeFile(o object, compact bool) ([]byte, error) {
	flat, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	if compact {
		return append(flat, '\n'), nil
	}
	var out bytes.Buffer
	out.Grow(len(flat) + len(flat)/8)
	if err := json.Indent(&out, flat, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}
