package auth

import (
	"crypto/sha256"
	"testing"
)

func TestDigestMatchesOnlyTheSameContent(t *testing.T) {
	a := []byte(`{"type":"codex","plan_type":"plus"}`)
	b := []byte(`{"type":"codex","plan_type":"plua"}`)
	if !Fingerprint(a).Matches(a) || Fingerprint(a) != Fingerprint(append([]byte(nil), a...)) {
		t.Error("a fingerprint does not match its own content")
	}
	if Fingerprint(a).Matches(b) || Fingerprint(a).Matches(a[:len(a)-1]) || Fingerprint(a).Matches(nil) {
		t.Error("a fingerprint matches other content")
	}
	if !SHA256Digest(sha256.Sum256(a)).Matches(a) || SHA256Digest(sha256.Sum256(a)).Matches(b) {
		t.Error("a SHA-256 digest (undo) does not check the content")
	}
	if SHA256Digest(sha256.Sum256(a)) == Fingerprint(a) || (Digest{}).Matches(a) {
		t.Error("digests of different kinds, or the zero digest, compare equal to a fingerprint")
	}
}
