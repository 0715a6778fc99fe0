package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"

	"github.com/tierscope/tierscope/core"
)

// Palette is the handful of colours every style is built from. Colour is
// never the only signal: badges, markers and levels also carry symbols, so
// the UI reads the same under NO_COLOR.
type Palette struct {
	Text       lipgloss.TerminalColor
	Muted      lipgloss.TerminalColor
	Subtle     lipgloss.TerminalColor
	Accent     lipgloss.TerminalColor
	Good       lipgloss.TerminalColor
	Warn       lipgloss.TerminalColor
	Bad        lipgloss.TerminalColor
	SelectedBg lipgloss.TerminalColor
	BadgeFg    lipgloss.TerminalColor
}

// DefaultPalette adapts to light and dark terminals.
func DefaultPalette() Palette {
	return Palette{
		Text:       lipgloss.AdaptiveColor{Light: "#1F2328", Dark: "#E6EDF3"},
		Muted:      lipgloss.AdaptiveColor{Light: "#656D76", Dark: "#8B949E"},
		Subtle:     lipgloss.AdaptiveColor{Light: "#D0D7DE", Dark: "#30363D"},
		Accent:     lipgloss.AdaptiveColor{Light: "#0969DA", Dark: "#58A6FF"},
		Good:       lipgloss.AdaptiveColor{Light: "#1A7F37", Dark: "#3FB950"},
		Warn:       lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#D29922"},
		Bad:        lipgloss.AdaptiveColor{Light: "#CF222E", Dark: "#F85149"},
		SelectedBg: lipgloss.AdaptiveColor{Light: "#DDF4FF", Dark: "#1F3A5F"},
		BadgeFg:    lipgloss.AdaptiveColor{Light: "#FFFFFF", Dark: "#0D1117"},
	}
}

// Styles is every style of the UI, in one place.
type Styles struct {
	// Header.
	AppName   lipgloss.Style
	Header    lipgloss.Style // plain header text
	HeaderSep lipgloss.Style
	ReadOnly  lipgloss.Style
	Demo      lipgloss.Style
	Fresh     lipgloss.Style // catalog levels
	Stale     lipgloss.Style
	Old       lipgloss.Style

	// Table.
	ColumnHeader lipgloss.Style
	SortedColumn lipgloss.Style
	Selected     lipgloss.Style // the cursor row while the table has focus
	SelectedDim  lipgloss.Style // the cursor row while another pane has focus
	Empty        lipgloss.Style

	// Severities, for badges and warnings.
	Error lipgloss.Style
	Warn  lipgloss.Style
	Info  lipgloss.Style

	// Panes.
	Rule        lipgloss.Style // separators
	PaneTitle   lipgloss.Style
	PaneTitleOn lipgloss.Style // title of the focused pane
	Label       lipgloss.Style
	Value       lipgloss.Style
	Muted       lipgloss.Style
	Section     lipgloss.Style
	Good        lipgloss.Style

	// Diffs: what a change adds, removes and modifies. Marks (+ − ~)
	// carry the same meaning without colour.
	Added   lipgloss.Style
	Removed lipgloss.Style
	Changed lipgloss.Style

	// Footer.
	StatusInfo    lipgloss.Style
	StatusSuccess lipgloss.Style
	StatusError   lipgloss.Style
	FilterPrompt  lipgloss.Style
	FilterCount   lipgloss.Style
	Spinner       lipgloss.Style
	ProgressDone  lipgloss.Style // a progress bar's filled part
	ProgressLeft  lipgloss.Style // and the rest
	Help          help.Styles

	// The write dialog: its [y/N] prompt and the preview's diff lines.
	ConfirmPrompt lipgloss.Style
	PreviewAdd    lipgloss.Style
	PreviewDel    lipgloss.Style
	PreviewHunk   lipgloss.Style
}

// DefaultStyles builds the styles from a palette.
func DefaultStyles(p Palette) Styles {
	s := lipgloss.NewStyle()
	st := Styles{
		AppName:   s.Bold(true).Foreground(p.Accent),
		Header:    s.Foreground(p.Text),
		HeaderSep: s.Foreground(p.Muted),
		ReadOnly:  s.Bold(true).Foreground(p.BadgeFg).Background(p.Warn).Padding(0, 1),
		Demo:      s.Bold(true).Foreground(p.BadgeFg).Background(p.Accent).Padding(0, 1),
		Fresh:     s.Foreground(p.Good),
		Stale:     s.Foreground(p.Warn),
		Old:       s.Foreground(p.Bad).Bold(true),

		ColumnHeader: s.Bold(true).Foreground(p.Muted),
		SortedColumn: s.Bold(true).Foreground(p.Accent),
		Selected:     s.Bold(true).Foreground(p.Text).Background(p.SelectedBg),
		SelectedDim:  s.Foreground(p.Text).Background(p.Subtle),
		Empty:        s.Foreground(p.Muted).Italic(true),

		Error: s.Foreground(p.Bad),
		Warn:  s.Foreground(p.Warn),
		Info:  s.Foreground(p.Muted),

		Rule:        s.Foreground(p.Subtle),
		PaneTitle:   s.Foreground(p.Muted),
		PaneTitleOn: s.Bold(true).Foreground(p.Accent),
		Label:       s.Foreground(p.Muted),
		Value:       s.Foreground(p.Text),
		Muted:       s.Foreground(p.Muted),
		Section:     s.Bold(true).Foreground(p.Text),
		Good:        s.Foreground(p.Good),

		Added:   s.Foreground(p.Good),
		Removed: s.Foreground(p.Bad),
		Changed: s.Foreground(p.Warn),

		StatusInfo:    s.Foreground(p.Muted),
		StatusSuccess: s.Foreground(p.Good),
		StatusError:   s.Foreground(p.Bad).Bold(true),
		FilterPrompt:  s.Bold(true).Foreground(p.Accent),
		FilterCount:   s.Foreground(p.Muted),
		Spinner:       s.Foreground(p.Accent),
		ProgressDone:  s.Foreground(p.Accent),
		ProgressLeft:  s.Foreground(p.Subtle),

		ConfirmPrompt: s.Bold(true).Foreground(p.Warn),
		PreviewAdd:    s.Foreground(p.Good),
		PreviewDel:    s.Foreground(p.Bad),
		PreviewHunk:   s.Foreground(p.Accent),
	}
	st.Help = help.Styles{
		Ellipsis:       s.Foreground(p.Muted),
		ShortKey:       s.Foreground(p.Text),
		ShortDesc:      s.Foreground(p.Muted),
		ShortSeparator: s.Foreground(p.Subtle),
		FullKey:        s.Foreground(p.Text),
		FullDesc:       s.Foreground(p.Muted),
		FullSeparator:  s.Foreground(p.Subtle),
	}
	return st
}

// severityStyle picks the style of a warning severity.
func (s Styles) severityStyle(severity string) lipgloss.Style {
	switch severity {
	case core.SeverityError:
		return s.Error
	case core.SeverityWarn:
		return s.Warn
	}
	return s.Info
}
