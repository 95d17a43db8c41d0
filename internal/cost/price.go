package cost

import (
	"fmt"
	"sort"

	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/shopspring/decimal"
)

// Options are what an estimate prices with.
type Options struct {
	Catalog *catalog.Catalog
	Usage   *catalog.Usage
	// Regions maps a cloud ("aws", "gcp") to the region its resources run in, unless a
	// resource names its own zone or region.
	Regions map[string]string
	// GKEFreeTier applies the GKE free-tier credit to one zonal or Autopilot cluster.
	GKEFreeTier bool
	// Monitoring is "none", "prometheus" or "datadog": the configured choice's billed
	// lines join the estimate; both choices are priced in Estimate.Monitoring.
	Monitoring string
	// Demo: the stack runs the demo service (clusterbench:demo); on managed Kubernetes its
	// web tier's LoadBalancer Service makes the cloud create a load balancer at run time
	// (self-managed clusters expose it as a NodePort Service).
	Demo bool
	// Prometheus is what Prometheus reserves (PrometheusPlanFor); the zero plan is
	// DefaultPrometheusPlan.
	Prometheus PrometheusPlan
}

// Monitoring values that change the estimate.
const (
	MonitoringDatadog    = "datadog"
	MonitoringPrometheus = "prometheus"
)

// Price prices every resource of an inventory: each custom resource through the rule
// of its type, free types not at all, anything else as Unpriced (never $0).
func Price(inv *inventory.Inventory, opts Options) Estimate {
	p := &pricer{inv: inv, opts: opts, forwardingRules: map[string]int{}}
	for _, r := range inv.Custom() {
		p.priceResource(r)
	}
	p.interZoneTraffic()
	m := p.monitoringComparison()
	p.addMonitoringLines(m)
	est := p.estimate()
	est.Monitoring = m
	return est
}

// rule prices one resource by adding lines; an error makes the resource Unpriced.
type rule func(p *pricer, r inventory.Resource) error

// pricer accumulates the lines of one estimate.
type pricer struct {
	inv      *inventory.Inventory
	opts     Options
	lines    []pricedLine
	unpriced []Unpriced
	// forwardingRules counts the GCP forwarding rules priced so far per project and
	// region (the first 5 share one minimum charge).
	forwardingRules map[string]int
	// gkeCreditUsed: the free tier credits one cluster per billing account.
	gkeCreditUsed bool
}

type pricedLine struct {
	Line
	monthly decimal.Decimal
}

func (p *pricer) priceResource(r inventory.Resource) {
	if p.opts.Catalog.IsFree(r.Type) {
		return
	}
	price, ok := rules[r.Type]
	if !ok {
		p.unprice(r, fmt.Sprintf("no pricing rule for type %s: if it is free, list it under free: in a --prices FILE; "+
			"if it costs money, it is not priced yet (docs/prices.md)", r.Type))
		return
	}
	if err := p.apply(price, r); err != nil {
		p.unprice(r, err.Error())
	}
}

func (p *pricer) unprice(r inventory.Resource, reason string) {
	p.unpriced = append(p.unpriced, Unpriced{Resource: r.Name, Type: r.Type, Reason: reason})
}

// charge is one priced quantity of a resource.
type charge struct {
	key      string
	quantity decimal.Decimal
	usage    bool
	note     string
}

// add prices a charge from the catalog; a missing key makes the resource Unpriced (with
// the key and how to add it) while its other charges stay.
func (p *pricer) add(r inventory.Resource, c charge) {
	e, ok := p.opts.Catalog.Price(c.key)
	if !ok {
		p.unprice(r, missingKey(c.key))
		return
	}
	p.addLine(r, c, e.Unit, e.USD)
}

func missingKey(key string) string {
	return fmt.Sprintf("no catalog entry %s: add it to a --prices FILE (an entry with key, unit, usd, source, date; see docs/prices.md)", key)
}

func (p *pricer) addLine(r inventory.Resource, c charge, unit string, unitPrice decimal.Decimal) {
	monthly := c.quantity.Mul(unitPrice)
	p.lines = append(p.lines, pricedLine{monthly: monthly, Line: Line{
		Resource: r.Name, Type: r.Type, Component: p.inv.ComponentOf(r),
		Quantity: c.quantity.InexactFloat64(), Unit: lineUnits[unit], UnitPriceUSD: unitPrice.InexactFloat64(),
		MonthlyUSD: monthly.Round(2).InexactFloat64(), UsageBased: c.usage, PriceKey: c.key, Note: c.note,
	}})
}

// lineUnits names the quantity of a line by the catalog unit it is priced in.
var lineUnits = map[string]string{
	"hour": "hours", "month": "months", "GB": "GB", "GB-month": "GB-months",
	"VM-hour": "VM-hours", "LCU-hour": "LCU-hours", "host-month": "host-months",
}

// estimate sorts the lines (by component, resource, key) and totals them in decimal,
// rounding only the total.
func (p *pricer) estimate() Estimate {
	sort.SliceStable(p.lines, func(i, j int) bool {
		a, b := p.lines[i].Line, p.lines[j].Line
		if a.Component != b.Component {
			return a.Component < b.Component
		}
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		return a.PriceKey < b.PriceKey
	})
	sort.SliceStable(p.unpriced, func(i, j int) bool { return p.unpriced[i].Resource < p.unpriced[j].Resource })
	total := decimal.Zero
	lines := make([]Line, 0, len(p.lines))
	for _, l := range p.lines {
		total = total.Add(l.monthly)
		lines = append(lines, l.Line)
	}
	return Estimate{
		MonthlyUSD: total.Round(2).InexactFloat64(), Lines: lines,
		Unpriced: append([]Unpriced{}, p.unpriced...), Excluded: p.excluded(),
	}
}

// hours is n resources running the whole month.
func hours(n int) decimal.Decimal {
	return decimal.NewFromInt(int64(n) * HoursPerMonth)
}

// rules are the pricing rules, one per resource type (aws.go, gcp.go).
var rules = map[string]rule{}

func register(r rule, types ...string) {
	for _, t := range types {
		rules[t] = r
	}
}
