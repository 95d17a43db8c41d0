package recommend

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/shopspring/decimal"
)

// Candidate is one design: a stack file's configuration and the choices it was made of.
type Candidate struct {
	Name         string `json:"stack"`
	Cloud        string `json:"cloud"`
	Orchestrator string `json:"orchestrator"`
	Region       string `json:"region"`
	Zones        int    `json:"zones"`
	// ControlPlane: members (etcd) or managers you run; for managed clusters the count
	// is 0 and Availability says how GKE runs it.
	ControlPlane ControlPlaneChoice `json:"controlPlane"`
	Workers      WorkerChoice       `json:"workers"`
	PrivateNodes bool               `json:"privateNodes"`
	NatGateways  string             `json:"natGateways"`

	config string     // the stack file's config: block
	input  spec.Input // as the Pulumi CLI hands it to the program
	// bound is the machine hours of its workers and of the control-plane members you run,
	// at the catalog's prices: every design pays at least that, so a candidate whose bound
	// exceeds the best design found cannot win.
	bound decimal.Decimal
	// refused is the validation's verdict ("" when the spec is valid).
	refused string
	// unsized says why no worker count meets the capacity target ("" when one does).
	unsized string
}

// ControlPlaneChoice is how the control plane is run.
type ControlPlaneChoice struct {
	Count        int    `json:"count"`
	MachineType  string `json:"machineType,omitempty"`
	Availability string `json:"availability,omitempty"`
}

// WorkerChoice is the worker fleet: a count (total over the zones) of one machine type.
type WorkerChoice struct {
	Count        int     `json:"count"`
	MachineType  string  `json:"machineType"`
	VCPU         int     `json:"vcpuEach"`
	SustainedPct int     `json:"baselinePercent,omitempty"`
	MemoryGiB    float64 `json:"memoryGiBEach"`
}

// Design names the variant in words: "EKS", "Docker Swarm on GCE".
func (c *Candidate) Design() string { return designName(c.Orchestrator, c.Cloud) }

func designName(orchestrator, cloud string) string {
	machines := map[string]string{spec.AWS: "EC2", spec.GCP: "GCE"}[cloud]
	switch orchestrator {
	case spec.Managed:
		if cloud == spec.AWS {
			return "EKS"
		}
		return "GKE"
	case spec.SelfManaged:
		return "self-managed Kubernetes on " + machines
	}
	return "Docker Swarm on " + machines
}

// adminCidr is what an emitted stack admits to SSH and the API until the user sets their
// own networks: the documentation range the shipped stacks use (the program warns).
const adminCidr = "203.0.113.0/24"

// gcpProject is the placeholder project of an emitted GCP stack, as in stacks/.
const gcpProject = "clusterbench-demo"

// maxWorkers bounds the sizing: more workers than this is not a design the program's
// networks address (validation would refuse it anyway).
const maxWorkers = 2000

// generate lists every candidate of the target: orchestrator × cloud × zones × control
// plane × NAT mode × worker machine type, each with the smallest worker count that
// meets the capacity target (after losing the zone with the most workers when zone
// loss must be survived). Each is validated by the program's own validation.
func generate(t *Target, cat *catalog.Catalog, opts spec.Options) []*Candidate {
	var out []*Candidate
	for _, orch := range t.Orchestrators {
		for _, cloud := range t.Clouds {
			region := t.Regions[cloud]
			types := cat.MachineTypes(cloud, region)
			for zones := 1; zones <= 3; zones++ {
				for _, cp := range controlPlanes(orch, cloud) {
					for _, nat := range natModes(cloud, zones, t.PrivateNodes) {
						for _, mt := range types {
							c := &Candidate{
								Cloud: cloud, Orchestrator: orch, Region: region, Zones: zones,
								ControlPlane: cp, PrivateNodes: nat.private, NatGateways: nat.mode,
								Workers: WorkerChoice{MachineType: mt.Name, VCPU: mt.VCPU, SustainedPct: mt.BaselinePercent, MemoryGiB: mt.MemoryGiB},
							}
							c.Workers.Count, c.unsized = workerCount(t, mt, zones, orch == spec.Managed && cloud == spec.GCP)
							c.build(cat, opts)
							out = append(out, c)
						}
					}
				}
			}
		}
	}
	return out
}

// controlPlanes are the control-plane choices of an orchestrator: managed clusters have
// the provider's (GKE: regional or zonal); the others 1, 3, 5 or 7 members, of which the
// validation refuses what the orchestrator cannot run (etcd above 5).
func controlPlanes(orch, cloud string) []ControlPlaneChoice {
	switch {
	case orch == spec.Managed && cloud == spec.GCP:
		return []ControlPlaneChoice{{Availability: spec.Regional}, {Availability: spec.Zonal}}
	case orch == spec.Managed:
		return []ControlPlaneChoice{{}}
	}
	machine := map[string]string{spec.AWS: "t3.medium", spec.GCP: "e2-medium"}[cloud]
	var out []ControlPlaneChoice
	for _, n := range []int{1, 3, 5, 7} {
		out = append(out, ControlPlaneChoice{Count: n, MachineType: machine})
	}
	return out
}

type natMode struct {
	private bool
	mode    string
}

// natModes are the distinct ways out of the network: public nodes without NAT, private
// nodes behind one NAT, or one NAT per zone. Where perZone builds the same as single
// (Cloud NAT is one regional service; one zone has one gateway either way) it is left
// out, so no design is listed twice.
func natModes(cloud string, zones int, privateOnly bool) []natMode {
	var out []natMode
	if !privateOnly {
		out = append(out, natMode{private: false, mode: spec.NatNone})
	}
	out = append(out, natMode{private: true, mode: spec.NatSingle})
	if cloud == spec.AWS && zones > 1 {
		out = append(out, natMode{private: true, mode: spec.NatPerZone})
	}
	return out
}

// workerCount is the smallest worker count of a machine type that meets the capacity
// target, counted the way the fault-tolerance model counts (groups spread evenly over the
// zones; a zone loss takes the zone with the most). GKE pools count per zone, so a GKE
// count is a multiple of the zones. 0 and why when no count up to maxWorkers does.
func workerCount(t *Target, mt catalog.MachineType, zones int, perZoneCounts bool) (int, string) {
	if t.SurviveZoneLoss && zones == 1 {
		return 0, "one zone: losing it leaves no worker"
	}
	names := make([]string, zones)
	for i := range names {
		names[i] = fmt.Sprintf("zone-%d", i)
	}
	step := 1
	if perZoneCounts {
		step = zones
	}
	vcpu := mt.SustainedVCPU()
	if t.FullBurstVCPU {
		vcpu = float64(mt.VCPU)
	}
	meets := func(k int) bool {
		n := k * step
		left := n
		if t.SurviveZoneLoss {
			left = faulttolerance.WorkersAfterZoneLoss(faulttolerance.EvenSpread(n, names))
		}
		return left >= 1 && float64(left)*vcpu >= t.MinVCPU-1e-9 && float64(left)*mt.MemoryGiB >= t.MinMemoryGiB-1e-9
	}
	// What a count leaves grows with the count: the smallest that meets is found by halving.
	lo, hi := 1, maxWorkers/step
	if !meets(hi) {
		return 0, fmt.Sprintf("more than %d workers of %s would be needed", maxWorkers, mt.Name)
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if meets(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo * step, ""
}

// build writes the candidate's stack file, reads it back the way `compare` reads a stack
// file, validates it and bounds its cost from below.
func (c *Candidate) build(cat *catalog.Catalog, opts spec.Options) {
	c.Name = c.stackName()
	if c.unsized != "" {
		return
	}
	c.config = c.configText()
	in, err := stackfile.Parse(c.Name, []byte(c.config))
	if err != nil {
		c.refused = err.Error()
		return
	}
	c.input = in
	if _, _, err := spec.Parse(in, opts); err != nil {
		c.refused = err.Error()
		return
	}
	c.bound = machineHours(cat, c.Cloud, c.Region, c.Workers.MachineType, c.Workers.Count).
		Add(machineHours(cat, c.Cloud, c.Region, c.ControlPlane.MachineType, c.ControlPlane.Count))
}

// machineHours is what n machines of a type cost a month at the catalog's hourly price:
// the part of a design's cost the bound counts (0 for a type the catalog does not price,
// which keeps it a lower bound).
func machineHours(cat *catalog.Catalog, cloud, region, machineType string, n int) decimal.Decimal {
	if n == 0 {
		return decimal.Zero
	}
	hour, ok := cat.Price(catalog.ComputeKey(cloud, region, machineType))
	if !ok {
		return decimal.Zero
	}
	return hour.USD.Mul(decimal.NewFromInt(int64(n) * cost.HoursPerMonth))
}

// stackName names a candidate by its choices: swarm-aws-z3-m3-t3-small-x12-natzone.
func (c *Candidate) stackName() string {
	var b strings.Builder
	switch c.Orchestrator {
	case spec.Managed:
		b.WriteString(map[string]string{spec.AWS: "eks", spec.GCP: "gke"}[c.Cloud])
	case spec.SelfManaged:
		b.WriteString("kops-" + c.Cloud)
	default:
		b.WriteString("swarm-" + c.Cloud)
	}
	fmt.Fprintf(&b, "-z%d", c.Zones)
	switch {
	case c.ControlPlane.Availability != "":
		b.WriteString("-" + c.ControlPlane.Availability)
	case c.Orchestrator == spec.SelfManaged:
		fmt.Fprintf(&b, "-cp%d", c.ControlPlane.Count)
	case c.Orchestrator == spec.Swarm:
		fmt.Fprintf(&b, "-m%d", c.ControlPlane.Count)
	}
	fmt.Fprintf(&b, "-%s-x%d-", strings.ReplaceAll(c.Workers.MachineType, ".", "-"), c.Workers.Count)
	b.WriteString(map[string]string{spec.NatNone: "public", spec.NatSingle: "nat1", spec.NatPerZone: "natzone"}[c.NatGateways])
	return b.String()
}

// configText is the stack file's config: block, in the shape of stacks/*.yaml.
func (c *Candidate) configText() string {
	var b strings.Builder
	b.WriteString("config:\n")
	if c.Cloud == spec.GCP {
		fmt.Fprintf(&b, "  gcp:project: %s\n  gcp:region: %s\n", gcpProject, c.Region)
	} else {
		fmt.Fprintf(&b, "  aws:region: %s\n", c.Region)
	}
	fmt.Fprintf(&b, "  clusterbench:cloud: %s\n  clusterbench:orchestrator: %s\n  clusterbench:zones: %d\n", c.Cloud, c.Orchestrator, c.Zones)
	fmt.Fprintf(&b, "  clusterbench:adminCidrs:\n    - %s\n", adminCidr)
	switch {
	case c.ControlPlane.Availability != "":
		fmt.Fprintf(&b, "  clusterbench:controlPlane:\n    availability: %s\n", c.ControlPlane.Availability)
	case c.Orchestrator != spec.Managed:
		fmt.Fprintf(&b, "  clusterbench:controlPlane:\n    count: %d\n    machineType: %s\n", c.ControlPlane.Count, c.ControlPlane.MachineType)
	}
	fmt.Fprintf(&b, "  clusterbench:workers:\n    count: %d\n    machineType: %s\n    diskGb: 50\n", c.Workers.Count, c.Workers.MachineType)
	fmt.Fprintf(&b, "  clusterbench:network:\n    cidr: 10.0.0.0/16\n    privateNodes: %t\n    natGateways: %s\n", c.PrivateNodes, c.NatGateways)
	return b.String()
}

// StackFile is the candidate as a stack file `compare` and `pulumi up` take, with a
// header saying what it was chosen for.
func (c *Candidate) StackFile(header []string) string {
	var b strings.Builder
	for _, h := range header {
		b.WriteString("# " + h + "\n")
	}
	b.WriteString("# adminCidrs is a documentation range (RFC 5737): set your own networks before a real\n")
	b.WriteString("# deployment (the program warns while it is left as is).\n")
	if c.Cloud == spec.GCP {
		b.WriteString("# gcp:project is a placeholder: set your project.\n")
	}
	b.WriteString(c.config)
	return b.String()
}
