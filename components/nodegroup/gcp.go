package nodegroup

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DebianImage is the official Debian 12 image family (cloud.google.com/compute/docs/images/os-details).
const DebianImage = "projects/debian-cloud/global/images/family/debian-12"

// GcpGroupArgs describe one instance template and the managed instance group that runs it.
type GcpGroupArgs struct {
	// Role is the value of the clusterbench-role label (RoleControlPlane, RoleWorker…).
	Role        string
	MachineType string
	// RootDiskGB is the pd-balanced boot disk's size (encrypted at rest by Google).
	RootDiskGB int
	// Zones: one zone makes a zonal group pinned there; several a regional group
	// spread evenly over them.
	Zones               []string
	Region              string
	Subnetwork          pulumi.StringInput
	ServiceAccountEmail pulumi.StringInput
	// NetworkTags select the firewall rules that apply to the group.
	NetworkTags []string
	// StartupScript is the rendered bootstrap script.
	StartupScript pulumi.StringInput
	// Public gives each VM an ephemeral external address.
	Public bool
	Size   Size
	// TargetPools register the group's VMs with a network load balancer.
	TargetPools pulumi.StringArrayInput
	Labels      map[string]string
	// BaseInstanceName starts every VM's name (the group's name when empty): IAM
	// conditions on instance names select a cluster's VMs by it.
	BaseInstanceName string
	// Disks are existing zonal disks the group attaches to its VM (a group of one in
	// the disks' zone: a persistent disk is attached read-write to one VM at a time),
	// kept when the VM is deleted. A group with disks replaces its VM by recreating it,
	// never by surging a second one that could not attach them.
	Disks []GcpDisk
}

// GcpDisk is an existing disk and the device name the VM sees it under
// (/dev/disk/by-id/google-<DeviceName>).
type GcpDisk struct {
	DeviceName string
	Source     pulumi.StringInput
}

// The groups point at their template by its ID (projects/P/global/instanceTemplates/N,
// which the API accepts as a partial URL); names are unique (NamePrefix), so a changed
// template is a new ID and the group rolls to it. Every group carries the role labels on
// its VMs (allInstancesConfig), so the group itself says what it runs.

// GcpGroup is an instance template and its group: Zonal for one zone, else Regional
// (with an autoscaler when the size may vary).
type GcpGroup struct {
	Template *compute.InstanceTemplate
	Zonal    *compute.InstanceGroupManager
	Regional *compute.RegionInstanceGroupManager
}

// NewGcpGroup registers the template name+"-tpl", the group name and, for a group that
// may scale, its autoscaler name+"-autoscaler".
func NewGcpGroup(ctx *pulumi.Context, name string, args *GcpGroupArgs, opts ...pulumi.ResourceOption) (*GcpGroup, error) {
	if len(args.Disks) > 0 && len(args.Zones) != 1 {
		return nil, fmt.Errorf("group %s: disks attach to a group of one zone, not %d", name, len(args.Zones))
	}
	labels := withRole(args.Labels, RoleLabelGCP, args.Role)
	base := args.BaseInstanceName
	if base == "" {
		base = name
	}
	nic := &compute.InstanceTemplateNetworkInterfaceArgs{Subnetwork: args.Subnetwork}
	if args.Public {
		nic.AccessConfigs = compute.InstanceTemplateNetworkInterfaceAccessConfigArray{&compute.InstanceTemplateNetworkInterfaceAccessConfigArgs{}}
	}
	disks := compute.InstanceTemplateDiskArray{&compute.InstanceTemplateDiskArgs{
		SourceImage: pulumi.String(DebianImage),
		DiskSizeGb:  pulumi.Int(args.RootDiskGB),
		DiskType:    pulumi.String("pd-balanced"),
		Boot:        pulumi.Bool(true),
		AutoDelete:  pulumi.Bool(true),
	}}
	for _, d := range args.Disks {
		disks = append(disks, &compute.InstanceTemplateDiskArgs{
			Source: d.Source, DeviceName: pulumi.String(d.DeviceName), Mode: pulumi.String("READ_WRITE"),
			Boot: pulumi.Bool(false), AutoDelete: pulumi.Bool(false),
		})
	}
	tpl, err := compute.NewInstanceTemplate(ctx, name+"-tpl", &compute.InstanceTemplateArgs{
		NamePrefix:        pulumi.String(name + "-"),
		MachineType:       pulumi.String(args.MachineType),
		Region:            pulumi.String(args.Region),
		Disks:             disks,
		NetworkInterfaces: compute.InstanceTemplateNetworkInterfaceArray{nic},
		ServiceAccount: &compute.InstanceTemplateServiceAccountArgs{
			Email: args.ServiceAccountEmail,
			// Access is decided by the account's IAM roles, not by legacy scopes.
			Scopes: pulumi.StringArray{pulumi.String("cloud-platform")},
		},
		Metadata: pulumi.StringMap{
			// OS Login instead of project-wide SSH keys (CKV_GCP_32, CIS GCP 4.3/4.4).
			"enable-oslogin":         pulumi.String("TRUE"),
			"block-project-ssh-keys": pulumi.String("TRUE"),
		},
		// No secret ever goes into a startup script (join material lives in the store).
		MetadataStartupScript: args.StartupScript,
		ShieldedInstanceConfig: &compute.InstanceTemplateShieldedInstanceConfigArgs{
			EnableSecureBoot: pulumi.Bool(true), EnableVtpm: pulumi.Bool(true), EnableIntegrityMonitoring: pulumi.Bool(true),
		},
		Tags:   pulumi.ToStringArray(args.NetworkTags),
		Labels: pulumi.ToStringMap(labels),
	}, opts...)
	if err != nil {
		return nil, err
	}
	g := &GcpGroup{Template: tpl}
	if len(args.Zones) == 1 {
		g.Zonal, err = compute.NewInstanceGroupManager(ctx, name, &compute.InstanceGroupManagerArgs{
			BaseInstanceName: pulumi.String(base),
			Zone:             pulumi.String(args.Zones[0]),
			TargetSize:       pulumi.Int(args.Size.Desired),
			TargetPools:      args.TargetPools,
			Versions: compute.InstanceGroupManagerVersionArray{&compute.InstanceGroupManagerVersionArgs{
				InstanceTemplate: tpl.ID(),
			}},
			AllInstancesConfig: &compute.InstanceGroupManagerAllInstancesConfigArgs{Labels: pulumi.ToStringMap(labels)},
			UpdatePolicy:       memberUpdatePolicy(args.Size, args.Disks),
		}, append(opts, ignoreTargetSizeWhenScaling(args.Size)...)...)
		if err != nil {
			return nil, err
		}
		return g, g.autoscale(ctx, name, args, opts)
	}
	g.Regional, err = compute.NewRegionInstanceGroupManager(ctx, name, &compute.RegionInstanceGroupManagerArgs{
		BaseInstanceName:        pulumi.String(base),
		Region:                  pulumi.String(args.Region),
		DistributionPolicyZones: pulumi.ToStringArray(args.Zones),
		// EVEN keeps the zones balanced, so a zone loss costs a known share.
		DistributionPolicyTargetShape: pulumi.String("EVEN"),
		TargetSize:                    pulumi.Int(args.Size.Desired),
		TargetPools:                   args.TargetPools,
		Versions: compute.RegionInstanceGroupManagerVersionArray{&compute.RegionInstanceGroupManagerVersionArgs{
			InstanceTemplate: tpl.ID(),
		}},
		AllInstancesConfig: &compute.RegionInstanceGroupManagerAllInstancesConfigArgs{Labels: pulumi.ToStringMap(labels)},
	}, append(opts, ignoreTargetSizeWhenScaling(args.Size)...)...)
	if err != nil {
		return nil, err
	}
	return g, g.autoscale(ctx, name, args, opts)
}

// memberUpdatePolicy: a group of one (a control-plane member, a Swarm manager) never
// replaces its VM on its own when the template changes (OPPORTUNISTIC). Every member is
// its own group, so a PROACTIVE policy (the API's default) would replace every member at
// the same moment on the next `pulumi up` that touches the template, and lose the
// quorum with their disks; members are replaced one at a time by the operator instead
// (README, "Replacing a member"). A VM holding disks read-write is recreated rather
// than surged (a surge VM could not attach them).
func memberUpdatePolicy(size Size, disks []GcpDisk) compute.InstanceGroupManagerUpdatePolicyPtrInput {
	if size != One {
		return nil
	}
	policy := &compute.InstanceGroupManagerUpdatePolicyArgs{
		Type: pulumi.String("OPPORTUNISTIC"), MinimalAction: pulumi.String("REPLACE"),
	}
	if len(disks) > 0 {
		policy.ReplacementMethod = pulumi.String("RECREATE")
		policy.MaxSurgeFixed, policy.MaxUnavailableFixed = pulumi.Int(0), pulumi.Int(1)
	}
	return policy
}

// autoscale adds an autoscaler with the group's bounds when its size may vary.
func (g *GcpGroup) autoscale(ctx *pulumi.Context, name string, args *GcpGroupArgs, opts []pulumi.ResourceOption) error {
	if args.Size.Min == args.Size.Max {
		return nil
	}
	policy := &compute.RegionAutoscalerAutoscalingPolicyArgs{
		MinReplicas:    pulumi.Int(args.Size.Min),
		MaxReplicas:    pulumi.Int(args.Size.Max),
		CpuUtilization: &compute.RegionAutoscalerAutoscalingPolicyCpuUtilizationArgs{Target: pulumi.Float64(0.7)},
	}
	if g.Regional != nil {
		_, err := compute.NewRegionAutoscaler(ctx, name+"-autoscaler", &compute.RegionAutoscalerArgs{
			Region: pulumi.String(args.Region), Target: g.Regional.SelfLink, AutoscalingPolicy: policy,
		}, opts...)
		return err
	}
	_, err := compute.NewAutoscaler(ctx, name+"-autoscaler", &compute.AutoscalerArgs{
		Zone: pulumi.String(args.Zones[0]), Target: g.Zonal.SelfLink,
		AutoscalingPolicy: &compute.AutoscalerAutoscalingPolicyArgs{
			MinReplicas:    pulumi.Int(args.Size.Min),
			MaxReplicas:    pulumi.Int(args.Size.Max),
			CpuUtilization: &compute.AutoscalerAutoscalingPolicyCpuUtilizationArgs{Target: pulumi.Float64(0.7)},
		},
	}, opts...)
	return err
}

// ignoreTargetSizeWhenScaling: the autoscaler owns the size of a group that may scale.
func ignoreTargetSizeWhenScaling(size Size) []pulumi.ResourceOption {
	if size.Min == size.Max {
		return nil
	}
	return []pulumi.ResourceOption{pulumi.IgnoreChanges([]string{"targetSize"})}
}
