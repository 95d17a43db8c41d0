package catalog

import (
	"fmt"
	"sort"
	"strings"
)

// MachineType is what one instance or machine type gives a node: its vCPUs and memory as
// the vendor lists them, and, for burstable and shared-core types, the share of each vCPU
// it sustains. Each row carries its source and date like a price.
type MachineType struct {
	Cloud     string  `yaml:"cloud"` // aws | gcp
	Name      string  `yaml:"name"`  // t3.large, e2-standard-2
	VCPU      int     `yaml:"vcpu"`
	MemoryGiB float64 `yaml:"memoryGiB"`
	// BaselinePercent is the share of each vCPU a burstable type (EC2 T3/T4g) or a
	// shared-core type (E2 shared core) sustains; 0 (absent) means the full vCPU.
	BaselinePercent int    `yaml:"baselinePercent"`
	Source          string `yaml:"source"`
	Date            string `yaml:"date"`
	Verified        bool   `yaml:"verified"`
}

// Burstable reports a type that sustains less than its full vCPUs.
func (m MachineType) Burstable() bool { return m.BaselinePercent > 0 && m.BaselinePercent < 100 }

// SustainedVCPU is the vCPU a node of this type sustains: every vCPU at its baseline.
func (m MachineType) SustainedVCPU() float64 {
	if !m.Burstable() {
		return float64(m.VCPU)
	}
	return float64(m.VCPU) * float64(m.BaselinePercent) / 100
}

// computeServices are the price services whose items are machine types, per cloud.
var computeServices = map[string]string{"aws": "ec2", "gcp": "gce"}

// MachineType returns the vCPU and memory of a cloud's machine type.
func (c *Catalog) MachineType(cloud, name string) (MachineType, bool) {
	m, ok := c.machines[cloud+"/"+name]
	return m, ok
}

// MachineTypes lists the machine types of a cloud that the catalog both describes and
// prices in a region, sorted by name: the types a node of that cloud can be built from
// and priced with.
func (c *Catalog) MachineTypes(cloud, region string) []MachineType {
	var out []MachineType
	for _, m := range c.machines {
		if m.Cloud != cloud {
			continue
		}
		if _, priced := c.entries[ComputeKey(cloud, region, m.Name)]; priced {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ComputeKey is the price key of one machine type's hour in a region.
func ComputeKey(cloud, region, machineType string) string {
	return cloud + "/" + region + "/" + computeServices[cloud] + "/" + machineType
}

// RegionsPricing lists the regions where the catalog prices at least one machine type
// of a cloud, sorted.
func (c *Catalog) RegionsPricing(cloud string) []string {
	seen := map[string]bool{}
	for key := range c.entries {
		segs := strings.SplitN(key, "/", keySegments)
		if len(segs) == keySegments && segs[0] == cloud && segs[2] == computeServices[cloud] {
			seen[segs[1]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// machineProblems checks machine-type rows: a known cloud, a name, positive vCPU and
// memory, a baseline between 1 and 100 when given, a source and a date; no row twice.
func machineProblems(rows []MachineType) []string {
	var out []string
	seen := map[string]bool{}
	for i, m := range rows {
		id := fmt.Sprintf("machineTypes %d (%s/%s)", i+1, m.Cloud, m.Name)
		add := func(format string, args ...any) { out = append(out, id+": "+fmt.Sprintf(format, args...)) }
		if _, ok := computeServices[m.Cloud]; !ok {
			add("cloud %q: want aws or gcp", m.Cloud)
		}
		if strings.TrimSpace(m.Name) == "" {
			add("name is required (the instance or machine type, e.g. t3.large)")
		}
		if seen[m.Cloud+"/"+m.Name] {
			add("listed twice")
		}
		seen[m.Cloud+"/"+m.Name] = true
		if m.VCPU <= 0 {
			add("vcpu %d: want a positive whole number", m.VCPU)
		}
		if m.MemoryGiB <= 0 {
			add("memoryGiB %v: want a positive number", m.MemoryGiB)
		}
		if m.BaselinePercent < 0 || m.BaselinePercent > 100 {
			add("baselinePercent %d: want 1 to 100, or leave it out for a type that sustains its full vCPUs", m.BaselinePercent)
		}
		if strings.TrimSpace(m.Source) == "" {
			add("source is required (where the figures come from)")
		}
		if !entryDate.MatchString(m.Date) {
			add("date %q: want YYYY-MM or YYYY-MM-DD (when the figures were read)", m.Date)
		}
	}
	return out
}

// machineCoverage checks that every machine type the catalog prices has its vCPU and
// memory: a priced type without them could be priced but never sized.
func (c *Catalog) machineCoverage(name string) error {
	var missing []string
	for key := range c.entries {
		segs := strings.SplitN(key, "/", keySegments)
		if len(segs) != keySegments || computeServices[segs[0]] != segs[2] {
			continue
		}
		if _, ok := c.machines[segs[0]+"/"+segs[3]]; !ok {
			missing = append(missing, fmt.Sprintf("key %s: machine type %s has a price but no machineTypes row (cloud, name, vcpu, memoryGiB, source, date)", key, segs[3]))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	return fmt.Errorf("%s: %s", name, strings.Join(missing, "\n"+name+": "))
}
