package faulttolerance

import (
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// networkSPOFs finds single points of failure in the network: one NAT gateway that
// private subnets in several zones route through (Cloud NAT is a regional managed
// service and is not one), and a lone bastion that is the only way in. Each is also a
// degraded zone-loss effect (networkZoneLoss): the same finding, read per zone.
func networkSPOFs(inv *inventory.Inventory) []SinglePointOfFailure {
	var out []SinglePointOfFailure
	for _, e := range networkZoneLoss(inv) {
		out = append(out, SinglePointOfFailure{Resource: e.Resource, Why: e.Why})
	}
	return out
}

// networkZoneLoss is what losing the zone of a lone NAT gateway or bastion does.
func networkZoneLoss(inv *inventory.Inventory) []ZoneLossEffect {
	return append(natEffects(inv), bastionEffects(inv)...)
}

// isPrivateSubnet: the network component tags private subnets for internal load
// balancers (a key with dots, so read directly rather than by path).
func isPrivateSubnet(sn inventory.Resource) bool {
	tags, _ := sn.Inputs["tags"].(map[string]any)
	_, ok := tags["kubernetes.io/role/internal-elb"]
	return ok
}
