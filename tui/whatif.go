package tui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tierscope/tierscope/core"
)

// ruleEdit is the rule set the what-if view compares with the one in
// force: a named set with the operator's changes, kept as changes so that
// switching the named set keeps them (as `diff --rule-sets` applies the
// command line's --unknown-plan and --plan-alias to both sets).
type ruleEdit struct {
	name    string
	unknown string            // "": the named set's own policy
	add     map[string]string // raw plan → tier, added or replacing the set's alias
	remove  []string          // raw plans whose alias is taken away, sorted
}

// editOf is the edit that rebuilds the rules in force.
func editOf(r core.RuleSet) ruleEdit {
	e := ruleEdit{name: r.Name, add: maps.Clone(r.AliasOverrides)}
	if r.UnknownOverride {
		e.unknown = r.Unknown
	}
	return e
}

// build makes the edited rule set; cur gives what no edit changes
// (force-model-prefix).
func (e ruleEdit) build(cur core.RuleSet) (core.RuleSet, error) {
	r, err := core.LookupRuleSet(e.name)
	if err != nil {
		return cur, err
	}
	r.ForceModelPrefix = cur.ForceModelPrefix
	for _, raw := range slices.Sorted(maps.Keys(e.add)) {
		if r, err = r.WithAlias(raw, e.add[raw]); err != nil {
			return cur, err
		}
	}
	for _, raw := range e.remove {
		r = r.WithoutAlias(raw)
	}
	if e.unknown != "" {
		if r, err = r.WithUnknown(e.unknown); err != nil {
			return cur, err
		}
	}
	return r, nil
}

// nextRuleSet switches to the next named rule set.
func (e ruleEdit) nextRuleSet() ruleEdit {
	i := slices.Index(core.RuleSetNames, e.name)
	e.name = core.RuleSetNames[(i+1)%len(core.RuleSetNames)]
	return e
}

// nextPolicy moves the unknown-plan policy on (union → free → pro); the
// named set's own policy is kept as "no override".
func (e ruleEdit) nextPolicy(cur core.RuleSet) ruleEdit {
	r, err := e.build(cur)
	if err != nil {
		return e
	}
	i := slices.Index(core.Policies, r.Unknown)
	next := core.Policies[(i+1)%len(core.Policies)]
	e.unknown = next
	if set, err := core.LookupRuleSet(e.name); err == nil && set.Unknown == next {
		e.unknown = ""
	}
	return e
}

// withAlias adds raw=tier, as --plan-alias does.
func (e ruleEdit) withAlias(text string, cur core.RuleSet) (ruleEdit, error) {
	raw, tier, err := core.ParsePlanAlias(text)
	if err != nil {
		return e, err
	}
	probe, err := e.build(cur)
	if err == nil {
		_, err = probe.WithAlias(raw, tier)
	}
	if err != nil {
		return e, err
	}
	raw, tier = normKey(raw), normKey(tier)
	e.add = maps.Clone(e.add)
	if e.add == nil {
		e.add = map[string]string{}
	}
	e.add[raw] = tier
	e.remove = slices.DeleteFunc(slices.Clone(e.remove), func(r string) bool { return r == raw })
	return e, nil
}

// withoutAlias takes raw's alias away: the plan becomes unknown.
func (e ruleEdit) withoutAlias(raw string, cur core.RuleSet) (ruleEdit, error) {
	raw = normKey(raw)
	r, err := e.build(cur)
	if err != nil {
		return e, err
	}
	if raw == "" {
		return e, fmt.Errorf("name the plan whose alias to remove, e.g. enterprise")
	}
	if _, ok := r.Aliases[raw]; !ok {
		return e, fmt.Errorf("%q is not an alias here (aliases: %s)", raw, strings.Join(slices.Sorted(maps.Keys(r.Aliases)), ", "))
	}
	if _, ok := e.add[raw]; ok {
		e.add = maps.Clone(e.add)
		delete(e.add, raw)
	}
	if base, err := core.LookupRuleSet(e.name); err == nil {
		if _, ok := base.Aliases[raw]; !ok {
			return e, nil // it was only an added alias
		}
	}
	e.remove = append(slices.Clone(e.remove), raw)
	slices.Sort(e.remove)
	e.remove = slices.Compact(e.remove)
	return e, nil
}

func normKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ruleChange is one line of what differs between two rule sets.
type ruleChange struct {
	label string
	segs  []seg
}

// describeRuleChanges says what differs between the rules in force (from)
// and the edited ones (to), field by field, for the what-if view's head.
func describeRuleChanges(s *Styles, from, to core.RuleSet) []ruleChange {
	// Words, laid out with spaces between them by the view.
	arrow := func(a, b string) []seg {
		if a == b {
			return []seg{plain(a), styled("(unchanged)", &s.Muted)}
		}
		return []seg{styled(a, &s.Removed), plain("→"), styled(b, &s.Added)}
	}
	out := []ruleChange{
		{"rule set", arrow(from.Name, to.Name)},
		{"unknown plans", arrow(from.Unknown, to.Unknown)},
	}
	var aliases []seg
	keys := slices.Sorted(maps.Keys(from.Aliases))
	for k := range to.Aliases {
		if _, ok := from.Aliases[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		a, inA := from.Aliases[k]
		b, inB := to.Aliases[k]
		switch {
		case inA && !inB:
			aliases = append(aliases, styled("−"+k+" (was "+a+")", &s.Removed))
		case !inA && inB:
			aliases = append(aliases, styled("+"+k+"→"+b, &s.Added))
		case a != b:
			aliases = append(aliases, styled("~"+k+" "+a+"→"+b, &s.Changed))
		}
	}
	if len(aliases) == 0 {
		aliases = []seg{styled("unchanged", &s.Muted)}
	}
	out = append(out, ruleChange{"aliases", aliases})
	if !slices.Equal(from.PlanSources, to.PlanSources) {
		out = append(out, ruleChange{"plan from", arrow(strings.Join(from.PlanSources, ", "), strings.Join(to.PlanSources, ", "))})
	}
	if !slices.Equal(from.NotLoaded, to.NotLoaded) {
		out = append(out, ruleChange{"not loaded", arrow(orNone(strings.Join(from.NotLoaded, ", ")), orNone(strings.Join(to.NotLoaded, ", ")))})
	}
	return out
}
