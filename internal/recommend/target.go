// Package recommend searches the designs the program can build for the cheapest that
// meets a failure and capacity target. Every candidate is a stack file's configuration,
// validated by the program's own validation, evaluated by the program itself under the
// mock engine (internal/evaluate), priced by the same catalog and rules as `compare`
// (internal/cost) and judged by the same fault-tolerance model (internal/faulttolerance).
// Nothing here computes a cost or a tolerance of its own: the worker count of a candidate
// is sized from the catalog's machine types, and its cost's lower bound (worker hours
// alone) only decides what need not be evaluated.
package recommend

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/catalog"
)

// Target is what a design must meet.
type Target struct {
	// Clouds and Orchestrators are searched (spec.AWS, spec.GCP; spec.Managed…).
	Clouds        []string
	Orchestrators []string
	// Regions is the region of each cloud; a cloud without one takes DefaultRegions.
	Regions map[string]string
	// SurviveZoneLoss: the cluster keeps its control plane and the capacity below after
	// losing any one zone, with no single point of failure.
	SurviveZoneLoss bool
	// Tolerate is the control-plane member failures it must tolerate.
	Tolerate int
	// MinVCPU and MinMemoryGiB are the worker capacity required (after losing the zone
	// with the most workers when SurviveZoneLoss).
	MinVCPU      float64
	MinMemoryGiB float64
	// PrivateNodes: only designs whose nodes have no public address.
	PrivateNodes bool
	// MaxMonthlyUSD caps the monthly cost (nil: no cap).
	MaxMonthlyUSD *float64
	// Top is how many designs to list (at least 1).
	Top int
	// FullBurstVCPU counts burstable and shared-core types at their full vCPUs instead
	// of the share they sustain.
	FullBurstVCPU bool
}

// DefaultRegions are the regions the embedded catalog prices.
var DefaultRegions = map[string]string{spec.AWS: "us-east-1", spec.GCP: "us-central1"}

// TargetError is a target no search can answer (a negative number, an unknown value, a
// tolerance no orchestrator reaches, a region without prices): bad input.
type TargetError struct{ Problems []string }

func (e *TargetError) Error() string { return strings.Join(e.Problems, "\n") }

// check refuses targets no search can answer, every problem at once.
func (t *Target) check(cat *catalog.Catalog) error {
	var ps []string
	add := func(format string, args ...any) { ps = append(ps, fmt.Sprintf(format, args...)) }
	if len(t.Clouds) == 0 {
		add("--cloud: name aws, gcp or any")
	}
	for _, c := range t.Clouds {
		if c != spec.AWS && c != spec.GCP {
			add("--cloud %s: one of aws, gcp, any", c)
		}
	}
	if len(t.Orchestrators) == 0 {
		add("--orchestrator: name managed, selfmanaged, swarm or any")
	}
	for _, o := range t.Orchestrators {
		if !slices.Contains([]string{spec.Managed, spec.SelfManaged, spec.Swarm}, o) {
			add("--orchestrator %s: one of managed, selfmanaged, swarm, any", o)
		}
	}
	if t.Tolerate < 0 {
		add("--tolerate %d: must be 0 or more (control-plane member failures to tolerate)", t.Tolerate)
	}
	if t.MinVCPU < 0 {
		add("--min-vcpu %v: must be 0 or more", t.MinVCPU)
	}
	if t.MinMemoryGiB < 0 {
		add("--min-memory-gib %v: must be 0 or more", t.MinMemoryGiB)
	}
	if t.MaxMonthlyUSD != nil && *t.MaxMonthlyUSD <= 0 {
		add("--max-monthly %v: must be a positive amount of US dollars", *t.MaxMonthlyUSD)
	}
	if t.Top < 1 {
		add("--top %d: must be at least 1", t.Top)
	}
	if t.Regions == nil {
		t.Regions = map[string]string{}
	}
	for _, c := range t.Clouds {
		if _, ok := t.Regions[c]; !ok {
			t.Regions[c] = DefaultRegions[c]
		}
		if r := t.Regions[c]; len(cat.MachineTypes(c, r)) == 0 {
			add("--region %s: the price catalog prices no %s machine type there (it does in %s); add prices and machineTypes rows with --prices (docs/prices.md)",
				r, c, strings.Join(cat.RegionsPricing(c), ", "))
		}
	}
	if len(ps) > 0 {
		return &TargetError{Problems: ps}
	}
	return nil
}

// RegionCloud says which cloud a region belongs to by the catalog's prices (aws for
// us-east-1, gcp for us-central1), or by the shape of its name.
func RegionCloud(cat *catalog.Catalog, region string) string {
	for _, c := range []string{spec.AWS, spec.GCP} {
		if slices.Contains(cat.RegionsPricing(c), region) {
			return c
		}
	}
	// AWS regions end in -<digit> (us-east-1); GCP regions in a digit after letters (us-central1).
	if i := strings.LastIndex(region, "-"); i > 0 && i+1 < len(region) && region[i+1] >= '0' && region[i+1] <= '9' {
		return spec.AWS
	}
	return spec.GCP
}

// describe is the target in words.
func (t *Target) describe() string {
	var parts []string
	if t.SurviveZoneLoss {
		parts = append(parts, "survive the loss of any one zone")
	}
	if t.Tolerate > 0 {
		parts = append(parts, fmt.Sprintf("tolerate %d control-plane member failure%s", t.Tolerate, plural(t.Tolerate)))
	}
	after := ""
	if t.SurviveZoneLoss {
		after = " after a zone loss"
	}
	if t.MinVCPU > 0 {
		kind := "sustained "
		if t.FullBurstVCPU {
			kind = ""
		}
		parts = append(parts, fmt.Sprintf("%s %svCPU of workers%s", num(t.MinVCPU), kind, after))
	}
	if t.MinMemoryGiB > 0 {
		parts = append(parts, fmt.Sprintf("%s GiB of worker memory%s", num(t.MinMemoryGiB), after))
	}
	if t.PrivateNodes {
		parts = append(parts, "private nodes")
	}
	if t.MaxMonthlyUSD != nil {
		parts = append(parts, fmt.Sprintf("at most %s a month", usd(*t.MaxMonthlyUSD)))
	}
	if len(parts) == 0 {
		return "any working cluster"
	}
	return strings.Join(parts, "; ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// num writes a number without a needless fraction.
func num(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

func usd(f float64) string { return fmt.Sprintf("$%.2f", f) }
