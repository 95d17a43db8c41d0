package awsmodel

import (
	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// apiLoadBalancer: a network load balancer in front of the members' API servers (kops
// pkg/model/awsmodel/api_loadbalancer.go uses an NLB for the API), internal: self-managed
// nodes are always private. Its own security group admits only adminCidrs
// and the cluster (network load balancers take security groups since 2023-08; the pinned
// provider's LoadBalancer.securityGroups).
func (b *builder) apiLoadBalancer() error {
	ctx, name, s := b.ctx, b.name+"-api", b.s
	var err error
	b.lb, err = lb.NewLoadBalancer(ctx, name, &lb.LoadBalancerArgs{
		LoadBalancerType: pulumi.String("network"),
		Internal:         pulumi.Bool(true), // self-managed nodes are always private (spec)
		Subnets:          b.args.Network.PrivateSubnetIDs,
		SecurityGroups:   pulumi.StringArray{b.apiSG.ID()},
		// A zone whose member is down still answers: its node sends to the others.
		EnableCrossZoneLoadBalancing: pulumi.Bool(true),
		EnableDeletionProtection:     pulumi.Bool(s.DeletionProtection),
		Tags:                         b.tags(b.cluster + "-api"),
	}, b.parent)
	if err != nil {
		return err
	}
	// The member groups register their instance into this group (nodegroup's
	// TargetGroupARNs); it is healthy when the API server accepts TCP on its port. An
	// HTTPS /readyz check would need anonymous access to the API, which is off.
	b.targetGroup, err = lb.NewTargetGroup(ctx, name, &lb.TargetGroupArgs{
		Port: pulumi.Int(selfmanaged.APIPort), Protocol: pulumi.String("TCP"), TargetType: pulumi.String("instance"),
		VpcId: b.args.Network.VpcID,
		// Members reach the API through the load balancer too (kubelet, kubeadm join). With
		// the client's address preserved, a member routed to itself drops the connection
		// (Elastic Load Balancing guide, NLB "Client IP preservation": hairpinning); off,
		// the members see the load balancer as the source, which the control-plane group
		// admits by its security group.
		PreserveClientIp:    pulumi.String("false"),
		DeregistrationDelay: pulumi.Int(30),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Protocol: pulumi.String("TCP"), Port: pulumi.String("traffic-port"),
			HealthyThreshold: pulumi.Int(2), UnhealthyThreshold: pulumi.Int(2), Interval: pulumi.Int(10),
		},
		Tags: b.tags(b.cluster + "-api"),
	}, b.parent)
	if err != nil {
		return err
	}
	_, err = lb.NewListener(ctx, name, &lb.ListenerArgs{
		LoadBalancerArn: b.lb.Arn, Port: pulumi.Int(selfmanaged.APIPort), Protocol: pulumi.String("TCP"),
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("forward"), TargetGroupArn: b.targetGroup.Arn,
		}},
	}, b.parent)
	return err
}
