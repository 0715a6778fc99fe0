package catalog

import (
	"slices"
	"testing"
)

// FuzzParse holds the catalog parser to: never panic; a catalog that parses
// writes out (MarshalJSON) as one that parses again to the same sections
// and ids in the same order; Validate never panics either.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"codex-free":[{"id":"a"}],"codex-team":[{"id":"b"}],"codex-plus":[{"id":"c"}],"codex-pro":[{"id":"d","x":1}]}`))
	f.Add([]byte(`{"antigravity":{"m1":{"thinking":{"min":1}},"m2":{}}}`))
	f.Add([]byte(`{"codex-free":[null,{"id":""},{"id":"a"},{"id":"a"}],"x":3}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		_ = c.Validate()
		out, err := c.MarshalJSON()
		if err != nil {
			t.Fatalf("a parsed catalog does not marshal: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("marshalled catalog does not parse: %v\n%s", err, out)
		}
		if !slices.Equal(c.Sections(), again.Sections()) {
			t.Fatalf("sections %q became %q", c.Sections(), again.Sections())
		}
		for _, name := range c.Sections() {
			a, b := ids(c.Section(name)), ids(again.Section(name))
			if !slices.Equal(a, b) {
				t.Fatalf("section %s: ids %q became %q", name, a, b)
			}
		}
	})
}
