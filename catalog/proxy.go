package catalog

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"
	"golang.org/x/net/proxy"
)

// NewHTTPClient returns a client for catalog downloads. proxyURL (--proxy)
// wins: http:// and https:// proxies are used for every request (CONNECT
// for https targets), socks5:// (or socks5h://) ones dial every connection
// through the proxy, which also resolves the host name. Without it the
// proxy comes from env's HTTPS_PROXY, HTTP_PROXY and NO_PROXY (upper case
// first, then lower case), read through env rather than the process
// environment so callers and tests choose what it sees. As in Go's own
// rules, loopback hosts never go through an environment proxy.
//
// The client has no overall timeout (Fetcher sets one per request); its
// Transport is an *http.Transport, so callers may adjust it (TLS roots).
func NewHTTPClient(proxyURL string, env func(string) string) (*http.Client, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	if proxyURL != "" {
		u, err := parseProxyURL(proxyURL)
		if err != nil {
			return nil, err
		}
		switch u.Scheme {
		case "http", "https":
			t.Proxy = http.ProxyURL(u)
		case "socks5", "socks5h":
			d, err := proxy.FromURL(u, &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second})
			if err != nil {
				return nil, fmt.Errorf("proxy %s: %w", u.Redacted(), err)
			}
			cd, ok := d.(proxy.ContextDialer)
			if !ok {
				return nil, fmt.Errorf("proxy %s: the SOCKS5 dialer cannot be cancelled", u.Redacted())
			}
			t.DialContext = cd.DialContext
		default:
			return nil, fmt.Errorf("proxy %s: unsupported scheme %q (want http, https or socks5)", u.Redacted(), u.Scheme)
		}
		return &http.Client{Transport: t}, nil
	}
	if env == nil {
		env = func(string) string { return "" }
	}
	cfg := httpproxy.Config{
		HTTPProxy:  firstEnv(env, "HTTP_PROXY", "http_proxy"),
		HTTPSProxy: firstEnv(env, "HTTPS_PROXY", "https_proxy"),
		NoProxy:    firstEnv(env, "NO_PROXY", "no_proxy"),
		CGI:        env("REQUEST_METHOD") != "",
	}
	proxyFor := cfg.ProxyFunc()
	t.Proxy = func(r *http.Request) (*url.URL, error) { return proxyFor(r.URL) }
	return &http.Client{Transport: t}, nil
}

// parseProxyURL reads --proxy; a bare host:port means an HTTP proxy, as
// it does in HTTP_PROXY.
func parseProxyURL(raw string) (*url.URL, error) {
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("proxy: not a URL: %v", unwrapURLError(err))
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("proxy %s: no host", u.Redacted())
	}
	return u, nil
}

func firstEnv(env func(string) string, keys ...string) string {
	for _, k := range keys {
		if v := env(k); v != "" {
			return v
		}
	}
	return ""
}
