package nodegroup_test

import (
	"testing"

	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func gcpMember(zones []string, disks []nodegroup.GcpDisk) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := nodegroup.NewGcpGroup(ctx, "member", &nodegroup.GcpGroupArgs{
			Role: nodegroup.RoleControlPlane, MachineType: "e2-medium", RootDiskGB: 64, Zones: zones, Region: "us-central1",
			Subnetwork: pulumi.String("subnet"), ServiceAccountEmail: pulumi.String("sa@p.iam.gserviceaccount.com"),
			StartupScript: pulumi.String("#!/bin/bash\n"), Size: nodegroup.One, Disks: disks,
		})
		return err
	}
}

// A member's existing disks ride in its template, survive its VM, and the group replaces
// the VM by recreating it (a surge VM could not attach them).
func TestGcpGroupAttachesExistingDisks(t *testing.T) {
	inv := run(t, gcpMember([]string{"us-central1-a"}, []nodegroup.GcpDisk{{DeviceName: "etcd-main", Source: pulumi.String("member-etcd-main")}}))
	tpl := one(t, inv, "gcp:compute/instanceTemplate:InstanceTemplate", "member-tpl")
	require.Len(t, tpl.List("disks"), 2)
	assert.Equal(t, "member-etcd-main", tpl.String("disks.1.source"))
	assert.Equal(t, "etcd-main", tpl.String("disks.1.deviceName"))
	assert.False(t, tpl.Bool("disks.1.autoDelete"))
	igm := one(t, inv, "gcp:compute/instanceGroupManager:InstanceGroupManager", "member")
	assert.Equal(t, "RECREATE", igm.String("updatePolicy.replacementMethod"))
	n, _ := igm.Number("updatePolicy.maxSurgeFixed")
	assert.Equal(t, 0.0, n)

	assert.Equal(t, "OPPORTUNISTIC", igm.String("updatePolicy.type"), "a member is never replaced by a template change on its own")

	plain := one(t, run(t, gcpMember([]string{"us-central1-a"}, nil)), "gcp:compute/instanceGroupManager:InstanceGroupManager", "member")
	assert.Equal(t, "OPPORTUNISTIC", plain.String("updatePolicy.type"), "no disks: still a member, never rolled by the group")
	assert.Empty(t, plain.String("updatePolicy.replacementMethod"), "no disks: surging is fine")
}

func TestGcpGroupRefusesDisksOverSeveralZones(t *testing.T) {
	in := spec.Input{Stack: "t", Config: map[string]string{"gcp:region": "us-central1", "gcp:project": "p"}}
	_, err := harness.Run(in, gcpMember([]string{"us-central1-a", "us-central1-b"}, []nodegroup.GcpDisk{{DeviceName: "d", Source: pulumi.String("d")}}))
	assert.ErrorContains(t, err, "disks attach to a group of one zone")
}
