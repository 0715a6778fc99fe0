//go:build !linux && !darwin

package auth

import (
	"io"
	"io/fs"
	"os"
	"syscall"
)

// openNoFollowBlock opens path for reading without blocking on special
// files and stats it.
func openNoFollowBlock(path string) (io.ReadCloser, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}
