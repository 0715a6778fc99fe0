package core_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tierscope/tierscope/auth"
	"github.com/tierscope/tierscope/catalog"
	"github.com/tierscope/tierscope/core"
)

// reference is the recorded ground truth of the real proxy (commit a7e3596).
const reference = "../testdata/reference/proxy-a7e3596"

// TestUpstreamReproducesTheRealProxy checks, file by file, that --rules
// upstream gives exactly the models the real proxy registered.
func TestUpstreamReproducesTheRealProxy(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(reference, "registered.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][]string
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.LoadFile("../testdata/reference/models.json")
	if err != nil {
		t.Fatal(err)
	}
	rules, err := core.LookupRuleSet("upstream")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := auth.NewDir(filepath.Join(reference, "auths"))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := core.Load(context.Background(), dir, cat, rules, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Accounts) != len(want) {
		t.Errorf("resolved %d files, the proxy recorded %d", len(snap.Accounts), len(want))
	}
	for _, a := range snap.Accounts {
		w, ok := want[a.File]
		if !ok {
			t.Errorf("%s: not in the recording", a.File)
			continue
		}
		if !slices.Equal(a.Models, w) {
			t.Errorf("%s (tier %s): models\n got  %q\n want %q", a.File, a.Tier, a.Models, w)
		}
	}
}

func catalogForBench() (catalog.Loaded, error) {
	return catalog.LoadFile("../testdata/reference/models.json")
}
