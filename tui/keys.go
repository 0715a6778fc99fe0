package tui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
)

// KeyMap is every key binding of the UI. Bindings that do not apply in the
// current mode are disabled (see Model.updateKeyBindings), so help only
// shows what works.
type KeyMap struct {
	// Move only labels ↑↓/jk in the short help (one entry for two keys);
	// Up and Down do the work, and nothing dispatches on Move.
	Move     key.Binding
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding

	Detail  key.Binding // enter: open the detail pane full size, or close it
	Switch  key.Binding // tab: move focus between the table and the detail pane
	Filter  key.Binding
	Accept  key.Binding // enter while filtering
	Clear   key.Binding // esc: clear the filter
	Back    key.Binding // esc: leave a view
	Sort    key.Binding
	Reverse key.Binding
	Copy    key.Binding
	Catalog key.Binding

	// Wired by later issues; disabled until then.
	Refresh  key.Binding
	Write    key.Binding
	WriteAll key.Binding
	Diff     key.Binding

	// The write dialog: y writes; n, enter and esc do not (the default).
	Yes key.Binding
	No  key.Binding

	// DiffKeys are the bindings of the diff views (diffkeys.go).
	DiffKeys DiffKeyMap

	Help key.Binding
	Quit key.Binding
}

// DefaultKeyMap returns the bindings of DESIGN §6.
func DefaultKeyMap() KeyMap {
	k := KeyMap{
		Move:     key.NewBinding(key.WithKeys("up", "down", "k", "j"), key.WithHelp("↑↓/jk", "move")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		End:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		Detail:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
		Switch:   key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "switch pane")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Accept:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		Clear:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Sort:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Reverse:  key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse")),
		Copy:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy path")),
		Catalog:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "catalog")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh catalog")),
		Write:    key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "write plan")),
		WriteAll: key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "write all")),
		Diff:     key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "diff")),
		Yes:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "write")),
		No:       key.NewBinding(key.WithKeys("n", "enter", "esc"), key.WithHelp("n/enter/esc", "cancel")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		DiffKeys: defaultDiffKeyMap(),
	}
	// Later issues wire these; until then help must not offer them.
	for _, b := range []*key.Binding{&k.Refresh, &k.Write, &k.WriteAll, &k.Diff} {
		b.SetEnabled(false)
	}
	// Enabled while the write dialog is open (Model.updateActionBindings).
	k.Yes.SetEnabled(false)
	k.No.SetEnabled(false)
	return k
}

// ShortHelp is the one-line help of the footer.
func (k KeyMap) ShortHelp() []key.Binding {
	short := []key.Binding{
		k.Move, k.Accept, k.Clear, k.Back, k.Yes, k.No, k.Filter, k.Sort, k.Detail,
		k.Refresh, k.Write, k.Diff, k.Catalog, k.Help, k.Quit,
	}
	// The diff views' keys come after back (they are off elsewhere).
	return append(append(slices.Clone(short[:4]), k.DiffKeys.shortHelp()...), short[4:]...)
}

// FullHelp is the help shown by `?`, one column per group.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Detail, k.Switch, k.Filter, k.Accept, k.Clear, k.Back},
		{k.Sort, k.Reverse, k.Copy, k.Catalog, k.Refresh, k.Diff},
		{k.Write, k.WriteAll, k.Yes, k.No, k.Help, k.Quit},
		k.DiffKeys.fullHelp(),
	}
}
