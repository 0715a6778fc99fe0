package catalog

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	socks5 "github.com/armon/go-socks5"
)

// testHost is a name no resolver knows: only the test proxies map it (to
// 127.0.0.1), so a download that succeeds went through a proxy. Go never
// sends loopback addresses through an environment proxy, hence the name.
const testHost = "catalog.tierscope.test"

// proxyResolve maps testHost:port to the loopback address; anything else
// is unknown to the test proxies.
func proxyResolve(hostport string) (string, error) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return "", err
	}
	if host != testHost {
		return "", fmt.Errorf("test proxy: unknown host %q", host)
	}
	return net.JoinHostPort("127.0.0.1", port), nil
}

// forwardProxy is a small HTTP forward proxy: absolute-form requests are
// relayed, CONNECT is tunnelled. It counts both.
type forwardProxy struct {
	requests atomic.Int64
	connects atomic.Int64
	upstream *http.Transport

	mu      sync.Mutex
	tunnels []net.Conn
}

func newForwardProxy() *forwardProxy {
	d := &net.Dialer{}
	return &forwardProxy{upstream: &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			a, err := proxyResolve(addr)
			if err != nil {
				return nil, err
			}
			return d.DialContext(ctx, network, a)
		},
	}}
}

func (p *forwardProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.connects.Add(1)
		p.tunnel(w, r)
		return
	}
	if !r.URL.IsAbs() {
		http.Error(w, "this is a proxy: send absolute-form requests", http.StatusBadRequest)
		return
	}
	p.requests.Add(1)
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Header.Del("Proxy-Connection")
	out.Header.Del("Proxy-Authorization")
	resp, err := p.upstream.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func (p *forwardProxy) tunnel(w http.ResponseWriter, r *http.Request) {
	addr, err := proxyResolve(r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	dst, err := net.Dial("tcp", addr)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, rw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		dst.Close()
		return
	}
	p.mu.Lock()
	p.tunnels = append(p.tunnels, conn, dst)
	p.mu.Unlock()
	io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
	go func() {
		io.Copy(dst, rw)
		dst.Close()
	}()
	io.Copy(conn, dst)
	conn.Close()
}

func (p *forwardProxy) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.tunnels {
		c.Close()
	}
	p.upstream.CloseIdleConnections()
}

func (p *forwardProxy) total() int64 { return p.requests.Load() + p.connects.Load() }

func startForwardProxy(t *testing.T, useTLS bool) (*forwardProxy, *httptest.Server) {
	t.Helper()
	p := newForwardProxy()
	var srv *httptest.Server
	if useTLS {
		srv = httptest.NewTLSServer(p)
	} else {
		srv = httptest.NewServer(p)
	}
	t.Cleanup(func() {
		p.close()
		srv.Close()
	})
	return p, srv
}

// socksProxy is a real SOCKS5 server on loopback whose resolver knows
// testHost; it counts the names it resolved and the connections it made.
type socksProxy struct {
	addr     string
	resolved atomic.Int64
	dials    atomic.Int64
}

type socksResolver struct{ p *socksProxy }

func (r socksResolver) Resolve(ctx context.Context, name string) (context.Context, net.IP, error) {
	if name != testHost {
		return ctx, nil, fmt.Errorf("test socks: unknown host %q", name)
	}
	r.p.resolved.Add(1)
	return ctx, net.IPv4(127, 0, 0, 1), nil
}

func startSOCKS(t *testing.T, creds socks5.StaticCredentials) *socksProxy {
	t.Helper()
	p := &socksProxy{}
	d := &net.Dialer{}
	conf := &socks5.Config{
		Resolver: socksResolver{p},
		Logger:   log.New(io.Discard, "", 0),
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			p.dials.Add(1)
			return d.DialContext(ctx, network, addr)
		},
	}
	if creds != nil {
		conf.Credentials = creds
	}
	srv, err := socks5.New(conf)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { ln.Close() })
	return p
}

// viaTestHost rewrites a loopback server URL to name testHost instead.
func viaTestHost(t *testing.T, srvURL string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(strings.TrimPrefix(strings.TrimPrefix(srvURL, "http://"), "https://"))
	if err != nil {
		t.Fatal(err)
	}
	scheme, _, _ := strings.Cut(srvURL, "://")
	return scheme + "://" + net.JoinHostPort(testHost, port) + "/models.json"
}

// noDNS makes direct connections resolve without the network: the test
// host does not resolve, so a request that skipped the proxy fails, and
// the direct dials are recorded.
type noDNS struct {
	mu    sync.Mutex
	dials []string
}

func (n *noDNS) install(t *testing.T, client *http.Client) {
	t.Helper()
	tr := client.Transport.(*http.Transport)
	d := &net.Dialer{Resolver: &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("no DNS in tests")
	}}}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		n.mu.Lock()
		n.dials = append(n.dials, addr)
		n.mu.Unlock()
		return d.DialContext(ctx, network, addr)
	}
}

func (n *noDNS) dialed() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.dials...)
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestProxies(t *testing.T) {
	body := newerCodex()
	plain := newOrigin(t, serveCatalog(body, `"p"`))
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serveCatalog(body, `"s"`)(0, w, r) }))
	t.Cleanup(secure.Close)
	roots := x509.NewCertPool()
	roots.AddCert(secure.Certificate()) // httptest's one certificate: the TLS proxy's too

	httpProxy, httpProxySrv := startForwardProxy(t, false)
	tlsProxy, tlsProxySrv := startForwardProxy(t, true)
	socks := startSOCKS(t, nil)
	authSocks := startSOCKS(t, socks5.StaticCredentials{"ops": "s3cret"})

	tests := []struct {
		name    string
		proxy   string
		env     map[string]string
		target  string // URL of the catalog, naming testHost
		used    func() int64
		wantErr string // empty: the download must succeed
	}{
		{"--proxy http:// relays a plain request", httpProxySrv.URL, nil, viaTestHost(t, plain.URL), httpProxy.requests.Load, ""},
		{"--proxy http:// tunnels https with CONNECT", httpProxySrv.URL, nil, viaTestHost(t, secure.URL), httpProxy.connects.Load, ""},
		{"--proxy https:// speaks TLS to the proxy", tlsProxySrv.URL, nil, viaTestHost(t, plain.URL), tlsProxy.requests.Load, ""},
		{"--proxy socks5:// resolves and dials in the proxy", "socks5://" + socks.addr, nil, viaTestHost(t, plain.URL), socks.dials.Load, ""},
		{"--proxy socks5:// with a user and password", "socks5://ops:s3cret@" + authSocks.addr, nil, viaTestHost(t, secure.URL), authSocks.dials.Load, ""},
		{"--proxy socks5:// with a wrong password fails", "socks5://ops:wrong@" + authSocks.addr, nil, viaTestHost(t, plain.URL), authSocks.dials.Load, "socks"},
		{"--proxy wins over the environment", httpProxySrv.URL, map[string]string{"HTTP_PROXY": "http://127.0.0.1:1"}, viaTestHost(t, plain.URL), httpProxy.requests.Load, ""},
		{"HTTP_PROXY for http URLs", "", map[string]string{"HTTP_PROXY": httpProxySrv.URL, "HTTPS_PROXY": "http://127.0.0.1:1"}, viaTestHost(t, plain.URL), httpProxy.requests.Load, ""},
		{"HTTPS_PROXY for https URLs", "", map[string]string{"HTTPS_PROXY": httpProxySrv.URL, "HTTP_PROXY": "http://127.0.0.1:1"}, viaTestHost(t, secure.URL), httpProxy.connects.Load, ""},
		{"lower-case https_proxy", "", map[string]string{"https_proxy": httpProxySrv.URL}, viaTestHost(t, secure.URL), httpProxy.connects.Load, ""},
		{"a socks5 URL in HTTP_PROXY", "", map[string]string{"HTTP_PROXY": "socks5://" + socks.addr}, viaTestHost(t, plain.URL), socks.dials.Load, ""},
		{"NO_PROXY sends the host direct, where it does not resolve", "", map[string]string{"HTTP_PROXY": httpProxySrv.URL, "NO_PROXY": "example.org," + testHost}, viaTestHost(t, plain.URL), httpProxy.total, "no DNS in tests"},
		{"no_proxy matches subdomains", "", map[string]string{"http_proxy": httpProxySrv.URL, "no_proxy": ".tierscope.test"}, viaTestHost(t, plain.URL), httpProxy.total, "no DNS in tests"},
		{"no proxy at all: direct, and unresolvable", "", nil, viaTestHost(t, plain.URL), httpProxy.total, "no DNS in tests"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, err := NewHTTPClient(tt.proxy, envOf(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(client.CloseIdleConnections)
			client.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: roots, ServerName: "example.com"}
			direct := &noDNS{}
			if tt.proxy == "" || !strings.HasPrefix(tt.proxy, "socks5") {
				direct.install(t, client) // a socks5 --proxy dials through its own dialer
			}
			f := &Fetcher{URLs: []string{tt.target}, Client: client, Retries: -1, Cache: Cache{Dir: t.TempDir()}, Now: func() time.Time { return refreshNow }}
			before := tt.used()
			res := f.Refresh(context.Background(), embeddedLike(t))
			after := tt.used()

			if tt.wantErr != "" {
				if res.Outcome != OutcomeError || res.Err == nil || !strings.Contains(res.Err.Error(), tt.wantErr) {
					t.Fatalf("outcome %s, err %v; want an error with %q", res.Outcome, res.Err, tt.wantErr)
				}
				if strings.Contains(tt.name, "NO_PROXY") || strings.Contains(tt.name, "no_proxy") || strings.Contains(tt.name, "no proxy") {
					if after != before {
						t.Errorf("the proxy saw %d request(s); NO_PROXY must bypass it", after-before)
					}
					if got := direct.dialed(); len(got) != 1 || !strings.HasPrefix(got[0], testHost+":") {
						t.Errorf("direct dials %q, want one to %s", got, testHost)
					}
				}
				return
			}
			if res.Outcome != OutcomeOK {
				t.Fatalf("outcome %s: %v", res.Outcome, res.Err)
			}
			if after != before+1 {
				t.Errorf("the proxy counted %d, want 1: the request did not go through it", after-before)
			}
			for _, a := range direct.dialed() {
				if strings.HasPrefix(a, testHost) {
					t.Errorf("a direct dial to %s was made", a)
				}
			}
			if strings.Contains(tt.name, "socks5") && socks.resolved.Load()+authSocks.resolved.Load() == 0 {
				t.Error("the SOCKS proxy never resolved the host name")
			}
		})
	}
}

func TestNewHTTPClientIgnoresTheProcessEnvironment(t *testing.T) {
	p, srv := startForwardProxy(t, false)
	t.Setenv("HTTP_PROXY", srv.URL)
	t.Setenv("http_proxy", srv.URL)
	plain := newOrigin(t, serveCatalog(newerCodex(), ""))
	client, err := NewHTTPClient("", envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	(&noDNS{}).install(t, client)
	f := &Fetcher{URLs: []string{viaTestHost(t, plain.URL)}, Client: client, Retries: -1}
	res := f.Refresh(context.Background(), embeddedLike(t))
	if res.Outcome != OutcomeError || p.total() != 0 {
		t.Errorf("outcome %s, proxy saw %d: only the env func may name a proxy", res.Outcome, p.total())
	}
}

func TestNewHTTPClientRejectsBadProxies(t *testing.T) {
	tests := []struct{ proxy, want string }{
		{"ftp://proxy.example:21", `unsupported scheme "ftp"`},
		{"socks5://", "no host"},
		{"http://user:pw@:8080", "no host"},
		{"http://bad host:80", "not a URL"},
	}
	for _, tt := range tests {
		_, err := NewHTTPClient(tt.proxy, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewHTTPClient(%q) = %v, want %q", tt.proxy, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "pw@") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
	if c, err := NewHTTPClient("127.0.0.1:3128", nil); err != nil {
		t.Errorf("a bare host:port is an HTTP proxy: %v", err)
	} else {
		req, _ := http.NewRequest("GET", "http://"+testHost+"/", nil)
		u, err := c.Transport.(*http.Transport).Proxy(req)
		if err != nil || u == nil || u.String() != "http://127.0.0.1:3128" {
			t.Errorf("proxy for a request = %v, %v", u, err)
		}
	}
}
