package faulttolerance

import "github.com/clusterbench/clusterbench/internal/inventory"

// The model's parts, for readers that judge one fact at a time (clusterbench doctor):
// they see exactly what Assess sees.

// MemberZones lists the zone of every control-plane member the stack runs itself (a
// group of one or an instance carrying the control-plane role); empty when a provider
// runs the control plane.
func MemberZones(inv *inventory.Inventory) []string { return memberZones(inv) }

// Role reads a resource's clusterbench role tag or label ("" when it has none).
func Role(r inventory.Resource) string { return role(r) }

// NetworkSinglePointsOfFailure are the network's single points of failure: one NAT
// gateway for private subnets in several zones, a lone bastion.
func NetworkSinglePointsOfFailure(inv *inventory.Inventory) []SinglePointOfFailure {
	return networkSPOFs(inv)
}

// SubnetZones maps subnet references (ids or URNs) to the zones of the recorded subnets.
func SubnetZones(inv *inventory.Inventory, ids []any) []string { return subnetZones(inv, ids) }

// WorkerZones counts a stack's workers per zone from the groups that run them (desired
// sizes, spread the way the clouds spread groups); other reports read it from here.
func WorkerZones(inv *inventory.Inventory) map[string]int { return workerZones(inv) }
