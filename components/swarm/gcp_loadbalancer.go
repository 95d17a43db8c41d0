package swarm

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// loadBalancer: an external passthrough network load balancer, one regional forwarding
// rule per published port into a target pool the worker group registers with. It needs
// no external address on the workers; the firewall admits adminCidrs only
// (gcp_firewall.go). The pool has no legacy health check: a worker's routing mesh
// answers for every task, and the group replaces a VM that stops.
func (b *gcpBuilder) loadBalancer() error {
	var err error
	b.targetPool, err = compute.NewTargetPool(b.ctx, b.name+"-workers", &compute.TargetPoolArgs{
		Region: pulumi.String(b.s.Region), Project: pulumi.String(b.s.Project),
	}, b.parent)
	if err != nil {
		return err
	}
	for i, port := range PublishedPorts {
		rule, err := compute.NewForwardingRule(b.ctx, fmt.Sprintf("%s-%d", b.name, port), &compute.ForwardingRuleArgs{
			Region: pulumi.String(b.s.Region), Project: pulumi.String(b.s.Project),
			LoadBalancingScheme: pulumi.String("EXTERNAL"), IpProtocol: pulumi.String("TCP"),
			PortRange: pulumi.String(strconv.Itoa(port)), Target: b.targetPool.SelfLink,
			// Forwarding rules have no deletion protection of their own; Pulumi's protect
			// refuses `pulumi destroy` until `pulumi state unprotect` (README).
		}, b.parent, pulumi.Protect(b.s.DeletionProtection))
		if err != nil {
			return err
		}
		if i == 0 {
			b.lbAddress = rule.IpAddress
		}
	}
	return nil
}
