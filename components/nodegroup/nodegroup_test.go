package nodegroup_test

import (
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/scripts"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func run(t *testing.T, program pulumi.RunFunc) *inventory.Inventory {
	t.Helper()
	in := spec.Input{Stack: "t", Config: map[string]string{"aws:region": "us-east-1", "gcp:region": "us-central1", "gcp:project": "p"}}
	res, err := harness.Run(in, program)
	require.NoError(t, err)
	return res.Inventory
}

func one(t *testing.T, inv *inventory.Inventory, typ, name string) inventory.Resource {
	t.Helper()
	for _, r := range inv.OfType(typ) {
		if r.Name == name {
			return r
		}
	}
	require.Failf(t, "missing", "%s %s", typ, name)
	return inventory.Resource{}
}

// A member group is exactly one instance whose size stays enforced; a worker group may
// scale, and the autoscaler's desired size survives the next `pulumi up`.
func TestAwsGroupsAreHardenedAndSizedByRole(t *testing.T) {
	inv := run(t, func(ctx *pulumi.Context) error {
		for name, size := range map[string]nodegroup.Size{"member": nodegroup.One, "workers": {Min: 2, Desired: 3, Max: 6}} {
			if _, err := nodegroup.NewAwsGroup(ctx, name, &nodegroup.AwsGroupArgs{
				Role: nodegroup.RoleWorker, ImageID: "ami-1", InstanceType: "t3.large", RootDiskGB: 64,
				SubnetIDs: pulumi.ToStringArray([]string{"subnet-a"}), SecurityGroupIDs: pulumi.ToStringArray([]string{"sg-1"}),
				InstanceProfileName: pulumi.String("profile"), UserData: pulumi.String("#!/bin/bash\n"), Size: size,
				Tags: map[string]string{"Name": name},
			}); err != nil {
				return err
			}
		}
		return nil
	})
	lt := one(t, inv, "aws:ec2/launchTemplate:LaunchTemplate", "member-lt")
	assert.Equal(t, "required", lt.String("metadataOptions.httpTokens"), "IMDSv2 only")
	assert.Equal(t, 1.0, lt.Inputs["metadataOptions"].(map[string]any)["httpPutResponseHopLimit"])
	assert.Equal(t, "true", lt.String("blockDeviceMappings.0.ebs.encrypted"))
	assert.Equal(t, "gp3", lt.String("blockDeviceMappings.0.ebs.volumeType"))
	script, err := nodegroup.DecodeAwsUserData(lt.String("userData"))
	require.NoError(t, err, "gzip, then base64")
	assert.Equal(t, "#!/bin/bash\n", script)

	member := one(t, inv, "aws:autoscaling/group:Group", "member")
	for _, k := range []string{"minSize", "desiredCapacity", "maxSize"} {
		n, _ := member.Number(k)
		assert.Equal(t, 1.0, n, k)
	}
	assert.Empty(t, member.IgnoreChanges, "a member's size of one is enforced")
	assert.Contains(t, member.List("tags"), map[string]any{"key": nodegroup.RoleTagAWS, "value": nodegroup.RoleWorker, "propagateAtLaunch": true})
	workers := one(t, inv, "aws:autoscaling/group:Group", "workers")
	assert.Equal(t, []string{"desiredCapacity"}, workers.IgnoreChanges)
}

// One zone makes a zonal group; several a regional group spread evenly, with an
// autoscaler when its size may vary. Every VM carries the role label.
func TestGcpGroupsByZoneCount(t *testing.T) {
	inv := run(t, func(ctx *pulumi.Context) error {
		for name, args := range map[string]*nodegroup.GcpGroupArgs{
			"member":  {Role: nodegroup.RoleControlPlane, Zones: []string{"us-central1-a"}, Size: nodegroup.One},
			"workers": {Role: nodegroup.RoleWorker, Zones: []string{"us-central1-a", "us-central1-b"}, Size: nodegroup.Size{Min: 2, Desired: 2, Max: 4}},
		} {
			args.MachineType, args.RootDiskGB, args.Region = "e2-medium", 50, "us-central1"
			args.Subnetwork, args.ServiceAccountEmail, args.StartupScript = pulumi.String("sub"), pulumi.String("sa@p"), pulumi.String("#!/bin/bash\n")
			if _, err := nodegroup.NewGcpGroup(ctx, name, args); err != nil {
				return err
			}
		}
		return nil
	})
	member := one(t, inv, "gcp:compute/instanceGroupManager:InstanceGroupManager", "member")
	assert.Equal(t, "us-central1-a", member.String("zone"))
	assert.Equal(t, nodegroup.RoleControlPlane, member.String("allInstancesConfig.labels."+nodegroup.RoleLabelGCP))
	workers := one(t, inv, "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "workers")
	assert.Equal(t, "EVEN", workers.String("distributionPolicyTargetShape"))
	assert.Len(t, inv.OfType("gcp:compute/regionAutoscaler:RegionAutoscaler"), 1)
	assert.Empty(t, inv.OfType("gcp:compute/autoscaler:Autoscaler"), "a member of one never scales")
	tpl := one(t, inv, "gcp:compute/instanceTemplate:InstanceTemplate", "member-tpl")
	assert.Equal(t, "TRUE", tpl.String("metadata.enable-oslogin"))
	assert.Equal(t, true, tpl.Inputs["shieldedInstanceConfig"].(map[string]any)["enableSecureBoot"])
	assert.Empty(t, tpl.List("networkInterfaces.0.accessConfigs"), "no external address unless asked")
}

// Every bootstrap the components render fits EC2's 16 KB user-data limit once gzipped
// (plain, the Kubernetes bootstrap alone is about 45 KB), with room for its settings.
func TestBootstrapsFitEC2UserData(t *testing.T) {
	settings := map[string]string{}
	for i := 0; i < 20; i++ {
		settings[fmt.Sprintf("CB_SETTING_%d", i)] = "a value of some length, such as a load balancer's DNS name"
	}
	for name, body := range map[string]string{"swarm": scripts.SwarmBootstrap, "kubernetes": scripts.KubernetesBootstrap} {
		script, err := scripts.Render(body, settings)
		require.NoError(t, err)
		encoded, err := nodegroup.EncodeAwsUserData(script)
		require.NoError(t, err, name)
		raw, _ := base64.StdEncoding.DecodeString(encoded)
		assert.Less(t, len(raw), nodegroup.MaxAwsUserData, name)
		t.Logf("%s: %d bytes in the repository, %d rendered, %d gzipped (limit %d)", name, len(body), len(script), len(raw), nodegroup.MaxAwsUserData)
	}
	_, err := nodegroup.EncodeAwsUserData(randomText(40 * 1024))
	assert.ErrorContains(t, err, "over EC2's 16384-byte limit", "incompressible data over the limit is refused")
}

// randomText is n bytes that gzip cannot shrink below the limit.
func randomText(n int) string {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte('!' + x%90)
	}
	return string(b)
}
