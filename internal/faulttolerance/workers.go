package faulttolerance

import (
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// WorkerGroup is one group of workers: the resource that runs them, the zones it spreads
// them over and how many it runs (in total, across its zones).
type WorkerGroup struct {
	Resource inventory.Resource
	Zones    []string
	Desired  int
	// PerZone marks a GKE node pool, whose counts are per zone (Desired is already the
	// total).
	PerZone bool
}

// WorkerGroups lists the groups that run workers (not control-plane members, not
// bastions), in inventory order.
func WorkerGroups(inv *inventory.Inventory) []WorkerGroup {
	var out []WorkerGroup
	for _, r := range inv.Custom() {
		if role(r) == RoleControlPlane || role(r) == RoleBastion {
			continue
		}
		switch r.Type {
		case "aws:eks/nodeGroup:NodeGroup":
			n, _ := r.Number("scalingConfig.desiredSize")
			out = append(out, WorkerGroup{Resource: r, Zones: subnetZones(inv, r.List("subnetIds")), Desired: int(n)})
		case "aws:autoscaling/group:Group":
			n, _ := r.Number("desiredCapacity")
			out = append(out, WorkerGroup{Resource: r, Zones: subnetZones(inv, r.List("vpcZoneIdentifiers")), Desired: int(n)})
		case "gcp:container/nodePool:NodePool":
			n, _ := r.Number("initialNodeCount")
			if c, ok := r.Number("nodeCount"); ok {
				n = c
			}
			zones := inventory.Strings(r.List("nodeLocations"))
			out = append(out, WorkerGroup{Resource: r, Zones: zones, Desired: int(n) * len(zones), PerZone: true})
		case "gcp:compute/instanceGroupManager:InstanceGroupManager", "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager":
			n, _ := r.Number("targetSize")
			zones := inventory.Strings(r.List("distributionPolicyZones"))
			if z := r.String("zone"); z != "" {
				zones = []string{z}
			}
			out = append(out, WorkerGroup{Resource: r, Zones: zones, Desired: int(n)})
		}
	}
	return out
}

// workerZones counts workers per zone from the groups that run them. Groups spread
// their instances evenly over their zones, as EC2 Auto Scaling, EKS node groups and
// regional MIGs do (the first zones take the remainder).
func workerZones(inv *inventory.Inventory) map[string]int {
	perZone := map[string]int{}
	for _, g := range WorkerGroups(inv) {
		Spread(perZone, g.Desired, g.Zones)
	}
	return perZone
}

// Spread adds n instances spread evenly over zones to perZone (the first zones take the
// remainder; no zone at all counts them in "unknown").
func Spread(perZone map[string]int, n int, zones []string) {
	if len(zones) == 0 {
		if n > 0 {
			perZone["unknown"] += n
		}
		return
	}
	for i, z := range zones {
		perZone[z] += n / len(zones)
		if i < n%len(zones) {
			perZone[z]++
		}
	}
}

// subnetZones maps subnet ids to the zones of the recorded subnets.
func subnetZones(inv *inventory.Inventory, ids []any) []string {
	var zones []string
	for _, id := range ids {
		for _, sn := range inv.OfType("aws:ec2/subnet:Subnet") {
			if sn.ID == id || sn.URN == id {
				zones = append(zones, sn.String("availabilityZone"))
			}
		}
	}
	return zones
}

// zoneOf is a resource's zone: its own zone input, or its subnets'.
func zoneOf(inv *inventory.Inventory, r inventory.Resource) string {
	for _, key := range []string{"availabilityZone", "zone"} {
		if z := r.String(key); z != "" {
			return z
		}
	}
	if zs := subnetZones(inv, r.List("vpcZoneIdentifiers")); len(zs) > 0 {
		return zs[0]
	}
	if zs := inventory.Strings(r.List("availabilityZones")); len(zs) > 0 {
		return zs[0]
	}
	return "unknown"
}

// groupSize is the instance count of a group resource.
func groupSize(r inventory.Resource) (int, bool) {
	for _, key := range []string{"desiredCapacity", "targetSize"} {
		if n, ok := r.Number(key); ok {
			return int(n), true
		}
	}
	return 0, false
}
