package swarm

import (
	"fmt"

	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// GcpArgs configure a swarm on GCE.
type GcpArgs struct {
	Spec    *spec.Spec
	Network *network.GcpNetwork
}

// GcpSwarm is a Docker Swarm on GCE: one zonal managed instance group of one per
// manager, one regional group of workers over the zones, an external network load
// balancer (forwarding rule and target pool) for published ports, and the Secret
// Manager secrets the nodes share their tokens through.
type GcpSwarm struct {
	pulumi.ResourceState

	// ManagerGroupNames are the managers' zonal groups, in manager order.
	ManagerGroupNames pulumi.StringArrayOutput
	WorkerGroupName   pulumi.StringOutput
	// LoadBalancerAddress is the forwarding rule's address.
	LoadBalancerAddress pulumi.StringOutput
	// StorePath is the secrets' name prefix: secret "<StorePath>-<key>" per store key.
	StorePath pulumi.StringOutput
}

// NewGcpSwarm builds the swarm.
func NewGcpSwarm(ctx *pulumi.Context, name string, args *GcpArgs, opts ...pulumi.ResourceOption) (*GcpSwarm, error) {
	c := &GcpSwarm{}
	if err := ctx.RegisterComponentResource(GcpSwarmType, name, c, opts...); err != nil {
		return nil, err
	}
	b := &gcpBuilder{ctx: ctx, name: name, args: args, s: args.Spec, parent: pulumi.Parent(c)}
	b.storePath = gcpStorePath(ctx.Stack())
	b.nodeTag, b.managerTag, b.workerTag = name+"-node", name+"-manager", name+"-worker"
	steps := []func() error{b.iam, b.store, b.datadogKey, b.firewall, b.loadBalancer, b.managers, b.workers}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	c.ManagerGroupNames = b.managerNames.ToStringArrayOutput()
	c.WorkerGroupName = b.workerGroupName
	c.LoadBalancerAddress = b.lbAddress
	c.StorePath = pulumi.String(b.storePath).ToStringOutput()
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"managerGroupNames": c.ManagerGroupNames, "workerGroupName": c.WorkerGroupName,
		"loadBalancerAddress": c.LoadBalancerAddress, "storePath": c.StorePath,
	})
}

// gcpStorePath is the secrets' prefix, <stack>-swarm. Pulumi owns the secrets (the
// nodes add versions), so `pulumi destroy` deletes the tokens with the swarm.
func gcpStorePath(stack string) string { return stack + "-swarm" }

// gcpBuilder carries what the steps share; each step adds one concern's resources.
type gcpBuilder struct {
	// iamReady are the grants a node needs at its first boot: its groups wait for them.
	iamReady  []pulumi.Resource
	ctx       *pulumi.Context
	name      string
	args      *GcpArgs
	s         *spec.Spec
	parent    pulumi.ResourceOption
	storePath string

	// Network tags select the firewall rules: every node, managers, workers.
	nodeTag, managerTag, workerTag string
	// iam
	managerAccount, workerAccount *serviceaccount.Account
	// loadBalancer
	targetPool *compute.TargetPool
	lbAddress  pulumi.StringOutput
	// groups
	managerNames    pulumi.StringArray
	workerGroupName pulumi.StringOutput
}

func (b *gcpBuilder) userData(role, zone string) (pulumi.StringOutput, error) {
	script, err := userData(b.s, gcpSettings(b.s, b.storePath), role, zone)
	return pulumi.String(script).ToStringOutput(), err
}

// managers: one zonal group of exactly one per manager.
func (b *gcpBuilder) managers() error {
	for i, zone := range ManagerZones(b.s.ControlPlane.Count, b.args.Network.Zones) {
		script, err := b.userData(RoleManager, zone)
		if err != nil {
			return err
		}
		g, err := nodegroup.NewGcpGroup(b.ctx, fmt.Sprintf("%s-manager-%d", b.name, i+1), &nodegroup.GcpGroupArgs{
			Role:                nodegroup.RoleControlPlane,
			MachineType:         b.s.ControlPlane.MachineType,
			RootDiskGB:          managerDiskGB(b.s.Swarm.ManagersRunWorkloads, b.s.Workers.DiskGb),
			Zones:               []string{zone},
			Region:              b.s.Region,
			Subnetwork:          b.args.Network.SubnetworkSelfLink,
			ServiceAccountEmail: b.managerAccount.Email,
			NetworkTags:         []string{b.nodeTag, b.managerTag},
			StartupScript:       script,
			Public:              !b.s.Network.PrivateNodes,
			Size:                nodegroup.One,
		}, b.parent, pulumi.DependsOn(b.iamReady))
		if err != nil {
			return err
		}
		b.managerNames = append(b.managerNames, g.Zonal.Name)
	}
	return nil
}

// workers: one group over the zones (regional, spread evenly; zonal with one zone),
// registered with the load balancer's target pool.
func (b *gcpBuilder) workers() error {
	w := b.s.Workers
	script, err := b.userData(RoleWorker, "")
	if err != nil {
		return err
	}
	g, err := nodegroup.NewGcpGroup(b.ctx, b.name+"-workers", &nodegroup.GcpGroupArgs{
		Role:                nodegroup.RoleWorker,
		MachineType:         w.MachineType,
		RootDiskGB:          w.DiskGb,
		Zones:               b.args.Network.Zones,
		Region:              b.s.Region,
		Subnetwork:          b.args.Network.SubnetworkSelfLink,
		ServiceAccountEmail: b.workerAccount.Email,
		NetworkTags:         []string{b.nodeTag, b.workerTag},
		StartupScript:       script,
		Public:              !b.s.Network.PrivateNodes,
		Size:                nodegroup.Size{Min: w.Min, Desired: w.Count, Max: w.Max},
		TargetPools:         pulumi.StringArray{b.targetPool.SelfLink},
	}, b.parent, pulumi.DependsOn(b.iamReady))
	if err != nil {
		return err
	}
	if g.Regional != nil {
		b.workerGroupName = g.Regional.Name
	} else {
		b.workerGroupName = g.Zonal.Name
	}
	return nil
}
