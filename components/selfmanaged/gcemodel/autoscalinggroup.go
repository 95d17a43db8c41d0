package gcemodel

import (
	"github.com/clusterbench/clusterbench/components/gcpname"
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// bootstrap is the settings every node of the cluster shares. Pods and services take
// the network's reserved secondary ranges.
func (b *builder) bootstrap(role string) selfmanaged.Settings {
	layout := b.s.NetworkLayout()
	return selfmanaged.Bootstrap(spec.GCP, role, b.cluster, b.s.KubernetesVersion,
		layout.Pods.String(), layout.Services.String(), "gcp-secret").
		With("CB_REGION", b.s.Region, "CB_PROJECT", b.s.Project)
}

// memberGroups: one instance template and one zonal managed instance group of exactly
// one VM per member, in the member's zone (kops pkg/model/gcemodel/autoscalinggroup.go:
// one zonal group per master), so a lost VM comes back in the same zone with the same
// etcd disks, which the group itself attaches: no node may attach disks.
func (b *builder) memberGroups() error {
	for _, m := range b.members {
		// The group attaches the member's etcd disks; the bootstrap finds each by its
		// device name (/dev/disk/by-id/google-etcd-<volume>).
		var attached []nodegroup.GcpDisk
		devices := map[string]pulumi.StringOutput{}
		for _, v := range selfmanaged.EtcdVolumes {
			device := "etcd-" + v
			attached = append(attached, nodegroup.GcpDisk{DeviceName: device, Source: b.disks[m.Name][v].Name})
			devices[v] = pulumi.String(device).ToStringOutput()
		}
		settings, err := b.bootstrap(nodegroup.RoleControlPlane).With("CB_MEMBER_NAME", m.Name, "CB_ZONE", m.Zone,
			"CB_CONTROL_PLANE_MEMBERS", selfmanaged.MemberNames(b.members)).WithAddons(b.s)
		if err != nil {
			return err
		}
		g, err := nodegroup.NewGcpGroup(b.ctx, memberResourceName(b.name, m), &nodegroup.GcpGroupArgs{
			Role:                nodegroup.RoleControlPlane,
			MachineType:         b.s.ControlPlane.MachineType,
			RootDiskGB:          selfmanaged.ControlPlaneRootGB,
			Zones:               []string{m.Zone},
			Region:              b.s.Region,
			Subnetwork:          b.args.Network.SubnetworkID,
			ServiceAccountEmail: b.controlPlaneSA.Email,
			StartupScript:       selfmanaged.UserData(settings, b.address.Address, b.bucket.Name, b.storePath, devices),
			Disks:               attached,
			Size:                nodegroup.One,
			Labels:              map[string]string{ClusterLabel: b.cluster, EtcdMemberLabel: m.Name},
			BaseInstanceName:    gcpname.Name(50, b.instancePrefix()+m.Name),
		}, b.parent, pulumi.DependsOn(b.iamReady))
		if err != nil {
			return err
		}
		b.memberMIGs = append(b.memberMIGs, g)
	}
	return nil
}

// workerGroup: one regional group over the zones, kept even across them, autoscaled
// between workers.min and workers.max.
func (b *builder) workerGroup() error {
	s := b.s
	var err error
	b.workers, err = nodegroup.NewGcpGroup(b.ctx, b.name+"-workers", &nodegroup.GcpGroupArgs{
		Role:                nodegroup.RoleWorker,
		MachineType:         s.Workers.MachineType,
		RootDiskGB:          s.Workers.DiskGb,
		Zones:               b.args.Network.Zones,
		Region:              s.Region,
		Subnetwork:          b.args.Network.SubnetworkID,
		ServiceAccountEmail: b.nodeSA.Email,
		StartupScript:       selfmanaged.UserData(b.bootstrap(nodegroup.RoleWorker), b.address.Address, b.bucket.Name, b.storePath, nil),
		Size:                nodegroup.Size{Min: s.Workers.Min, Desired: s.Workers.Count, Max: s.Workers.Max},
		Labels:              map[string]string{ClusterLabel: b.cluster},
		BaseInstanceName:    gcpname.Name(50, b.instancePrefix()+"worker"),
	}, b.parent, pulumi.DependsOn(b.iamReady))
	return err
}
