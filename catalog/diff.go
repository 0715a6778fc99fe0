package catalog

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// SectionDiff is what changed in one section between two catalogs.
type SectionDiff struct {
	Added   []string      `json:"added"`
	Removed []string      `json:"removed"`
	Changed []ModelChange `json:"changed"`
}

// ModelChange names a model present in both catalogs whose fields differ.
type ModelChange struct {
	ID     string   `json:"id"`
	Fields []string `json:"fields"`
}

// Empty reports whether nothing changed.
func (d SectionDiff) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0
}

// Compare returns, per section, the models added, removed and changed from
// old to new; sections without changes are left out. Ids are compared
// exactly; lists are sorted.
func Compare(old, new *Catalog) map[string]SectionDiff {
	names := append(old.Sections(), new.Sections()...)
	slices.Sort(names)
	names = slices.Compact(names)
	out := map[string]SectionDiff{}
	for _, name := range names {
		d := compareSection(old.Section(name), new.Section(name))
		if !d.Empty() {
			out[name] = d
		}
	}
	return out
}

func compareSection(old, new []Model) SectionDiff {
	d := SectionDiff{Added: []string{}, Removed: []string{}, Changed: []ModelChange{}}
	before := make(map[string]Model, len(old))
	for _, m := range old {
		before[m.ID] = m
	}
	after := make(map[string]bool, len(new))
	for _, m := range new {
		after[m.ID] = true
		prev, ok := before[m.ID]
		if !ok {
			d.Added = append(d.Added, m.ID)
			continue
		}
		if fields := changedFields(prev, m); len(fields) > 0 {
			d.Changed = append(d.Changed, ModelChange{ID: m.ID, Fields: fields})
		}
	}
	for _, m := range old {
		if !after[m.ID] {
			d.Removed = append(d.Removed, m.ID)
		}
	}
	slices.Sort(d.Added)
	d.Added = slices.Compact(d.Added)
	slices.Sort(d.Removed)
	d.Removed = slices.Compact(d.Removed)
	slices.SortFunc(d.Changed, func(a, b ModelChange) int { return strings.Compare(a.ID, b.ID) })
	return d
}

// changedFields names the top-level fields whose values differ, comparing
// values as JSON (so spacing and key order inside a value do not count).
func changedFields(a, b Model) []string {
	fa, fb := a.Fields(), b.Fields()
	var out []string
	for k, va := range fa {
		if vb, ok := fb[k]; !ok || !sameJSON(va, vb) {
			out = append(out, k)
		}
	}
	for k := range fb {
		if _, ok := fa[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func sameJSON(a, b json.RawMessage) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	ea, _ := json.Marshal(va)
	eb, _ := json.Marshal(vb)
	return bytes.Equal(ea, eb)
}
