// Package inventory is the one model of "what a stack builds": every resource the
// program registers, with its type token, logical name, parent and inputs. The mock
// harness records it from a run of the real program; the preview reader rebuilds it from
// `pulumi preview --json` and `pulumi stack export` documents. Cost, fault tolerance and
// the reports read only this model, so they price and judge both sources the same way.
package inventory

import (
	"sort"
	"strings"
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

// ByURN finds a resource by URN.
func (inv *Inventory) ByURN(urn string) (Resource, bool) {
	for _, r := range inv.Resources {
		if r.URN == urn {
			return r, true
		}
	}
	return Resource{}, false
}

// ComponentOf returns the logical name of the nearest component ancestor ("" if none).
func (inv *Inventory) ComponentOf(r Resource) string {
	for p := r.ParentURN; p != ""; {
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
