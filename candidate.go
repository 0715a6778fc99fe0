package main

import (
	"context"
	"strings"
	"time"

	"github.com/tierscope/tierscope/catalog"
)

func isURL(s string) bool { return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") }

// loadCandidate reads a candidate catalog (--candidate PATH|URL): a file,
// or a download through --proxy or the proxy environment, validated like
// any catalog and never cached. Refused under --offline.
func (c *cli) loadCandidate(from string) (catalog.Loaded, error) {
	if !isURL(from) {
		l, err := catalog.LoadFile(from)
		if err != nil {
			return l, usagef("--candidate: %v", err)
		}
		return l, nil
	}
	fetch, err := c.candidateFetcher()
	if err != nil {
		return catalog.Loaded{}, err
	}
	if fetch == nil {
		return catalog.Loaded{}, usagef("--candidate %s: a URL needs the network, and --offline is set", from)
	}
	l, err := fetch(context.Background(), from)
	if err != nil {
		return l, usagef("--candidate: %v", err)
	}
	return l, nil
}

// candidateFetcher downloads candidates (nil under --offline).
func (c *cli) candidateFetcher() (func(ctx context.Context, url string) (catalog.Loaded, error), error) {
	if c.offline {
		return nil, nil
	}
	client, err := catalog.NewHTTPClient(c.proxy, c.getenv)
	if err != nil {
		return nil, usagef("--proxy: %v", err)
	}
	return func(ctx context.Context, url string) (catalog.Loaded, error) {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		return catalog.FetchCandidate(ctx, client, url)
	}, nil
}
