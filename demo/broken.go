package demo

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
)

// oversizeBytes is just over the 1 MiB limit past which the scanner must
// list a file with an error instead of reading it whole.
const oversizeBytes = 1<<20 + 64<<10

// brokenFile is a *.json file that is not a readable account: what a
// non-atomic writer leaves behind when interrupted, or what people drop
// into the folder by mistake.
type brokenFile struct {
	fileName string
	form     kind
	account  *codexAccount // the account a truncated or oversize file was meant to hold
}

func (b *brokenFile) name() string { return b.fileName }

func (b *brokenFile) render(r *rand.Rand, keys demoKeys) ([]byte, error) {
	switch b.form {
	case kindBrokenEmpty:
		return []byte{}, nil
	case kindBrokenTruncated:
		return b.truncated(r, keys)
	case kindBrokenOversize:
		return b.oversize(r, keys)
	case kindBrokenArray:
		return b.array(r)
	case kindBrokenString:
		text, err := json.Marshal(fakeAccessToken(r))
		return append(text, '\n'), err
	default:
		return binaryGarbage(r), nil
	}
}

// truncated cuts a complete account mid-way, as a crash during the proxy's
// truncating rewrite does.
func (b *brokenFile) truncated(r *rand.Rand, keys demoKeys) ([]byte, error) {
	whole, err := b.account.render(r, keys)
	if err != nil {
		return nil, err
	}
	return whole[:len(whole)*int(between(r, 30, 80))/100], nil
}

// oversize is a valid account object bloated past 1 MiB by a debug field,
// so only the size rule (not a parse error) can reject it.
func (b *brokenFile) oversize(r *rand.Rand, keys demoKeys) ([]byte, error) {
	bloated := *b.account
	bloated.extra = slices.Clip(b.account.extra).with("debug_dump", randomText(r, base64URLAlphabet, oversizeBytes))
	return bloated.render(r, keys)
}

// array is a list of accounts, as an export tool might write.
func (b *brokenFile) array(r *rand.Rand) ([]byte, error) {
	entry := object{}.with("type", "claude").with("email", "export@sample.example").
		with("access_token", "sk-ant-oat01-"+randomText(r, base64URLAlphabet, 95))
	out, err := json.MarshalIndent([]object{entry}, "", "  ")
	return append(out, '\n'), err
}

// binaryGarbage starts like a gzip stream: a compressed backup saved with
// the wrong name.
func binaryGarbage(r *rand.Rand) []byte {
	out := []byte{0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03}
	for range between(r, 512, 4096) {
		out = append(out, byte(r.Uint32()))
	}
	return out
}
