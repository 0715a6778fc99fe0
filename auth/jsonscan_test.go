package auth

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// agree checks objectMembers against encoding/json on data: the same
// verdict, and the same members with the same bytes.
func agree(t *testing.T, data []byte) {
	t.Helper()
	trimmed := bytes.Trim(data, " \t\r\n")
	var want map[string]json.RawMessage
	wantErr := json.Unmarshal(data, &want)
	isObject := len(trimmed) > 0 && trimmed[0] == '{'
	got, err := objectMembers(data)
	if (err == nil) != (wantErr == nil && isObject) {
		t.Fatalf("%q: scanner err %v, encoding/json err %v (object %v)", data, err, wantErr, isObject)
	}
	if err != nil {
		return
	}
	if len(got) != len(want) {
		t.Fatalf("%q: %d members, encoding/json has %d", data, len(got), len(want))
	}
	for k, v := range want {
		if !bytes.Equal(got[k], v) {
			t.Fatalf("%q: member %q = %q, encoding/json has %q", data, k, got[k], v)
		}
	}
}

func TestObjectMembersAgreesWithEncodingJSON(t *testing.T) {
	cases := []string{
		`{}`, ` { } `, `{"a":1}`, `{"a":1,"a":2}`, `{"a":"\u00e9\n\"","b":[1,{"c":null}],"d":-0.5e+10}`,
		`{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":1e}`, `{"a":tru}`, `{"a":nul}`, `{"a":"\x"}`,
		`{"a":"\u12g4"}`, "{\"a\":\"\x01\"}", "{\"a\":\"\xff\"}", "{\"\xff\":1}", `{"\u0074ype":"codex"}`,
		`{"a":1,}`, `{"a" 1}`, `{a:1}`, `[1]`, `"s"`, `1`, `null`, `{"a":1} x`, `{"a":1}{}`, `{"a":[1,]}`,
		`{"a":[}`, `{"a":{"b":1}`, `{"a":"`, `{`, ``, "{\"a\":1}\n\t ", "\u00a0{}", `{"a":1e5,"b":1E-5,"c":0}`,
		strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100),
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		`{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`,
	}
	for _, c := range cases {
		agree(t, []byte(c))
	}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "reference", "proxy-a7e3596", "auths", "*.json"))
	if len(files) == 0 {
		t.Fatal("no reference files")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		agree(t, data)
	}
}

// FuzzObjectMembers holds the scanner to encoding/json's verdict and
// members on any input.
func FuzzObjectMembers(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"type":"codex","id_token":"eyJ.a.b","x":[1,{"y":null}]}`, `{"a":"\u00e9"}`, `[1]`, `{"a":1e+5}`} {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "reference", "proxy-a7e3596", "auths", "*.json"))
	for _, file := range files[:5] {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) { agree(t, data) })
}

// TestMayEndString holds the eight-byte check to the byte table: every byte
// value at every position, among fillers that sit next to the boundaries
// (0x20, 0x21, 0x5b, 0x7f, 0x80, 0xff), and words mixing several of them.
func TestMayEndString(t *testing.T) {
	special := func(w [8]byte) bool {
		for _, c := range w {
			if !stringByte[c] {
				return true
			}
		}
		return false
	}
	check := func(w [8]byte) {
		t.Helper()
		if got, want := mayEndString(binary.LittleEndian.Uint64(w[:])), special(w); got != want {
			t.Fatalf("% x: mayEndString = %v, want %v", w, got, want)
		}
	}
	fillers := []byte{'a', 0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xa0, 0xff}
	for _, f := range fillers {
		for pos := range 8 {
			for b := range 256 {
				var w [8]byte
				for i := range w {
					w[i] = f
				}
				w[pos] = byte(b)
				check(w)
			}
		}
	}
	// Two chosen bytes at every pair of positions: borrows from one byte
	// must not hide or fake another.
	picks := []byte{0, 0x1f, 0x20, '"', '\\', 0x21, 0x5d, 0x80, 0xff}
	for _, x := range picks {
		for _, y := range picks {
			for i := range 8 {
				for j := range 8 {
					w := [8]byte{'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'}
					w[i], w[j] = x, y
					check(w)
				}
			}
		}
	}
}
