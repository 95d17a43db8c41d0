package harness_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func input(region string) spec.Input {
	return spec.Input{Stack: "h", Config: map[string]string{"aws:region": region, "gcp:region": "europe-west1", "gcp:project": "p"}}
}

func TestUnknownInvokeFailsLoudly(t *testing.T) {
	_, err := harness.Run(input("us-east-1"), func(ctx *pulumi.Context) error {
		_, err := ec2.LookupVpc(ctx, &ec2.LookupVpcArgs{Default: pulumi.BoolRef(true)})
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no answer for invoke "aws:ec2/getVpc:getVpc"`)
}

func TestInvokeAnswersFollowTheStackRegion(t *testing.T) {
	var awsZones, gcpZones []string
	_, err := harness.Run(input("eu-west-1"), func(ctx *pulumi.Context) error {
		a, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{})
		if err != nil {
			return err
		}
		g, err := compute.GetZones(ctx, &compute.GetZonesArgs{})
		if err != nil {
			return err
		}
		awsZones, gcpZones = a.Names, g.Names
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, "eu-west-1a", awsZones[0])
	assert.Equal(t, "europe-west1-a", gcpZones[0])
}

func TestRecordsTypeNameParentInputsAndSecrets(t *testing.T) {
	res, err := harness.Run(input("us-east-1"), func(ctx *pulumi.Context) error {
		comp := &struct{ pulumi.ResourceState }{}
		if err := ctx.RegisterComponentResource("test:index:Thing", "thing", comp); err != nil {
			return err
		}
		_, err := ec2.NewVpc(ctx, "vpc", &ec2.VpcArgs{
			CidrBlock: pulumi.String("10.0.0.0/16"),
			Tags:      pulumi.StringMap{"token": pulumi.ToSecret(pulumi.String("hunter2")).(pulumi.StringOutput)},
		}, pulumi.Parent(comp))
		return err
	})
	require.NoError(t, err)
	inv := res.Inventory
	require.Len(t, inv.Resources, 2)
	vpc := inv.OfType("aws:ec2/vpc:Vpc")[0]
	assert.Equal(t, "test:index:Thing", vpc.Parent)
	assert.Equal(t, "thing", inv.ComponentOf(vpc))
	assert.Equal(t, "10.0.0.0/16", vpc.String("cidrBlock"))
	assert.Equal(t, inventory.SecretPlaceholder, vpc.String("tags.token"), "secrets never appear in the inventory")
	assert.True(t, inv.Resources[0].Component)
	assert.Equal(t, "vpc-id", vpc.ID)
}

func TestAwaitCannotHang(t *testing.T) {
	oldAwait, oldRun := harness.AwaitTimeout, harness.Timeout
	harness.AwaitTimeout, harness.Timeout = 50*time.Millisecond, 500*time.Millisecond
	defer func() { harness.AwaitTimeout, harness.Timeout = oldAwait, oldRun }()
	awaited := false
	_, err := harness.Run(input("us-east-1"), func(ctx *pulumi.Context) error {
		never, _, _ := ctx.NewOutput() // an output nobody resolves
		_, _, err := harness.Await(never)
		assert.ErrorContains(t, err, "did not resolve")
		awaited = true
		return nil
	})
	assert.True(t, awaited, "Await gave up on its own")
	// The run itself waits for every output; its own bound reports the hang.
	assert.ErrorContains(t, err, "did not finish within 500ms")
}

// Load balancers get the addresses a provider computes, so programs that render them into
// user data (the API endpoint of a self-managed cluster) are fully known under mocks.
func TestLoadBalancersGetComputedAddresses(t *testing.T) {
	var dns string
	_, err := harness.Run(input("us-east-1"), func(ctx *pulumi.Context) error {
		api, err := lb.NewLoadBalancer(ctx, "api", &lb.LoadBalancerArgs{LoadBalancerType: pulumi.String("network")})
		if err != nil {
			return err
		}
		api.DnsName.ApplyT(func(s string) string { dns = s; return s })
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, "api-0123456789abcdef.elb.us-east-1.amazonaws.com", dns)
}

// Names a provider picks look like the real ones (Pulumi's auto-name, the Terraform
// providers' name-prefix suffix), are the same on every run of one creation (reports and
// the engine rig agree), and differ in another creation (a stack destroyed and created
// again, or created from a second checkout), as random suffixes do.
func TestProviderPickedNamesDifferPerCreation(t *testing.T) {
	names := func(creation string) []string {
		var outs []pulumi.StringOutput
		_, err := harness.RunWith(input("us-east-1"), func(ctx *pulumi.Context) error {
			for _, args := range []*ec2.LaunchTemplateArgs{{}, {NamePrefix: pulumi.String("eks-nodes-")}, {Name: pulumi.String("fixed-name")}} {
				lt, err := ec2.NewLaunchTemplate(ctx, fmt.Sprintf("lt%d", len(outs)), args)
				if err != nil {
					return err
				}
				outs = append(outs, lt.Name)
			}
			return nil
		}, harness.Options{Creation: creation})
		require.NoError(t, err)
		var got []string
		for _, o := range outs {
			v, _, err := harness.Await(o)
			require.NoError(t, err)
			got = append(got, v.(string))
		}
		return got
	}
	first := names("")
	require.Len(t, first, 3)
	assert.Regexp(t, `^lt0-[0-9a-f]{7}$`, first[0], "Pulumi's auto-name")
	assert.Regexp(t, `^eks-nodes-[0-9]{18}[0-9a-f]{8}$`, first[1], "a name prefix and 26 characters")
	assert.Equal(t, "fixed-name", first[2], "a name set in the inputs is kept")
	assert.Equal(t, first, names(""), "one creation, the same names")
	again := names("again")
	assert.NotEqual(t, first[0], again[0])
	assert.NotEqual(t, first[1], again[1])
	assert.Equal(t, "fixed-name", again[2], "a fixed name collides with the first creation's")
}

// Ids a provider assigns (a VPC's vpc-…) are the same on every run of one creation and
// differ in another, as the store paths that name a VPC rely on.
func TestProviderIDsDifferPerCreation(t *testing.T) {
	id := func(creation string) string {
		var out pulumi.IDOutput
		_, err := harness.RunWith(input("us-east-1"), func(ctx *pulumi.Context) error {
			vpc, err := ec2.NewVpc(ctx, "network", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")})
			if err != nil {
				return err
			}
			out = vpc.ID()
			return nil
		}, harness.Options{Creation: creation})
		require.NoError(t, err)
		v, _, err := harness.Await(out.ToStringOutput())
		require.NoError(t, err)
		return v.(string)
	}
	assert.Equal(t, "network-id", id(""), "the default creation's ids are the goldens'")
	assert.Equal(t, id("again"), id("again"), "one creation, one id")
	assert.Regexp(t, `^network-[0-9a-f]{7}-id$`, id("again"))
	assert.NotEqual(t, id("again"), id("other"))
}

// Some answers depend on an argument (the add-on whose version EKS reports); one the
// fixture has no answer for fails loudly, naming the argument.
func TestInvokeAnswersByArgument(t *testing.T) {
	versions := map[string]string{}
	_, err := harness.Run(input("us-east-1"), func(ctx *pulumi.Context) error {
		for _, addon := range []string{"vpc-cni", "coredns"} {
			v, err := eks.GetAddonVersion(ctx, &eks.GetAddonVersionArgs{AddonName: addon, KubernetesVersion: "1.35", MostRecent: pulumi.BoolRef(true)})
			if err != nil {
				return err
			}
			versions[addon] = v.Version
		}
		return nil
	})
	require.NoError(t, err)
	assert.Regexp(t, `^v1\.\d+\.\d+-eksbuild\.\d+$`, versions["vpc-cni"])
	assert.NotEqual(t, versions["vpc-cni"], versions["coredns"])

	_, err = harness.Run(input("us-east-1"), func(ctx *pulumi.Context) error {
		_, err := eks.GetAddonVersion(ctx, &eks.GetAddonVersionArgs{AddonName: "no-such-addon", KubernetesVersion: "1.35"})
		return err
	})
	assert.ErrorContains(t, err, `no answer for invoke "aws:eks/getAddonVersion:getAddonVersion" with addonName "no-such-addon"`)
}

// Each input records the resources it was computed from, as a preview's
// propertyDependencies do: a reference by a provider-picked name (an instance profile
// naming its role) links through them, since the auto-name is an output, not an input.
func TestRecordsPropertyDependencies(t *testing.T) {
	res, err := harness.Run(input("us-east-1"), func(ctx *pulumi.Context) error {
		role, err := iam.NewRole(ctx, "node", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[]}`)})
		if err != nil {
			return err
		}
		_, err = iam.NewInstanceProfile(ctx, "node", &iam.InstanceProfileArgs{Role: role.Name, Path: pulumi.String("/nodes/")})
		return err
	})
	require.NoError(t, err)
	var role, profile inventory.Resource
	for _, r := range res.Inventory.Resources {
		switch r.Type {
		case "aws:iam/role:Role":
			role = r
		case "aws:iam/instanceProfile:InstanceProfile":
			profile = r
		}
	}
	require.NotEmpty(t, role.URN)
	assert.Equal(t, harness.AutoName("node"), profile.String("role"), "the profile names the role's auto-name")
	assert.Equal(t, map[string][]string{"role": {role.URN}}, profile.Dependencies, "only the input computed from the role depends on it")
	assert.Empty(t, role.Dependencies)
}
