package cost

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

var (
	// awsZone is an availability zone ("us-east-1a"); its region drops the letter.
	awsZone = regexp.MustCompile(`^([a-z]{2}(-[a-z]+)+-\d+)[a-z]$`)
	// gcpZone is a zone ("us-central1-a"); its region drops the "-a".
	gcpZone = regexp.MustCompile(`^([a-z]+-[a-z]+\d+)-[a-z]$`)
)

// cloudOf is a type token's package ("aws", "gcp").
func cloudOf(typ string) string {
	cloud, _, _ := strings.Cut(typ, ":")
	return cloud
}

// region is where a resource runs: its own zone or region input, else the stack's
// region for its cloud.
func (p *pricer) region(r inventory.Resource) (string, error) {
	for _, in := range []string{"region", "zone", "location", "availabilityZone"} {
		if v := r.String(in); v != "" {
			return regionOf(v), nil
		}
	}
	cloud := cloudOf(r.Type)
	if region := p.opts.Regions[cloud]; region != "" {
		return region, nil
	}
	return "", fmt.Errorf("no region known for %s resources: set %s:region in the stack configuration", cloud, cloud)
}

// regionOf turns a zone into its region; a region stays ("US-CENTRAL1" → "us-central1").
func regionOf(location string) string {
	location = strings.ToLower(location)
	for _, zone := range []*regexp.Regexp{awsZone, gcpZone} {
		if m := zone.FindStringSubmatch(location); m != nil {
			return m[1]
		}
	}
	return location
}

// key builds a catalog key <cloud>/<region>/<service>/<item>.
func key(cloud, region, service, item string) string {
	return cloud + "/" + region + "/" + service + "/" + item
}

// linked finds the resources of type typ that input prop of r refers to: by id, name,
// self link or URN (the harness and exports know them), else through the input's
// propertyDependencies (a preview knows no ids).
func (p *pricer) linked(r inventory.Resource, prop, typ string) []inventory.Resource {
	v, _ := r.Path(prop)
	refs := inventory.Strings(v)
	var out []inventory.Resource
	seen := map[string]bool{}
	for _, c := range p.inv.OfType(typ) {
		for _, ref := range refs {
			if refersTo(ref, c) && !seen[c.URN] {
				seen[c.URN] = true
				out = append(out, c)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	top, _, _ := strings.Cut(prop, ".")
	for _, urn := range r.Dependencies[top] {
		if c, ok := p.inv.ByURN(urn); ok && c.Type == typ && !seen[urn] {
			seen[urn] = true
			out = append(out, c)
		}
	}
	return out
}

// linkedOne is linked for a single reference.
func (p *pricer) linkedOne(r inventory.Resource, prop, typ string) (inventory.Resource, bool) {
	found := p.linked(r, prop, typ)
	if len(found) == 0 {
		return inventory.Resource{}, false
	}
	return found[0], true
}

func refersTo(ref string, c inventory.Resource) bool {
	if ref == "" {
		return false
	}
	last := ref[strings.LastIndex(ref, "/")+1:]
	for _, id := range []string{c.ID, c.URN, c.Name, c.String("name")} {
		if id != "" && (ref == id || last == id) {
			return true
		}
	}
	return false
}

// lastSegment is a self link's or type URL's last path segment ("zones/x/diskTypes/pd-ssd").
func lastSegment(s string) string {
	return s[strings.LastIndex(s, "/")+1:]
}

// truthy reads a flag written as a bool or, in launch templates, as "true".
func truthy(r inventory.Resource, path string) bool {
	v, _ := r.Path(path)
	switch t := v.(type) {
	case bool:
		return t
	case string:
		return t == "true"
	}
	return false
}

// explicitBool reads a boolean input and whether it is set at all ("true"/"false"
// strings count, as launch templates write them).
func explicitBool(r inventory.Resource, path string) (value, set bool) {
	v, _ := r.Path(path)
	switch t := v.(type) {
	case bool:
		return t, true
	case string:
		return t == "true", t == "true" || t == "false"
	}
	return false, false
}

// count reads a whole number input; absent or unknown is an error naming the input.
func count(r inventory.Resource, path string) (int, error) {
	n, ok := number(r, path)
	if !ok {
		return 0, fmt.Errorf("%s is not set or unknown: cannot tell how many instances run", path)
	}
	return int(n), nil
}
