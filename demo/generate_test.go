package demo

import (
	"bytes"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// testNow is a fixed reference time so runs are comparable.
var testNow = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

// readAuthDir returns the top-level *.json files Generate counts: not
// directories, not pending-login files.
func readAuthDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(strings.ToLower(name), ".json") || strings.HasPrefix(name, ".oauth-") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = data
	}
	return files
}

func generate(t *testing.T, opts Options) (Summary, map[string][]byte) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "auths")
	sum, err := Generate(dir, opts)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return sum, readAuthDir(t, dir)
}

func TestGenerateWritesExactlyCountFiles(t *testing.T) {
	tests := []struct {
		name  string
		count int
		want  int
	}{
		{"zero means the default of 60", 0, 60},
		{"a single file", 1, 1},
		{"small directory without fixtures that break", 7, 7},
		{"just below the fixture threshold", 39, 39},
		{"exactly the fixtures", 40, 40},
		{"fixtures plus bulk", 250, 250},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum, files := generate(t, Options{Count: tt.count, Now: testNow})
			if len(files) != tt.want || sum.Files != tt.want {
				t.Fatalf("wrote %d files, Summary.Files=%d, want %d", len(files), sum.Files, tt.want)
			}
			if _, err := os.Stat(filepath.Join(sum.Dir, "folder.json")); err != nil {
				t.Errorf("folder.json directory: %v", err)
			}
			pending, _ := filepath.Glob(filepath.Join(sum.Dir, ".oauth-*.json"))
			if len(pending) != 1 {
				t.Errorf("pending-login files = %v, want one", pending)
			}
		})
	}
}

func TestGenerateRejectsNegativeCount(t *testing.T) {
	if _, err := Generate(t.TempDir(), Options{Count: -1}); err == nil {
		t.Fatal("Generate accepted Count -1")
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	_, first := generate(t, Options{Count: 120, Seed: 7, Now: testNow})
	_, again := generate(t, Options{Count: 120, Seed: 7, Now: testNow.In(time.FixedZone("x", 3600))})
	_, other := generate(t, Options{Count: 120, Seed: 8, Now: testNow})

	if len(first) != len(again) {
		t.Fatalf("same seed wrote %d then %d files", len(first), len(again))
	}
	for name, data := range first {
		if !bytes.Equal(data, again[name]) {
			t.Fatalf("same Seed and Now, different bytes in %s", name)
		}
	}
	// Only files with no random content at all (an empty file, a bare
	// aistudio login) may survive a change of seed.
	same, renamed := 0, 0
	for name, data := range first {
		other, ok := other[name]
		if !ok {
			renamed++
		} else if bytes.Equal(data, other) {
			same++
		}
	}
	if same > 2 || renamed == 0 {
		t.Errorf("seeds 7 and 8: %d files identical, %d names differ", same, renamed)
	}
}

func TestGenerateRefusesDirectoryWithJSON(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(dir string) error
		wantErr bool
	}{
		{"an account file", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "codex-a@example.com-plus.json"), []byte("{}"), 0o600)
		}, true},
		{"an upper-case extension", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "OLD.JSON"), nil, 0o600)
		}, true},
		{"a directory named *.json", func(dir string) error {
			return os.Mkdir(filepath.Join(dir, "backup.json"), 0o700)
		}, true},
		{"unrelated files only", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "config.yaml"), nil, 0o600)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := tt.prepare(dir); err != nil {
				t.Fatal(err)
			}
			_, err := Generate(dir, Options{Count: 3, Now: testNow})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Generate error = %v, want error %v", err, tt.wantErr)
			}
			_, statErr := os.Stat(filepath.Join(dir, JWKSFileName))
			if tt.wantErr && statErr == nil {
				t.Error("a refused directory was written to")
			}
		})
	}
}

func TestJWKSFileNameIsIgnoredByJSONScanners(t *testing.T) {
	if strings.HasSuffix(strings.ToLower(JWKSFileName), ".json") {
		t.Fatalf("JWKSFileName %q ends in .json", JWKSFileName)
	}
	sum, _ := generate(t, Options{Count: 3, Now: testNow})
	if filepath.Base(sum.JWKSPath) != JWKSFileName {
		t.Fatalf("JWKSPath = %s", sum.JWKSPath)
	}
}

// readJWKS parses the written JWKS the way a verifier would.
func readJWKS(t *testing.T, path string) map[string]*rsa.PublicKey {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []struct{ Kty, Kid, Use, Alg, N, E string }
	}
	if err := json.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Use != "sig" || k.Alg != "RS256" {
			t.Fatalf("unexpected JWK %+v", k)
		}
		n, errN := base64.RawURLEncoding.DecodeString(k.N)
		e, errE := base64.RawURLEncoding.DecodeString(k.E)
		if errN != nil || errE != nil {
			t.Fatalf("JWK %s: n or e is not base64url: %v %v", k.Kid, errN, errE)
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	return keys
}

// verifyIDToken checks an RS256 token against a key set; expiry is not
// enforced, as tierscope does not enforce it.
func verifyIDToken(token string, keys map[string]*rsa.PublicKey) error {
	_, err := jwt.Parse(token, func(tok *jwt.Token) (any, error) {
		kid, _ := tok.Header["kid"].(string)
		if key, ok := keys[kid]; ok {
			return key, nil
		}
		return nil, errors.New("unknown kid")
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	return err
}

func TestIDTokensVerifyAgainstWrittenJWKS(t *testing.T) {
	opts := Options{Count: 400, Seed: 3, Now: testNow}
	sum, files := generate(t, opts)
	jwks := readJWKS(t, sum.JWKSPath)
	if _, ok := jwks[keyID]; !ok || len(jwks) != 1 {
		t.Fatalf("JWKS kids = %v, want only %s", slices.Collect(mapKeys(jwks)), keyID)
	}
	keys, err := loadDemoKeys()
	if err != nil {
		t.Fatal(err)
	}
	forgerSet := map[string]*rsa.PublicKey{keyID: &keys.forger.PublicKey}
	specs := specsByName(t, opts)

	verified, forged := 0, 0
	for name, data := range files {
		token, ok := idTokenOf(data)
		if !ok || strings.Count(token, ".") != 2 {
			continue
		}
		err := verifyIDToken(token, jwks)
		switch {
		case specs[name].has(kindTokenForged):
			forged++
			if !errors.Is(err, jwt.ErrTokenSignatureInvalid) {
				t.Errorf("%s: forged token: err = %v, want a signature error", name, err)
			}
			if err := verifyIDToken(token, forgerSet); err != nil {
				t.Errorf("%s: forged token is not a real signature of the forger key: %v", name, err)
			}
		case err != nil:
			t.Errorf("%s: %v", name, err)
		default:
			verified++
		}
	}
	if forged == 0 || forged != sum.Forged {
		t.Errorf("found %d forged tokens, Summary.Forged = %d", forged, sum.Forged)
	}
	if verified < 300 {
		t.Errorf("only %d tokens verified", verified)
	}
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func specsByName(t *testing.T, opts Options) map[string]fileSpec {
	t.Helper()
	opts, err := withDefaults(opts)
	if err != nil {
		t.Fatal(err)
	}
	specs, err := planFiles(opts)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]fileSpec{}
	for _, s := range specs {
		byName[s.file.name()] = s
	}
	return byName
}

func idTokenOf(data []byte) (string, bool) {
	var doc struct {
		IDToken *string `json:"id_token"`
	}
	if json.Unmarshal(data, &doc) != nil || doc.IDToken == nil {
		return "", false
	}
	return *doc.IDToken, true
}

func TestOnlyIntendedFilesAreBroken(t *testing.T) {
	tests := []struct {
		name  string
		count int
	}{
		{"default mix", 60},
		{"small directories stay well-formed", 25},
		{"large mix", 1500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Count: tt.count, Seed: 11, Now: testNow}
			sum, files := generate(t, opts)
			specs := specsByName(t, opts)
			broken := 0
			for name, data := range files {
				intended := slices.ContainsFunc(specs[name].kinds, kind.isBroken)
				var obj map[string]any
				unreadable := json.Unmarshal(data, &obj) != nil || obj == nil || len(data) > 1<<20
				if unreadable != intended {
					t.Errorf("%s: unreadable=%v, intended broken=%v", name, unreadable, intended)
				}
				if unreadable {
					broken++
				}
			}
			if broken != sum.Broken {
				t.Errorf("found %d broken files, Summary.Broken = %d", broken, sum.Broken)
			}
			if tt.count < fixtureThreshold && broken != 0 {
				t.Errorf("Count %d wrote %d broken files", tt.count, broken)
			}
		})
	}
}

func TestEveryKindAppearsAtCount60(t *testing.T) {
	opts := Options{Count: 60, Seed: 1, Now: testNow}
	sum, files := generate(t, opts)
	observed := classifyDir(t, files, readJWKS(t, sum.JWKSPath))
	seen := map[kind]int{}
	for _, kinds := range observed {
		for _, k := range kinds {
			seen[k]++
		}
	}
	for _, k := range allKinds {
		if seen[k] == 0 {
			t.Errorf("kind %s does not appear in the written files", k)
		}
	}
	// What the generator meant each file to show must be true of its bytes.
	for name, spec := range specsByName(t, opts) {
		for _, k := range spec.kinds {
			if !slices.Contains(observed[name], k) {
				t.Errorf("%s: planned as %s, but its content is not (observed %v)", name, k, observed[name])
			}
		}
	}
}

func TestSmallDirectoriesHoldOnlyCodexBeyondFixtures(t *testing.T) {
	for _, count := range []int{1, 2, 10, 39} {
		opts, _ := withDefaults(Options{Count: count, Now: testNow})
		specs, err := planFiles(opts)
		if err != nil {
			t.Fatal(err)
		}
		fixtureCount := len(selectFixtures(count))
		if fixtureCount > count/2 {
			t.Errorf("Count %d: %d fixtures, want at most half", count, fixtureCount)
		}
		for _, s := range specs[fixtureCount:] {
			if !s.has(kindCodex) {
				t.Errorf("Count %d: bulk file %s is not a Codex account (%v)", count, s.file.name(), s.kinds)
			}
		}
	}
}

func TestFixturesFitBelowThreshold(t *testing.T) {
	if len(fixtures) > fixtureThreshold {
		t.Fatalf("%d fixtures do not fit in Count %d", len(fixtures), fixtureThreshold)
	}
}

func TestLargeMixProportions(t *testing.T) {
	opts, _ := withDefaults(Options{Count: 10000, Seed: 5, Now: testNow})
	specs, err := planFiles(opts)
	if err != nil {
		t.Fatal(err)
	}
	count := map[kind]int{}
	for _, s := range specs {
		for _, k := range s.kinds {
			count[k]++
		}
	}
	tests := []struct {
		kind     kind
		min, max int
	}{
		{kindCodex, 8900, 9500},
		{kindTokenForged, 200, 380},
		{kindDuplicate, 40, 160},
		{kindDisabled, 250, 500},
		{kindBrokenOversize, 1, 1},
	}
	for _, tt := range tests {
		if got := count[tt.kind]; got < tt.min || got > tt.max {
			t.Errorf("%s: %d of 10000, want %d..%d", tt.kind, got, tt.min, tt.max)
		}
	}
}

func TestMixAtDefaultCount(t *testing.T) {
	opts, _ := withDefaults(Options{Count: 60, Now: testNow})
	specs, err := planFiles(opts)
	if err != nil {
		t.Fatal(err)
	}
	count := map[kind]int{}
	for _, s := range specs {
		for _, k := range s.kinds {
			count[k]++
		}
	}
	for _, k := range allKinds {
		t.Logf("%-28s %d", k, count[k])
	}
}

// classifyDir says, from the bytes alone, what each file demonstrates.
func classifyDir(t *testing.T, files map[string][]byte, jwks map[string]*rsa.PublicKey) map[string][]kind {
	t.Helper()
	accountFiles := map[string][]string{}
	out := map[string][]kind{}
	for name, data := range files {
		var doc map[string]any
		if json.Unmarshal(data, &doc) != nil || doc == nil {
			out[name] = []kind{classifyBroken(data)}
			continue
		}
		kinds := classifyAccount(name, data, doc, jwks)
		if len(data) > 1<<20 {
			kinds = append(kinds, kindBrokenOversize)
		}
		out[name] = kinds
		if id, _ := doc["account_id"].(string); id != "" {
			accountFiles[id] = append(accountFiles[id], name)
		}
	}
	for _, names := range accountFiles {
		if len(names) > 1 {
			for _, name := range names {
				out[name] = append(out[name], kindDuplicate)
			}
		}
	}
	return out
}

func classifyBroken(data []byte) kind {
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(data) == 0:
		return kindBrokenEmpty
	case !utf8.Valid(data):
		return kindBrokenBinary
	case trimmed[0] == '[':
		return kindBrokenArray
	case trimmed[0] == '"':
		return kindBrokenString
	case trimmed[0] == '{':
		return kindBrokenTruncated
	}
	return ""
}

var providerKinds = map[string]kind{
	"codex": kindCodex, "claude": kindProviderClaude, "gemini": kindProviderGemini,
	"vertex": kindProviderVertex, "aistudio": kindProviderAIStudio,
	"antigravity": kindProviderAntigrav, "kimi": kindProviderKimi, "xai": kindProviderXAI,
	"qwen": kindProviderQwen,
}

func classifyAccount(name string, data []byte, doc map[string]any, jwks map[string]*rsa.PublicKey) []kind {
	var kinds []kind
	provider, _ := doc["type"].(string)
	if k, ok := providerKinds[provider]; ok {
		kinds = append(kinds, k)
	} else {
		kinds = append(kinds, kindProviderUnknown)
	}
	if bytes.Count(data, []byte("\n")) == 1 {
		kinds = append(kinds, kindCompact)
	}
	kinds = append(kinds, classifyRouting(doc)...)
	kinds = append(kinds, classifyState(doc)...)
	if provider == "codex" {
		kinds = append(kinds, classifyPlans(name, doc, jwks)...)
	}
	return kinds
}

func classifyRouting(doc map[string]any) []kind {
	var kinds []kind
	switch doc["excluded_models"].(type) {
	case []any:
		kinds = append(kinds, kindExcluded)
	case string:
		kinds = append(kinds, kindExcludedString)
	}
	if _, ok := doc["excluded-models"].([]any); ok {
		kinds = append(kinds, kindExcludedLegacy)
	}
	if list, ok := doc["model_aliases"].([]any); ok {
		kinds = append(kinds, kindAliases)
		for _, entry := range list {
			if m, _ := entry.(map[string]any); m["fork"] == true {
				kinds = append(kinds, kindAliasesFork)
			}
		}
	}
	if _, ok := doc["model-aliases"].([]any); ok {
		kinds = append(kinds, kindAliasesLegacy)
	}
	if prefix, ok := doc["prefix"].(string); ok {
		trimmed := strings.Trim(prefix, " /")
		switch {
		case strings.Contains(trimmed, "/"):
			kinds = append(kinds, kindPrefixInvalid)
		case trimmed != prefix:
			kinds = append(kinds, kindPrefixPadded)
		default:
			kinds = append(kinds, kindPrefix)
		}
	}
	return kinds
}

func classifyState(doc map[string]any) []kind {
	var kinds []kind
	switch v, ok := doc["disabled"]; {
	case v == true:
		kinds = append(kinds, kindDisabled)
	case ok && v != false:
		kinds = append(kinds, kindDisabledNotBool)
	}
	if refreshed, err := time.Parse(time.RFC3339, fmtString(doc["last_refresh"])); err == nil && testNow.Sub(refreshed) > 7*24*time.Hour {
		kinds = append(kinds, kindStaleRefresh)
	}
	var expiry time.Time
	switch v := doc["expired"].(type) {
	case string:
		expiry, _ = time.Parse(time.RFC3339, v)
	case float64:
		if v > 1e12 {
			expiry = time.UnixMilli(int64(v))
			kinds = append(kinds, kindExpiryMillis)
		} else {
			expiry = time.Unix(int64(v), 0)
			kinds = append(kinds, kindExpirySeconds)
		}
	default:
		return kinds
	}
	switch left := expiry.Sub(testNow); {
	case left < 0:
		kinds = append(kinds, kindExpired)
	case left < 24*time.Hour:
		kinds = append(kinds, kindExpiringSoon)
	case left > 5*365*24*time.Hour:
		kinds = append(kinds, kindExpiryFarFuture)
	}
	return kinds
}

func fmtString(v any) string {
	s, _ := v.(string)
	return s
}

// testTiers is the pr2024 alias table, restated so the test does not trust
// the generator's copy.
var testTiers = map[string]string{
	"free": "free", "plus": "plus", "pro": "pro", "team": "team", "business": "team",
	"enterprise": "team", "edu": "team", "education": "team", "go": "team",
}

func classifyPlans(name string, doc map[string]any, jwks map[string]*rsa.PublicKey) []kind {
	var kinds []kind
	claims, tokenKinds := classifyToken(doc, jwks)
	kinds = append(kinds, tokenKinds...)
	tokenPlan, hasTokenPlan := "", false
	if claims != nil {
		auth, _ := claims["https://api.openai.com/auth"].(map[string]any)
		tokenPlan, hasTokenPlan = auth["chatgpt_plan_type"].(string)
		kinds = append(kinds, classifyPlanClaim(tokenPlan, hasTokenPlan))
		if _, numeric := auth["chatgpt_subscription_active_start"].(float64); numeric {
			kinds = append(kinds, kindSubscriptionNumeric)
		}
	}
	_, hasChatGPTKey := doc["chatgpt_plan_type"]
	if hasChatGPTKey {
		kinds = append(kinds, kindStoredChatGPTPlan)
	}
	stored, hasStored := doc["plan_type"].(string)
	if claims == nil && (hasStored || hasChatGPTKey) {
		kinds = append(kinds, kindStoredWithoutToken)
	}
	tokenTier := testTiers[strings.ToLower(strings.TrimSpace(tokenPlan))]
	if hasStored && hasTokenPlan {
		storedTier := testTiers[strings.ToLower(strings.TrimSpace(stored))]
		switch {
		case storedTier != tokenTier || (storedTier == "" && !strings.EqualFold(strings.TrimSpace(stored), strings.TrimSpace(tokenPlan))):
			kinds = append(kinds, kindStoredStale)
		case stored == tokenTier:
			kinds = append(kinds, kindStoredTier)
		default:
			kinds = append(kinds, kindStoredAlias)
		}
	}
	email, _ := doc["email"].(string)
	if _, after, ok := strings.Cut(name, "-"+email+"-"); ok && tokenTier != "" {
		if nameTier := testTiers[strings.TrimSuffix(after, ".json")]; nameTier != "" && nameTier != tokenTier {
			kinds = append(kinds, kindNamePlanMismatch)
		}
	}
	return kinds
}

// classifyToken decodes and verifies the id_token; claims is nil when the
// token is absent or unreadable.
func classifyToken(doc map[string]any, jwks map[string]*rsa.PublicKey) (map[string]any, []kind) {
	raw, present := doc["id_token"]
	token, _ := raw.(string)
	if !present {
		return nil, []kind{kindTokenAbsent}
	}
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, claims); err != nil {
		return nil, []kind{kindTokenMalformed}
	}
	if err := verifyIDToken(token, jwks); err != nil {
		return claims, []kind{kindTokenForged}
	}
	return claims, nil
}

func classifyPlanClaim(plan string, present bool) kind {
	switch {
	case !present:
		return kindPlanMissing
	case plan != strings.ToLower(strings.TrimSpace(plan)):
		return kindPlanOddCase
	case testTiers[plan] == "":
		return kindPlanUnknown
	}
	return kind("token_plan_" + plan)
}

func BenchmarkGenerate10k(b *testing.B) {
	root := b.TempDir()
	n := 0
	for b.Loop() {
		n++
		dir := filepath.Join(root, fmt.Sprintf("run-%d", n))
		if _, err := Generate(dir, Options{Count: 10000, Now: testNow}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
	}
}
