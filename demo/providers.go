package demo

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// providerAccount is a credential file of a provider other than Codex.
type providerAccount struct {
	provider string // the file's "type"
	fileName string
	email    string
	project  string // project id or another stable label
	now      time.Time
	excluded []string // excluded_models, when set
}

// providerShape builds one provider's document. The shapes follow the
// proxy's token storage structs (and the reference auths), key order
// included.
type providerShape struct {
	kind     kind
	fileName func(p *providerAccount) string
	document func(p *providerAccount, r *rand.Rand) object
}

// providerShapes is the table of non-Codex providers the generator knows.
// qwen has no catalog section and "mystery" is a type no proxy knows.
var providerShapes = map[string]providerShape{
	"claude": {kindProviderClaude,
		func(p *providerAccount) string { return "claude-" + p.email + ".json" },
		claudeDocument},
	"gemini": {kindProviderGemini,
		func(p *providerAccount) string { return fmt.Sprintf("gemini-%s-%s.json", p.email, p.project) },
		geminiDocument},
	"vertex": {kindProviderVertex,
		func(p *providerAccount) string { return "vertex-" + p.project + ".json" },
		vertexDocument},
	"aistudio": {kindProviderAIStudio,
		func(p *providerAccount) string { return "aistudio-" + p.email + ".json" },
		func(p *providerAccount, _ *rand.Rand) object {
			return object{}.with("type", "aistudio").with("email", p.email)
		}},
	"antigravity": {kindProviderAntigrav,
		func(p *providerAccount) string { return "antigravity-" + p.email + ".json" },
		antigravityDocument},
	"kimi": {kindProviderKimi,
		func(p *providerAccount) string { return "kimi-" + p.project + ".json" },
		kimiDocument},
	"xai": {kindProviderXAI,
		func(p *providerAccount) string { return "xai-" + p.email + ".json" },
		xaiDocument},
	"qwen": {kindProviderQwen,
		func(p *providerAccount) string { return "qwen-" + p.email + ".json" },
		qwenDocument},
	"mystery": {kindProviderUnknown,
		func(p *providerAccount) string { return "mystery-" + p.email + ".json" },
		func(p *providerAccount, r *rand.Rand) object {
			return object{}.with("type", "mystery").with("email", p.email).
				with("api_key", "demo-key-"+randomText(r, alnumAlphabet, 40))
		}},
}

func (p *providerAccount) name() string {
	return providerShapes[p.provider].fileName(p)
}

func (p *providerAccount) render(r *rand.Rand, _ demoKeys) ([]byte, error) {
	doc := providerShapes[p.provider].document(p, r)
	if p.excluded != nil {
		doc = doc.with("excluded_models", p.excluded)
	}
	return encodeFile(doc, false)
}

// daysFromNow is an RFC 3339 time two to thirty days ahead. Real access
// tokens of these providers often live only hours, but the proxy refreshes
// them; hours would turn every such row of the demo into an
// "expiring soon" warning that teaches nothing.
func daysFromNow(now time.Time, r *rand.Rand) string {
	return now.Add(time.Duration(between(r, 2*86400, 30*86400)) * time.Second).Format(time.RFC3339)
}

func claudeDocument(p *providerAccount, r *rand.Rand) object {
	return object{}.
		with("access_token", "sk-ant-oat01-"+randomText(r, base64URLAlphabet, 95)).
		with("refresh_token", "sk-ant-ort01-"+randomText(r, base64URLAlphabet, 95)).
		with("last_refresh", p.now.Add(-2*time.Hour).Format(time.RFC3339)).
		with("email", p.email).
		with("type", "claude").
		with("expired", daysFromNow(p.now, r))
}

// geminiDocument nests its expiry in a "token" object, as Gemini CLI
// logins are stored.
func geminiDocument(p *providerAccount, r *rand.Rand) object {
	token := object{}.
		with("access_token", "ya29."+randomText(r, base64URLAlphabet, 160)).
		with("token_type", "Bearer").
		with("refresh_token", "1//0"+randomText(r, base64URLAlphabet, 98)).
		with("expiry", daysFromNow(p.now, r))
	return object{}.
		with("token", token).
		with("project_id", p.project).
		with("email", p.email).
		with("auto", false).
		with("checked", true).
		with("type", "gemini")
}

// vertexDocument carries a fake service-account key: the private_key is
// random base64, present so secret masking has something to mask.
func vertexDocument(p *providerAccount, r *rand.Rand) object {
	account := object{}.
		with("type", "service_account").
		with("project_id", p.project).
		with("private_key_id", randomText(r, hexAlphabet, 40)).
		with("private_key", "-----BEGIN PRIVATE KEY-----\nDEMO"+randomText(r, alnumAlphabet, 60)+"\n-----END PRIVATE KEY-----\n").
		with("client_email", "tierscope-demo@"+p.project+".iam.gserviceaccount.example").
		with("client_id", randomText(r, "0123456789", 21))
	return object{}.
		with("service_account", account).
		with("project_id", p.project).
		with("email", p.email).
		with("location", pickOne(r, []string{"us-central1", "europe-west4", "asia-northeast1"})).
		with("type", "vertex")
}

func antigravityDocument(p *providerAccount, r *rand.Rand) object {
	return object{}.
		with("access_token", "ya29."+randomText(r, base64URLAlphabet, 160)).
		with("refresh_token", "1//0"+randomText(r, base64URLAlphabet, 98)).
		with("expires_in", 3599).
		with("timestamp", p.now.Add(-30*time.Minute).UnixMilli()).
		with("expired", daysFromNow(p.now, r)).
		with("email", p.email).
		with("project_id", p.project).
		with("type", "antigravity")
}

// kimiDocument has no email and keeps its expiry as Unix seconds under
// expires_at, one of the alternative expiry keys.
func kimiDocument(p *providerAccount, r *rand.Rand) object {
	return object{}.
		with("access_token", randomText(r, alnumAlphabet, 80)).
		with("refresh_token", randomText(r, alnumAlphabet, 80)).
		with("expires_at", p.now.Add(time.Duration(between(r, 3600, 30*86400))*time.Second).Unix()).
		with("type", "kimi")
}

func xaiDocument(p *providerAccount, r *rand.Rand) object {
	return object{}.
		with("type", "xai").
		with("email", p.email).
		with("access_token", randomText(r, alnumAlphabet, 80)).
		with("refresh_token", randomText(r, alnumAlphabet, 64)).
		with("expired", daysFromNow(p.now, r))
}

func qwenDocument(p *providerAccount, r *rand.Rand) object {
	return object{}.
		with("access_token", randomText(r, alnumAlphabet, 40)).
		with("refresh_token", randomText(r, alnumAlphabet, 40)).
		with("last_refresh", p.now.Add(-3*time.Hour).Format(time.RFC3339)).
		with("resource_url", "portal.qwen.example").
		with("email", p.email).
		with("type", "qwen").
		with("expired", daysFromNow(p.now, r))
}
