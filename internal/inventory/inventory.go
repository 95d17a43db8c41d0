// Package inventory is the one model of "what a stack builds": every resource the
// program registers, with its type token, logical name, parent and inputs. The mock
// harness records it from a run of the real program; the preview reader rebuilds it from
// `pulumi preview --json` and `pulumi stack export` documents. Cost, fault tolerance and
// the reports read only this model, so they price and judge both sources the same way.
package inventory

import (
	"sort"
	"strings"
	"sync"
)

// SecretPlaceholder stands for a secret input value: offline evaluation never needs
// (and never shows) the plaintext.
const SecretPlaceholder = "[secret]"

// Resource is one registered resource.
type Resource struct {
	URN string `json:"-"`
	// ID is the provider id (the mock's id under the harness; "" in a preview).
	ID   string `json:"-"`
	Type string `json:"type"`
	Name string `json:"name"`
	// ParentURN is the parent's URN ("" for the stack's own children).
	ParentURN string `json:"-"`
	// Parent is the parent's type token ("" when the parent is the stack).
	Parent    string `json:"parent"`
	Component bool   `json:"component"`
	// Inputs hold plain JSON-like values (map[string]any, []any, string, float64, bool,
	// nil): camelCase property names as the provider sees them, secrets as
	// SecretPlaceholder, values unknown at preview time as nil.
	Inputs map[string]any `json:"inputs"`
	// Dependencies maps an input property to the URNs it was computed from. Previews
	// know no ids, so links between resources (a launch template used by an
	// autoscaling group) are found through these.
	Dependencies map[string][]string `json:"-"`
	// IgnoreChanges and Protect are the resource options the program set (recorded by
	// the harness; day-two behaviour is asserted on them).
	IgnoreChanges []string `json:"-"`
	Protect       bool     `json:"-"`
	// DependsOn are the URNs the resource waits for (its dependsOn option and the
	// resources its inputs come from), as the harness records them.
	DependsOn []string `json:"-"`
}

// Inventory is every resource of one stack, in registration order.
type Inventory struct {
	Stack     string     `json:"stack"`
	Resources []Resource `json:"resources"`
	// Outputs are the stack's outputs as plain values, secrets as SecretPlaceholder; nil
	// when the source records none (a preview knows no outputs yet).
	Outputs map[string]any `json:"-"`

	// The URN index ByURN builds (resources are only ever appended).
	mu      sync.Mutex
	byURN   map[string]int
	indexed int
}

// Custom returns the resources a provider manages (not components, not providers).
func (inv *Inventory) Custom() []Resource {
	var out []Resource
	for _, r := range inv.Resources {
		if !r.Component && !IsProvider(r.Type) {
			out = append(out, r)
		}
	}
	return out
}

// StackType is the root stack resource's type (in documents, not in the harness).
const StackType = "pulumi:pulumi:Stack"

// Components returns the component resources (not the root stack).
func (inv *Inventory) Components() []Resource {
	var out []Resource
	for _, r := range inv.Resources {
		if r.Component && r.Type != StackType {
			out = append(out, r)
		}
	}
	return out
}

// CountByType counts resources by type token.
func CountByType(rs []Resource) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		out[r.Type]++
	}
	return out
}

// OfType returns the resources with the given type token.
func (inv *Inventory) OfType(typ string) []Resource {
	var out []Resource
	for _, r := range inv.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// ByURN finds a resource by URN, through an index built on first use (and rebuilt when
// resources were added since): lookups cost O(1), so walking every resource's parents
// stays linear in the inventory's size.
func (inv *Inventory) ByURN(urn string) (Resource, bool) {
	inv.mu.Lock()
	if inv.byURN == nil || inv.indexed != len(inv.Resources) {
		inv.byURN = make(map[string]int, len(inv.Resources))
		for i, r := range inv.Resources {
			if _, dup := inv.byURN[r.URN]; !dup {
				inv.byURN[r.URN] = i // the first, as a scan would find
			}
		}
		inv.indexed = len(inv.Resources)
	}
	i, ok := inv.byURN[urn]
	inv.mu.Unlock()
	if !ok {
		return Resource{}, false
	}
	return inv.Resources[i], true
}

// ComponentOf returns the logical name of the nearest component ancestor ("" if none).
// A parent cycle (the document reader refuses them) ends the walk with "".
func (inv *Inventory) ComponentOf(r Resource) string {
	for p, steps := r.ParentURN, 0; p != "" && steps <= len(inv.Resources); steps++ {
		parent, ok := inv.ByURN(p)
		if !ok {
			return ""
		}
		if parent.Component && parent.Type != StackType {
			return parent.Name
		}
		p = parent.ParentURN
	}
	return ""
}

// IsProvider reports whether a type token is a provider resource.
func IsProvider(typ string) bool { return strings.HasPrefix(typ, "pulumi:providers:") }

// SortedKeys returns a map's keys in order, for stable output.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
