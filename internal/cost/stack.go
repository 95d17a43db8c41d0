package cost

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/clusterbench/clusterbench/internal/inventory"
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
	for _, cloud := range inventory.SortedKeys(p.opts.Regions) {
		svc, ok := interZoneServices[cloud]
		if !ok || len(zonesOf(p.inv, cloud)) <= 1 {
			continue
		}
		traffic := inventory.Resource{Name: "inter-zone traffic", Type: ""}
		gb := p.opts.Usage.InterZoneGBPerMonth
		p.add(traffic, charge{key: cloud + "/" + p.opts.Regions[cloud] + "/" + svc.item,
			quantity: gb.Mul(decimal.NewFromInt(svc.sides)), usage: true, note: svc.note})
	}
}

// excluded says, in full sentences, what the estimate cannot see.
func (p *pricer) excluded() []string {
	out := []string{
		"Load balancers and persistent volumes that Kubernetes creates at run time (Services of type LoadBalancer, PersistentVolumeClaims) are not in the inventory and are not priced.",
		"Internet egress and cross-region data transfer are not priced; only NAT data processing and inter-zone traffic are, from the usage preset.",
		"Usage-based lines (NAT data, load balancer capacity units, logs, object storage, snapshots, inter-zone traffic) follow the usage preset, not measured traffic.",
		"Prices are on-demand list prices: savings plans, reserved instances, committed-use and sustained-use discounts, credits other than the GKE free tier, support plans and taxes are not applied.",
		"Provisioned IOPS of io1/io2 volumes, DNS queries, container registries and API request charges are not priced (gp3 IOPS and throughput above the included baseline are).",
	}
	if len(zonesOf(p.inv, "aws")) <= 1 && len(zonesOf(p.inv, "gcp")) <= 1 {
		out = append(out, "Inter-zone traffic is not priced: the inventory places nothing of one cloud in more than one zone.")
	}
	// Swarm publishes the demo through the stack's own, priced load balancer; a
	// self-managed cluster exposes it as a NodePort Service (no cloud controller manager
	// would create a load balancer there).
	if o := p.opts.Prometheus.Orchestrator; p.opts.Demo && o != "swarm" && o != "selfmanaged" {
		out = append(out, "The demo's web tier is a Kubernetes Service of type LoadBalancer: the cloud load balancer created for it at run time (and its traffic) is not priced.")
	}
	switch p.opts.Monitoring {
	case MonitoringPrometheus:
		out = append(out, "Prometheus runs on the cluster's own nodes: the share of node capacity its requests take is already in the node prices (the monitoring comparison shows it); its volume is priced, its network traffic and Grafana's users are not.")
	case MonitoringDatadog:
		out = append(out, "Datadog is priced per host at its Infrastructure Pro rate (usage datadogBilling); custom metrics, logs, APM and the node capacity its agent takes are not priced.")
	}
	return out
}

// zonesOf is the set of zones the inventory places a cloud's resources in: what the
// inventory says, so a preview document and the mock harness agree (subnets, node
// locations, zonal groups and disks).
func zonesOf(inv *inventory.Inventory, cloud string) map[string]bool {
	zones := map[string]bool{}
	for _, r := range inv.Custom() {
		if cloudOf(r.Type) != cloud || runsNoNodes(inv, r) {
			continue
		}
		for _, key := range []string{"availabilityZone", "zone"} {
			if z := r.String(key); z != "" {
				zones[z] = true
			}
		}
		for _, key := range []string{"nodeLocations", "distributionPolicyZones", "availabilityZones"} {
			for _, z := range r.List(key) {
				if s, ok := z.(string); ok {
					zones[s] = true
				}
			}
		}
		// Regional GKE clusters and pools, and regional instance groups, spread over
		// the region's zones even when the inventory lists none (GKE: three).
		if regionalSpread(r) {
			for i := 0; i < gkeRegionalZones; i++ {
				zones[fmt.Sprintf("%s/zone-%d", r.String("location")+r.String("region"), i)] = true
			}
		}
	}
	return zones
}

// runsNoNodes: a GKE cluster that removes its default node pool and has no pools in the
// inventory runs nothing in its zones (control-plane traffic is not billed). With pools,
// the cluster's location stands for theirs: a pool inherits its cluster's zones.
func runsNoNodes(inv *inventory.Inventory, r inventory.Resource) bool {
	return r.Type == gkeCluster && truthy(r, "removeDefaultNodePool") && !truthy(r, "enableAutopilot") &&
		len(inv.OfType("gcp:container/nodePool:NodePool")) == 0
}

// regionalSpread: a resource placed in a region (not a zone) that runs in several zones
// without naming them.
func regionalSpread(r inventory.Resource) bool {
	switch r.Type {
	case "gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool":
		loc := r.String("location")
		return loc != "" && !inventory.IsGCPZone(loc) && len(r.List("nodeLocations")) == 0
	case "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager":
		return len(r.List("distributionPolicyZones")) == 0
	}
	return false
}
