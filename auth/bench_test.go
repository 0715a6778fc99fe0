package auth

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkScan10k scans a folder of 10,000 real-shaped Codex files (the
// reference files copied over and over): read, parse, decode the id_token.
func BenchmarkScan10k(b *testing.B) {
	dir := b.TempDir()
	files := referenceFiles(b)
	for i := range 10000 {
		name := filepath.Join(dir, "codex-"+string(rune('a'+i%26))+itoa(i)+".json")
		if err := os.WriteFile(name, files[i%len(files)], 0o600); err != nil {
			b.Fatal(err)
		}
	}
	d := &Dir{Root: dir}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		got, err := d.Scan(context.Background())
		if err != nil || len(got) != 10000 {
			b.Fatalf("%v %d", err, len(got))
		}
	}
}

// BenchmarkParse parses the reference files from memory on one core: the
// CPU cost of one file's parse and id_token decoding, without the disk.
func BenchmarkParse(b *testing.B) {
	files := referenceFiles(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, data := range files {
			if a := Parse("f.json", "/f.json", data); a.Err != nil {
				b.Fatal(a.Err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/file")
}

func referenceFiles(b *testing.B) [][]byte {
	src := filepath.Join("..", "testdata", "reference", "proxy-a7e3596", "auths")
	entries, err := os.ReadDir(src)
	if err != nil {
		b.Fatal(err)
	}
	var files [][]byte
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
	}
	return files
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
