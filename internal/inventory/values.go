package inventory

import (
	"regexp"
	"strings"
)

// gcpZone is a GCP zone ("us-central1-a"); a region ("us-central1") is not.
var gcpZone = regexp.MustCompile(`^([a-z]+-[a-z]+\d+)-[a-z]$`)

// IsGCPZone tells a GCP zone from a region: a GKE cluster's or pool's location is one
// or the other, and that decides zonal versus regional.
func IsGCPZone(location string) bool { return gcpZone.MatchString(location) }

// Path reads a nested input value by dotted path; a numeric segment indexes a list
// ("scalingConfig.desiredSize", "blockDeviceMappings.0.ebs.volumeSize").
func (r Resource) Path(path string) (any, bool) {
	var cur any = r.Inputs
	for _, seg := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[seg]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, ok := index(seg)
			if !ok || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// String reads a string input ("" when absent or not a string).
func (r Resource) String(path string) string {
	v, _ := r.Path(path)
	s, _ := v.(string)
	return s
}

// Number reads a numeric input (0, false when absent or not a number).
func (r Resource) Number(path string) (float64, bool) {
	v, _ := r.Path(path)
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

// Bool reads a boolean input (false when absent).
func (r Resource) Bool(path string) bool {
	v, _ := r.Path(path)
	b, _ := v.(bool)
	return b
}

// List reads a list input (nil when absent).
func (r Resource) List(path string) []any {
	v, _ := r.Path(path)
	l, _ := v.([]any)
	return l
}

func index(seg string) (int, bool) {
	if seg == "" {
		return 0, false
	}
	n := 0
	for _, c := range seg {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// Strings reads a reference-like value: one string, or the strings of a list (other
// elements are skipped); nil for anything else.
func Strings(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
