package managed_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/managed"
	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stack reads a shipped stack file and applies overrides ("<unset>" removes a key).
func stack(t *testing.T, name string, overrides ...string) spec.Input {
	t.Helper()
	in, err := stackfile.Read(filepath.Join("..", "..", "stacks", "Pulumi."+name+".yaml"))
	require.NoError(t, err)
	for i := 0; i+1 < len(overrides); i += 2 {
		if overrides[i+1] == "<unset>" {
			delete(in.Config, overrides[i])
		} else {
			in.Config[overrides[i]] = overrides[i+1]
		}
	}
	return in
}

func run(t *testing.T, in spec.Input) *harness.Result {
	t.Helper()
	res, err := harness.Run(in, program.Run)
	require.NoError(t, err)
	assertUniqueURNs(t, res.Inventory)
	return res
}

func one(t *testing.T, inv *inventory.Inventory, typ string) inventory.Resource {
	t.Helper()
	rs := inv.OfType(typ)
	require.Len(t, rs, 1, typ)
	return rs[0]
}

func assertUniqueURNs(t *testing.T, inv *inventory.Inventory) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range inv.Resources {
		assert.False(t, seen[r.URN], "duplicate URN %s", r.URN)
		seen[r.URN] = true
	}
}

const (
	eksCluster   = "aws:eks/cluster:Cluster"
	nodeGroup    = "aws:eks/nodeGroup:NodeGroup"
	launchTmpl   = "aws:ec2/launchTemplate:LaunchTemplate"
	gkeCluster   = "gcp:container/cluster:Cluster"
	gkeNodePool  = "gcp:container/nodePool:NodePool"
	accessEntry  = "aws:eks/accessEntry:AccessEntry"
	accessPolicy = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
	ingressRule  = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	kmsKeyRing   = "gcp:kms/keyRing:KeyRing"
	kmsKey       = "gcp:kms/cryptoKey:CryptoKey"
	kmsKeyGrant  = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
)

func TestEksStackCounts(t *testing.T) {
	inv := run(t, stack(t, "eks")).Inventory
	assert.Equal(t, map[string]int{
		"aws:cloudwatch/logGroup:LogGroup": 1, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
		"aws:ec2/eip:Eip": 3, "aws:ec2/internetGateway:InternetGateway": 1, launchTmpl: 1,
		"aws:ec2/natGateway:NatGateway": 3, "aws:ec2/route:Route": 4, "aws:ec2/routeTable:RouteTable": 4,
		"aws:ec2/routeTableAssociation:RouteTableAssociation": 6, "aws:ec2/subnet:Subnet": 6, "aws:ec2/vpc:Vpc": 1,
		"aws:eks/addon:Addon": 4, eksCluster: 1, nodeGroup: 1,
		"aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1, "aws:iam/role:Role": 4,
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment": 5, "aws:kms/key:Key": 1,
		"aws:iam/rolePolicy:RolePolicy": 1, accessEntry: 1, accessPolicy: 1,
	}, inventory.CountByType(inv.Custom()))
	assert.Equal(t, map[string]int{managed.EksClusterType: 1, network.AwsNetworkType: 1}, inventory.CountByType(inv.Components()))
	for _, r := range inv.Custom() {
		assert.Contains(t, []string{managed.EksClusterType, network.AwsNetworkType}, r.Parent, "%s has a component parent", r.Name)
	}
}

func TestEksVariants(t *testing.T) {
	cases := []struct {
		name      string
		overrides []string
		check     func(t *testing.T, inv *inventory.Inventory)
	}{
		{"public nodes use public subnets and no NAT", []string{"clusterbench:network", `{"privateNodes": false}`}, func(t *testing.T, inv *inventory.Inventory) {
			assert.Empty(t, inv.OfType("aws:ec2/natGateway:NatGateway"))
			assert.Len(t, inv.OfType("aws:ec2/subnet:Subnet"), 3)
			assert.Len(t, one(t, inv, nodeGroup).List("subnetIds"), 3)
		}},
		{"two zones", []string{"clusterbench:zones", "2"}, func(t *testing.T, inv *inventory.Inventory) {
			assert.Len(t, inv.OfType("aws:ec2/subnet:Subnet"), 4)
			assert.Len(t, one(t, inv, eksCluster).List("vpcConfig.subnetIds"), 2)
		}},
		{"private endpoint only", []string{"clusterbench:endpoint", `{"public": false}`}, func(t *testing.T, inv *inventory.Inventory) {
			c := one(t, inv, eksCluster)
			assert.Equal(t, false, c.Inputs["vpcConfig"].(map[string]any)["endpointPublicAccess"])
			assert.Empty(t, c.List("vpcConfig.publicAccessCidrs"))
			// adminCidrs reach the private endpoint through the cluster security group.
			rule := one(t, inv, ingressRule)
			assert.Equal(t, "203.0.113.0/24", rule.String("cidrIpv4"))
			assert.Equal(t, "tcp", rule.String("ipProtocol"))
			assert.Equal(t, 443.0, rule.Inputs["fromPort"])
			assert.Equal(t, 443.0, rule.Inputs["toPort"])
		}},
		{"private endpoint, one ingress rule per adminCidr", []string{"clusterbench:endpoint", `{"public": false}`, "clusterbench:adminCidrs", `["10.20.0.0/16", "192.168.4.0/24"]`}, func(t *testing.T, inv *inventory.Inventory) {
			cidrs := []string{}
			for _, r := range inv.OfType(ingressRule) {
				cidrs = append(cidrs, r.String("cidrIpv4"))
			}
			assert.ElementsMatch(t, []string{"10.20.0.0/16", "192.168.4.0/24"}, cidrs)
		}},
		{"public endpoint opens no security group", nil, func(t *testing.T, inv *inventory.Inventory) {
			assert.Empty(t, inv.OfType(ingressRule), "the public endpoint is limited by publicAccessCidrs")
		}},
		{"admin principals get access entries, the deployer too", []string{"clusterbench:adminPrincipals", `["arn:aws:iam::123456789012:role/platform-admins", "arn:aws:iam::123456789012:user/ops/alice"]`}, func(t *testing.T, inv *inventory.Inventory) {
			assert.Len(t, inv.OfType(accessEntry), 3)
			assert.Len(t, inv.OfType(accessPolicy), 3)
			for _, a := range inv.OfType(accessPolicy) {
				assert.Equal(t, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", a.String("policyArn"))
				assert.Equal(t, "cluster", a.String("accessScope.type"))
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, run(t, stack(t, "eks", tc.overrides...)).Inventory)
		})
	}
}

func TestEksRefusals(t *testing.T) {
	cases := []struct {
		name      string
		overrides []string
		want      string
	}{
		{"one zone", []string{"clusterbench:zones", "1"}, "clusterbench:zones = 1: EKS needs at least 2 zones"},
		{"a principal listed twice", []string{"clusterbench:adminPrincipals", `["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/a"]`}, "is listed twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := harness.Run(stack(t, "eks", tc.overrides...), program.Run)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, res.Inventory.Resources, "nothing is registered")
		})
	}
}

// The node group's AMI must match the instance's architecture: EKS refuses an x86 AMI
// type for a Graviton type ("not a valid instance type for requested amiType"). The
// catalog prices the Arm types too.
func TestEksAmiTypeFollowsTheInstanceFamily(t *testing.T) {
	cat, err := catalog.Default()
	require.NoError(t, err)
	usage, err := catalog.Preset("small")
	require.NoError(t, err)
	cases := []struct {
		machineType, amiType string
		priced               bool
	}{
		{"t3.large", "AL2023_x86_64_STANDARD", true},
		{"m5.large", "AL2023_x86_64_STANDARD", true},
		{"m7i-flex.large", "AL2023_x86_64_STANDARD", false},
		{"t4g.medium", "AL2023_ARM_64_STANDARD", true},
		{"t4g.large", "AL2023_ARM_64_STANDARD", true},
		{"m7g.large", "AL2023_ARM_64_STANDARD", true},
		{"m6gd.large", "AL2023_ARM_64_STANDARD", false},
		{"c7gn.large", "AL2023_ARM_64_STANDARD", false},
		{"r7g.large", "AL2023_ARM_64_STANDARD", false},
	}
	for _, tc := range cases {
		t.Run(tc.machineType, func(t *testing.T) {
			inv := run(t, stack(t, "eks", "clusterbench:workers", `{"machineType": "`+tc.machineType+`"}`)).Inventory
			ng := one(t, inv, nodeGroup)
			assert.Equal(t, tc.amiType, ng.String("amiType"))
			assert.Equal(t, []any{tc.machineType}, ng.List("instanceTypes"))
			if !tc.priced {
				return
			}
			est := cost.Price(inv, cost.Options{Catalog: cat, Usage: usage, Regions: map[string]string{"aws": "us-east-1"}})
			for _, u := range est.Unpriced {
				assert.NotEqual(t, nodeGroup, u.Type, "the catalog prices %s: %s", tc.machineType, u.Reason)
			}
		})
	}
}

// GPU and accelerator families need an accelerated AMI type and device plugins, which
// the program does not set up: refused before anything is registered.
func TestEksRefusesAcceleratedInstanceFamilies(t *testing.T) {
	for _, mt := range []string{"g5.xlarge", "g5g.xlarge", "p4d.24xlarge", "inf2.xlarge", "trn1.2xlarge"} {
		t.Run(mt, func(t *testing.T) {
			res, err := harness.Run(stack(t, "eks", "clusterbench:workers", `{"machineType": "`+mt+`"}`), program.Run)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "clusterbench:workers.machineType = "+mt+": is a GPU or accelerator instance type")
			assert.Empty(t, res.Inventory.Resources, "nothing is registered")
		})
	}
}

// Every admin is an access entry in Pulumi's state: never bootstrapped (EKS's bootstrapped
// entry cannot be revoked, and listing the creator later gets a 409; terraform-aws-eks
// #3293, #2969). The deployer gets its own entry unless it is listed, and the same
// resource either way, so listing or unlisting it replaces nothing. (The harness's
// caller identity is arn:aws:iam::123456789012:user/clusterbench.)
func TestEksAdminsAreAccessEntriesInState(t *testing.T) {
	const deployer = "arn:aws:iam::123456789012:user/clusterbench"
	entries := func(inv *inventory.Inventory) map[string]string {
		out := map[string]string{}
		for _, e := range inv.OfType(accessEntry) {
			out[e.URN] = e.String("principalArn")
		}
		for _, a := range inv.OfType(accessPolicy) {
			assert.Equal(t, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", a.String("policyArn"))
			assert.Equal(t, "cluster", a.String("accessScope.type"))
		}
		assert.Len(t, inv.OfType(accessPolicy), len(out), "one cluster-admin association per entry")
		return out
	}
	unlisted := run(t, stack(t, "eks", "clusterbench:adminPrincipals", `["arn:aws:iam::123456789012:role/platform"]`)).Inventory
	listed := run(t, stack(t, "eks", "clusterbench:adminPrincipals", `["arn:aws:iam::123456789012:role/platform", "`+deployer+`"]`)).Inventory
	none := run(t, stack(t, "eks", "clusterbench:adminPrincipals", "<unset>")).Inventory
	for _, inv := range []*inventory.Inventory{unlisted, listed, none} {
		assert.Equal(t, false, one(t, inv, eksCluster).Bool("accessConfig.bootstrapClusterCreatorAdminPermissions"))
	}
	assert.Equal(t, entries(listed), entries(unlisted), "the deployer's entry is one resource, listed or not")
	assert.ElementsMatch(t, []string{"arn:aws:iam::123456789012:role/platform", deployer}, values(entries(listed)))
	assert.Equal(t, []string{deployer}, values(entries(none)), "no adminPrincipals: the deployer alone")
}

func values(m map[string]string) []string {
	var out []string
	for _, k := range inventory.SortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}

// An assumed-role caller's STS session ARN is refused by access entries: the entry names
// the role behind the session, as iam.GetSessionContext gives it (with its path).
func TestEksDeployerInAnAssumedRoleIsAdmittedAsTheRole(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef"
	caller := map[string]any{"id": "123456789012", "accountId": "123456789012", "userId": "AROAEXAMPLE:alice",
		"arn": "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice"}
	session := map[string]any{"id": caller["arn"], "arn": caller["arn"], "issuerArn": role, "issuerId": "AROAEXAMPLE",
		"issuerName": "AWSReservedSSO_Admin_0123456789abcdef", "sessionName": "alice"}
	invokes := map[string]map[string]any{
		"aws:index/getCallerIdentity:getCallerIdentity": caller,
		"aws:iam/getSessionContext:getSessionContext":   session,
	}
	for _, principals := range []string{"<unset>", `["` + role + `"]`} {
		res, err := harness.RunWith(stack(t, "eks", "clusterbench:adminPrincipals", principals), program.Run, harness.Options{Invokes: invokes})
		require.NoError(t, err)
		e := one(t, res.Inventory, accessEntry)
		assert.Equal(t, role, e.String("principalArn"), "the role, never the STS session")
	}
}

func TestEksProperties(t *testing.T) {
	res := run(t, stack(t, "eks"))
	inv := res.Inventory
	c := one(t, inv, eksCluster)
	assert.Equal(t, "1.35", c.String("version"))
	assert.Equal(t, "STANDARD", c.String("upgradePolicy.supportType"), "the API default EXTENDED bills $0.60/h")
	assert.Equal(t, []any{"api", "audit", "authenticator"}, c.List("enabledClusterLogTypes"))
	assert.Equal(t, true, c.Inputs["vpcConfig"].(map[string]any)["endpointPrivateAccess"])
	assert.Equal(t, []any{"203.0.113.0/24"}, c.List("vpcConfig.publicAccessCidrs"), "public endpoint only for adminCidrs")
	assert.Equal(t, []any{"secrets"}, c.List("encryptionConfig.resources"))
	assert.Equal(t, "API", c.String("accessConfig.authenticationMode"))
	assert.Equal(t, false, c.Bool("accessConfig.bootstrapClusterCreatorAdminPermissions"))
	// Named after the cluster role, which IAM names from a prefix on every creation
	// (program's TestNoFixedPhysicalNamesCollideAcrossCreations checks a second one).
	assert.Equal(t, harness.PrefixedName("cluster-cluster", "eks-cluster-"), c.String("name"))
	assert.Equal(t, []string{"version", "accessConfig.bootstrapClusterCreatorAdminPermissions"}, c.IgnoreChanges,
		"automatic upgrades are not downgraded; a cluster once bootstrapped is not replaced")
	assert.True(t, c.Protect, "deletionProtection defaults to true")
	key := one(t, inv, "aws:iam/rolePolicy:RolePolicy")
	assert.Contains(t, key.String("policy"), "kms:DescribeKey", "the cluster role may use the secrets key")
	assert.Contains(t, key.String("policy"), "cluster-secrets", "and only that key")

	assert.Equal(t, true, one(t, inv, "aws:kms/key:Key").Bool("enableKeyRotation"))
	logs := one(t, inv, "aws:cloudwatch/logGroup:LogGroup")
	assert.Equal(t, "/aws/eks/"+c.String("name")+"/cluster", logs.String("name"), "the group EKS writes to, created before the cluster")
	assert.Contains(t, c.DependsOn, logs.URN)
	assert.Equal(t, 30.0, logs.Inputs["retentionInDays"])

	lt := one(t, inv, launchTmpl)
	assert.Equal(t, "required", lt.String("metadataOptions.httpTokens"), "IMDSv2 required")
	assert.Equal(t, 1.0, lt.Inputs["metadataOptions"].(map[string]any)["httpPutResponseHopLimit"])
	assert.Equal(t, "true", lt.String("blockDeviceMappings.0.ebs.encrypted"))
	assert.Equal(t, "gp3", lt.String("blockDeviceMappings.0.ebs.volumeType"))
	size, _ := lt.Number("blockDeviceMappings.0.ebs.volumeSize")
	assert.Equal(t, 50.0, size)

	ng := one(t, inv, nodeGroup)
	assert.Equal(t, map[string]any{"desiredSize": 3.0, "minSize": 3.0, "maxSize": 6.0}, ng.Inputs["scalingConfig"])
	assert.Equal(t, []any{"t3.large"}, ng.List("instanceTypes"))
	assert.Equal(t, []string{"scalingConfig.desiredSize"}, ng.IgnoreChanges, "the autoscaler owns the desired size")
	assert.Nil(t, ng.Inputs["nodeGroupName"], "auto-named: replacement cannot collide")
	assert.Equal(t, "1.35", ng.String("version"), "nodes follow the control plane")
	assert.Len(t, ng.List("subnetIds"), 3)

	addons := map[string]inventory.Resource{}
	for _, a := range inv.OfType("aws:eks/addon:Addon") {
		addons[a.String("addonName")] = a
	}
	assert.ElementsMatch(t, []string{"vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver"}, inventory.SortedKeys(addons))
	assert.NotEmpty(t, addons["aws-ebs-csi-driver"].String("serviceAccountRoleArn"), "the EBS CSI driver uses IRSA")
	// Issue 11 item 7: the VPC CNI has its own IRSA role; its policy is off the node role.
	assert.Equal(t, "arn:aws:iam:us-east-1:123456789012:cluster-vpc-cni", addons["vpc-cni"].String("serviceAccountRoleArn"), "the VPC CNI uses IRSA")
	// Issue 11 item 10: each add-on at the version EKS reports for the cluster's
	// Kubernetes version (the invoke fixture's answers).
	for addon, version := range map[string]string{"vpc-cni": "v1.20.4-eksbuild.2", "kube-proxy": "v1.35.0-eksbuild.2",
		"coredns": "v1.12.4-eksbuild.1", "aws-ebs-csi-driver": "v1.53.0-eksbuild.1"} {
		assert.Equal(t, version, addons[addon].String("addonVersion"), addon)
	}
	attachedTo := map[string][]string{}
	for _, a := range inv.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		attachedTo[a.String("role")] = append(attachedTo[a.String("role")], strings.TrimPrefix(a.String("policyArn"), "arn:aws:iam::aws:policy/"))
		if strings.HasSuffix(a.String("policyArn"), "/AmazonEKS_CNI_Policy") {
			assert.Contains(t, addons["vpc-cni"].DependsOn, a.URN, "aws-node starts with its policy in place")
		}
	}
	assert.ElementsMatch(t, []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"}, attachedTo[harness.AutoName("cluster-node")], "no CNI policy on the nodes")
	assert.Equal(t, []string{"AmazonEKS_CNI_Policy"}, attachedTo[harness.AutoName("cluster-vpc-cni")])

	policies := []string{}
	for _, a := range inv.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		policies = append(policies, a.String("policyArn"))
	}
	assert.ElementsMatch(t, []string{
		"arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
		"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
		"arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
	}, policies)
	trusts := map[string]string{}
	for _, r := range inv.OfType("aws:iam/role:Role") {
		trusts[r.Name] = r.String("assumeRolePolicy")
	}
	for role, sa := range map[string]string{"cluster-ebs-csi": "ebs-csi-controller-sa", "cluster-vpc-cni": "aws-node"} {
		assert.Contains(t, trusts[role], `"system:serviceaccount:kube-system:`+sa+`"`, role)
		assert.Contains(t, trusts[role], `"oidc.eks.us-east-1.amazonaws.com/id/CLUSTER:sub"`, "condition keys carry no scheme")
	}
	assertKubeconfig(t, res, "aws", "eks", "get-token")
}

func TestGkeStackCounts(t *testing.T) {
	inv := run(t, stack(t, "gke")).Inventory
	assert.Equal(t, map[string]int{
		"gcp:compute/firewall:Firewall": 2, "gcp:compute/network:Network": 1, "gcp:compute/router:Router": 1,
		"gcp:compute/routerNat:RouterNat": 1, "gcp:compute/subnetwork:Subnetwork": 1, gkeCluster: 1, gkeNodePool: 1,
		"gcp:projects/iAMMember:IAMMember": 2, "gcp:serviceaccount/account:Account": 1,
		kmsKeyRing: 1, kmsKey: 1, kmsKeyGrant: 1,
	}, inventory.CountByType(inv.Custom()))
}

func TestGkeProperties(t *testing.T) {
	res := run(t, stack(t, "gke"))
	inv := res.Inventory
	c := one(t, inv, gkeCluster)
	assert.Equal(t, "us-central1", c.String("location"), "regional control plane")
	assert.Len(t, c.List("nodeLocations"), 3)
	assert.Equal(t, true, c.Bool("removeDefaultNodePool"))
	assert.Equal(t, "REGULAR", c.String("releaseChannel.channel"))
	assert.Equal(t, "clusterbench-demo.svc.id.goog", c.String("workloadIdentityConfig.workloadPool"))
	assert.Equal(t, "ADVANCED_DATAPATH", c.String("datapathProvider"), "Dataplane V2")
	assert.Equal(t, false, c.Inputs["enableLegacyAbac"])
	assert.Equal(t, false, c.Inputs["masterAuth"].(map[string]any)["clientCertificateConfig"].(map[string]any)["issueClientCertificate"])
	assert.Equal(t, true, c.Bool("privateClusterConfig.enablePrivateNodes"))
	assert.Equal(t, "10.0.80.0/28", c.String("privateClusterConfig.masterIpv4CidrBlock"), "private nodes need a control-plane /28")
	assert.Equal(t, "GKE_METADATA", c.String("nodeConfig.workloadMetadataConfig.mode"), "even the temporary default pool")
	assert.Equal(t, true, c.Bool("deletionProtection"))
	blocks := c.List("masterAuthorizedNetworksConfig.cidrBlocks")
	require.Len(t, blocks, 1)
	assert.Equal(t, "203.0.113.0/24", blocks[0].(map[string]any)["cidrBlock"], "master authorized networks = adminCidrs")

	p := one(t, inv, gkeNodePool)
	assert.Equal(t, 1.0, p.Inputs["initialNodeCount"], "3 workers over 3 zones: 1 per zone")
	assert.Equal(t, map[string]any{"totalMinNodeCount": 3.0, "totalMaxNodeCount": 6.0, "locationPolicy": "BALANCED"}, p.Inputs["autoscaling"])
	assert.Equal(t, map[string]any{"autoRepair": true, "autoUpgrade": true}, p.Inputs["management"])
	assert.Equal(t, "COS_CONTAINERD", p.String("nodeConfig.imageType"))
	assert.Equal(t, "e2-standard-2", p.String("nodeConfig.machineType"))
	assert.Equal(t, "GKE_METADATA", p.String("nodeConfig.workloadMetadataConfig.mode"))
	assert.Equal(t, true, p.Bool("nodeConfig.shieldedInstanceConfig.enableSecureBoot"))
	assert.Equal(t, true, p.Bool("nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring"))
	sa := one(t, inv, "gcp:serviceaccount/account:Account")
	assert.Equal(t, sa.String("accountId")+"@clusterbench-demo.iam.gserviceaccount.com", p.String("nodeConfig.serviceAccount"), "a dedicated node account, not the default")
	roles := []string{}
	for _, m := range inv.OfType("gcp:projects/iAMMember:IAMMember") {
		roles = append(roles, m.String("role"))
		assert.Equal(t, "serviceAccount:"+p.String("nodeConfig.serviceAccount"), m.String("member"))
	}
	// Issue 11 item 9: GKE's own minimum role for node accounts (CIS GKE 5.2.1), which
	// holds the four narrower roles it replaces, and private image pulls.
	assert.ElementsMatch(t, []string{"roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"}, roles)

	// Issue 11 item 8: application-layer secrets encryption (CIS GKE 5.3.1) with a
	// rotating KMS key in the cluster's region, which the GKE service agent may use; the
	// cluster waits for the grant.
	ring, key, grant := one(t, inv, kmsKeyRing), one(t, inv, kmsKey), one(t, inv, kmsKeyGrant)
	assert.Equal(t, "us-central1", ring.String("location"))
	assert.Nil(t, ring.Inputs["name"], "auto-named: key rings are never deleted, a fixed name would collide on the next creation")
	assert.Nil(t, key.Inputs["name"])
	assert.Equal(t, "7776000s", key.String("rotationPeriod"), "a new version every 90 days")
	assert.Equal(t, "ENCRYPT_DECRYPT", key.String("purpose"))
	assert.True(t, key.Protect, "losing the key loses every secret")
	assert.Regexp(t, `^projects/clusterbench-demo/locations/us-central1/keyRings/cluster-secrets-[0-9a-f]{7}$`, key.String("keyRing"))
	keyName := key.String("keyRing") + "/cryptoKeys/" + harness.AutoName("cluster-secrets")
	assert.Equal(t, keyName, grant.String("cryptoKeyId"))
	assert.Equal(t, "roles/cloudkms.cryptoKeyEncrypterDecrypter", grant.String("role"))
	assert.Equal(t, "serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com", grant.String("member"),
		"the GKE service agent, by the project number the fixture answers")
	assert.Equal(t, map[string]any{"state": "ENCRYPTED", "keyName": keyName}, c.Inputs["databaseEncryption"])
	assert.Contains(t, c.DependsOn, grant.URN, "GKE checks the key at creation")
	assertKubeconfig(t, res, "gke-gcloud-auth-plugin")
}

// GKE refuses public CIDRs in master authorized networks once the public endpoint is off;
// validation says so before anything is registered.
func TestGkePrivateEndpointAdmitsOnlyPrivateNetworks(t *testing.T) {
	res, err := harness.Run(stack(t, "gke", "clusterbench:endpoint", `{"public": false}`), program.Run)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "clusterbench:adminCidrs = 203.0.113.0/24: is not an RFC 1918 network")
	assert.Empty(t, res.Inventory.Resources, "nothing is registered")

	inv := run(t, stack(t, "gke", "clusterbench:endpoint", `{"public": false}`, "clusterbench:adminCidrs", `["10.20.0.0/16"]`)).Inventory
	c := one(t, inv, gkeCluster)
	assert.Equal(t, true, c.Bool("privateClusterConfig.enablePrivateEndpoint"))
	blocks := c.List("masterAuthorizedNetworksConfig.cidrBlocks")
	require.Len(t, blocks, 1)
	assert.Equal(t, "10.20.0.0/16", blocks[0].(map[string]any)["cidrBlock"])
}

func TestGkeVariants(t *testing.T) {
	zonal := run(t, stack(t, "gke", "clusterbench:controlPlane", `{"availability": "zonal"}`)).Inventory
	zc := one(t, zonal, gkeCluster)
	assert.Equal(t, "us-central1-a", zc.String("location"), "zonal control plane in the first zone")
	assert.Equal(t, []any{"us-central1-b", "us-central1-c"}, zc.List("nodeLocations"), "a zonal cluster omits its own zone")
	assert.Len(t, one(t, zonal, gkeNodePool).List("nodeLocations"), 3, "the pool still spans every zone")

	public := run(t, stack(t, "gke", "clusterbench:network", `{"privateNodes": false}`)).Inventory
	assert.Empty(t, public.OfType("gcp:compute/routerNat:RouterNat"))
	assert.Nil(t, one(t, public, gkeCluster).Inputs["privateClusterConfig"], "no private cluster block for public nodes")

	two := run(t, stack(t, "gke", "clusterbench:zones", "2", "clusterbench:workers", `{"count": 4}`)).Inventory
	p := one(t, two, gkeNodePool)
	assert.Len(t, p.List("nodeLocations"), 2)
	assert.Equal(t, 2.0, p.Inputs["initialNodeCount"], "4 workers over 2 zones")
}

// Two clusters in one program: every URN, EKS cluster name and GCP account id differs.
func TestTwoInstancesInOneProgramNeverCollide(t *testing.T) {
	for _, name := range []string{"eks", "gke"} {
		in := stack(t, name)
		res, err := harness.Run(in, func(ctx *pulumi.Context) error {
			s, _, err := program.ReadSpec(ctx, program.SpecOptions())
			if err != nil {
				return err
			}
			for _, n := range []string{"a", "b"} {
				if s.Cloud == spec.AWS {
					net, err := network.NewAwsNetwork(ctx, n+"-net", &network.Args{Spec: s})
					if err != nil {
						return err
					}
					_, err = managed.NewEksCluster(ctx, n, &managed.EksArgs{Spec: s, Network: net, Partition: "aws"})
					if err != nil {
						return err
					}
					continue
				}
				net, err := network.NewGcpNetwork(ctx, n+"-net", &network.Args{Spec: s})
				if err != nil {
					return err
				}
				if _, err := managed.NewGkeCluster(ctx, n, &managed.GkeArgs{Spec: s, Network: net, ProjectNumber: "123456789012"}); err != nil {
					return err
				}
			}
			return nil
		})
		require.NoError(t, err)
		assertUniqueURNs(t, res.Inventory)
		for _, typ := range []string{eksCluster, "gcp:serviceaccount/account:Account"} {
			names := map[string]bool{}
			for _, r := range res.Inventory.OfType(typ) {
				key := r.String("name") + r.String("accountId")
				assert.False(t, names[key], "%s %s collides", typ, key)
				names[key] = true
			}
		}
	}
}

func assertKubeconfig(t *testing.T, res *harness.Result, wantInCommand ...string) {
	t.Helper()
	out, ok := res.Exports["kubeconfig"].(pulumi.Output)
	require.True(t, ok)
	v, secret, err := harness.Await(out)
	require.NoError(t, err)
	assert.True(t, secret, "kubeconfig is a secret")
	for _, w := range wantInCommand {
		assert.Contains(t, v.(string), w)
	}
	assert.Contains(t, v.(string), "certificate-authority-data")
}

func TestGkeVersionMustBeOfferedByTheChannel(t *testing.T) {
	valid := []string{"1.35.1-gke.1396000", "1.34.4-gke.1193000"}
	cases := []struct {
		name, version, regularLatest, want string
	}{
		{"offered and in the channel", "1.35", "1.35.1-gke.1396000", ""},
		{"older minor still offered", "1.34", "1.35.1-gke.1396000", ""},
		{"not offered in the region", "1.33", "1.35.1-gke.1396000", "GKE offers no 1.33.x control plane in us-central1"},
		{"newer than the channel", "1.35", "1.34.4-gke.1193000", "the REGULAR channel's newest version in us-central1 is 1.34.4-gke.1193000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &spec.Spec{Stack: "gke", Region: "us-central1", KubernetesVersion: tc.version}
			err := managed.CheckGkeVersion(s, valid, map[string]string{"REGULAR": tc.regularLatest})
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, "clusterbench:kubernetesVersion = "+tc.version+": "+tc.want)
		})
	}
}

// Stack names may hold periods and run long; the cluster role's name prefix keeps to
// what both an IAM role name and an EKS cluster name allow, with room for the provider's
// 26-character suffix in IAM's 64.
func TestEksNamesFromAnyStackName(t *testing.T) {
	for _, name := range []string{"eks", "team.prod.eks", "a-very-long-stack-name-that-goes-on-and-on-and-on-for-a-while"} {
		t.Run(name, func(t *testing.T) {
			in := stack(t, "eks")
			in.Stack = name
			inv := run(t, in).Inventory
			var prefix string
			for _, r := range inv.OfType("aws:iam/role:Role") {
				if r.Name == "cluster-cluster" {
					prefix = r.String("namePrefix")
				}
			}
			assert.LessOrEqual(t, len(prefix), 64-26)
			assert.Regexp(t, `^[0-9A-Za-z][0-9A-Za-z_-]*-$`, prefix)
			cluster := one(t, inv, eksCluster).String("name")
			assert.True(t, strings.HasPrefix(cluster, prefix), cluster)
			assert.Regexp(t, `^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$`, cluster, "a valid EKS cluster name")
		})
	}
}
