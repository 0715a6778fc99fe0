package mgmt_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tierscope/tierscope/mgmt"
	"github.com/tierscope/tierscope/mgmt/mgmttest"
)

const (
	refDir = "../testdata/reference/proxy-a7e3596"
	key    = "mgmt-test-key-7f3a9c"
)

func recorded(t *testing.T) (*mgmttest.API, *httptest.Server) {
	t.Helper()
	api, err := mgmttest.Recorded(refDir, key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return api, srv
}

func TestAuthFilesReadsTheRecordedList(t *testing.T) {
	_, srv := recorded(t)
	c := &mgmt.Client{BaseURL: srv.URL, Key: key}
	files, err := c.AuthFiles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 29 {
		t.Fatalf("got %d files, want the 29 the proxy loaded", len(files))
	}
	byName := map[string]mgmt.AuthFile{}
	for _, f := range files {
		byName[f.Name] = f
	}
	if _, ok := byName["gemini-g@sample.example-p.json"]; ok {
		t.Error("the gemini file is listed, but the recorded proxy did not load it")
	}
	off := byName["codex-off@sample.example-pro.json"]
	if !off.Disabled || off.Status != "disabled" || off.ProviderName() != "codex" || off.PlanType != "pro" {
		t.Errorf("disabled account read as %+v", off)
	}
	ag := byName["antigravity-a@sample.example.json"]
	if !ag.Unavailable || ag.Status != "error" || ag.StatusMessage != "unauthorized" || ag.Source != "file" {
		t.Errorf("unavailable account read as %+v", ag)
	}
}

func TestModelsKeepsRegistrationOrder(t *testing.T) {
	_, srv := recorded(t)
	c := &mgmt.Client{BaseURL: srv.URL + "/v0/management/", Key: key} // the API's own path is accepted
	ms, err := c.Models(context.Background(), "codex-alias@sample.example-plus.json")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	want := "gpt-5.3-codex-spark gpt-5.4 g4 gpt-5.4-mini five gpt-5.6-sol gpt-5.6-terra gpt-5.6-luna codex-auto-review gpt-image-1.5 gpt-image-2"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("ids %s\nwant %s", got, want)
	}
	if ms[2].DisplayName != "GPT 5.4" || ms[2].OwnedBy != "openai" || ms[2].Type != "openai" {
		t.Errorf("alias record %+v", ms[2])
	}
}

func TestUnknownNameIsAnEmptyListNotAnError(t *testing.T) {
	_, srv := recorded(t)
	c := &mgmt.Client{BaseURL: srv.URL, Key: key}
	for _, name := range []string{"no-such-file.json", "gemini-g@sample.example-p.json", "codex-off@sample.example-pro.json"} {
		ms, err := c.Models(context.Background(), name)
		if err != nil || len(ms) != 0 {
			t.Errorf("%s: got %v, %v; want an empty list, no error (the proxy's quirk)", name, ms, err)
		}
	}
}

func TestFailuresAreTypedOneLineAndKeyFree(t *testing.T) {
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(hanging.Close)
	disabled := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(disabled.Close)
	forbidden := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"error":"remote management disabled"}`))
	}))
	t.Cleanup(forbidden.Close)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/models") {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte("<html>not the API</html>"))
	}))
	t.Cleanup(broken.Close)
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid management key ` + key + `"}`))
	}))
	t.Cleanup(echo.Close)
	_, srv := recorded(t)

	tests := []struct {
		name       string
		base, key  string
		models     bool
		kind       mgmt.Kind
		status     int
		persistent bool
		says       string
	}{
		{"wrong key", srv.URL, "not-the-key", false, mgmt.KindWrongKey, 401, true, `"invalid management key"`},
		{"missing key", srv.URL, "", false, mgmt.KindMissingKey, 401, true, `"missing management key"`},
		{"key echoed by a server is scrubbed", echo.URL, key, false, mgmt.KindWrongKey, 401, true, "<redacted>"},
		{"remote management refused", forbidden.URL, key, false, mgmt.KindForbidden, 403, true, "remote management disabled"},
		{"management API disabled", disabled.URL, key, false, mgmt.KindNotEnabled, 404, true, "disabled"},
		{"proxy down", "http://" + closedPort(t), key, false, mgmt.KindUnreachable, 0, false, "connection refused"},
		{"hanging server", hanging.URL, key, true, mgmt.KindTimeout, 0, false, "timeout"},
		{"not JSON", broken.URL, key, false, mgmt.KindProtocol, 200, false, "not the management API's JSON"},
		{"server error", broken.URL, key, true, mgmt.KindStatus, 500, false, "HTTP 500"},
		{"not a URL", "127.0.0.1:8317", key, false, mgmt.KindUnreachable, 0, false, "not an http:// or https:// URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &mgmt.Client{BaseURL: tt.base, Key: tt.key, Timeout: 200 * time.Millisecond}
			var err error
			if tt.models {
				_, err = c.Models(context.Background(), "x.json")
			} else {
				_, err = c.AuthFiles(context.Background())
			}
			var me *mgmt.Error
			if !errors.As(err, &me) {
				t.Fatalf("got %v, want a *mgmt.Error", err)
			}
			if me.Kind != tt.kind || me.Status != tt.status || me.Persistent() != tt.persistent {
				t.Errorf("kind %s status %d persistent %v; want %s %d %v", me.Kind, me.Status, me.Persistent(), tt.kind, tt.status, tt.persistent)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.says) || strings.Contains(msg, "\n") {
				t.Errorf("message %q: want one line saying %q", msg, tt.says)
			}
			if strings.Contains(msg, key) {
				t.Errorf("message %q holds the key", msg)
			}
		})
	}
}

func TestCancelledContextIsCancelledNotTimeout(t *testing.T) {
	_, srv := recorded(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := (&mgmt.Client{BaseURL: srv.URL, Key: key}).AuthFiles(ctx)
	var me *mgmt.Error
	if !errors.As(err, &me) || me.Kind != mgmt.KindCanceled {
		t.Fatalf("got %v, want KindCanceled", err)
	}
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
