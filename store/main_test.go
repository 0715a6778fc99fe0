package store

import (
	"os"
	"testing"

	"github.com/tierscope/tierscope/store/storetest"
)

// TestMain stops the one PostgreSQL server the tests share.
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
