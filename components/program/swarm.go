package program

import (
	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/components/swarm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func init() {
	builders[[2]string{spec.AWS, spec.Swarm}] = buildAwsSwarm
	builders[[2]string{spec.GCP, spec.Swarm}] = buildGcpSwarm
}

// buildAwsSwarm: the VPC, then the swarm's managers, workers and load balancer in it.
// Nothing exported is a secret: the join tokens and the unlock key live in the store
// only, written by the nodes.
func buildAwsSwarm(ctx *pulumi.Context, s *spec.Spec) error {
	partition, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{})
	if err != nil {
		return err
	}
	caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{})
	if err != nil {
		return err
	}
	image, err := nodegroup.LookupAwsImage(ctx)
	if err != nil {
		return err
	}
	net, err := network.NewAwsNetwork(ctx, "network", &network.Args{Spec: s})
	if err != nil {
		return err
	}
	sw, err := swarm.NewAwsSwarm(ctx, "swarm", &swarm.AwsArgs{
		Spec: s, Network: net, Partition: partition.Partition, AccountID: caller.AccountId, ImageID: image,
	})
	if err != nil {
		return err
	}
	ctx.Export("vpcId", net.VpcID)
	ctx.Export("zones", pulumi.ToStringArray(net.Zones))
	ctx.Export("managerGroups", sw.ManagerGroupNames)
	ctx.Export("workerGroup", sw.WorkerGroupName)
	ctx.Export("loadBalancer", sw.LoadBalancerDNSName)
	ctx.Export("storePath", sw.StorePath)
	return nil
}

// buildGcpSwarm: the VPC network, then the swarm in it.
func buildGcpSwarm(ctx *pulumi.Context, s *spec.Spec) error {
	net, err := network.NewGcpNetwork(ctx, "network", &network.Args{Spec: s})
	if err != nil {
		return err
	}
	sw, err := swarm.NewGcpSwarm(ctx, "swarm", &swarm.GcpArgs{Spec: s, Network: net})
	if err != nil {
		return err
	}
	ctx.Export("networkId", net.NetworkID)
	ctx.Export("zones", pulumi.ToStringArray(net.Zones))
	ctx.Export("managerGroups", sw.ManagerGroupNames)
	ctx.Export("workerGroup", sw.WorkerGroupName)
	ctx.Export("loadBalancer", sw.LoadBalancerAddress)
	ctx.Export("storePath", sw.StorePath)
	return nil
}
