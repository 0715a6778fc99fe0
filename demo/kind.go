package demo

import "strings"

// kind names one situation a generated file demonstrates. A file usually
// shows several. Kinds are what the tests check the mix against; they never
// appear in the output.
type kind string

// Plans found in the id_token's chatgpt_plan_type claim.
const (
	kindPlanFree       kind = "token_plan_free"
	kindPlanPlus       kind = "token_plan_plus"
	kindPlanPro        kind = "token_plan_pro"
	kindPlanTeam       kind = "token_plan_team"
	kindPlanBusiness   kind = "token_plan_business"
	kindPlanEnterprise kind = "token_plan_enterprise"
	kindPlanEdu        kind = "token_plan_edu"
	kindPlanEducation  kind = "token_plan_education"
	kindPlanGo         kind = "token_plan_go"
	kindPlanOddCase    kind = "token_plan_odd_case" // "Plus ", "PRO"
	kindPlanUnknown    kind = "token_plan_unknown"  // "k12", "prolite"
	kindPlanMissing    kind = "token_plan_missing"  // a token without the claim
)

// The id_token itself.
const (
	kindTokenAbsent         kind = "id_token_absent"
	kindTokenMalformed      kind = "id_token_malformed"
	kindTokenForged         kind = "id_token_forged" // signed by a key not in the JWKS
	kindSubscriptionNumeric kind = "subscription_numeric"
)

// Plans stored in the file itself (the real proxy never writes them).
const (
	kindStoredTier         kind = "stored_plan_type_tier"
	kindStoredAlias        kind = "stored_plan_type_alias"
	kindStoredStale        kind = "stored_plan_type_stale"
	kindStoredChatGPTPlan  kind = "stored_chatgpt_plan_type"
	kindStoredWithoutToken kind = "stored_plan_without_token"
	kindNamePlanMismatch   kind = "name_plan_mismatch"
	kindDuplicate          kind = "duplicate_account"
)

// Account state and per-account routing fields.
const (
	kindDisabled         kind = "disabled"
	kindDisabledNotBool  kind = "disabled_not_bool"
	kindExpired          kind = "expired"
	kindExpiringSoon     kind = "expiring_24h"
	kindExpiryFarFuture  kind = "expiry_far_future"
	kindExpirySeconds    kind = "expiry_unix_seconds"
	kindExpiryMillis     kind = "expiry_unix_millis"
	kindStaleRefresh     kind = "stale_refresh"
	kindExcluded         kind = "excluded_models"
	kindExcludedLegacy   kind = "excluded_models_legacy"
	kindExcludedString   kind = "excluded_models_string"
	kindAliases          kind = "model_aliases"
	kindAliasesFork      kind = "model_aliases_fork"
	kindAliasesLegacy    kind = "model_aliases_legacy"
	kindPrefix           kind = "prefix"
	kindPrefixPadded     kind = "prefix_padded"
	kindPrefixInvalid    kind = "prefix_invalid"
	kindCompact          kind = "compact"
	kindProviderClaude   kind = "provider_claude"
	kindProviderGemini   kind = "provider_gemini"
	kindProviderVertex   kind = "provider_vertex"
	kindProviderAIStudio kind = "provider_aistudio"
	kindProviderAntigrav kind = "provider_antigravity"
	kindProviderKimi     kind = "provider_kimi"
	kindProviderXAI      kind = "provider_xai"
	kindProviderQwen     kind = "provider_qwen"
	kindProviderUnknown  kind = "provider_unknown"
	kindCodex            kind = "provider_codex"
	kindBrokenTruncated  kind = "broken_truncated"
	kindBrokenEmpty      kind = "broken_empty"
	kindBrokenArray      kind = "broken_array"
	kindBrokenString     kind = "broken_string"
	kindBrokenBinary     kind = "broken_binary"
	kindBrokenOversize   kind = "broken_oversize"
)

// brokenKindPrefix starts the name of every kind of unreadable file.
const brokenKindPrefix = "broken_"

// allKinds lists every kind; at Count >= 40 each one appears at least once.
var allKinds = []kind{
	kindPlanFree, kindPlanPlus, kindPlanPro, kindPlanTeam, kindPlanBusiness,
	kindPlanEnterprise, kindPlanEdu, kindPlanEducation, kindPlanGo,
	kindPlanOddCase, kindPlanUnknown, kindPlanMissing,
	kindTokenAbsent, kindTokenMalformed, kindTokenForged, kindSubscriptionNumeric,
	kindStoredTier, kindStoredAlias, kindStoredStale, kindStoredChatGPTPlan,
	kindStoredWithoutToken, kindNamePlanMismatch, kindDuplicate,
	kindDisabled, kindDisabledNotBool, kindExpired, kindExpiringSoon,
	kindExpiryFarFuture, kindExpirySeconds, kindExpiryMillis, kindStaleRefresh,
	kindExcluded, kindExcludedLegacy, kindExcludedString,
	kindAliases, kindAliasesFork, kindAliasesLegacy,
	kindPrefix, kindPrefixPadded, kindPrefixInvalid, kindCompact,
	kindCodex, kindProviderClaude, kindProviderGemini, kindProviderVertex,
	kindProviderAIStudio, kindProviderAntigrav, kindProviderKimi,
	kindProviderXAI, kindProviderQwen, kindProviderUnknown,
	kindBrokenTruncated, kindBrokenEmpty, kindBrokenArray, kindBrokenString,
	kindBrokenBinary, kindBrokenOversize,
}

// isBroken reports whether k marks a file that is not a readable account.
func (k kind) isBroken() bool {
	return strings.HasPrefix(string(k), brokenKindPrefix)
}

// planTiers is the pr2024 alias table from DESIGN.md section 3. The
// generator needs it only to build stale and unnormalized stored plans on
// purpose; resolving plans is core's job.
var planTiers = map[string]string{
	"free": "free", "plus": "plus", "pro": "pro", "team": "team",
	"business": "team", "enterprise": "team", "edu": "team", "education": "team", "go": "team",
}

// tierOf normalizes a raw plan; ok is false for unknown plans.
func tierOf(raw string) (tier string, ok bool) {
	tier, ok = planTiers[strings.ToLower(strings.TrimSpace(raw))]
	return tier, ok
}

// planClaimKinds maps exact, canonical claim values to their kind.
var planClaimKinds = map[string]kind{
	"free": kindPlanFree, "plus": kindPlanPlus, "pro": kindPlanPro, "team": kindPlanTeam,
	"business": kindPlanBusiness, "enterprise": kindPlanEnterprise, "edu": kindPlanEdu,
	"education": kindPlanEducation, "go": kindPlanGo,
}

// planClaimKind classifies the chatgpt_plan_type claim of a token.
func planClaimKind(claim string, present bool) kind {
	switch {
	case !present:
		return kindPlanMissing
	case claim != strings.ToLower(strings.TrimSpace(claim)):
		return kindPlanOddCase
	}
	if k, ok := planClaimKinds[claim]; ok {
		return k
	}
	return kindPlanUnknown
}
