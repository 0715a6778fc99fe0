// Package mgmttest is a stand-in for a proxy's management API, for tests:
// an http.Handler that answers as the real proxy does (its recorded JSON,
// status codes and quirks), with hooks to delay or hang one account and
// counters to check how a client behaved. Serve it with httptest.
package mgmttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/tierscope/tierscope/mgmt"
)

// API answers GET /v0/management/auth-files and
// /v0/management/auth-files/models?name=FILE like the real proxy.
// Set its fields before serving; they are not guarded.
type API struct {
	Key string
	// Files are the entries of the auth-files list, as the proxy gives them.
	Files []json.RawMessage
	// Models are each file's registered models, in registration order. A
	// name with no entry gets {"models":[]}, as on the real proxy.
	Models map[string][]mgmt.Model
	// BeforeModels, when set, runs before a models answer (delay, hang:
	// wait on r.Context() to notice the client giving up).
	BeforeModels func(r *http.Request, name string)

	mu            sync.Mutex
	inFlight      int
	maxInFlight   int
	modelRequests []string
	listRequests  int
}

// Recorded builds the API the real proxy (commit a7e3596) presented for the
// recorded reference directory dir (testdata/reference/proxy-a7e3596): its
// auth-files list, its per-file registrations (registered.json; full records
// from management-api/auth-files-models.json where recorded), and key.
// Files the proxy did not list keep no models, as on the proxy.
func Recorded(dir, key string) (*API, error) {
	var list struct {
		Files []json.RawMessage `json:"files"`
	}
	if err := readJSON(filepath.Join(dir, "management-api", "auth-files.json"), &list); err != nil {
		return nil, err
	}
	var registered map[string][]string
	if err := readJSON(filepath.Join(dir, "registered.json"), &registered); err != nil {
		return nil, err
	}
	var full struct {
		Models []mgmt.Model `json:"models"`
	}
	if err := readJSON(filepath.Join(dir, "management-api", "auth-files-models.json"), &full); err != nil {
		return nil, err
	}
	const fullName = "codex-alias@sample.example-plus.json" // the one recorded in full
	a := &API{Key: key, Files: list.Files, Models: map[string][]mgmt.Model{}}
	for _, raw := range list.Files {
		name := FileName(raw)
		if name == fullName {
			a.Models[name] = full.Models
			continue
		}
		for _, id := range registered[name] {
			a.Models[name] = append(a.Models[name], mgmt.Model{ID: id, Type: "openai", OwnedBy: "test"})
		}
	}
	return a, nil
}

// FileName is the "name" of one auth-files entry.
func FileName(raw json.RawMessage) string {
	var f struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(raw, &f)
	return f.Name
}

// Entry is a minimal auth-files entry, for accounts a test adds.
func Entry(name, provider string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"id": name, "name": name, "type": provider, "provider": provider, "status": "active",
		"disabled": false, "source": "postgres", "recent_requests": []any{},
	})
	return b
}

// ServeHTTP answers like the proxy's management routes.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch got := r.Header.Get("Authorization"); {
	case got == "":
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing management key"})
		return
	case got != "Bearer "+a.Key:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid management key"})
		return
	}
	switch r.URL.Path {
	case "/v0/management/auth-files":
		a.mu.Lock()
		a.listRequests++
		a.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"files": a.Files})
	case "/v0/management/auth-files/models":
		name := r.URL.Query().Get("name")
		a.enter(name)
		defer a.leave()
		if a.BeforeModels != nil {
			a.BeforeModels(r, name)
		}
		models := a.Models[name]
		if models == nil {
			models = []mgmt.Model{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"models": models})
	default:
		http.NotFound(w, r) // gin's answer for an unknown route
	}
}

func (a *API) enter(name string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.inFlight++
	a.maxInFlight = max(a.maxInFlight, a.inFlight)
	a.modelRequests = append(a.modelRequests, name)
}

func (a *API) leave() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.inFlight--
}

// MaxInFlight is the most models requests that were being answered at once.
func (a *API) MaxInFlight() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.maxInFlight
}

// ModelRequests are the names asked for, in arrival order.
func (a *API) ModelRequests() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.modelRequests...)
}

// ListRequests counts auth-files requests.
func (a *API) ListRequests() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.listRequests
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
