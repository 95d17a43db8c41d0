package swarm

import (
	"fmt"

	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AwsArgs configure a swarm on EC2.
type AwsArgs struct {
	Spec    *spec.Spec
	Network *network.AwsNetwork
	// Partition and AccountID build the ARNs of the store's parameters.
	Partition string
	AccountID string
	// ImageID is the AMI every node boots (nodegroup.LookupAwsImage: Debian 12).
	ImageID string
}

// AwsSwarm is a Docker Swarm on EC2: one autoscaling group of one per manager, one
// worker group over the zones, a network load balancer for published ports, and the
// SSM parameters the nodes share their tokens through.
type AwsSwarm struct {
	pulumi.ResourceState

	// ManagerGroupNames are the managers' autoscaling groups, in manager order.
	ManagerGroupNames pulumi.StringArrayOutput
	WorkerGroupName   pulumi.StringOutput
	// LoadBalancerDNSName is the NLB that forwards PublishedPorts to the workers.
	LoadBalancerDNSName pulumi.StringOutput
	// StorePath is the SSM path the nodes keep the swarm's tokens under (never the
	// tokens themselves: Pulumi never sees them).
	StorePath pulumi.StringOutput
}

// NewAwsSwarm builds the swarm.
func NewAwsSwarm(ctx *pulumi.Context, name string, args *AwsArgs, opts ...pulumi.ResourceOption) (*AwsSwarm, error) {
	c := &AwsSwarm{}
	if err := ctx.RegisterComponentResource(AwsSwarmType, name, c, opts...); err != nil {
		return nil, err
	}
	b := &awsBuilder{ctx: ctx, name: name, args: args, s: args.Spec, parent: pulumi.Parent(c)}
	b.storePath = awsStorePath(ctx.Stack(), args.Network.VpcID)
	steps := []func() error{b.firewall, b.iam, b.datadogKey, b.loadBalancer, b.managers, b.workers}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	c.ManagerGroupNames = b.managerNames.ToStringArrayOutput()
	c.WorkerGroupName = b.workerGroup.Group.Name
	c.LoadBalancerDNSName = b.nlb.DnsName
	c.StorePath = b.storePath
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"managerGroupNames": c.ManagerGroupNames, "workerGroupName": c.WorkerGroupName,
		"loadBalancerDnsName": c.LoadBalancerDNSName, "storePath": c.StorePath,
	})
}

// awsStorePath is /clusterbench/<stack>/swarm/<vpc id>. The nodes own the parameters
// (the lock is a put-parameter without overwrite, which a Pulumi-owned parameter would
// defeat), so `pulumi destroy` leaves them behind; the VPC's id makes a re-created stack
// start from an empty path instead of waiting to join a swarm that no longer exists.
func awsStorePath(stack string, vpcID pulumi.IDOutput) pulumi.StringOutput {
	return pulumi.Sprintf("/clusterbench/%s/swarm/%s", stack, vpcID)
}

// awsBuilder carries what the steps share; each step adds one concern's resources.
type awsBuilder struct {
	// iamReady are the grants a node needs at its first boot: its groups wait for them.
	iamReady  []pulumi.Resource
	ctx       *pulumi.Context
	name      string
	args      *AwsArgs
	s         *spec.Spec
	parent    pulumi.ResourceOption
	storePath pulumi.StringOutput

	// firewall
	clusterSG, managersSG, workersSG, lbSG *ec2.SecurityGroup
	// iam
	managerProfile, workerProfile *iam.InstanceProfile
	// loadBalancer
	nlb          *lb.LoadBalancer
	targetGroups pulumi.StringArray
	// groups
	managerNames pulumi.StringArray
	workerGroup  *nodegroup.AwsGroup
}

func (b *awsBuilder) userData(role, zone string) pulumi.StringOutput {
	return b.storePath.ApplyT(func(path string) (string, error) {
		return userData(b.s, awsSettings(b.s, path), role, zone)
	}).(pulumi.StringOutput)
}

// managers: one group of exactly one per manager, pinned to its zone's node subnet.
func (b *awsBuilder) managers() error {
	subnets := map[string]*ec2.Subnet{}
	for i, zone := range b.args.Network.Zones {
		subnets[zone] = b.args.Network.NodeSubnets()[i]
	}
	for i, zone := range ManagerZones(b.s.ControlPlane.Count, b.args.Network.Zones) {
		gname := fmt.Sprintf("%s-manager-%d", b.name, i+1)
		g, err := nodegroup.NewAwsGroup(b.ctx, gname, &nodegroup.AwsGroupArgs{
			Role:                nodegroup.RoleControlPlane,
			ImageID:             b.args.ImageID,
			InstanceType:        b.s.ControlPlane.MachineType,
			RootDiskGB:          managerDiskGB(b.s.Swarm.ManagersRunWorkloads, b.s.Workers.DiskGb),
			SubnetIDs:           pulumi.StringArray{subnets[zone].ID().ToStringOutput()},
			SecurityGroupIDs:    pulumi.StringArray{b.clusterSG.ID().ToStringOutput(), b.managersSG.ID().ToStringOutput()},
			InstanceProfileName: b.managerProfile.Name,
			UserData:            b.userData(RoleManager, zone),
			Size:                nodegroup.One,
			Tags:                map[string]string{"Name": gname},
		}, b.parent, pulumi.DependsOn(b.iamReady))
		if err != nil {
			return err
		}
		b.managerNames = append(b.managerNames, g.Group.Name)
	}
	return nil
}

// workers: one group over every zone's node subnet, registered with the load balancer.
func (b *awsBuilder) workers() error {
	w := b.s.Workers
	gname := b.name + "-workers"
	var err error
	b.workerGroup, err = nodegroup.NewAwsGroup(b.ctx, gname, &nodegroup.AwsGroupArgs{
		Role:                nodegroup.RoleWorker,
		ImageID:             b.args.ImageID,
		InstanceType:        w.MachineType,
		RootDiskGB:          w.DiskGb,
		SubnetIDs:           b.args.Network.NodeSubnetIDs,
		SecurityGroupIDs:    pulumi.StringArray{b.clusterSG.ID().ToStringOutput(), b.workersSG.ID().ToStringOutput()},
		InstanceProfileName: b.workerProfile.Name,
		UserData:            b.userData(RoleWorker, ""),
		Size:                nodegroup.Size{Min: w.Min, Desired: w.Count, Max: w.Max},
		TargetGroupARNs:     b.targetGroups,
		Tags:                map[string]string{"Name": gname},
	}, b.parent, pulumi.DependsOn(b.iamReady))
	return err
}
