package tui

// updateActionBindings enables the refresh and write bindings where they
// apply (called at the end of updateKeyBindings): r needs a fetcher (none
// under --offline or --catalog) or a proxy to check, w and W a writable
// source (not --read-only); y and n only answer the write dialog.
func (m *Model) updateActionBindings() {
	k := &m.keys
	typing := m.filtering
	writable := !m.opts.ReadOnly && m.opts.Source != nil
	dialog := m.view == viewWrite
	k.Refresh.SetEnabled((m.opts.Fetcher != nil || m.opts.Proxy != nil) && !typing && (m.view == viewMain || m.view == viewCatalog))
	k.Refresh.SetHelp("r", refreshHelp(m.opts.Fetcher != nil, m.opts.Proxy != nil))
	k.Write.SetEnabled(writable && !typing && (m.view == viewMain || m.view == viewZoom))
	k.WriteAll.SetEnabled(writable && !typing && m.view == viewMain)
	k.Yes.SetEnabled(dialog && m.dialog.mode == dialogConfirm)
	k.No.SetEnabled(dialog)
	if !dialog {
		return
	}
	k.Back.SetEnabled(false) // esc is No's
	if m.dialog.mode == dialogConfirm {
		k.No.SetHelp("n/enter/esc", "cancel")
	} else {
		k.No.SetHelp("enter/esc", "close")
	}
}
