package demo

import "time"

// fixture is one hand-picked file. Fixtures guarantee that every kind is
// present however the random draws fall; together they are exactly
// fixtureThreshold files.
type fixture struct {
	broken bool
	build  func(p *planner) fileSpec
}

// selectFixtures returns all fixtures from fixtureThreshold on. Below it,
// the directory must stay well-formed and mostly ordinary, so it takes the
// well-formed fixtures in order, at most half of count.
func selectFixtures(count int) []fixture {
	if count >= fixtureThreshold {
		return fixtures
	}
	var picked []fixture
	for _, f := range fixtures {
		if len(picked) == count/2 {
			break
		}
		if !f.broken {
			picked = append(picked, f)
		}
	}
	return picked
}

// codexFixture builds a healthy account on plan, then applies tweak.
func codexFixture(email, plan string, tweak func(a *codexAccount, now time.Time)) fixture {
	return fixture{build: func(p *planner) fileSpec {
		a := newCodexAccount(p.labelRand(email, streamPlan), p.fixtureIdentity(email), plan, p.now)
		if tweak != nil {
			tweak(a, p.now)
		}
		return codexSpec(a)
	}}
}

// providerFixture builds a non-Codex account.
func providerFixture(provider, email, project string, excluded []string) fixture {
	return fixture{build: func(p *planner) fileSpec {
		return providerSpec(&providerAccount{provider: provider, email: email, project: project, now: p.now, excluded: excluded})
	}}
}

// brokenFixture builds a broken file; meant, when set, is the account a
// truncated or oversize file was supposed to hold, and names the file.
func brokenFixture(form kind, fileName, meantEmail, meantPlan string) fixture {
	return fixture{broken: true, build: func(p *planner) fileSpec {
		b := &brokenFile{fileName: fileName, form: form}
		if meantEmail != "" {
			b.account = newCodexAccount(p.labelRand(meantEmail, streamPlan), p.fixtureIdentity(meantEmail), meantPlan, p.now)
			b.fileName = b.account.name()
		}
		return brokenSpec(b)
	}}
}

// dupOriginal is the account that the duplicate fixture logs in again.
const dupOriginal = "dup.original@example.com"

// modelAlias is one model_aliases entry; fork is omitted when false, as
// people write them.
func modelAlias(name, alias string, fork bool) object {
	o := object{}.with("name", name).with("alias", alias)
	if fork {
		o = o.with("fork", true)
	}
	return o
}

// fixtures are ordered by how much they show, so that a small directory
// gets the most telling ones.
var fixtures = []fixture{
	codexFixture("free.far-future@sample.example", "free", func(a *codexAccount, _ time.Time) {
		a.setExpiry("2099-01-01T00:00:00Z", kindExpiryFarFuture)
		a.compact = true
	}),
	codexFixture("plus.excluded@corp.example", "plus", func(a *codexAccount, _ time.Time) {
		a.store("excluded_models", []string{"gpt-5.4-mini", "*codex-spark*"}, kindExcluded)
	}),
	codexFixture("pro.aliases@example.com", "pro", func(a *codexAccount, _ time.Time) {
		a.store("model_aliases", []object{
			modelAlias("gpt-5.5", "five", false),
			modelAlias("GPT-5.4", "g4", true),
		}, kindAliases, kindAliasesFork)
	}),
	codexFixture("team.stored@corp.example", "team", func(a *codexAccount, _ time.Time) {
		a.store("plan_type", "team", kindStoredTier)
		a.store("prefix", "eu", kindPrefix)
	}),
	providerFixture("claude", "claude.ops@corp.example", "", nil),
	providerFixture("gemini", "gemini.cli@sample.example", "demo-gemini-4821", nil),
	codexFixture("business.stored@corp.example", "business", func(a *codexAccount, _ time.Time) {
		a.store("plan_type", "business", kindStoredAlias)
	}),
	codexFixture("stale.upgrade@sample.example", "pro", func(a *codexAccount, _ time.Time) {
		a.store("plan_type", "plus", kindStoredStale)
	}),
	codexFixture("renamed.upgrade@sample.example", "pro", func(a *codexAccount, _ time.Time) {
		a.namePlan = "plus"
		a.kinds = append(a.kinds, kindNamePlanMismatch)
	}),
	codexFixture("forged.pro@example.com", "pro", func(a *codexAccount, _ time.Time) {
		a.token = tokenForged
	}),
	codexFixture("odd.case.plus@example.com", "Plus ", func(a *codexAccount, _ time.Time) {
		a.store("prefix", " /us/ ", kindPrefixPadded)
	}),
	codexFixture("k12.school@sample.example", "k12", func(a *codexAccount, now time.Time) {
		// Just over 7 days: stale, while its ten-day token still runs.
		a.refreshedAgo(now, 8*24*time.Hour+6*time.Hour)
	}),
	codexFixture(dupOriginal, "plus", func(a *codexAccount, _ time.Time) {
		// The operator disabled the old login after upgrading.
		a.store("disabled", true, kindDisabled)
	}),
	{build: func(p *planner) fileSpec {
		return codexSpec(p.duplicateOf(p.fixtureIdentity(dupOriginal), "plus", p.labelRand("dup.copy", streamPlan)))
	}},
	codexFixture("expired.account@corp.example", "plus", func(a *codexAccount, now time.Time) {
		a.refreshedAgo(now, 13*24*time.Hour)
		a.kinds = append(a.kinds, kindExpired)
	}),
	codexFixture("enterprise.expiring@corp.example", "enterprise", func(a *codexAccount, now time.Time) {
		a.setExpiry(now.Add(5*time.Hour).Format(time.RFC3339), kindExpiringSoon)
	}),
	providerFixture("xai", "grok.user@example.com", "", []string{"grok-imagine-video*"}),
	providerFixture("vertex", "vertex.sa@corp.example", "demo-vertex-7310", nil),
	providerFixture("antigravity", "antigravity.user@sample.example", "demo-antigravity-1187", nil),
	providerFixture("kimi", "", "demo-5f2c", nil),
	providerFixture("qwen", "qwen.user@sample.example", "", nil),
	providerFixture("aistudio", "aistudio.user@example.com", "", nil),
	providerFixture("mystery", "mystery.user@example.com", "", nil),
	codexFixture("edu.unix@sample.example", "edu", func(a *codexAccount, now time.Time) {
		a.setExpiry(now.Add(20*24*time.Hour).Unix(), kindExpirySeconds)
		a.subscription = subscriptionUnix
	}),
	codexFixture("education.millis@sample.example", "education", func(a *codexAccount, now time.Time) {
		a.setExpiry(now.Add(9*24*time.Hour).UnixMilli(), kindExpiryMillis)
		a.store("model-aliases", []object{modelAlias("gpt-5.5", "five", true)}, kindAliasesLegacy)
	}),
	codexFixture("go.legacy@example.com", "go", func(a *codexAccount, _ time.Time) {
		a.store("excluded-models", []string{"*mini*"}, kindExcludedLegacy)
	}),
	codexFixture("odd.case.pro@example.com", "PRO", func(a *codexAccount, _ time.Time) {
		a.store("disabled", "yes", kindDisabledNotBool)
	}),
	codexFixture("prolite.string@sample.example", "prolite", func(a *codexAccount, _ time.Time) {
		// The proxy ignores this form: it wants a list.
		a.store("excluded_models", "gpt-5.4*, x", kindExcludedString)
	}),
	codexFixture("no.plan@example.com", "", nil),
	codexFixture("chatgpt.key@corp.example", "plus", func(a *codexAccount, _ time.Time) {
		a.store("chatgpt_plan_type", "plus", kindStoredChatGPTPlan)
	}),
	codexFixture("stored.only@sample.example", "plus", func(a *codexAccount, _ time.Time) {
		a.token = tokenAbsent
		a.store("plan_type", "plus", kindStoredWithoutToken)
	}),
	codexFixture("stored.chatgpt.only@corp.example", "team", func(a *codexAccount, _ time.Time) {
		a.token = tokenAbsent
		a.store("chatgpt_plan_type", "team", kindStoredChatGPTPlan, kindStoredWithoutToken)
	}),
	codexFixture("bad.token@sample.example", "free", func(a *codexAccount, _ time.Time) {
		a.token = tokenMalformed
		a.store("plan_type", "free")
	}),
	codexFixture("bad.prefix@sample.example", "free", func(a *codexAccount, _ time.Time) {
		a.store("prefix", "a/b", kindPrefixInvalid)
	}),
	brokenFixture(kindBrokenTruncated, "", "truncated.write@sample.example", "plus"),
	brokenFixture(kindBrokenEmpty, "", "empty.write@corp.example", "team"),
	brokenFixture(kindBrokenArray, "accounts-export.json", "", ""),
	brokenFixture(kindBrokenString, "codex-token-only.json", "", ""),
	brokenFixture(kindBrokenBinary, "codex-backup-gz.json", "", ""),
	brokenFixture(kindBrokenOversize, "", "oversize.debug@sample.example", "pro"),
}
