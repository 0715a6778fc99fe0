// Package demo writes realistic, fake CLIProxyAPI auth directories.
//
// Generate fills a directory with one JSON credential file per upstream
// account, shaped exactly like the files the proxy writes (key order, naming,
// formatting), plus the awkward cases a real fleet accumulates over time:
// plan aliases and odd casing, stale or unnormalized stored plans, tokens
// signed by the wrong key, duplicates, disabled and expiring accounts,
// provider files without a catalog section, and files that are not JSON
// objects at all. Every secret in the output is random junk from a seeded
// PRNG and every email uses a reserved example domain, so the output is safe
// to show, commit and screenshot.
//
// The id_tokens are real RS256 JWTs signed with a fixed demo key that ships
// with this package (see keys/), and the matching JWKS is written next to the
// accounts, so signature checking can be demonstrated end to end. Output is
// byte-for-byte deterministic for a given Options.Seed and Options.Now.
package demo
