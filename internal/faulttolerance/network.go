package faulttolerance

import (
	"fmt"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

// networkSPOFs finds single points of failure in the network: one NAT gateway that
// private subnets in several zones route through (Cloud NAT is a regional managed
// service and is not one), and a lone bastion that is the only way in.
func networkSPOFs(inv *inventory.Inventory) []SinglePointOfFailure {
	var out []SinglePointOfFailure
	nats := inv.OfType("aws:ec2/natGateway:NatGateway")
	privateZones := map[string]bool{}
	for _, sn := range inv.OfType("aws:ec2/subnet:Subnet") {
		if isPrivateSubnet(sn) {
			privateZones[sn.String("availabilityZone")] = true
		}
	}
	if len(nats) == 1 && len(privateZones) > 1 {
		out = append(out, SinglePointOfFailure{Resource: nats[0].Name, Why: fmt.Sprintf(
			"the only NAT gateway: private subnets in %d zones lose egress (image pulls, cloud APIs) when its zone fails", len(privateZones))})
	}
	var bastions []inventory.Resource
	for _, r := range inv.Custom() {
		if role(r) == RoleBastion {
			bastions = append(bastions, r)
		}
	}
	if len(bastions) == 1 {
		out = append(out, SinglePointOfFailure{Resource: bastions[0].Name, Why: "the only bastion: the only way in for SSH"})
	}
	return out
}

// isPrivateSubnet: the network component tags private subnets for internal load
// balancers (a key with dots, so read directly rather than by path).
func isPrivateSubnet(sn inventory.Resource) bool {
	tags, _ := sn.Inputs["tags"].(map[string]any)
	_, ok := tags["kubernetes.io/role/internal-elb"]
	return ok
}
