package catalog

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Support is one Kubernetes minor version's EKS support calendar (dates UTC, YYYY-MM-DD).
type Support struct {
	Version              string `yaml:"version"`
	Release              string `yaml:"release"`
	EndOfStandardSupport string `yaml:"endOfStandardSupport"`
	EndOfExtendedSupport string `yaml:"endOfExtendedSupport"`
	Source               string `yaml:"source"`
	Verified             bool   `yaml:"verified"`
}

// SupportStatus is where a version stands on a date.
type SupportStatus string

// The statuses of a version on a date. AWS bills extended support from the start of the
// day standard support ends, so that day is already extended (Amazon EKS User Guide,
// "Amazon EKS Kubernetes release calendar").
const (
	StandardSupport SupportStatus = "standard"
	ExtendedSupport SupportStatus = "extended"
	OutOfSupport    SupportStatus = "out of support"
	UnknownVersion  SupportStatus = "unknown"
)

// EKSSupport returns a version's calendar row ("1.35"; a patch suffix is ignored).
func (c *Catalog) EKSSupport(version string) (Support, bool) {
	s, ok := c.support[minor(version)]
	return s, ok
}

// EKSVersions lists the calendar's versions, oldest first.
func (c *Catalog) EKSVersions() []string {
	out := make([]string, 0, len(c.support))
	for v := range c.support {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return versionLess(out[i], out[j]) })
	return out
}

// Status tells where a version stands on a day (YYYY-MM-DD).
func (s Support) Status(day string) SupportStatus {
	switch {
	case day < s.EndOfStandardSupport:
		return StandardSupport
	case day < s.EndOfExtendedSupport:
		return ExtendedSupport
	}
	return OutOfSupport
}

// SupportStatus tells where a version stands on the catalog's date.
func (c *Catalog) SupportStatus(version string) SupportStatus {
	s, ok := c.EKSSupport(version)
	if !ok {
		return UnknownVersion
	}
	return s.Status(c.Date)
}

// SupportedVersion returns nil when a version can run on EKS on the catalog's date
// (standard or extended support), else why not: spec validation refuses the version.
func (c *Catalog) SupportedVersion(version string) error {
	s, ok := c.EKSSupport(version)
	if !ok {
		return fmt.Errorf("not in the price catalog's EKS support calendar (known: %s); add it under kubernetesSupport in a --prices file",
			strings.Join(c.EKSVersions(), ", "))
	}
	if s.Status(c.Date) == OutOfSupport {
		return fmt.Errorf("EKS extended support ended %s (catalog date %s)", s.EndOfExtendedSupport, c.Date)
	}
	return nil
}

func (s Support) problems() []string {
	var out []string
	add := func(format string, args ...any) {
		out = append(out, fmt.Sprintf("kubernetesSupport %q: ", s.Version)+fmt.Sprintf(format, args...))
	}
	if s.Version == "" || minor(s.Version) != s.Version {
		add("version: want a minor version such as 1.35")
	}
	for _, d := range []struct{ name, value string }{{"release", s.Release}, {"endOfStandardSupport", s.EndOfStandardSupport}, {"endOfExtendedSupport", s.EndOfExtendedSupport}} {
		if _, err := time.Parse(time.DateOnly, d.value); err != nil {
			add("%s %q: want YYYY-MM-DD", d.name, d.value)
		}
	}
	if !(s.Release < s.EndOfStandardSupport && s.EndOfStandardSupport < s.EndOfExtendedSupport) {
		add("want release < endOfStandardSupport < endOfExtendedSupport")
	}
	if strings.TrimSpace(s.Source) == "" {
		add("source is required")
	}
	return out
}

// minor cuts "1.35.2" or "v1.35" to "1.35".
func minor(v string) string {
	v = strings.TrimPrefix(v, "v")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

func versionLess(a, b string) bool {
	var am, an, bm, bn int
	fmt.Sscanf(a, "%d.%d", &am, &an)
	fmt.Sscanf(b, "%d.%d", &bm, &bn)
	if am != bm {
		return am < bm
	}
	return an < bn
}
