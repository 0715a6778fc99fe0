package core

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendJSON appends a's JSON, byte for byte what encoding/json's Encoder
// (with SetEscapeHTML(false)) writes for it, without the trailing newline.
// It exists for speed: `list --json` encodes 10,000 rows, and reflection
// was a visible share of that. A test holds it to encoding/json on every
// kind of row, and a fuzz test on every string.
func (a *Account) AppendJSON(b []byte) []byte {
	b = append(b, `{"file":`...)
	b = appendString(b, a.File)
	b = append(b, `,"path":`...)
	b = appendString(b, a.Path)
	b = append(b, `,"provider":`...)
	b = appendString(b, a.Provider)
	b = append(b, `,"email":`...)
	b = appendString(b, a.Email)
	b = append(b, `,"account_id":`...)
	b = appendString(b, a.AccountID)
	b = append(b, `,"plan":`...)
	if p := a.Plan; p == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"raw":`...)
		b = appendStringPtr(b, p.Raw)
		b = append(b, `,"source":`...)
		b = appendStringPtr(b, p.Source)
		b = append(b, `,"stored":`...)
		b = appendStringPtr(b, p.Stored)
		b = append(b, `,"id_token_plan":`...)
		b = appendStringPtr(b, p.IDToken)
		b = append(b, `,"normalized":`...)
		b = appendStringPtr(b, p.Normalized)
		b = append(b, `,"rule":`...)
		b = appendString(b, p.Rule)
		b = append(b, '}')
	}
	b = append(b, `,"tier":`...)
	b = appendString(b, a.Tier)
	b = append(b, `,"models":`...)
	if a.Models == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, m := range a.Models {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, m)
		}
		b = append(b, ']')
	}
	b = append(b, `,"disabled":`...)
	b = strconv.AppendBool(b, a.Disabled)
	b = append(b, `,"expires_at":`...)
	if a.ExpiresAt == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '"')
		b = a.ExpiresAt.AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	b = append(b, `,"expired":`...)
	b = strconv.AppendBool(b, a.Expired)
	b = append(b, `,"signature":`...)
	b = appendStringPtr(b, a.Signature)
	b = append(b, `,"warnings":`...)
	if a.Warnings == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, w := range a.Warnings {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"code":`...)
			b = appendString(b, w.Code)
			b = append(b, `,"severity":`...)
			b = appendString(b, w.Severity)
			b = append(b, `,"message":`...)
			b = appendString(b, w.Message)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"error":`...)
	b = appendStringPtr(b, a.Error)
	return append(b, '}')
}

func appendStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

// appendString quotes s as encoding/json does without HTML escaping:
// '"', '\\' and control characters escaped (\b \f \n \r \t by name),
// invalid UTF-8 replaced by U+FFFD, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
