package demo

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
)

// secretKeys name the members whose values are secrets.
var secretKeys = map[string]bool{
	"access_token": true, "refresh_token": true, "id_token": true, "api_key": true, "cookie": true, "private_key": true,
}

// Secrets returns every string of at least minLen bytes stored under a
// secret key (access_token, refresh_token, id_token, api_key, cookie,
// private_key), at any depth, in the JSON files of dir: what tests search
// every output for, to prove none is ever shown.
func Secrets(dir string, minLen int) []string {
	var out []string
	var walk func(v any, key string)
	walk = func(v any, key string) {
		switch x := v.(type) {
		case map[string]any:
			for k, vv := range x {
				walk(vv, k)
			}
		case []any:
			for _, vv := range x {
				walk(vv, key)
			}
		case string:
			if secretKeys[strings.ToLower(key)] && len(x) >= minLen {
				out = append(out, x)
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		var v any
		if json.Unmarshal(data, &v) == nil {
			walk(v, "")
		}
	}
	return out
}
