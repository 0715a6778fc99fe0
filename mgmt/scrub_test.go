package mgmt

import "testing"

func TestScrubShortKeysOnlyWhereTheyStandAlone(t *testing.T) {
	tests := []struct{ key, in, want string }{
		{"x", "proxy refused key x", "proxy refused key <redacted>"},
		{"x", "x", "<redacted>"},
		{"abc", "abc:abcd (abc)", "<redacted>:abcd (<redacted>)"},
		{"long-secret-key", "bearer long-secret-keys long-secret-key", "bearer <redacted>s <redacted>"},
	}
	for _, tt := range tests {
		c := &Client{Key: tt.key}
		if got := c.scrub(tt.in); got != tt.want {
			t.Errorf("scrub(%q) with key %q = %q, want %q", tt.in, tt.key, got, tt.want)
		}
	}
}
