package cost

import (
	"fmt"
	"sort"
	"strings"

	"github.com/clusterbench/clusterbench/components/monitoring"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/shopspring/decimal"
)

// PrometheusPlan is what Prometheus reserves in one stack: the pieces that run (their
// requests come from components/monitoring, the same figures the charts and stack files
// set), its volume, and the machine type its single-replica pieces run on.
type PrometheusPlan struct {
	Orchestrator string
	VolumeGB     int
	// HostType is the machine type Prometheus, Alertmanager and Grafana run on (Swarm:
	// the managers'; Kubernetes: the workers'). Empty: the type of the largest fleet.
	HostType string
}

// PrometheusPlanFor is the plan of an evaluated stack.
func PrometheusPlanFor(s *spec.Spec) PrometheusPlan {
	return PrometheusPlan{Orchestrator: s.Orchestrator, VolumeGB: s.Prometheus.VolumeGb, HostType: s.PrometheusHostType()}
}

// DefaultPrometheusPlan is the plan of a document that says nothing about its stack
// (cost --preview): Kubernetes pieces, the default volume, the largest fleet's type.
func DefaultPrometheusPlan() PrometheusPlan {
	return PrometheusPlan{Orchestrator: spec.Managed, VolumeGB: spec.DefaultPrometheusVolumeGb}
}

// MonitoringChoice is one monitoring choice priced for a stack.
type MonitoringChoice struct {
	Choice string `json:"choice"`
	// MonthlyUSD is everything the choice costs or reserves.
	MonthlyUSD float64 `json:"monthlyUSD"`
	// BilledUSD is the part that adds to the stack's bill (Datadog's fees, a persistent
	// volume); the rest is node capacity the nodes' prices already include.
	BilledUSD float64 `json:"billedUSD"`
	Lines     []Line  `json:"lines"`
	// Problems are what could not be priced (an unknown machine type): the figures are
	// then lower bounds.
	Problems []string `json:"problems"`
}

// MonitoringComparison prices both monitoring choices for the same cluster, whichever
// the stack configures.
type MonitoringComparison struct {
	Configured string `json:"configured"`
	// Hosts are the instances the stack runs (workers at count, control-plane members
	// and managers where you run them): what Datadog bills per host.
	Hosts      int              `json:"hosts"`
	Prometheus MonitoringChoice `json:"prometheus"`
	Datadog    MonitoringChoice `json:"datadog"`
}

// Of returns the configured choice (nil for none).
func (m *MonitoringComparison) Of(choice string) *MonitoringChoice {
	switch choice {
	case MonitoringPrometheus:
		return &m.Prometheus
	case MonitoringDatadog:
		return &m.Datadog
	}
	return nil
}

// inNodePriceNote marks the lines that price node capacity the nodes' lines already pay.
const inNodePriceNote = "share of node capacity: already inside the nodes' price, not added to the bill"

// hostFleet is one fleet the stack runs, as monitoring sees it.
type hostFleet struct {
	resource inventory.Resource
	fleet
}

// hostFleets are the fleets of the inventory that price (the same fleets priceFleet
// prices), by name: registration order varies between runs, the result must not.
func (p *pricer) hostFleets() []hostFleet {
	var out []hostFleet
	for _, r := range p.inv.Custom() {
		f, ok, err := p.fleetOutsideRule(r)
		if ok && err == nil && f.instances > 0 {
			out = append(out, hostFleet{resource: r, fleet: f})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].resource.Name != out[j].resource.Name {
			return out[i].resource.Name < out[j].resource.Name
		}
		return out[i].resource.Type < out[j].resource.Type
	})
	return out
}

// datadogKey is the host price the usage's billing term picks.
func (p *pricer) datadogKey() string {
	if p.opts.Usage != nil && p.opts.Usage.DatadogBilling == catalog.DatadogAnnual {
		return "datadog/global/infrastructure-pro/host-annual"
	}
	return "datadog/global/infrastructure-pro/host-on-demand"
}

func (p *pricer) datadogNote() string {
	if p.datadogKey() == "datadog/global/infrastructure-pro/host-annual" {
		return "Datadog Infrastructure Pro, annual price per host (usage datadogBilling: annual)"
	}
	return "Datadog Infrastructure Pro, on-demand (month to month) price per host (usage datadogBilling: onDemand)"
}

// monitoringComparison prices both choices from the inventory's fleets.
func (p *pricer) monitoringComparison() *MonitoringComparison {
	fleets := p.hostFleets()
	m := &MonitoringComparison{Configured: p.opts.Monitoring}
	if m.Configured == "" {
		m.Configured = spec.MonitoringNone
	}
	for _, f := range fleets {
		m.Hosts += f.instances
	}
	m.Datadog = p.datadogChoice(fleets)
	m.Prometheus = p.prometheusChoice(fleets)
	return m
}

// choiceBuilder adds priced lines to one choice.
type choiceBuilder struct {
	p             *pricer
	c             MonitoringChoice
	total, billed decimal.Decimal
}

func (b *choiceBuilder) add(r inventory.Resource, key string, qty decimal.Decimal, billed bool, note string) {
	e, ok := b.p.opts.Catalog.Price(key)
	if !ok {
		b.c.Problems = append(b.c.Problems, fmt.Sprintf("%s: %s", r.Name, missingKey(key)))
		return
	}
	monthly := qty.Mul(e.USD)
	if !billed {
		note += "; " + inNodePriceNote
	}
	l := Line{Resource: r.Name, Type: r.Type, Component: b.p.inv.ComponentOf(r), Quantity: qty.InexactFloat64(),
		Unit: lineUnits[e.Unit], UnitPriceUSD: e.USD.InexactFloat64(), MonthlyUSD: monthly.Round(2).InexactFloat64(),
		PriceKey: key, Note: note}
	b.c.Lines = append(b.c.Lines, l)
	b.total = b.total.Add(monthly)
	if billed {
		b.billed = b.billed.Add(monthly)
	}
}

func (b *choiceBuilder) done() MonitoringChoice {
	b.c.MonthlyUSD = b.total.Round(2).InexactFloat64()
	b.c.BilledUSD = b.billed.Round(2).InexactFloat64()
	if b.c.Lines == nil {
		b.c.Lines = []Line{}
	}
	if b.c.Problems == nil {
		b.c.Problems = []string{}
	}
	return b.c
}

// datadogChoice: one host fee per instance of every fleet.
func (p *pricer) datadogChoice(fleets []hostFleet) MonitoringChoice {
	b := &choiceBuilder{p: p, c: MonitoringChoice{Choice: MonitoringDatadog}}
	for _, f := range fleets {
		b.add(f.resource, p.datadogKey(), decimal.NewFromInt(int64(f.instances)), true,
			fmt.Sprintf("%d hosts; %s", f.instances, p.datadogNote()))
	}
	return b.done()
}

// prometheusChoice: the volume (a persistent volume on managed Kubernetes, billed; a
// share of the hosting node's root disk elsewhere), the single-replica pieces' share of
// one node of the host type, and the per-node pieces' share of every node.
func (p *pricer) prometheusChoice(fleets []hostFleet) MonitoringChoice {
	plan := p.opts.Prometheus
	if plan.Orchestrator == "" {
		plan = DefaultPrometheusPlan()
	}
	b := &choiceBuilder{p: p, c: MonitoringChoice{Choice: MonitoringPrometheus}}
	if len(fleets) == 0 {
		b.c.Problems = append(b.c.Problems, "the stack runs no nodes for Prometheus to run on")
		return b.done()
	}
	workloads := monitoring.PrometheusWorkloads(plan.Orchestrator)
	once, perNode := monitoring.Totals(workloads)
	host := fleets[0]
	for _, f := range fleets {
		if plan.HostType == "" && f.instances > host.instances {
			host = f
		}
	}
	for _, f := range fleets {
		if plan.HostType != "" && f.machineType == plan.HostType {
			host = f
			break
		}
	}

	onDisk := monitoring.VolumeOnNodeDisk(plan.Orchestrator)
	volume := inventory.Resource{Name: "prometheus volume"}
	diskKey := key(host.cloud, host.region, fleetServices[host.cloud].disk, volumeClass[host.cloud])
	where := "a persistent volume the cluster's storage class creates (encrypted " + volumeClass[host.cloud] + ")"
	if onDisk {
		volume = host.resource
		where = "on the hosting node's root disk (no volume driver here)"
	}
	b.add(volume, diskKey, decimal.NewFromInt(int64(plan.VolumeGB)), !onDisk,
		fmt.Sprintf("%d GB for the time-series database, %s", plan.VolumeGB, where))

	var names []string
	for _, w := range workloads {
		if !w.PerNode {
			names = append(names, w.Name)
		}
	}
	if share, note, ok := b.share(host.fleet, once); ok {
		b.add(host.resource, catalog.ComputeKey(host.cloud, host.region, host.machineType), share.Mul(decimal.NewFromInt(HoursPerMonth)), false,
			strings.Join(names, ", ")+" on one "+note)
	}
	for _, f := range fleets {
		if share, note, ok := b.share(f.fleet, perNode); ok {
			b.add(f.resource, catalog.ComputeKey(f.cloud, f.region, f.machineType),
				share.Mul(decimal.NewFromInt(int64(f.instances)*HoursPerMonth)), false,
				fmt.Sprintf("per-node exporters on %d × %s", f.instances, note))
		}
	}
	return b.done()
}

// volumeClass is the disk a Prometheus volume is priced as: the clouds' encrypted
// general-purpose SSD, the same class as the nodes' root disks.
var volumeClass = map[string]string{"aws": "gp3", "gcp": "pd-balanced"}

// share is the part of one node of a fleet's type that requests take: the larger of the
// CPU and memory shares (what the requests leave unusable for other pods), to 0.01%.
func (b *choiceBuilder) share(f fleet, r monitoring.Requests) (decimal.Decimal, string, bool) {
	m, ok := b.p.opts.Catalog.MachineType(f.cloud, f.machineType)
	if !ok || m.VCPU == 0 || m.MemoryGiB == 0 {
		b.c.Problems = append(b.c.Problems, fmt.Sprintf("machine type %s: no vCPU and memory in the catalog (machineTypes:)", f.machineType))
		return decimal.Zero, "", false
	}
	cpu := decimal.NewFromInt(int64(r.MilliCPU)).Div(decimal.NewFromInt(int64(m.VCPU) * 1000))
	mem := decimal.NewFromInt(int64(r.MemoryMiB)).Div(decimal.NewFromFloat(m.MemoryGiB).Mul(decimal.NewFromInt(1024)))
	share, dim := cpu, "CPU"
	if mem.GreaterThan(cpu) {
		share, dim = mem, "memory"
	}
	share = share.Round(4)
	return share, fmt.Sprintf("%s: %dm CPU and %d MiB requested of %d vCPU and %s GiB = %s%% (%s)",
		f.machineType, r.MilliCPU, r.MemoryMiB, m.VCPU, decimal.NewFromFloat(m.MemoryGiB).String(),
		share.Mul(decimal.NewFromInt(100)).String(), dim), true
}

// addMonitoringLines adds the configured choice's billed lines to the estimate:
// Datadog's host fees, and Prometheus's persistent volume where it is one. Shares of
// node capacity are not added: the nodes' lines already price them.
func (p *pricer) addMonitoringLines(m *MonitoringComparison) {
	c := m.Of(p.opts.Monitoring)
	if c == nil {
		return
	}
	for _, l := range c.Lines {
		if strings.Contains(l.Note, inNodePriceNote) {
			continue
		}
		e, _ := p.opts.Catalog.Price(l.PriceKey)
		p.lines = append(p.lines, pricedLine{monthly: decimal.NewFromFloat(l.Quantity).Mul(e.USD), Line: l})
	}
	for _, prob := range c.Problems {
		if p.opts.Monitoring == MonitoringDatadog || !strings.Contains(prob, "machine type") {
			p.unpriced = append(p.unpriced, Unpriced{Resource: "monitoring: " + p.opts.Monitoring, Reason: prob})
		}
	}
}
