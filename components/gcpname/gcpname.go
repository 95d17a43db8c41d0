// Package gcpname makes names GCP accepts from a stack's parts: lowercase letters, digits
// and hyphens, starting with a letter, at least 6 characters (service account ids), at
// most a length each kind sets (service account ids 30, disks and instances 63). Too long
// a name keeps its head and a short hash of the whole, so two stacks never collide.
package gcpname

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

var invalid = regexp.MustCompile(`[^a-z0-9-]+`)

// Name joins parts with hyphens into a valid name of at most max characters.
func Name(max int, parts ...string) string {
	id := strings.Trim(invalid.ReplaceAllString(strings.ToLower(strings.Join(parts, "-")), "-"), "-")
	if id == "" || id[0] < 'a' || id[0] > 'z' {
		id = "cb-" + id
	}
	if len(id) > max {
		sum := sha256.Sum256([]byte(id))
		id = strings.TrimRight(id[:max-7], "-") + "-" + hex.EncodeToString(sum[:])[:6]
	}
	for len(id) < 6 {
		id += "-x"
	}
	return id
}

// AccountID is a service account id (6–30 characters).
func AccountID(parts ...string) string { return Name(30, parts...) }

// Unique is Name with a 6-hex-digit suffix taken from seed, within max characters:
// seed carries what differs per creation (the name a provider picked for a resource
// created earlier), so a resource GCP names by a fixed id (service accounts) gets
// another id when the stack is created again or from a second checkout.
func Unique(max int, seed string, parts ...string) string {
	sum := sha256.Sum256([]byte(seed))
	return Name(max-7, parts...) + "-" + hex.EncodeToString(sum[:])[:6]
}
