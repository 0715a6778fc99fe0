package demo

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Proportions of the ordinary ("bulk") files that follow the fixtures.
// They are rough shapes of a real fleet: mostly healthy Codex accounts on
// free and plus, a tail of everything else.
var (
	bulkProviders = []weighted[string]{
		{"codex", 92}, {"claude", 2}, {"gemini", 1.5}, {"antigravity", 1}, {"xai", 1},
		{"vertex", 0.5}, {"aistudio", 0.5}, {"kimi", 0.5}, {"qwen", 0.5}, {"mystery", 0.2},
	}
	bulkPlans = []weighted[string]{
		{"free", 28}, {"plus", 34}, {"pro", 12}, {"team", 12}, {"business", 4},
		{"enterprise", 2}, {"go", 2}, {"edu", 1}, {"education", 0.5},
		{"Plus ", 0.5}, {"PRO", 0.5}, {"k12", 0.5}, {"prolite", 1}, {"", 0.5},
	}
	// storedPlanForms: the real proxy never writes plan_type, so most files
	// have none; the rest come from other tools or an earlier normalize.
	storedPlanForms = []weighted[kind]{
		{"", 84}, {kindStoredTier, 8}, {kindStoredAlias, 3}, {kindStoredStale, 2}, {kindStoredChatGPTPlan, 3},
	}
	tokenModes = []weighted[tokenMode]{
		{tokenSigned, 95.7}, {tokenForged, 3}, {tokenAbsent, 1}, {tokenMalformed, 0.3},
	}
	expiryShapes = []weighted[kind]{
		{"", 86.5}, {kindExpired, 2}, {kindExpiringSoon, 1.5}, {kindExpiryFarFuture, 10},
	}
	expiryForms = []weighted[kind]{
		{"", 95.5}, {kindExpirySeconds, 3}, {kindExpiryMillis, 1.5},
	}
	excludedLists = [][]string{
		{"gpt-5.4-mini"}, {"*mini*"}, {"gpt-5.3-codex-spark", "GPT-5.2*"}, {"*-codex*"},
	}
	aliasLists = [][]object{
		{modelAlias("gpt-5.5", "five", false)},
		{modelAlias("gpt-5.4", "g4", true)},
		{modelAlias("gpt-5.5", "default", false), modelAlias("gpt-5.4-mini", "fast", true)},
	}
	prefixes = []string{"eu", "us", "apac", "team-a"}
	tiers    = []string{"free", "plus", "pro", "team"}
)

const (
	bulkBrokenRate = 0.003 // truncated or empty: interrupted non-atomic writes
	bulkDupRate    = 0.01
)

// bulkSpec plans the ordinary file at index i.
func (p *planner) bulkSpec(i int) fileSpec {
	base := p.bulkBase(i)
	if !p.isBulkDup(i) {
		return base
	}
	original, ok := p.bulkBase(i - 1).file.(*codexAccount)
	if _, isCodex := base.file.(*codexAccount); !ok || !isCodex {
		return base
	}
	return codexSpec(p.duplicateOf(original.identity, original.namePlan, newRand(p.seed, uint64(i), streamDup)))
}

// isBulkDup decides duplicates from a stream of their own and never makes
// a duplicate of a duplicate, so index i needs only index i-1 to be built.
func (p *planner) isBulkDup(i int) bool {
	dupRoll := func(i int) bool { return chance(newRand(p.seed, uint64(i), streamDup), bulkDupRate) }
	return i-1 >= p.firstBulk && dupRoll(i) && !dupRoll(i-1)
}

// bulkBase plans index i ignoring duplication.
func (p *planner) bulkBase(i int) fileSpec {
	r := newRand(p.seed, uint64(i), streamPlan)
	// Both rolls are always drawn so that one index's draws never depend on
	// Count.
	brokenRoll := r.Float64()
	provider := pickWeighted(r, bulkProviders)
	idRand := newRand(p.seed, uint64(i), streamIdentity)
	email := bulkEmail(idRand, i)
	switch {
	case p.fullMix && brokenRoll < bulkBrokenRate:
		return p.bulkBroken(r, newIdentity(idRand, email), brokenRoll < bulkBrokenRate*2/3)
	case p.fullMix && provider != "codex":
		return providerSpec(&providerAccount{provider: provider, email: email, project: bulkProject(provider, i), now: p.now})
	}
	return codexSpec(p.bulkCodex(r, newIdentity(idRand, email)))
}

// bulkProject names a project uniquely per index.
func bulkProject(provider string, index int) string {
	return fmt.Sprintf("demo-%s-%04d", provider, index)
}

// bulkBroken is a Codex file caught mid-write.
func (p *planner) bulkBroken(r *rand.Rand, id identity, truncated bool) fileSpec {
	a := newCodexAccount(r, id, pickWeighted(r, bulkPlans), p.now)
	form := kindBrokenEmpty
	if truncated {
		form = kindBrokenTruncated
	}
	return brokenSpec(&brokenFile{fileName: a.name(), form: form, account: a})
}

// bulkCodex draws one ordinary Codex account and its quirks.
func (p *planner) bulkCodex(r *rand.Rand, id identity) *codexAccount {
	a := newCodexAccount(r, id, pickWeighted(r, bulkPlans), p.now)
	a.token = pickWeighted(r, tokenModes)
	rollStoredPlan(a, r)
	rollNamePlan(a, r)
	rollState(a, r, p.now)
	rollRouting(a, r)
	a.compact = chance(r, 0.10)
	return a
}

// rollStoredPlan adds a stored plan. Without a readable token the file can
// only say its plan through plan_type, as files written by other tools do.
func rollStoredPlan(a *codexAccount, r *rand.Rand) {
	form := pickWeighted(r, storedPlanForms)
	if !a.planClaim {
		return
	}
	if !a.hasReadableToken() {
		a.store("plan_type", a.plan, kindStoredWithoutToken)
		return
	}
	tier, known := tierOf(a.plan)
	switch {
	case form == kindStoredTier && known:
		a.store("plan_type", tier, kindStoredTier)
	case form == kindStoredAlias && known && a.plan != tier:
		a.store("plan_type", a.plan, kindStoredAlias)
	case form == kindStoredStale:
		a.store("plan_type", otherTier(r, tier), kindStoredStale)
	case form == kindStoredChatGPTPlan:
		a.store("chatgpt_plan_type", a.plan, kindStoredChatGPTPlan)
	}
}

// otherTier returns a tier different from tier (any tier if it is unknown).
func otherTier(r *rand.Rand, tier string) string {
	for {
		if t := pickOne(r, tiers); t != tier {
			return t
		}
	}
}

// rollNamePlan renames a few files after an older plan: the proxy keeps the
// name it chose at login while refreshed tokens carry the new plan.
func rollNamePlan(a *codexAccount, r *rand.Rand) {
	tier, known := tierOf(a.plan)
	if !chance(r, 0.02) || !known || !a.hasReadableToken() {
		return
	}
	a.namePlan = otherTier(r, tier)
	a.kinds = append(a.kinds, kindNamePlanMismatch)
}

// rollState draws disabled flags, refresh age and expiry.
func rollState(a *codexAccount, r *rand.Rand, now time.Time) {
	switch x := r.Float64(); {
	case x < 0.04:
		a.store("disabled", true, kindDisabled)
	case x < 0.043:
		a.store("disabled", "yes", kindDisabledNotBool)
	}
	if chance(r, 0.05) {
		a.refreshedAgo(now, time.Duration(between(r, 8*86400, 45*86400))*time.Second)
	}
	rollExpiry(a, r, now)
}

// rollExpiry overrides the default ten-day expiry for some accounts and
// writes it as a number in a few.
func rollExpiry(a *codexAccount, r *rand.Rand, now time.Time) {
	at, _ := time.Parse(time.RFC3339, a.expiry.(string))
	shape := pickWeighted(r, expiryShapes)
	switch shape {
	case kindExpired:
		at = now.Add(-time.Duration(between(r, 3600, 30*86400)) * time.Second)
	case kindExpiringSoon:
		at = now.Add(time.Duration(between(r, 600, 23*3600)) * time.Second)
	case kindExpiryFarFuture:
		at = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	form := pickWeighted(r, expiryForms)
	switch form {
	case kindExpirySeconds:
		a.setExpiry(at.Unix(), form)
	case kindExpiryMillis:
		a.setExpiry(at.UnixMilli(), form)
	default:
		a.setExpiry(at.Format(time.RFC3339))
	}
	if shape != "" {
		a.kinds = append(a.kinds, shape)
	}
}

// rollRouting adds the per-account routing fields operators set by hand.
func rollRouting(a *codexAccount, r *rand.Rand) {
	switch x := r.Float64(); {
	case x < 0.04:
		a.store("excluded_models", pickOne(r, excludedLists), kindExcluded)
	case x < 0.05:
		a.store("excluded-models", pickOne(r, excludedLists), kindExcludedLegacy)
	case x < 0.055:
		a.store("excluded_models", "gpt-5.4*, gpt-5.5", kindExcludedString)
	}
	switch x := r.Float64(); {
	case x < 0.03:
		a.store("model_aliases", pickOne(r, aliasLists), kindAliases)
	case x < 0.04:
		a.store("model-aliases", pickOne(r, aliasLists), kindAliasesLegacy)
	}
	switch x := r.Float64(); {
	case x < 0.025:
		a.store("prefix", pickOne(r, prefixes), kindPrefix)
	case x < 0.03:
		a.store("prefix", " /us/ ", kindPrefixPadded)
	case x < 0.033:
		a.store("prefix", "a/b", kindPrefixInvalid)
	}
}
