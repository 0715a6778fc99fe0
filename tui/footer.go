package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tierscope/tierscope/auth"
)

// statusKind is how a status message is styled.
type statusKind int

const (
	statusInfo statusKind = iota
	statusSuccess
	statusError
)

// statusLifetime is how long a status message stays.
const statusLifetime = 5 * time.Second

// status is the current status message. Each message has an id, so the
// expiry of an old one never clears a newer one.
type status struct {
	text string
	kind statusKind
	id   int
}

// footer is the bottom of the screen: the help above a status line
// (filter, progress and messages).
type footer struct {
	styles *Styles
	keys   *KeyMap
	help   help.Model

	status  status
	nextID  int
	spinner spinner.Model
	busy    string // shown with the spinner while long work runs
	left    string // mode text: the filter being typed or applied
	width   int
}

func newFooter(styles *Styles, keys *KeyMap) footer {
	h := help.New()
	h.Styles = styles.Help
	h.ShortSeparator = " · "
	h.FullSeparator = "   "
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(styles.Spinner))
	return footer{styles: styles, keys: keys, help: h, spinner: sp}
}

// SetSize sets the width.
func (f *footer) SetSize(width int) {
	f.width = width
	f.help.Width = width - 1
}

// ToggleHelp switches between short and full help.
func (f *footer) ToggleHelp() { f.help.ShowAll = !f.help.ShowAll }

// SetStatus shows a message and returns the command that expires it.
func (f *footer) SetStatus(kind statusKind, text string) tea.Cmd {
	f.nextID++
	id := f.nextID
	f.status = status{text: auth.Redact(text), kind: kind, id: id}
	return tea.Tick(statusLifetime, func(time.Time) tea.Msg { return statusExpiredMsg{id: id} })
}

// Update handles the footer's own messages: expiry and spinner frames.
func (f footer) Update(msg tea.Msg) (footer, tea.Cmd) {
	switch msg := msg.(type) {
	case statusExpiredMsg:
		if msg.id == f.status.id {
			f.status = status{}
		}
	case spinner.TickMsg:
		if f.busy == "" {
			return f, nil // stop ticking when idle
		}
		var cmd tea.Cmd
		f.spinner, cmd = f.spinner.Update(msg)
		return f, cmd
	}
	return f, nil
}

// View renders the help above the status line.
func (f footer) View() string {
	return f.helpView() + "\n" + f.statusLine()
}

func (f footer) helpView() string {
	lines := strings.Split(f.help.View(f.keys), "\n")
	for i, l := range lines {
		// help.Model can overflow when even its "…" does not fit.
		lines[i] = truncate(" "+l, f.width)
	}
	return strings.Join(lines, "\n")
}

func (f footer) statusLine() string {
	var parts []string
	if f.left != "" {
		parts = append(parts, f.left)
	}
	if f.busy != "" {
		parts = append(parts, f.spinner.View()+" "+f.styles.StatusInfo.Render(f.busy))
	}
	if f.status.text != "" {
		parts = append(parts, f.statusText())
	}
	line := auth.Redact(" " + strings.Join(parts, "   ")) // the filter is typed (or pasted) text
	return padLine(truncate(line, f.width), f.width)
}

func (f footer) statusText() string {
	s := f.status
	switch s.kind {
	case statusError:
		return f.styles.StatusError.Render("✗ " + s.text)
	case statusSuccess:
		return f.styles.StatusSuccess.Render("✓ " + s.text)
	}
	return f.styles.StatusInfo.Render("· " + s.text)
}

// Height is the number of lines View renders.
func (f footer) Height() int {
	return 1 + strings.Count(f.helpView(), "\n") + 1
}
