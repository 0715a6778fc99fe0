package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const referenceDir = "../testdata/reference"

// The history files, oldest first (their names sort by time).
const (
	hist0310      = "models-2026-03-10T1205-97a25d6.json"
	hist0415      = "models-2026-04-15T1026-ee1f410.json"
	hist0424_0242 = "models-2026-04-24T0242-d6b2557.json"
	hist0424_0505 = "models-2026-04-24T0505-4f4afb8.json"
	hist0710_0108 = "models-2026-07-10T0108-46f333c.json"
	hist0710_0406 = "models-2026-07-10T0406-d422bdf.json"
	hist0802      = "models-2026-08-02T2142-fb13a81.json"
)

func readReference(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(referenceDir, name))
	if err != nil {
		t.Fatalf("reference data: %v", err)
	}
	return data
}

func parseReference(t testing.TB, name string) *Catalog {
	t.Helper()
	c, err := ParseValid(readReference(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return c
}

func ids(models []Model) []string {
	out := make([]string, len(models))
	for i, m := range models {
		out[i] = m.ID
	}
	return out
}

func TestParseReferenceCatalogs(t *testing.T) {
	tests := []struct {
		file   string
		counts map[string]int // in file order
		order  []string
	}{
		{
			file:  "models.json",
			order: []string{"claude", "gemini", "vertex", "gemini-cli", "aistudio", "codex-free", "codex-team", "codex-plus", "codex-pro", "kimi", "antigravity", "xai"},
			counts: map[string]int{"claude": 15, "gemini": 13, "vertex": 20, "gemini-cli": 7, "aistudio": 15, "codex-free": 5,
				"codex-team": 7, "codex-plus": 8, "codex-pro": 8, "kimi": 8, "antigravity": 13, "xai": 10},
		},
		{
			file:  "history/" + hist0310,
			order: []string{"claude", "gemini", "vertex", "gemini-cli", "aistudio", "codex-free", "codex-team", "codex-plus", "codex-pro", "qwen", "iflow", "kimi", "antigravity"},
			counts: map[string]int{"claude": 10, "gemini": 9, "vertex": 14, "gemini-cli": 7, "aistudio": 11, "codex-free": 9,
				"codex-team": 11, "codex-plus": 12, "codex-pro": 12, "qwen": 4, "iflow": 15, "kimi": 3, "antigravity": 12},
		},
		{
			file: "history/" + hist0415,
			counts: map[string]int{"claude": 10, "gemini": 9, "vertex": 14, "gemini-cli": 7, "aistudio": 11, "codex-free": 4,
				"codex-team": 4, "codex-plus": 5, "codex-pro": 5, "qwen": 1, "iflow": 15, "kimi": 3, "antigravity": 10},
		},
		{
			file: "history/" + hist0424_0242,
			counts: map[string]int{"claude": 11, "gemini": 9, "vertex": 14, "gemini-cli": 7, "aistudio": 11, "codex-free": 5,
				"codex-team": 5, "codex-plus": 6, "codex-pro": 6, "kimi": 4, "antigravity": 10},
		},
		{
			file: "history/" + hist0424_0505,
			counts: map[string]int{"claude": 11, "gemini": 9, "vertex": 14, "gemini-cli": 7, "aistudio": 11, "codex-free": 4,
				"codex-team": 5, "codex-plus": 6, "codex-pro": 6, "kimi": 4, "antigravity": 10},
		},
		{
			file: "history/" + hist0710_0108,
			counts: map[string]int{"claude": 14, "gemini": 10, "vertex": 16, "gemini-cli": 7, "aistudio": 12, "codex-free": 6,
				"codex-team": 7, "codex-plus": 8, "codex-pro": 8, "kimi": 6, "antigravity": 11, "xai": 9},
		},
		{
			file: "history/" + hist0710_0406,
			counts: map[string]int{"claude": 14, "gemini": 10, "vertex": 16, "gemini-cli": 7, "aistudio": 12, "codex-free": 5,
				"codex-team": 7, "codex-plus": 8, "codex-pro": 8, "kimi": 6, "antigravity": 11, "xai": 9},
		},
		{
			file: "history/" + hist0802,
			counts: map[string]int{"claude": 15, "gemini": 12, "vertex": 19, "gemini-cli": 7, "aistudio": 14, "codex-free": 5,
				"codex-team": 7, "codex-plus": 8, "codex-pro": 8, "kimi": 8, "antigravity": 12, "xai": 9},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c := parseReference(t, tt.file)
			if got := c.Counts(); !maps.Equal(got, tt.counts) {
				t.Errorf("Counts = %v\nwant %v", got, tt.counts)
			}
			if tt.order != nil && !slices.Equal(c.Sections(), tt.order) {
				t.Errorf("Sections = %q, want file order %q", c.Sections(), tt.order)
			}
			for _, name := range c.Sections() {
				if !c.HasSection(name) || len(c.Section(name)) != tt.counts[name] {
					t.Errorf("section %s not reachable", name)
				}
				for _, m := range c.Section(name) {
					if m.ID == "" {
						t.Errorf("%s: a model without an id", name)
					}
				}
			}
		})
	}
}

func TestParseReferenceModelsCodexFree(t *testing.T) {
	c := parseReference(t, "models.json")
	want := []string{"gpt-5.4-mini", "gpt-5.5", "gpt-5.6-terra", "gpt-5.6-luna", "codex-auto-review"}
	if got := ids(c.Section("codex-free")); !slices.Equal(got, want) {
		t.Errorf("codex-free = %q, want %q (file order)", got, want)
	}
	m, ok := c.Lookup("codex-free", "GPT-5.5")
	if !ok || m.ID != "gpt-5.5" || m.DisplayName == "" {
		t.Errorf("Lookup is case-insensitive and gives the display name: %+v %v", m, ok)
	}
	if _, ok := c.Lookup("codex-free", "gpt-5.3-codex-spark"); ok {
		t.Error("found a model that is not in the section")
	}
	if _, ok := c.Lookup("no-such-section", "gpt-5.5"); ok {
		t.Error("found a model in a missing section")
	}
}

// TestParseObjectKeyedSection reads the 2026-03-10 catalog, whose antigravity
// section is an object keyed by model id.
func TestParseObjectKeyedSection(t *testing.T) {
	c := parseReference(t, "history/"+hist0310)
	want := []string{"claude-opus-4-6-thinking", "claude-sonnet-4-6", "gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-3-flash",
		"gemini-3-pro-high", "gemini-3-pro-low", "gemini-3.1-flash-image", "gemini-3.1-flash-lite-preview", "gemini-3.1-pro-high",
		"gemini-3.1-pro-low", "gpt-oss-120b-medium"}
	if got := ids(c.Section("antigravity")); !slices.Equal(got, want) {
		t.Fatalf("antigravity ids = %q\nwant the keys in file order %q", got, want)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var written map[string]json.RawMessage
	if err := json.Unmarshal(out, &written); err != nil {
		t.Fatal(err)
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(written["antigravity"], &list); err != nil {
		t.Fatalf("antigravity is not written as a list: %v", err)
	}
	var orig map[string]map[string]json.RawMessage
	if err := json.Unmarshal(readReference(t, "history/"+hist0310), &struct {
		A *map[string]map[string]json.RawMessage `json:"antigravity"`
	}{&orig}); err != nil {
		t.Fatal(err)
	}
	for i, entry := range list {
		var id string
		if err := json.Unmarshal(entry["id"], &id); err != nil || id != want[i] {
			t.Errorf("entry %d: id %s, want %q", i, entry["id"], want[i])
		}
		for k, v := range orig[want[i]] {
			if !sameJSON(entry[k], v) {
				t.Errorf("%s.%s = %s, want %s", want[i], k, entry[k], v)
			}
		}
		if len(entry) != len(orig[want[i]])+1 {
			t.Errorf("%s: %d fields written, want the %d read plus id", want[i], len(entry), len(orig[want[i]]))
		}
	}
}

func TestParseObjectKeyedEntries(t *testing.T) {
	data := `{"x": {"k1": {"display_name": "One"}, "k2": {}, "k3": {"id": "own-id"}, "k4": null, "": {"a": 1}}}`
	c, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(c.Section("x")); !slices.Equal(got, []string{"k1", "k2", "own-id"}) {
		t.Fatalf("ids = %q; an entry's own id wins over its key, null and empty keys are left out", got)
	}
	if got := c.Section("x")[0].DisplayName; got != "One" {
		t.Errorf("DisplayName = %q", got)
	}
	out, _ := json.Marshal(c)
	if want := `{"x":[{"id":"k1","display_name":"One"},{"id":"k2"},{"id":"own-id"}]}`; string(out) != want {
		t.Errorf("MarshalJSON = %s\nwant %s", out, want)
	}
}

// TestRoundTripKeepsEveryField marshals each reference catalog, parses the
// result and checks every model's fields against the first parse and
// against the file itself.
func TestRoundTripKeepsEveryField(t *testing.T) {
	files := []string{"models.json"}
	hist, _ := filepath.Glob(filepath.Join(referenceDir, "history", "*.json"))
	for _, h := range hist {
		files = append(files, "history/"+filepath.Base(h))
	}
	if len(files) != 8 {
		t.Fatalf("%d reference catalogs, want 8", len(files))
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			first := parseReference(t, file)
			out, err := json.Marshal(first)
			if err != nil {
				t.Fatal(err)
			}
			second, err := ParseValid(out)
			if err != nil {
				t.Fatalf("the written catalog does not parse: %v", err)
			}
			if !slices.Equal(first.Sections(), second.Sections()) {
				t.Fatalf("sections %q became %q", first.Sections(), second.Sections())
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(readReference(t, file), &raw); err != nil {
				t.Fatal(err)
			}
			for _, name := range first.Sections() {
				a, b := first.Section(name), second.Section(name)
				if !slices.Equal(ids(a), ids(b)) {
					t.Fatalf("%s: ids %q became %q", name, ids(a), ids(b))
				}
				for i := range a {
					if fa, fb := a[i].Fields(), b[i].Fields(); !sameFields(fa, fb) {
						t.Errorf("%s/%s: fields changed in the round trip", name, a[i].ID)
					}
				}
				var list []map[string]json.RawMessage
				if json.Unmarshal(raw[name], &list) != nil {
					continue // object-keyed: TestParseObjectKeyedSection
				}
				for i, orig := range list {
					if !sameFields(orig, b[i].Fields()) {
						t.Errorf("%s/%s: fields differ from the file", name, b[i].ID)
					}
				}
			}
		})
	}
}

func sameFields(a, b map[string]json.RawMessage) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for k, v := range a {
		if !sameJSON(v, b[k]) {
			return false
		}
	}
	return true
}

func TestModelMarshal(t *testing.T) {
	tests := []struct {
		name  string
		model Model
		want  string
	}{
		{"NewModel writes id and display name", NewModel("gpt-image-2", "GPT Image 2"), `{"id":"gpt-image-2","display_name":"GPT Image 2"}`},
		{"NewModel without a display name", NewModel("m", ""), `{"id":"m"}`},
		{"a model built by hand", Model{ID: "x", DisplayName: "X"}, `{"id":"x","display_name":"X"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := json.Marshal(tt.model)
			if err != nil || string(out) != tt.want {
				t.Fatalf("Marshal = %s, %v; want %s", out, err, tt.want)
			}
		})
	}
	c, _ := Parse([]byte(`{"s": [{"id": "a", "context_length": 400000, "thinking": {"levels": ["low", "high"]}, "x-unknown": [1, {"y": null}]}]}`))
	m := c.Section("s")[0]
	f := m.Fields()
	if len(f) != 4 || string(f["x-unknown"]) != `[1, {"y": null}]` || string(f["context_length"]) != "400000" {
		t.Errorf("Fields = %v; want every member as written", f)
	}
}

func TestSectionsIsACopy(t *testing.T) {
	c, _ := Parse([]byte(`{"a": [], "b": []}`))
	s := c.Sections()
	s[0] = "changed"
	if c.Sections()[0] != "a" {
		t.Fatal("changing the returned slice changed the catalog")
	}
}

// validCodex is a catalog whose four Codex sections are valid; extra members
// are spliced in to make a case.
func validCodex(extra string, replace map[string]string) []byte {
	sections := map[string]string{
		"codex-free": `[{"id": "gpt-5.4-mini"}]`,
		"codex-team": `[{"id": "gpt-5.4-mini"}, {"id": "gpt-5.4"}]`,
		"codex-plus": `[{"id": "gpt-5.4-mini"}, {"id": "gpt-5.4"}]`,
		"codex-pro":  `[{"id": "gpt-5.4-mini"}, {"id": "gpt-5.4"}, {"id": "gpt-5.5"}]`,
	}
	var b strings.Builder
	b.WriteString("{")
	for _, name := range CodexSections {
		v, ok := replace[name]
		if !ok {
			v = sections[name]
		}
		if v == "" {
			continue
		}
		if b.Len() > 1 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q: %s", name, v)
	}
	if extra != "" {
		b.WriteString(", " + extra)
	}
	b.WriteString("}")
	return []byte(b.String())
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		wantErr []string // parts of the error; none means valid
	}{
		{"the four Codex sections, non-empty", validCodex("", nil), nil},
		{"a missing Codex section", validCodex("", map[string]string{"codex-team": ""}), []string{"missing section codex-team"}},
		{"every Codex section missing", []byte(`{"claude": [{"id": "c"}]}`), []string{"missing section codex-free", "codex-team", "codex-plus", "missing section codex-pro"}},
		{"an empty Codex section", validCodex("", map[string]string{"codex-plus": `[]`}), []string{"empty section codex-plus"}},
		{"a null Codex section", validCodex("", map[string]string{"codex-pro": `null`}), []string{"codex-pro"}},
		{"an empty object Codex section", validCodex("", map[string]string{"codex-pro": `{}`}), []string{"empty section codex-pro"}},
		{"a null entry", validCodex("", map[string]string{"codex-free": `[{"id": "a"}, null]`}), []string{"codex-free", "null entry"}},
		{"an entry that is not an object", validCodex("", map[string]string{"codex-free": `[{"id": "a"}, "b"]`}), []string{"codex-free", "not an object"}},
		{"an empty id", validCodex("", map[string]string{"codex-team": `[{"id": "a"}, {"id": ""}]`}), []string{"codex-team", "empty id"}},
		{"a blank id", validCodex("", map[string]string{"codex-team": `[{"id": "  "}]`}), []string{"codex-team", "empty id"}},
		{"no id at all", validCodex("", map[string]string{"codex-team": `[{"display_name": "A"}]`}), []string{"codex-team", "empty id"}},
		{"an id that is not a string", validCodex("", map[string]string{"codex-team": `[{"id": 5}]`}), []string{"codex-team"}},
		{"a duplicate id", validCodex("", map[string]string{"codex-pro": `[{"id": "gpt-5.4"}, {"id": "gpt-5.5"}, {"id": "gpt-5.4"}]`}), []string{`codex-pro: duplicate id "gpt-5.4"`}},
		{"a section that is a string", validCodex("", map[string]string{"codex-free": `"gpt-5.4"`}), []string{"codex-free", "neither a list nor an object"}},
		{"a duplicate id in an object-keyed Codex section", validCodex("", map[string]string{"codex-free": `{"a": {}, "b": {"id": "a"}}`}), []string{`duplicate id "a"`}},
		{"several problems are all named", validCodex("", map[string]string{"codex-free": `[]`, "codex-pro": `[null]`}), []string{"empty section codex-free", "codex-pro", "null entry"}},
		{"problems in other sections are accepted", validCodex(`"claude": [null, {"id": ""}, {"id": "c"}, {"id": "c"}, 7], "kimi": [], "xai": "weird", "gemini": {"g": null}`, nil), nil},
		{"a section named like a Codex tier in another case is not one", validCodex(`"Codex-Free": []`, nil), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			err = c.Validate()
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want valid", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate accepted it")
			}
			for _, part := range tt.wantErr {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q does not mention %q", err, part)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line", err)
			}
			if _, err := ParseValid(tt.data); err == nil {
				t.Error("ParseValid accepted what Validate rejects")
			}
		})
	}
}

func TestValidateKeepsTheGoodEntriesOfOtherSections(t *testing.T) {
	c, err := ParseValid(validCodex(`"claude": [null, {"id": "c1"}, "x", {"id": "c2"}]`, nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(c.Section("claude")); !slices.Equal(got, []string{"c1", "c2"}) {
		t.Fatalf("claude = %q", got)
	}
}

func TestParseRejects(t *testing.T) {
	big := validCodex(`"pad": "`+strings.Repeat("x", MaxSize)+`"`, nil)
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"over 16 MiB", big, "16 MiB"},
		{"empty", nil, "not a JSON object"},
		{"an array", []byte(`[{"codex-free": []}]`), "not a JSON object"},
		{"a string", []byte(`"models"`), "not a JSON object"},
		{"null", []byte(`null`), "not a JSON object"},
		{"HTML", []byte(`<html>429 Too Many Requests</html>`), "not a JSON object"},
		{"truncated", validCodex("", nil)[:40], "not valid JSON"},
		{"unclosed", bytes.TrimSuffix(validCodex("", nil), []byte("}")), "not valid JSON"},
		{"a section with a bad value", []byte(`{"codex-free": [tru]}`), "not valid JSON"},
		{"trailing garbage", append(validCodex("", nil), " x"...), "not valid JSON"},
		{"two objects", append(validCodex("", nil), validCodex("", nil)...), "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.data)
			if err == nil {
				t.Fatalf("Parse accepted it: %v", c.Sections())
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not mention %q", err, tt.wantErr)
			}
			if len(err.Error()) > 300 {
				t.Errorf("error is %d bytes long; it should say why in one short line", len(err.Error()))
			}
		})
	}
	if _, err := Parse(validCodex("", nil)); err != nil {
		t.Fatalf("a valid catalog with whitespace around it: %v", err)
	}
	if _, err := Parse(append(append([]byte("\n "), validCodex("", nil)...), "\n\n"...)); err != nil {
		t.Fatalf("surrounding whitespace rejected: %v", err)
	}
}
