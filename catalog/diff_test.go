package catalog

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestCompareHistory(t *testing.T) {
	codexTiers := []string{"codex-free", "codex-team", "codex-plus", "codex-pro"}
	olderModels := []string{"gpt-5", "gpt-5-codex", "gpt-5-codex-mini", "gpt-5.1", "gpt-5.1-codex", "gpt-5.1-codex-max", "gpt-5.1-codex-mini", "gpt-5.2-codex"}
	gpt55Changed := SectionDiff{Added: []string{}, Removed: []string{}, Changed: []ModelChange{{ID: "gpt-5.5", Fields: []string{"context_length", "description"}}}}
	tests := []struct {
		name     string
		old, new string
		want     map[string]SectionDiff // the whole result
	}{
		{
			name: "2026-04-24 02:42 to 05:05: gpt-5.5 left the free tier and changed in the others",
			old:  hist0424_0242, new: hist0424_0505,
			want: map[string]SectionDiff{
				"codex-free": {Added: []string{}, Removed: []string{"gpt-5.5"}, Changed: []ModelChange{}},
				"codex-team": gpt55Changed,
				"codex-plus": gpt55Changed,
				"codex-pro":  gpt55Changed,
			},
		},
		{
			name: "2026-07-10 01:08 to 04:06: gpt-5.6-sol removed from free",
			old:  hist0710_0108, new: hist0710_0406,
			want: map[string]SectionDiff{
				"codex-free": {Added: []string{}, Removed: []string{"gpt-5.6-sol"}, Changed: []ModelChange{}},
			},
		},
		{
			name: "the same pair read backwards: gpt-5.6-sol added to free",
			old:  hist0710_0406, new: hist0710_0108,
			want: map[string]SectionDiff{
				"codex-free": {Added: []string{"gpt-5.6-sol"}, Removed: []string{}, Changed: []ModelChange{}},
			},
		},
		{
			name: "a catalog against itself has no changes",
			old:  hist0802, new: hist0802,
			want: map[string]SectionDiff{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(parseReference(t, "history/"+tt.old), parseReference(t, "history/"+tt.new))
			if !reflect.DeepEqual(got, tt.want) {
				gj, _ := json.MarshalIndent(got, "", " ")
				wj, _ := json.MarshalIndent(tt.want, "", " ")
				t.Errorf("Compare\n got %s\nwant %s", gj, wj)
			}
		})
	}
	t.Run("2026-04-15: the older models left every Codex tier", func(t *testing.T) {
		got := Compare(parseReference(t, "history/"+hist0310), parseReference(t, "history/"+hist0415))
		for _, tier := range codexTiers {
			if !slices.Equal(got[tier].Removed, olderModels) {
				t.Errorf("%s removed %q\nwant %q", tier, got[tier].Removed, olderModels)
			}
			if len(got[tier].Changed) != 0 {
				t.Errorf("%s changed %v", tier, got[tier].Changed)
			}
		}
		if want := []string{"gpt-5.3-codex", "gpt-5.4", "gpt-5.4-mini"}; !slices.Equal(got["codex-free"].Added, want) {
			t.Errorf("codex-free added %q, want %q", got["codex-free"].Added, want)
		}
		for _, tier := range []string{"codex-team", "codex-plus", "codex-pro"} {
			if want := []string{"gpt-5.4-mini"}; !slices.Equal(got[tier].Added, want) {
				t.Errorf("%s added %q, want %q", tier, got[tier].Added, want)
			}
		}
		// The old antigravity section was keyed by id: the id the parser
		// adds must not show up as a changed field.
		ag := got["antigravity"]
		if !slices.Equal(ag.Added, []string{"gemini-3.1-flash-lite"}) ||
			!slices.Equal(ag.Removed, []string{"gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-3.1-flash-lite-preview"}) {
			t.Errorf("antigravity added %q removed %q", ag.Added, ag.Removed)
		}
		if len(ag.Changed) != 9 {
			t.Errorf("antigravity changed %d models, want 9: %v", len(ag.Changed), ag.Changed)
		}
		for _, ch := range ag.Changed {
			if slices.Contains(ch.Fields, "id") {
				t.Errorf("%s: id reported as changed", ch.ID)
			}
		}
		if i := slices.IndexFunc(ag.Changed, func(c ModelChange) bool { return c.ID == "gemini-3.1-pro-high" }); i < 0 ||
			!slices.Equal(ag.Changed[i].Fields, []string{"context_length", "description", "display_name", "max_completion_tokens", "name", "object", "owned_by", "thinking", "type"}) {
			t.Errorf("gemini-3.1-pro-high change = %v", ag.Changed)
		}
		if want := []string{"qwen3-coder-flash", "qwen3-coder-plus", "vision-model"}; !slices.Equal(got["qwen"].Removed, want) {
			t.Errorf("qwen removed %q", got["qwen"].Removed)
		}
		if _, ok := got["claude"]; ok {
			t.Error("unchanged section claude is in the diff")
		}
		if _, ok := got["iflow"]; ok {
			t.Error("unchanged section iflow is in the diff")
		}
	})
	t.Run("2026-04-24 05:05 to 2026-07-10: ids are sorted", func(t *testing.T) {
		got := Compare(parseReference(t, "history/"+hist0424_0505), parseReference(t, "history/"+hist0710_0108))
		want := []string{"codex-auto-review", "gpt-5.5", "gpt-5.6-luna", "gpt-5.6-sol", "gpt-5.6-terra"}
		if !slices.Equal(got["codex-free"].Added, want) {
			t.Errorf("codex-free added %q, want %q", got["codex-free"].Added, want)
		}
		if want := []string{"gpt-5.2", "gpt-5.3-codex", "gpt-5.4"}; !slices.Equal(got["codex-free"].Removed, want) {
			t.Errorf("codex-free removed %q, want %q", got["codex-free"].Removed, want)
		}
		if d := got["xai"]; len(d.Added) != 9 || len(d.Removed) != 0 {
			t.Errorf("xai, a new section, should list all its models as added: %+v", d)
		}
	})
	t.Run("2026-08-02: every changed model names its fields, sorted", func(t *testing.T) {
		got := Compare(parseReference(t, "history/"+hist0710_0406), parseReference(t, "history/"+hist0802))
		for name, d := range got {
			if !slices.IsSortedFunc(d.Changed, func(a, b ModelChange) int { return strings.Compare(a.ID, b.ID) }) {
				t.Errorf("%s: changes not sorted by id", name)
			}
			for _, ch := range d.Changed {
				if len(ch.Fields) == 0 || !slices.IsSorted(ch.Fields) {
					t.Errorf("%s/%s: fields %q", name, ch.ID, ch.Fields)
				}
			}
		}
		luna := got["codex-plus"].Changed
		i := slices.IndexFunc(luna, func(c ModelChange) bool { return c.ID == "gpt-5.6-luna" })
		if i < 0 || !slices.Equal(luna[i].Fields, []string{"config", "supportedInputModalities", "supportedOutputModalities"}) {
			t.Errorf("codex-plus gpt-5.6-luna change: %v", luna)
		}
	})
}

func TestCompareSections(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     map[string]SectionDiff
	}{
		{
			"spacing and key order inside a value are not changes",
			`{"s": [{"id": "a", "thinking": {"min": 1, "max": 2}, "n": 1.0}]}`,
			`{"s":[{"n":1.0,"thinking":{"max":2,"min":1},"id":"a"}]}`,
			map[string]SectionDiff{},
		},
		{
			"a field added, removed and changed",
			`{"s": [{"id": "a", "x": 1, "y": 2}]}`,
			`{"s": [{"id": "a", "y": 3, "z": 4}]}`,
			map[string]SectionDiff{"s": {Added: []string{}, Removed: []string{}, Changed: []ModelChange{{ID: "a", Fields: []string{"x", "y", "z"}}}}},
		},
		{
			"ids are compared exactly",
			`{"s": [{"id": "GPT-5"}]}`,
			`{"s": [{"id": "gpt-5"}]}`,
			map[string]SectionDiff{"s": {Added: []string{"gpt-5"}, Removed: []string{"GPT-5"}, Changed: []ModelChange{}}},
		},
		{
			"a section that disappears lists its models as removed",
			`{"s": [{"id": "b"}, {"id": "a"}], "t": [{"id": "c"}]}`,
			`{"t": [{"id": "c"}]}`,
			map[string]SectionDiff{"s": {Added: []string{}, Removed: []string{"a", "b"}, Changed: []ModelChange{}}},
		},
		{
			"a reordered section is unchanged",
			`{"s": [{"id": "a"}, {"id": "b"}]}`,
			`{"s": [{"id": "b"}, {"id": "a"}]}`,
			map[string]SectionDiff{},
		},
		{
			"an object-keyed section equals its list form",
			`{"s": {"a": {"n": 1}, "b": {}}}`,
			`{"s": [{"id": "a", "n": 1}, {"id": "b"}]}`,
			map[string]SectionDiff{},
		},
		{
			"changes sorted by id",
			`{"s": [{"id": "c", "v": 1}, {"id": "a", "v": 1}, {"id": "b", "v": 1}]}`,
			`{"s": [{"id": "c", "v": 2}, {"id": "b", "v": 2}, {"id": "a", "v": 2}]}`,
			map[string]SectionDiff{"s": {Added: []string{}, Removed: []string{}, Changed: []ModelChange{
				{ID: "a", Fields: []string{"v"}}, {ID: "b", Fields: []string{"v"}}, {ID: "c", Fields: []string{"v"}},
			}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse([]byte(tt.old))
			if err != nil {
				t.Fatal(err)
			}
			n, err := Parse([]byte(tt.new))
			if err != nil {
				t.Fatal(err)
			}
			if got := Compare(o, n); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Compare = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestSectionDiffJSONHasListsNotNulls(t *testing.T) {
	o, _ := Parse([]byte(`{"s": [{"id": "a"}]}`))
	n, _ := Parse([]byte(`{"s": []}`))
	out, err := json.Marshal(Compare(o, n))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"s":{"added":[],"removed":["a"],"changed":[]}}`; string(out) != want {
		t.Fatalf("JSON = %s, want %s", out, want)
	}
	if !(SectionDiff{}).Empty() || (SectionDiff{Removed: []string{"a"}}).Empty() {
		t.Fatal("Empty is wrong")
	}
}
