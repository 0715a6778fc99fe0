package tui

import "slices"

// tableScope narrows the accounts table to a fixed set of files, below
// the filter: the accounts of a diff group, or those serving a model.
type tableScope struct {
	label string
	files map[string]bool
}

// SetScope shows exactly files (those present), cursor on the first; the
// filter is cleared, so the table shows the group and nothing else.
func (t *accountTable) SetScope(label string, files []string) {
	set := make(map[string]bool, len(files))
	for _, f := range files {
		set[f] = true
	}
	t.scope = &tableScope{label: label, files: set}
	t.filter = filterState{}
	t.sortRows()
	t.view = t.order
	t.cursor, t.offset = 0, 0
}

// ClearScope shows every account again, the cursor on the same one, the
// filter (if any) applied to all of them.
func (t *accountTable) ClearScope() {
	if t.scope == nil {
		return
	}
	selected := t.SelectedFile()
	query := t.filter.query
	t.scope = nil
	t.sortRows()
	t.filter = filterState{}
	t.view = t.order
	if query != "" {
		t.applyFilter(query)
	}
	t.selectFile(selected)
}

// Scope is the scope in force, or nil.
func (t *accountTable) Scope() *tableScope { return t.scope }

// scoped drops from order the rows outside the scope.
func (t *accountTable) scoped(order []int) []int {
	if t.scope == nil {
		return order
	}
	return slices.DeleteFunc(order, func(i int) bool { return !t.scope.files[t.rows[i].acc.File] })
}
