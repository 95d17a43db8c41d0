package cost

import (
	"github.com/shopspring/decimal"

	"github.com/clusterbench/clusterbench/components/inventory"
)

// interZoneServices names each cloud's inter-zone data price and how many times a GB
// crossing zones is billed: AWS charges $0.01/GB in each direction (out of one zone and
// into the other), GCP charges the egress side only.
var interZoneServices = map[string]struct {
	item  string
	sides int64
	note  string
}{
	"aws": {item: "vpc/inter-az-data", sides: 2, note: "usage: interZoneGBPerMonth, billed on both sides of each crossing"},
	"gcp": {item: "vpc/inter-zone-data", sides: 1, note: "usage: interZoneGBPerMonth"},
}

// interZoneTraffic adds one line per cloud the stack runs in, when it spans several zones.
func (p *pricer) interZoneTraffic() {
	if p.opts.Zones <= 1 {
		return
	}
	for _, cloud := range inventory.SortedKeys(p.opts.Regions) {
		svc, ok := interZoneServices[cloud]
		if !ok || !p.runsIn(cloud) {
			continue
		}
		traffic := inventory.Resource{Name: "inter-zone traffic", Type: ""}
		gb := p.opts.Usage.InterZoneGBPerMonth
		p.add(traffic, charge{key: cloud + "/" + p.opts.Regions[cloud] + "/" + svc.item,
			quantity: gb.Mul(decimal.NewFromInt(svc.sides)), usage: true, note: svc.note})
	}
}

// runsIn reports whether the inventory has a resource of that cloud.
func (p *pricer) runsIn(cloud string) bool {
	for _, r := range p.inv.Custom() {
		if cloudOf(r.Type) == cloud {
			return true
		}
	}
	return false
}

// excluded says, in full sentences, what the estimate cannot see.
func (p *pricer) excluded() []string {
	out := []string{
		"Load balancers and persistent volumes that Kubernetes creates at run time (Services of type LoadBalancer, PersistentVolumeClaims) are not in the inventory and are not priced.",
		"Internet egress and cross-region data transfer are not priced; only NAT data processing and inter-zone traffic are, from the usage preset.",
		"Usage-based lines (NAT data, load balancer capacity units, logs, object storage, snapshots, inter-zone traffic) follow the usage preset, not measured traffic.",
		"Prices are on-demand list prices: savings plans, reserved instances, committed-use and sustained-use discounts, credits other than the GKE free tier, support plans and taxes are not applied.",
		"Provisioned IOPS and throughput above a volume type's baseline, DNS queries, container registries and API request charges are not priced.",
	}
	if p.opts.Zones <= 1 {
		out = append(out, "Inter-zone traffic is not priced: the stack does not span several zones (or its zone count is unknown).")
	}
	switch p.opts.Monitoring {
	case MonitoringPrometheus:
		out = append(out, "Prometheus runs on the cluster's own nodes: its CPU and memory are in the node prices, its storage volumes are created by Kubernetes at run time and not priced.")
	case MonitoringDatadog:
		out = append(out, "Datadog is priced per host at its on-demand Infrastructure Pro rate; custom metrics, logs and APM are not priced.")
	}
	return out
}
