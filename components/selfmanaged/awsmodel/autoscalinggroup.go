package awsmodel

import (
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// bootstrap is the settings every node of the cluster shares.
func (b *builder) bootstrap(role string) selfmanaged.Settings {
	return selfmanaged.Bootstrap(spec.AWS, role, b.cluster, b.s.KubernetesVersion,
		selfmanaged.DefaultPodCidr, selfmanaged.DefaultServiceCidr, "ssm").
		With("CB_REGION", b.s.Region)
}

// memberGroups: one launch template and one autoscaling group of exactly one instance per
// member, pinned to the subnet of the member's zone and registered with the API load
// balancer (kops pkg/model/awsmodel/autoscalinggroup.go: one group per master), so a lost
// instance comes back in the same zone and attaches the same etcd volumes.
func (b *builder) memberGroups() error {
	subnets := b.args.Network.NodeSubnets()
	for _, m := range b.members {
		volumes := map[string]pulumi.StringOutput{}
		for v, vol := range b.volumes[m.Name] {
			volumes[v] = vol.ID().ToStringOutput()
		}
		settings, err := b.bootstrap(nodegroup.RoleControlPlane).With("CB_MEMBER_NAME", m.Name, "CB_ZONE", m.Zone,
			"CB_CONTROL_PLANE_MEMBERS", selfmanaged.MemberNames(b.members)).WithAddons(b.s)
		if err != nil {
			return err
		}
		g, err := nodegroup.NewAwsGroup(b.ctx, b.name+"-"+m.Name, &nodegroup.AwsGroupArgs{
			Role:                nodegroup.RoleControlPlane,
			ImageID:             b.args.ImageID,
			InstanceType:        b.s.ControlPlane.MachineType,
			RootDiskGB:          selfmanaged.ControlPlaneRootGB,
			SubnetIDs:           pulumi.StringArray{subnets[m.Index%len(subnets)].ID()},
			SecurityGroupIDs:    pulumi.StringArray{b.controlPlaneSG.ID()},
			InstanceProfileName: b.controlPlaneProfile.Name,
			UserData:            selfmanaged.UserData(settings, b.lb.DnsName, b.bucket.ID().ToStringOutput(), b.storePath, volumes),
			Size:                nodegroup.One,
			TargetGroupARNs:     pulumi.StringArray{b.targetGroup.Arn},
			Tags:                map[string]string{"Name": b.cluster + "-" + m.Name, ClusterTag: b.cluster, EtcdMemberTag: m.Name},
		}, b.parent, pulumi.DependsOn(b.iamReady))
		if err != nil {
			return err
		}
		b.memberASGs = append(b.memberASGs, g)
	}
	return nil
}

// workerGroup: one launch template and one autoscaling group over every zone's node
// subnet, between workers.min and workers.max.
func (b *builder) workerGroup() error {
	s := b.s
	var err error
	b.workers, err = nodegroup.NewAwsGroup(b.ctx, b.name+"-workers", &nodegroup.AwsGroupArgs{
		Role:                nodegroup.RoleWorker,
		ImageID:             b.args.ImageID,
		InstanceType:        s.Workers.MachineType,
		RootDiskGB:          s.Workers.DiskGb,
		SubnetIDs:           b.args.Network.NodeSubnetIDs,
		SecurityGroupIDs:    pulumi.StringArray{b.nodeSG.ID()},
		InstanceProfileName: b.nodeProfile.Name,
		UserData:            selfmanaged.UserData(b.bootstrap(nodegroup.RoleWorker), b.lb.DnsName, b.bucket.ID().ToStringOutput(), b.storePath, nil),
		Size:                nodegroup.Size{Min: s.Workers.Min, Desired: s.Workers.Count, Max: s.Workers.Max},
		Tags:                map[string]string{"Name": b.cluster + "-worker", ClusterTag: b.cluster},
	}, b.parent, pulumi.DependsOn(b.iamReady))
	return err
}
