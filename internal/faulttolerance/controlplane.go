package faulttolerance

import (
	"fmt"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

type controlPlane struct {
	managedBy string
	members   int
	tolerated int
	zoneLoss  []ZoneLossEffect // the zones whose loss loses the control plane
	sla       *string
	spofs     []SinglePointOfFailure
}

// controlPlaneOf finds the control plane in the inventory: a managed cluster resource,
// or the self-managed members carrying the control-plane role.
func controlPlaneOf(inv *inventory.Inventory, s *spec.Spec) controlPlane {
	// EKS runs at least two API servers and three etcd nodes across three zones
	// (EKS architecture docs): one failure, or a zone, is absorbed.
	if len(inv.OfType("aws:eks/cluster:Cluster")) > 0 {
		return controlPlane{managedBy: "provider", tolerated: 1, sla: &slaRegional}
	}
	if gke := inv.OfType("gcp:container/cluster:Cluster"); len(gke) > 0 {
		location := gke[0].String("location")
		if inventory.IsGCPZone(location) {
			why := fmt.Sprintf("zonal control plane: one replica in %s; losing the zone loses the API", location)
			return controlPlane{managedBy: "provider", tolerated: 0, sla: &slaZonal,
				spofs:    []SinglePointOfFailure{{Resource: gke[0].Name, Why: why}},
				zoneLoss: []ZoneLossEffect{{Zone: location, Resource: gke[0].Name, Verdict: ZoneLossFails, Why: why}}}
		}
		// A regional cluster replicates the control plane across three zones.
		return controlPlane{managedBy: "provider", tolerated: 1, sla: &slaRegional}
	}
	zones := memberZones(inv)
	// quorumEffects names the zones that make Quorum's survivesZoneLoss false.
	tolerated, _ := Quorum(zones)
	cp := controlPlane{managedBy: "you", members: len(zones), tolerated: tolerated, zoneLoss: quorumEffects(zones, membersWord(s))}
	if len(zones) == 1 {
		cp.spofs = append(cp.spofs, SinglePointOfFailure{Resource: "control plane", Why: fmt.Sprintf("one %s: its loss stops the control plane", memberWord(s))})
	}
	return cp
}

// membersWord is memberWord's plural.
func membersWord(s *spec.Spec) string {
	if s.Orchestrator == spec.Swarm {
		return "swarm managers"
	}
	return "control-plane members"
}

func memberWord(s *spec.Spec) string {
	if s.Orchestrator == spec.Swarm {
		return "swarm manager"
	}
	return "control-plane member (etcd)"
}

// memberZones lists the zone of every control-plane member: a group of one instance or
// a single instance carrying the control-plane role.
func memberZones(inv *inventory.Inventory) []string {
	var zones []string
	for _, r := range inv.Custom() {
		if !runsMachines[r.Type] || role(r) != RoleControlPlane {
			continue // templates carry the role too, but run nothing themselves
		}
		count := 1
		if n, ok := groupSize(r); ok {
			count = n
		}
		for i := 0; i < count; i++ {
			zones = append(zones, zoneOf(inv, r))
		}
	}
	return zones
}

// role reads the clusterbench role tag or label of a resource.
func role(r inventory.Resource) string {
	if v := r.String("tags." + RoleTagAWS); v != "" {
		return v
	}
	for _, t := range r.List("tags") { // autoscaling groups tag as a list of {key, value}
		if m, ok := t.(map[string]any); ok && m["key"] == RoleTagAWS {
			v, _ := m["value"].(string)
			return v
		}
	}
	for _, labels := range []string{"labels.", "properties.labels.", "allInstancesConfig.labels."} {
		if v := r.String(labels + RoleLabelGCP); v != "" {
			return v
		}
	}
	return ""
}

// runsMachines are the types that run machines: groups and single instances.
var runsMachines = map[string]bool{
	"aws:autoscaling/group:Group": true, "aws:ec2/instance:Instance": true,
	"gcp:compute/instanceGroupManager:InstanceGroupManager":             true,
	"gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": true,
	"gcp:compute/instance:Instance":                                     true,
}
