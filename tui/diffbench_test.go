package tui

import (
	"testing"
)

// benchDiffModel is benchModel with a candidate catalog (2026-04-15: many
// models differ from the reference catalog in force) and the diff views
// open on tab; the jobs of the view are run once, before the timer.
func benchDiffModel(b *testing.B, keys string) *Model {
	b.Helper()
	m := benchModel(b)
	m.Update(candidateMsg{cand: candidate{loaded: historyCatalog(b, history0415), label: history0415}})
	send(m, typed(keys)...)
	finishDiff(b, m)
	return m
}

// BenchmarkDiffCandidateJob10k is the background work of a candidate diff
// over 10,000 accounts: resolve them all under the candidate, diff, group,
// count per model. The view stays responsive meanwhile ("computing …").
func BenchmarkDiffCandidateJob10k(b *testing.B) {
	m := benchDiffModel(b, "d2")
	b.Logf("%d of %d accounts change, in %d groups", len(m.diff.cand.result.cat.Accounts), len(m.snap.Accounts), len(m.diff.cand.result.cat.Groups))
	job, ok := m.diff.wanted(jobCandidate)
	if !ok {
		b.Fatal("no candidate job")
	}
	b.ResetTimer()
	for b.Loop() {
		job.run()
	}
}

// BenchmarkDiffCandidateOpen10k is the UI side of opening the candidate
// diff of 10,000 accounts: the keys (d, 2) with their frames, then the
// finished job taken and drawn. The job itself runs in a command.
func BenchmarkDiffCandidateOpen10k(b *testing.B) {
	m := benchDiffModel(b, "d2")
	result := *m.diff.cand.result
	send(m, keyEsc)
	b.ResetTimer()
	for b.Loop() {
		m.diff.cand.result = nil
		m.Update(runes("d"))
		_ = m.View()
		m.Update(runes("2"))
		_ = m.View()
		b.StopTimer()
		delete(m.diff.pending, jobCandidate) // the command never runs here
		b.StartTimer()
		m.Update(result)
		_ = m.View()
		b.StopTimer()
		send(m, keyEsc)
		b.StartTimer()
	}
}

// BenchmarkDiffWhatIfMove10k is one ↓ and its frame in the what-if list
// of pr2024 → upstream over 10,000 accounts (thousands of entries).
func BenchmarkDiffWhatIfMove10k(b *testing.B) {
	m := benchDiffModel(b, "d3s")
	if n := m.diff.whatIf.list.Len(); n < 1000 {
		b.Fatalf("%d entries", n)
	}
	b.ResetTimer()
	for b.Loop() {
		if m.diff.whatIf.list.cursor == m.diff.whatIf.list.Len()-1 {
			send(m, runes("g"))
		}
		m.Update(keyDown)
		_ = m.View()
	}
}

// BenchmarkDiffWhatIfEdit10k is one edit of the what-if rules (u) over
// 10,000 accounts: the key and its frame; the diff runs in a command.
func BenchmarkDiffWhatIfEdit10k(b *testing.B) {
	m := benchDiffModel(b, "d3s")
	b.ResetTimer()
	for b.Loop() {
		m.Update(runes("u"))
		_ = m.View()
	}
}

// BenchmarkDiffWhatIfResult10k is a finished what-if job taken by the UI
// (its thousands of entries laid out) and drawn.
func BenchmarkDiffWhatIfResult10k(b *testing.B) {
	m := benchDiffModel(b, "d3s")
	result := *m.diff.whatIf.result
	b.ResetTimer()
	for b.Loop() {
		m.diff.whatIf.result = nil
		m.Update(result)
		_ = m.View()
	}
}
