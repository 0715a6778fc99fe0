package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/demo"
)

// authSource is the auth folder at path, with the --jwks verifier (or, for
// a demo folder, the demo JWKS its generator wrote) when there is one.
func (c *cli) authSource(path string) (*auth.Dir, error) {
	dir, err := auth.NewDir(path)
	if err != nil {
		return nil, err
	}
	if c.verifier == nil && c.jwks != "" {
		if c.verifier, err = c.loadVerifier(c.jwks); err != nil {
			return nil, err
		}
	}
	dir.Verifier = c.verifier
	return dir, nil
}

// loadVerifier reads a JWKS from a file or, unless --offline, a URL
// (through --proxy or the proxy environment, like catalog downloads).
func (c *cli) loadVerifier(from string) (*auth.Verifier, error) {
	var data []byte
	var err error
	if strings.HasPrefix(from, "http://") || strings.HasPrefix(from, "https://") {
		if c.offline {
			return nil, usagef("--jwks %s: a URL needs the network, and --offline is set", from)
		}
		data, err = c.fetchJWKS(from)
	} else {
		data, err = os.ReadFile(from)
	}
	if err != nil {
		return nil, usagef("--jwks %s: %v", from, err)
	}
	v, err := auth.NewVerifier(data)
	if err != nil {
		return nil, usagef("--jwks %s: %v", from, err)
	}
	return v, nil
}

func (c *cli) fetchJWKS(url string) ([]byte, error) {
	client, err := catalog.NewHTTPClient(c.proxy, c.getenv)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, auth.MaxJWKSSize+1))
}

// demoVerifier uses the JWKS the demo generator wrote beside its files, so
// `tierscope demo` shows verified and forged accounts.
func (c *cli) demoVerifier(dir string) {
	if c.jwks != "" {
		return
	}
	if v, err := c.loadVerifier(filepath.Join(dir, demo.JWKSFileName)); err == nil {
		c.verifier = v
	}
}
