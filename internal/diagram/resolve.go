package diagram

import (
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

// resolver finds the resources an input refers to: by id, URN, logical name, name
// input, ARN or self link (the harness and exports know these), else through the
// input's property dependencies (a preview knows no ids).
type resolver struct {
	inv    *inventory.Inventory
	byType map[string][]inventory.Resource
}

func newResolver(inv *inventory.Inventory) *resolver {
	r := &resolver{inv: inv, byType: map[string][]inventory.Resource{}}
	for _, res := range inv.Resources {
		r.byType[res.Type] = append(r.byType[res.Type], res)
	}
	return r
}

// of lists the resources of the given types, in registration order.
func (r *resolver) of(types ...string) []inventory.Resource {
	var out []inventory.Resource
	for _, res := range r.inv.Resources {
		for _, t := range types {
			if res.Type == t {
				out = append(out, res)
			}
		}
	}
	return out
}

// refs finds the resources of the given types that input prop of res refers to.
func (r *resolver) refs(res inventory.Resource, prop string, types ...string) []inventory.Resource {
	v, _ := res.Path(prop)
	var out []inventory.Resource
	seen := map[string]bool{}
	for _, ref := range inventory.Strings(v) {
		for _, c := range r.find(ref, types...) {
			if !seen[c.URN+c.Type+c.Name] {
				seen[c.URN+c.Type+c.Name] = true
				out = append(out, c)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	top, _, _ := strings.Cut(prop, ".")
	for _, urn := range res.Dependencies[top] {
		if c, ok := r.inv.ByURN(urn); ok && typeIn(c.Type, types) {
			out = append(out, c)
		}
	}
	return out
}

// ref is refs for a single reference.
func (r *resolver) ref(res inventory.Resource, prop string, types ...string) (inventory.Resource, bool) {
	found := r.refs(res, prop, types...)
	if len(found) == 0 {
		return inventory.Resource{}, false
	}
	return found[0], true
}

// find resolves one reference string.
func (r *resolver) find(ref string, types ...string) []inventory.Resource {
	if ref == "" {
		return nil
	}
	var out []inventory.Resource
	for _, t := range types {
		for _, c := range r.byType[t] {
			if refersTo(ref, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

func typeIn(t string, types []string) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}

// refersTo matches a reference against a resource's id, URN, names, or the last
// segment of an ARN or self link.
func refersTo(ref string, c inventory.Resource) bool {
	lastSlash := ref[strings.LastIndex(ref, "/")+1:]
	lastColon := ref[strings.LastIndex(ref, ":")+1:]
	for _, id := range []string{c.ID, c.URN, c.Name, c.String("name")} {
		if id != "" && (ref == id || lastSlash == id || lastColon == id) {
			return true
		}
	}
	return false
}
