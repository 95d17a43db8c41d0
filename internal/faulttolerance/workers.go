package faulttolerance

import (
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// workerZones counts workers per zone from the groups that run them. Groups spread
// their instances evenly over their zones, as EC2 Auto Scaling, EKS node groups and
// regional MIGs do (the first zones take the remainder).
func workerZones(inv *inventory.Inventory) map[string]int {
	perZone := map[string]int{}
	for _, r := range inv.Custom() {
		if role(r) == RoleControlPlane || role(r) == RoleBastion {
			continue
		}
		switch r.Type {
		case "aws:eks/nodeGroup:NodeGroup":
			n, _ := r.Number("scalingConfig.desiredSize")
			spread(perZone, int(n), subnetZones(inv, r.List("subnetIds")))
		case "aws:autoscaling/group:Group":
			n, _ := r.Number("desiredCapacity")
			spread(perZone, int(n), subnetZones(inv, r.List("vpcZoneIdentifiers")))
		case "gcp:container/nodePool:NodePool":
			n, _ := r.Number("initialNodeCount")
			if c, ok := r.Number("nodeCount"); ok {
				n = c
			}
			for _, z := range r.List("nodeLocations") {
				perZone[z.(string)] += int(n)
			}
		case "gcp:compute/instanceGroupManager:InstanceGroupManager", "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager":
			n, _ := r.Number("targetSize")
			zones := stringsOf(r.List("distributionPolicyZones"))
			if z := r.String("zone"); z != "" {
				zones = []string{z}
			}
			spread(perZone, int(n), zones)
		}
	}
	return perZone
}

func spread(perZone map[string]int, n int, zones []string) {
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
	if zs := stringsOf(r.List("availabilityZones")); len(zs) > 0 {
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

func stringsOf(l []any) []string {
	out := make([]string, 0, len(l))
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
