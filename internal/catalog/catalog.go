// Package catalog is the price data clusterbench prices with: a versioned, dated catalog
// of on-demand list prices (each entry with its own source and date), the resource types
// that cost nothing, and the usage presets that
// usage-based prices (NAT data, log ingestion…) are multiplied by. Prices are data, never
// literals in code: the cost engine only names catalog keys. docs/prices.md documents the
// file formats; a --prices or --usage file uses the same ones.
package catalog

import (
	_ "embed"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/shopspring/decimal"
)

//go:embed catalog.yaml
var embeddedCatalog []byte

// GlobalRegion is the region of prices that do not depend on one.
const GlobalRegion = "global"

// Entry is one price.
type Entry struct {
	// Key is <vendor>/<region>/<service>/<item>, e.g. aws/us-east-1/ec2/t3.medium.
	Key    string `yaml:"key"`
	Region string `yaml:"region"`
	// Unit is what USD is paid per: hour, month, GB, GB-month, VM-hour, LCU-hour, host-month.
	Unit string          `yaml:"unit"`
	USD  decimal.Decimal `yaml:"usd"`
	// Source names where the figure comes from; Date when it was read (YYYY-MM or YYYY-MM-DD).
	Source string `yaml:"source"`
	Date   string `yaml:"date"`
	// Verified is false where the figure was not checked against the vendor's own page.
	Verified bool `yaml:"verified"`
}

// Catalog is the price catalog, its free types and the support calendar it prices EKS
// support with (components/kubeversion, plus the rows of --prices files).
type Catalog struct {
	Version string
	// Date is the day the catalog describes (YYYY-MM-DD): support status is judged on it.
	Date    string
	entries map[string]Entry
	free    []string
	support *kubeversion.Calendar
	// machines are the machine types' vCPU and memory, by "<cloud>/<name>" (machines.go).
	machines map[string]MachineType
}

// file is the YAML shape of the embedded catalog and of a --prices file.
type file struct {
	Version           string        `yaml:"version"`
	Date              string        `yaml:"date"`
	Entries           []Entry       `yaml:"entries"`
	Free              []string      `yaml:"free"`
	KubernetesSupport []Support     `yaml:"kubernetesSupport"`
	MachineTypes      []MachineType `yaml:"machineTypes"`
}

var (
	units     = map[string]bool{"hour": true, "month": true, "GB": true, "GB-month": true, "VM-hour": true, "LCU-hour": true, "host-month": true}
	entryDate = regexp.MustCompile(`^\d{4}-\d{2}(-\d{2})?$`)
)

// freeType: a Pulumi type token, package:module:Type (the module may hold slashes).
var freeType = regexp.MustCompile(`^[a-z][a-z0-9-]*:[A-Za-z0-9_./-]+:[A-Za-z][A-Za-z0-9]*$`)

// freeModule: every type of one module (aws:iam/*), or of one whole package (random:*).
var freeModule = regexp.MustCompile(`^([a-z][a-z0-9-]*):(([A-Za-z0-9_.-]+/)+|providers:)?\*$`)

// billingClouds are the packages whose resources cost money: never free wholesale.
var billingClouds = []string{"aws", "gcp"}

// freePatternProblem says what is wrong with a free: pattern, or "". A pattern names a
// resource type (aws:ec2/vpc:Vpc), a module (aws:iam/*: the module name ends at the
// slash) or a whole package that is not a billing cloud (random:*). A prefix of names
// ("aws:e*", "aws:ec2/vpc*") would make whatever shares it free without a word.
func freePatternProblem(p string) string {
	switch {
	case freeType.MatchString(p):
		return ""
	case freeModule.MatchString(p):
		m := freeModule.FindStringSubmatch(p)
		if m[2] == "" && slices.Contains(billingClouds, m[1]) {
			return "too broad: it would make a whole cloud free; name types or a module such as aws:iam/*"
		}
		return ""
	case strings.Contains(p, "*"):
		return "too broad: a * may only follow a module (aws:iam/*) or a package that is not a cloud (random:*); a prefix of names would make unrelated types free"
	}
	return "not a resource type: write package:module/name:Type (aws:ec2/vpc:Vpc), a module (aws:iam/*) or a package (random:*)"
}

// keySegments: <vendor>/<region>/<service>/<item>.
const keySegments = 4

// embedded is the embedded catalog, read once; Default hands out copies.
var embedded = sync.OnceValues(func() (*Catalog, error) {
	cal, err := kubeversion.Default()
	if err != nil {
		return nil, err
	}
	c := &Catalog{entries: map[string]Entry{}, support: cal, machines: map[string]MachineType{}}
	if err := c.merge(embeddedCatalog, "embedded catalog.yaml"); err != nil {
		return nil, err
	}
	if err := c.machineCoverage("embedded catalog.yaml"); err != nil {
		return nil, err
	}
	return c, nil
})

// Default returns the embedded catalog: a copy of its own, which Merge may change.
func Default() (*Catalog, error) {
	c, err := embedded()
	if err != nil {
		return nil, err
	}
	out := &Catalog{Version: c.Version, Date: c.Date, entries: make(map[string]Entry, len(c.entries)),
		free: slices.Clone(c.free), support: c.support.Clone(), machines: maps.Clone(c.machines)}
	for k, e := range c.entries {
		out.entries[k] = e
	}
	return out, nil
}

// Price returns the entry for a key.
func (c *Catalog) Price(key string) (Entry, bool) {
	e, ok := c.entries[key]
	return e, ok
}

// Entries returns every entry, sorted by key.
func (c *Catalog) Entries() []Entry {
	out := make([]Entry, 0, len(c.entries))
	for _, e := range c.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Regions lists the cloud regions the catalog has prices for (not "global"), sorted.
func (c *Catalog) Regions() []string {
	seen := map[string]bool{}
	for _, e := range c.entries {
		if e.Region != GlobalRegion {
			seen[e.Region] = true
		}
	}
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// IsFree reports whether a resource type costs nothing by itself.
func (c *Catalog) IsFree(typ string) bool {
	for _, f := range c.free {
		prefix, glob := strings.CutSuffix(f, "*")
		if f == typ || glob && strings.HasPrefix(typ, prefix) {
			return true
		}
	}
	return false
}

// merge reads one catalog document (named in errors) and lays it over c: entries and
// calendar rows replace those with the same key or version, free types are added.
func (c *Catalog) merge(data []byte, name string) error {
	var f file
	if problems := decodeStrict(data, &f); len(problems) > 0 {
		return fmt.Errorf("%s: %s", name, strings.Join(problems, "\n"+name+": "))
	}
	if err := f.validate(name); err != nil {
		return err
	}
	if f.Version != "" {
		c.Version = f.Version
	}
	if f.Date != "" {
		c.Date = f.Date
	}
	for _, e := range f.Entries {
		c.entries[e.Key] = e
	}
	c.free = append(c.free, f.Free...)
	c.support.Add(f.KubernetesSupport)
	for _, m := range f.MachineTypes {
		c.machines[m.Cloud+"/"+m.Name] = m
	}
	return nil
}

// validate checks a catalog document and names the file and key of every problem.
func (f *file) validate(name string) error {
	var problems []string
	if f.Date != "" {
		if _, err := time.Parse(time.DateOnly, f.Date); err != nil {
			problems = append(problems, fmt.Sprintf("date %q: want YYYY-MM-DD", spec.Clip(f.Date)))
		}
	}
	for i := range f.Entries {
		problems = append(problems, f.Entries[i].problems(i)...)
	}
	problems = append(problems, kubeversion.Problems(f.KubernetesSupport)...)
	problems = append(problems, machineProblems(f.MachineTypes)...)
	for _, t := range f.Free {
		if msg := freePatternProblem(t); msg != "" {
			problems = append(problems, fmt.Sprintf("free %s: %s", strconv.Quote(spec.Clip(t)), msg))
		}
	}
	if len(problems) > 0 {
		// One line per problem, each naming the file.
		return fmt.Errorf("%s: %s", name, strings.Join(problems, "\n"+name+": "))
	}
	return nil
}

// problems lists what is wrong with an entry (the i-th of its file); an empty region is
// filled from the key.
func (e *Entry) problems(i int) []string {
	key := e.Key
	if key == "" {
		return []string{fmt.Sprintf("entry %d: key is required (<vendor>/<region>/<service>/<item>)", i+1)}
	}
	segs := strings.SplitN(key, "/", keySegments)
	var out []string
	add := func(format string, args ...any) {
		out = append(out, fmt.Sprintf("key %s: ", spec.Clip(key))+fmt.Sprintf(format, args...))
	}
	if len(segs) != keySegments || slices.Contains(segs, "") {
		add("want <vendor>/<region>/<service>/<item>")
	} else if e.Region == "" {
		e.Region = segs[1]
	} else if e.Region != segs[1] {
		add("region %q differs from the key's region %q", spec.Clip(e.Region), spec.Clip(segs[1]))
	}
	if !units[e.Unit] {
		add("unit %q: want one of %s", spec.Clip(e.Unit), strings.Join(sortedKeys(units), ", "))
	}
	if !e.USD.IsPositive() { // the bounds above zero are checked with the file's shape
		add("usd %s: want a positive price", e.USD)
	}
	if strings.TrimSpace(e.Source) == "" {
		add("source is required (where the figure comes from)")
	}
	if !entryDate.MatchString(e.Date) {
		add("date %q: want YYYY-MM or YYYY-MM-DD (when the figure was read)", spec.Clip(e.Date))
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
