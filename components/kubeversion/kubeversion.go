// Package kubeversion is the Kubernetes support calendar: which minor versions exist, and
// when each leaves EKS standard and extended support. It holds dates only, never prices,
// so the Pulumi program can refuse an unsupported kubernetesVersion without loading the
// price catalog; the catalog reads the same calendar to price EKS support.
package kubeversion

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed calendar.yaml
var embeddedCalendar []byte

// Support is one Kubernetes minor version's EKS support calendar (dates UTC, YYYY-MM-DD).
type Support struct {
	Version              string `yaml:"version"`
	Release              string `yaml:"release"`
	EndOfStandardSupport string `yaml:"endOfStandardSupport"`
	EndOfExtendedSupport string `yaml:"endOfExtendedSupport"`
	Source               string `yaml:"source"`
	Verified             bool   `yaml:"verified"`
}

// Status is where a version stands on a date.
type Status string

// The statuses of a version on a date. AWS bills extended support from the start of the
// day standard support ends, so that day is already extended (Amazon EKS User Guide,
// "Amazon EKS Kubernetes release calendar").
const (
	StandardSupport Status = "standard"
	ExtendedSupport Status = "extended"
	OutOfSupport    Status = "out of support"
	UnknownVersion  Status = "unknown"
)

// Calendar is the support calendar and the day versions are judged on.
type Calendar struct {
	// Date is the day (YYYY-MM-DD) on which Supported and StatusOf judge versions.
	Date string
	rows map[string]Support
}

// calendarFile is the YAML shape of calendar.yaml.
type calendarFile struct {
	Date              string    `yaml:"date"`
	KubernetesSupport []Support `yaml:"kubernetesSupport"`
}

// Default returns the embedded calendar.
func Default() (*Calendar, error) {
	var f calendarFile
	dec := yaml.NewDecoder(bytes.NewReader(embeddedCalendar))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("embedded calendar.yaml: %v", err)
	}
	if _, err := time.Parse(time.DateOnly, f.Date); err != nil {
		return nil, fmt.Errorf("embedded calendar.yaml: date %q: want YYYY-MM-DD", f.Date)
	}
	c := &Calendar{Date: f.Date, rows: map[string]Support{}}
	if problems := Problems(f.KubernetesSupport); len(problems) > 0 {
		return nil, fmt.Errorf("embedded calendar.yaml: %s", strings.Join(problems, "; "))
	}
	c.Add(f.KubernetesSupport)
	return c, nil
}

// Clone returns an independent copy (a --prices file changes the copy only).
func (c *Calendar) Clone() *Calendar {
	out := &Calendar{Date: c.Date, rows: make(map[string]Support, len(c.rows))}
	for k, v := range c.rows {
		out.rows[k] = v
	}
	return out
}

// Add lays rows over the calendar: a row replaces the row of the same version.
func (c *Calendar) Add(rows []Support) {
	for _, s := range rows {
		c.rows[s.Version] = s
	}
}

// Lookup returns a version's row ("1.35"; a patch suffix or a leading v is ignored).
func (c *Calendar) Lookup(version string) (Support, bool) {
	s, ok := c.rows[Minor(version)]
	return s, ok
}

// Versions lists the calendar's versions, oldest first.
func (c *Calendar) Versions() []string {
	out := make([]string, 0, len(c.rows))
	for v := range c.rows {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return versionLess(out[i], out[j]) })
	return out
}

// StatusOf tells where a version stands on the calendar's date.
func (c *Calendar) StatusOf(version string) Status {
	s, ok := c.Lookup(version)
	if !ok {
		return UnknownVersion
	}
	return s.Status(c.Date)
}

// Supported returns nil when a version can run on the calendar's date (standard or
// extended support), else why not: spec validation refuses the version.
func (c *Calendar) Supported(version string) error {
	s, ok := c.Lookup(version)
	if !ok {
		return fmt.Errorf("not in the Kubernetes support calendar (known: %s); add it under kubernetesSupport in a --prices file",
			strings.Join(c.Versions(), ", "))
	}
	if s.Status(c.Date) == OutOfSupport {
		return fmt.Errorf("EKS extended support ended %s (calendar date %s)", s.EndOfExtendedSupport, c.Date)
	}
	return nil
}

// Status tells where a version stands on a day (YYYY-MM-DD).
func (s Support) Status(day string) Status {
	switch {
	case day < s.EndOfStandardSupport:
		return StandardSupport
	case day < s.EndOfExtendedSupport:
		return ExtendedSupport
	}
	return OutOfSupport
}

// Problems lists what is wrong with calendar rows, each line naming the version.
func Problems(rows []Support) []string {
	var out []string
	for _, s := range rows {
		out = append(out, s.problems()...)
	}
	return out
}

func (s Support) problems() []string {
	var out []string
	add := func(format string, args ...any) {
		out = append(out, fmt.Sprintf("kubernetesSupport %q: ", s.Version)+fmt.Sprintf(format, args...))
	}
	if s.Version == "" || Minor(s.Version) != s.Version {
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

// Minor cuts "1.35.2" or "v1.35" to "1.35".
func Minor(v string) string {
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
