package auth

import (
	"io"
	"regexp"
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
	`|\bya29\.[A-Za-z0-9_\-\.]{12,}` +
	`|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----`)

// Redact masks every secret in text: the values of secret JSON members and
// anything shaped like a token. It is the one redaction layer that every
// output path (text, JSON, diffs, errors, the TUI) goes through.
func Redact(text string) string {
	text = secretMember.ReplaceAllString(text, `$1"`+Redacted+`"`)
	return secretShape.ReplaceAllString(text, Redacted)
}

// RedactingWriter returns w with every write passed through Redact. Writes
// are redacted one at a time, so callers write whole lines or documents.
func RedactingWriter(w io.Writer) io.Writer { return redactingWriter{w} }

type redactingWriter struct{ w io.Writer }

func (r redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
