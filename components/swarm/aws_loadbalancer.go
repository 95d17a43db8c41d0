package swarm

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// loadBalancer: a network load balancer in the node subnets (internal when nodes are
// private, internet-facing otherwise), one TCP listener and target group per published
// port; the worker group registers its instances with the target groups. Its security
// group admits adminCidrs only (aws_firewall.go).
func (b *awsBuilder) loadBalancer() error {
	var err error
	b.nlb, err = lb.NewLoadBalancer(b.ctx, b.name+"-nlb", &lb.LoadBalancerArgs{
		LoadBalancerType: pulumi.String("network"),
		Internal:         pulumi.Bool(b.s.Network.PrivateNodes),
		Subnets:          b.args.Network.NodeSubnetIDs,
		SecurityGroups:   pulumi.StringArray{b.lbSG.ID().ToStringOutput()},
		// Every zone's NLB node spreads over all workers, however many each zone holds
		// (the group rebalances zones only over time).
		EnableCrossZoneLoadBalancing: pulumi.Bool(true),
		EnableDeletionProtection:     pulumi.Bool(b.s.DeletionProtection),
		Tags:                         pulumi.StringMap{"Name": pulumi.String(b.name + "-nlb")},
	}, b.parent)
	if err != nil {
		return err
	}
	for _, port := range PublishedPorts {
		tg, err := lb.NewTargetGroup(b.ctx, fmt.Sprintf("%s-%d", b.name, port), &lb.TargetGroupArgs{
			VpcId: b.args.Network.VpcID, TargetType: pulumi.String("instance"),
			Port: pulumi.Int(port), Protocol: pulumi.String("TCP"),
			// A worker is healthy when its routing mesh accepts the port.
			HealthCheck: &lb.TargetGroupHealthCheckArgs{Protocol: pulumi.String("TCP"), Port: pulumi.String("traffic-port")},
		}, b.parent)
		if err != nil {
			return err
		}
		if _, err := lb.NewListener(b.ctx, fmt.Sprintf("%s-%d", b.name, port), &lb.ListenerArgs{
			LoadBalancerArn: b.nlb.Arn, Port: pulumi.Int(port), Protocol: pulumi.String("TCP"),
			DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
				Type: pulumi.String("forward"), TargetGroupArn: tg.Arn,
			}},
		}, b.parent); err != nil {
			return err
		}
		b.targetGroups = append(b.targetGroups, tg.Arn)
	}
	return nil
}
