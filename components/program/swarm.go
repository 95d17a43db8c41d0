package program

import (
	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/components/swarm"
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
	base, err := newAwsNodes(ctx, s)
	if err != nil {
		return err
	}
	sw, err := swarm.NewAwsSwarm(ctx, "swarm", &swarm.AwsArgs{
		Spec: s, Network: base.net, Partition: base.partition, AccountID: base.accountID, ImageID: base.imageID,
	})
	if err != nil {
		return err
	}
	ctx.Export("vpcId", base.net.VpcID)
	exportSwarm(ctx, base.net.Zones, sw.ManagerGroupNames, sw.WorkerGroupName, sw.LoadBalancerDNSName, sw.StorePath)
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
	exportSwarm(ctx, net.Zones, sw.ManagerGroupNames, sw.WorkerGroupName, sw.LoadBalancerAddress, sw.StorePath)
	return nil
}

// exportSwarm: what both clouds' swarms export (loadBalancer is the published ports'
// DNS name or address).
func exportSwarm(ctx *pulumi.Context, zones []string, managers pulumi.StringArrayOutput, workers, loadBalancer, storePath pulumi.StringOutput) {
	ctx.Export("zones", pulumi.ToStringArray(zones))
	ctx.Export("managerGroups", managers)
	ctx.Export("workerGroup", workers)
	ctx.Export("loadBalancer", loadBalancer)
	ctx.Export("storePath", storePath)
}
