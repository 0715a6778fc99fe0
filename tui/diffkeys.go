package tui

import "github.com/charmbracelet/bubbles/key"

// DiffKeyMap is the bindings of the diff views (`d`). They are disabled
// outside those views, and each only in the tab it works in, so help
// shows what works (see Model.updateDiffKeyBindings).
type DiffKeyMap struct {
	// Tabs only labels "tab/1-4" in the help; the bindings below it work.
	Tabs key.Binding
	Next key.Binding          // tab
	Prev key.Binding          // shift+tab
	Tab  [numTabs]key.Binding // 1–4

	Open key.Binding // enter: the accounts of the entry under the cursor

	// Matrix.
	TierA key.Binding
	TierB key.Binding
	Swap  key.Binding

	// Candidate catalog.
	Load key.Binding

	// Policy what-if.
	RuleSet     key.Binding
	Policy      key.Binding
	AddAlias    key.Binding
	RemoveAlias key.Binding
	Reset       key.Binding

	// Models.
	CompareWith key.Binding
}

func defaultDiffKeyMap() DiffKeyMap {
	k := DiffKeyMap{
		Tabs:        key.NewBinding(key.WithKeys("tab", "shift+tab", "1", "2", "3", "4"), key.WithHelp("tab/1-4", "view")),
		Next:        key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next view")),
		Prev:        key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous view")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "accounts")),
		TierA:       key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "tier A")),
		TierB:       key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "tier B")),
		Swap:        key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "swap A/B")),
		Load:        key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open candidate")),
		RuleSet:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "rule set")),
		Policy:      key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unknown plans")),
		AddAlias:    key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "add alias")),
		RemoveAlias: key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "remove alias")),
		Reset:       key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "reset")),
		CompareWith: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "compare with")),
	}
	for i := range numTabs {
		n := string(rune('1' + i))
		k.Tab[i] = key.NewBinding(key.WithKeys(n), key.WithHelp(n, diffTabNames[i]))
	}
	for _, b := range k.all() {
		b.SetEnabled(false)
	}
	return k
}

// all is every binding, for enabling and disabling them together.
func (k *DiffKeyMap) all() []*key.Binding {
	out := []*key.Binding{&k.Tabs, &k.Next, &k.Prev, &k.Open, &k.TierA, &k.TierB, &k.Swap, &k.Load,
		&k.RuleSet, &k.Policy, &k.AddAlias, &k.RemoveAlias, &k.Reset, &k.CompareWith}
	for i := range k.Tab {
		out = append(out, &k.Tab[i])
	}
	return out
}

// shortHelp is the diff part of the footer's help, most useful first.
func (k DiffKeyMap) shortHelp() []key.Binding {
	return []key.Binding{k.Tabs, k.Open, k.TierA, k.TierB, k.Swap, k.Load,
		k.RuleSet, k.Policy, k.AddAlias, k.RemoveAlias, k.Reset, k.CompareWith}
}

// fullHelp is the diff column of the full help.
func (k DiffKeyMap) fullHelp() []key.Binding {
	return []key.Binding{k.Next, k.Prev, k.Open, k.TierA, k.TierB, k.Swap, k.Load,
		k.RuleSet, k.Policy, k.AddAlias, k.RemoveAlias, k.Reset, k.CompareWith}
}
