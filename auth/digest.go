package auth

import (
	"crypto/sha256"
	"encoding/binary"
	"hash/maphash"
)

// Digest identifies a record's content as it was loaded, so that a write
// can check the content is still the same before replacing it.
//
// A scan takes one of every file, so it is a fingerprint made for speed: a
// 128-bit hash with seeds drawn at random when the program starts (two
// runs of hash/maphash, several times faster than SHA-256). Unlike a
// cryptographic digest it has no meaning outside this process, which is
// all a write needs; no one can aim at a collision without the seeds.
// What outlives the process (the audit log) records SHA-256 instead, and
// undo checks that with a Digest made by SHA256Digest.
type Digest struct {
	sum    [32]byte
	sha256 bool
}

var fingerprintSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// Fingerprint is the Digest a scan takes of content.
func Fingerprint(content []byte) Digest {
	var d Digest
	binary.LittleEndian.PutUint64(d.sum[:8], maphash.Bytes(fingerprintSeeds[0], content))
	binary.LittleEndian.PutUint64(d.sum[8:16], maphash.Bytes(fingerprintSeeds[1], content))
	return d
}

// SHA256Digest is a Digest from a SHA-256 recorded earlier (the audit log's
// sha256_after, when undoing a write).
func SHA256Digest(sum [32]byte) Digest { return Digest{sum: sum, sha256: true} }

// Matches reports whether content is what d identifies.
func (d Digest) Matches(content []byte) bool {
	if d.sha256 {
		return sha256.Sum256(content) == d.sum
	}
	return Fingerprint(content) == d
}
