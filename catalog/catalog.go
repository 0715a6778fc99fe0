// Package catalog is the proxy's model catalog (its models.json): parsing both
// section shapes, validation, the embedded fallback, the disk cache, the
// proxy's built-in models, freshness and section diffs.
//
// It knows nothing of auth files or the UI; core combines it with them.
package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// MaxSize is the largest catalog accepted (a real one is about 100 KiB).
const MaxSize = 16 << 20

// CodexSections are the Codex tier sections, in union order; a valid catalog
// has each of them, non-empty.
var CodexSections = []string{"codex-free", "codex-team", "codex-plus", "codex-pro"}

// Model is one catalog entry. Every field read is kept, so a catalog written
// back out loses nothing, and diffs can name the fields that changed.
type Model struct {
	ID          string
	DisplayName string
	raw         json.RawMessage
}

// NewModel returns a model with only an id and a display name.
func NewModel(id, displayName string) Model {
	raw, _ := json.Marshal(struct {
		ID          string `json:"id"`
		DisplayName string `json:"display_name,omitempty"`
	}{id, displayName})
	return Model{ID: id, DisplayName: displayName, raw: raw}
}

// MarshalJSON writes the model exactly as it was read.
func (m Model) MarshalJSON() ([]byte, error) {
	if m.raw == nil {
		return NewModel(m.ID, m.DisplayName).raw, nil
	}
	return m.raw, nil
}

// Fields returns the model's members, encoded, keyed by field name.
func (m Model) Fields() map[string]json.RawMessage {
	var f map[string]json.RawMessage
	_ = json.Unmarshal(m.raw, &f)
	return f
}

// Catalog is a parsed models.json: named sections of models.
type Catalog struct {
	order    []string
	sections map[string][]Model
	problems []problem
	size     int
}

type problem struct {
	section string
	text    string
}

// Parse reads a models.json. Sections may be lists of models or, as in older
// catalogs, objects keyed by model id. Entries that are null, not objects or
// without an id are left out and recorded; Validate decides whether that is
// fatal. Parse fails only when data is not a JSON object of sections.
func Parse(data []byte) (*Catalog, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("catalog is %d bytes, larger than the %d MiB limit", len(data), MaxSize>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("catalog is not a JSON object of sections")
	}
	c := &Catalog{sections: map[string][]Model{}, size: len(data)}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("catalog is not valid JSON: %w", err)
		}
		name := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("catalog is not valid JSON: section %q: %w", name, err)
		}
		if _, dup := c.sections[name]; !dup {
			c.order = append(c.order, name)
		}
		c.sections[name] = c.parseSection(name, raw)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("catalog is not valid JSON: %w", err)
	}
	// A concatenation or a truncated second copy is not one catalog.
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("catalog is not valid JSON: data after the object of sections")
	}
	return c, nil
}

func (c *Catalog) parseSection(name string, raw json.RawMessage) []Model {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err == nil {
		models := make([]Model, 0, len(list))
		for i, item := range list {
			if m, err := parseModel(item, ""); err != nil {
				c.problems = append(c.problems, problem{name, fmt.Sprintf("entry %d: %v", i, err)})
			} else {
				models = append(models, m)
			}
		}
		return models
	}
	// An object keyed by model id: keep the file's order.
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		c.problems = append(c.problems, problem{name, "neither a list nor an object of models"})
		return nil
	}
	var models []Model
	for dec.More() {
		tok, _ := dec.Token()
		id, _ := tok.(string)
		var item json.RawMessage
		if err := dec.Decode(&item); err != nil {
			c.problems = append(c.problems, problem{name, err.Error()})
			return models
		}
		if m, err := parseModel(item, id); err != nil {
			c.problems = append(c.problems, problem{name, fmt.Sprintf("%q: %v", id, err)})
		} else {
			models = append(models, m)
		}
	}
	return models
}

// parseModel reads one entry; keyID is the id from an object-keyed section.
func parseModel(raw json.RawMessage, keyID string) (Model, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == 'n' {
		return Model{}, errors.New("null entry")
	}
	if raw[0] != '{' {
		return Model{}, errors.New("not an object")
	}
	var head struct {
		ID          *string `json:"id"`
		DisplayName string  `json:"display_name"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return Model{}, err
	}
	m := Model{DisplayName: head.DisplayName, raw: raw}
	switch {
	case head.ID != nil:
		m.ID = *head.ID
	case keyID != "":
		m.ID = keyID
		m.raw = withID(raw, keyID)
	}
	if strings.TrimSpace(m.ID) == "" {
		return Model{}, errors.New("empty id")
	}
	return m, nil
}

// withID adds an "id" member first, so a model from an object-keyed section
// is written out as a list entry that still names itself.
func withID(raw json.RawMessage, id string) json.RawMessage {
	enc, _ := json.Marshal(id)
	rest := bytes.TrimSpace(raw[1:])
	out := append([]byte(`{"id":`), enc...)
	if len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, rest...)
}

// Validate applies the acceptance rules: the four Codex sections are present
// and non-empty, with no null entry, empty id or duplicate id. Other
// sections are taken as they come.
func (c *Catalog) Validate() error {
	var errs []string
	for _, p := range c.problems {
		if slices.Contains(CodexSections, p.section) {
			errs = append(errs, p.section+": "+p.text)
		}
	}
	for _, name := range CodexSections {
		models, ok := c.sections[name]
		switch {
		case !ok:
			errs = append(errs, "missing section "+name)
			continue
		case len(models) == 0 && !c.hasProblem(name):
			errs = append(errs, "empty section "+name)
		}
		seen := map[string]bool{}
		for _, m := range models {
			if seen[m.ID] {
				errs = append(errs, fmt.Sprintf("%s: duplicate id %q", name, m.ID))
			}
			seen[m.ID] = true
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid catalog: %s", strings.Join(errs, "; "))
	}
	return nil
}

func (c *Catalog) hasProblem(section string) bool {
	return slices.ContainsFunc(c.problems, func(p problem) bool { return p.section == section })
}

// Sections returns the section names in file order.
func (c *Catalog) Sections() []string { return slices.Clone(c.order) }

// Section returns the models of a section (nil when absent). The slice is
// shared: callers must not modify it.
func (c *Catalog) Section(name string) []Model { return c.sections[name] }

// HasSection reports whether the catalog has a section of that name.
func (c *Catalog) HasSection(name string) bool {
	_, ok := c.sections[name]
	return ok
}

// Counts returns the number of models per section.
func (c *Catalog) Counts() map[string]int {
	out := make(map[string]int, len(c.sections))
	for name, models := range c.sections {
		out[name] = len(models)
	}
	return out
}

// Lookup finds a model by id (case-insensitive) in a section.
func (c *Catalog) Lookup(section, id string) (Model, bool) {
	for _, m := range c.sections[section] {
		if strings.EqualFold(m.ID, id) {
			return m, true
		}
	}
	return Model{}, false
}

// MarshalJSON writes the catalog as a models.json, sections in file order,
// every section as a list.
func (c *Catalog) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, name := range c.order {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, _ := json.Marshal(name)
		buf.Write(key)
		buf.WriteByte(':')
		models := c.sections[name]
		if models == nil {
			models = []Model{}
		}
		enc, err := json.Marshal(models)
		if err != nil {
			return nil, err
		}
		buf.Write(enc)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
