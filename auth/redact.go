package auth

import (
	"io"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// Redacted replaces a secret value in every output.
const Redacted = "<redacted>"

// secretMember matches a JSON member whose key names a secret, keeping the
// key and replacing the string value.
var secretMember = regexp.MustCompile(`("(?i:access_token|refresh_token|id_token|api_key|apikey|api-key|cookie|cookies|client_secret|secret|password|session_token|private_key|private_key_id)"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// secretShape matches token-shaped text wherever it appears: JWTs and JWT-like
// access tokens, refresh tokens, API keys, Google access tokens, PEM keys.
var secretShape = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]{8,}(?:\.[A-Za-z0-9_\-]*){0,2}` +
	`|\brt_[A-Za-z0-9_\-]{12,}` +
	`|\bsk-[A-Za-z0-9_\-]{12,}` +
	`|\bya29\.[A-Za-z0-9_\-\.]{12,}`)

// privateKeyBlock matches a PEM private key, across lines.
var privateKeyBlock = regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----`)

// Redact masks every secret in text: the values of secret JSON members and
// anything shaped like a token. It is the one redaction layer that every
// output path (text, JSON, diffs, errors, the TUI) goes through.
//
// The regular expressions run only on lines that could hold a secret (a
// token-shaped prefix or a secret key), so redacting a large listing costs
// one cheap pass instead of a regexp scan of every byte.
func Redact(text string) string {
	if strings.Contains(text, "-----BEGIN") {
		text = privateKeyBlock.ReplaceAllString(text, Redacted)
	}
	if !suspicious(text) {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line = text[:i+1]
		}
		text = text[len(line):]
		if suspicious(line) {
			line = secretMember.ReplaceAllString(line, `$1"`+Redacted+`"`)
			line = secretShape.ReplaceAllString(line, Redacted)
		}
		b.WriteString(line)
	}
	return b.String()
}

// shapePrefixes start every token shape that secretShape matches, each
// with the index of its rarest byte in ordinary output (model names and
// JSON keys are full of 'e', '-' and '_'): the search jumps from one
// occurrence of that byte to the next and looks around it.
var shapePrefixes = []struct {
	text   string
	anchor int
}{{"eyJ", 2}, {"rt_", 2}, {"sk-", 1}, {"ya29.", 3}}

// hasShapePrefix reports whether s contains any of shapePrefixes.
func hasShapePrefix(s string) bool {
	for _, p := range shapePrefixes {
		c := p.text[p.anchor]
		for i := 0; ; {
			j := strings.IndexByte(s[i:], c)
			if j < 0 {
				break
			}
			if start := i + j - p.anchor; start >= 0 && strings.HasPrefix(s[start:], p.text) {
				return true
			}
			i += j + 1
		}
	}
	return false
}

// secretKeys are the member names whose values secretMember masks.
var secretKeys = map[string]bool{
	"access_token": true, "refresh_token": true, "id_token": true, "api_key": true, "apikey": true, "api-key": true,
	"cookie": true, "cookies": true, "client_secret": true, "secret": true, "password": true, "session_token": true,
	"private_key": true, "private_key_id": true,
}

// trimRightSpace trims the whitespace secretMember allows before a colon.
func trimRightSpace(s string) string {
	for len(s) > 0 {
		switch s[len(s)-1] {
		case ' ', '\t', '\r', '\n', '\f', '\v':
			s = s[:len(s)-1]
			continue
		}
		break
	}
	return s
}

// secretKeysByLen groups secretKeys by length, so that most keys of a large
// JSON document are ruled out by their length alone, without lower-casing.
var secretKeysByLen = func() (t [16][]string) {
	for k := range secretKeys {
		t[len(k)] = append(t[len(k)], k)
	}
	return t
}()

func isSecretKey(key string) bool {
	if len(key) >= len(secretKeysByLen) {
		return false
	}
	for _, k := range secretKeysByLen[len(key)] {
		if strings.EqualFold(key, k) {
			return true
		}
	}
	return false
}

// suspicious reports whether s may hold a secret: a token-shaped prefix, or
// a quoted secret key followed by a colon.
func suspicious(s string) bool {
	if hasShapePrefix(s) {
		return true
	}
	for i := 0; ; {
		j := strings.IndexByte(s[i:], ':')
		if j < 0 {
			return false
		}
		// The key is the quoted text before the colon, with any whitespace
		// between them that secretMember accepts.
		if quoted, ok := strings.CutSuffix(trimRightSpace(s[:i+j]), `"`); ok {
			window := quoted[max(0, len(quoted)-16):]
			if start := strings.LastIndexByte(window, '"'); start >= 0 && isSecretKey(window[start+1:]) {
				return true
			}
		}
		i += j + 1
	}
}

// suspiciousParallel is suspicious for a large text, checked in parts split
// at line boundaries on every core (a secret never spans lines: PEM blocks,
// the one multi-line shape, are checked whole by the caller).
func suspiciousParallel(s string) bool {
	const part = 256 << 10
	n := min(runtime.GOMAXPROCS(0), len(s)/part)
	if n < 2 {
		return suspicious(s)
	}
	var parts []string
	for len(s) > 0 && len(parts) < n-1 {
		cut := len(s) / (n - len(parts))
		i := strings.IndexByte(s[cut:], '\n')
		if i < 0 {
			break
		}
		parts = append(parts, s[:cut+i+1])
		s = s[cut+i+1:]
	}
	parts = append(parts, s)
	found := make([]bool, len(parts))
	var wg sync.WaitGroup
	for k, p := range parts {
		wg.Go(func() { found[k] = suspicious(p) })
	}
	wg.Wait()
	return slices.Contains(found, true)
}

// RedactingWriter returns w with every write passed through Redact. Writes
// are redacted one at a time, so callers write whole lines or documents.
func RedactingWriter(w io.Writer) io.Writer { return redactingWriter{w} }

type redactingWriter struct{ w io.Writer }

func (r redactingWriter) Write(p []byte) (int, error) {
	// Look at p without copying it; most output (a 6 MB listing) holds
	// nothing to mask and is written as it is.
	if len(p) > 0 {
		if view := unsafe.String(&p[0], len(p)); !strings.Contains(view, "-----BEGIN") && !suspiciousParallel(view) {
			if _, err := r.w.Write(p); err != nil {
				return 0, err
			}
			return len(p), nil
		}
	}
	if _, err := io.WriteString(r.w, Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
