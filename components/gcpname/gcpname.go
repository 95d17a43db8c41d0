// Package gcpname makes names GCP accepts from a stack's parts: lowercase letters, digits
// and hyphens, starting with a letter, at least 6 characters (service account ids), at
// most a length each kind sets (service account ids 30, disks and instances 63); Secret
// Manager secret ids (letters, digits, hyphens, underscores, at most 255) and custom role
// ids (letters, digits, underscores, periods, 3 to 64). Too long a name keeps its head and
// a short hash of the whole, so two stacks never collide.
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
	id = shorten(id, max, "-")
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
	return Name(max-7, parts...) + "-" + Suffix(seed)
}

// Suffix is the 6 hex digits Unique, SecretPrefix and RoleID append: one seed (one
// network's name) gives one suffix, so every name of one creation ends the same way.
func Suffix(seed string) string { return hash(seed) }

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:6]
}

// MaxSecretID is Secret Manager's limit on a secret id (CreateSecretRequest.secret_id).
const MaxSecretID = 255

// MaxSecretPrefix bounds what SecretPrefix returns, leaving 64 characters of a secret id
// for "-<key>".
const MaxSecretPrefix = MaxSecretID - 65

var invalidSecret = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// SecretPrefix is the prefix of a store's secret ids, "<parts joined by hyphens>-<suffix
// of seed>", in the characters a secret id takes (letters, digits, hyphens, underscores;
// anything else becomes a hyphen), at most MaxSecretPrefix long.
func SecretPrefix(seed string, parts ...string) string {
	id := strings.Trim(invalidSecret.ReplaceAllString(strings.Join(parts, "-"), "-"), "-")
	return shorten(id, MaxSecretPrefix-7, "-") + "-" + Suffix(seed)
}

// MaxRoleID is IAM's limit on a custom role id (CreateRoleRequest.roleId: 3 to 64
// letters, digits, underscores and periods).
const MaxRoleID = 64

var invalidRole = regexp.MustCompile(`[^a-zA-Z0-9_.]+`)

// RoleID is a custom role id, "<parts joined by underscores>_<suffix of seed>", anything
// a role id may not hold (hyphens above all) made an underscore. IAM keeps a deleted
// custom role's id for 37 days, so a fixed id blocks re-creating the stack for as long;
// the seed's suffix gives a new creation a new id.
func RoleID(seed string, parts ...string) string {
	id := strings.Trim(invalidRole.ReplaceAllString(strings.Join(parts, "_"), "_"), "_")
	return shorten(id, MaxRoleID-7, "_") + "_" + Suffix(seed)
}

// shorten cuts id to max characters, keeping its head and a hash of the whole.
func shorten(id string, max int, sep string) string {
	if len(id) <= max {
		return id
	}
	return strings.TrimRight(id[:max-7], sep) + sep + hash(id)
}
