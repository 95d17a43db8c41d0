// Package managed builds managed Kubernetes from raw provider resources (not the
// pulumi-eks remote component, whose children mocks, counts and costs cannot see): EKS
// on AWS (eks.go) and GKE on GCP (gke.go), on the network components.
package managed

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/components/iampolicy"
	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type tokens.
const (
	EksClusterType = "clusterbench:managed:EksCluster"
	GkeClusterType = "clusterbench:managed:GkeCluster"
)

// EKS settings the spec does not expose (terraform-aws-eks's defaults where it has one).
const (
	eksLogRetentionDays = 30
	// AL2023 is the current EKS-optimised AMI family, for x86 and for Graviton (arm64);
	// its root device is /dev/xvda.
	eksAmiTypeX86 = "AL2023_x86_64_STANDARD"
	eksAmiTypeArm = "AL2023_ARM_64_STANDARD"
	eksRootDevice = "/dev/xvda"
	// ebsCsiServiceAccount is the controller's service account in the aws-ebs-csi-driver
	// add-on, which its IRSA role trusts.
	ebsCsiServiceAccount = "system:serviceaccount:kube-system:ebs-csi-controller-sa"
	// vpcCniServiceAccount runs the vpc-cni add-on's aws-node DaemonSet.
	vpcCniServiceAccount = "system:serviceaccount:kube-system:aws-node"
)

// EksArgs configure an EKS cluster.
type EksArgs struct {
	Spec    *spec.Spec
	Network *network.AwsNetwork
	// Partition is the AWS partition ("aws", "aws-cn", "aws-us-gov") for managed policy ARNs.
	Partition string
	// Deployer is the IAM principal running Pulumi: a user's ARN, or for an assumed-role
	// session the role's ARN (iam.GetSessionContext's issuer ARN), never the STS ARN.
	// It gets a cluster-admin access entry of its own unless adminPrincipals lists it.
	Deployer string
}

// EksCluster is an EKS control plane with one managed node group and the core add-ons.
type EksCluster struct {
	pulumi.ResourceState

	ClusterName     pulumi.StringOutput
	Endpoint        pulumi.StringOutput
	OidcProviderArn pulumi.StringOutput
	NodeRoleArn     pulumi.StringOutput
	// Kubeconfig is a secret: it names the cluster and its CA, and kubectl fetches a
	// token with `aws eks get-token`.
	Kubeconfig pulumi.StringOutput
}

// NewEksCluster builds the cluster.
func NewEksCluster(ctx *pulumi.Context, name string, args *EksArgs, opts ...pulumi.ResourceOption) (*EksCluster, error) {
	c := &EksCluster{}
	if err := ctx.RegisterComponentResource(EksClusterType, name, c, opts...); err != nil {
		return nil, err
	}
	b := &eksBuilder{ctx: ctx, name: name, args: args, s: args.Spec, parent: pulumi.Parent(c)}
	steps := []func() error{b.controlPlane, b.privateEndpointAccess, b.oidcProvider, b.nodeRole, b.coreAddons, b.nodeGroup, b.lateAddons, b.accessEntries}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	c.ClusterName = b.cluster.Name
	c.Endpoint = b.cluster.Endpoint
	c.OidcProviderArn = b.oidc.Arn
	c.NodeRoleArn = b.nodeRoleRes.Arn
	c.Kubeconfig = pulumi.ToSecret(pulumi.All(b.cluster.Name, b.cluster.Endpoint, b.cluster.CertificateAuthority.Data().Elem()).
		ApplyT(func(v []any) (string, error) {
			cluster := v[0].(string)
			return kubeconfig(cluster, v[1].(string), v[2].(string), execCredential{
				Command: "aws",
				Args:    []string{"eks", "get-token", "--cluster-name", cluster, "--region", args.Spec.Region, "--output", "json"},
				Hint:    "install the AWS CLI v2 and log in to the account that owns the cluster",
			})
		})).(pulumi.StringOutput)
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName": c.ClusterName, "endpoint": c.Endpoint, "oidcProviderArn": c.OidcProviderArn,
		"nodeRoleArn": c.NodeRoleArn, "kubeconfig": c.Kubeconfig,
	})
}

// eksBuilder carries what the steps share; each step adds one concern's resources.
type eksBuilder struct {
	ctx  *pulumi.Context
	name string
	// clusterName is the cluster role's name, picked by IAM on the role's creation (see
	// controlPlane).
	clusterName pulumi.StringOutput
	args        *EksArgs
	s           *spec.Spec
	parent      pulumi.ResourceOption

	cluster     *eks.Cluster
	oidc        *iam.OpenIdConnectProvider
	nodeRoleRes *iam.Role
	nodeDeps    []pulumi.Resource // what must exist before nodes join
	nodes       *eks.NodeGroup
}

func (b *eksBuilder) managedPolicy(path string) pulumi.String {
	return pulumi.String(fmt.Sprintf("arn:%s:iam::aws:policy/%s", b.args.Partition, path))
}

// eksNamePrefixMax: an IAM role name is at most 64 characters, and a name prefix leaves
// 26 of them to the provider's unique suffix.
const eksNamePrefixMax = 64 - 26

// eksNamePrefix is "<stack>-<name>-", cut to eksNamePrefixMax, in the characters both an
// IAM role name and an EKS cluster name allow ([0-9A-Za-z_-], starting alphanumeric).
func eksNamePrefix(stack, name string) string {
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, stack+"-"+name)
	clean = strings.TrimLeft(clean, "-_")
	if clean == "" {
		clean = "eks"
	}
	if len(clean) > eksNamePrefixMax-1 {
		clean = clean[:eksNamePrefixMax-1]
	}
	return clean + "-"
}

// controlPlane: the cluster role, the secrets key, the log group and the cluster.
//
// Names. EKS writes control-plane logs to /aws/eks/<cluster>/cluster and recreates that
// group while a deleted cluster shuts down, so a fixed cluster name makes the next
// `pulumi up` after `pulumi destroy` fail with ResourceAlreadyExistsException on the log
// group (terraform-aws-eks#2486, #2763); a second checkout with the same stack name in
// the account collides on both. A hash of project, stack and account would give the same
// name again, so the name must be chosen per creation, and known before the cluster
// exists (the log group comes first, or EKS creates it with logs kept forever). The
// cluster role is created first anyway: it is named by IAM from a prefix (the provider
// appends a 26-character timestamp and counter on every creation, whatever Pulumi's
// auto-naming is configured to), and the cluster and its log group take that name. A
// name prefix, not Pulumi's auto-name, so the stack's name stays readable in the
// console; pulumi-random, the usual way, is not available from the module proxy.
func (b *eksBuilder) controlPlane() error {
	ctx, name, s := b.ctx, b.name, b.s
	// The control plane's role: EKS manages ENIs and load balancers with it.
	role, err := iam.NewRole(ctx, name+"-cluster", &iam.RoleArgs{
		NamePrefix:       pulumi.String(eksNamePrefix(ctx.Stack(), name)),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("eks.amazonaws.com")),
	}, b.parent)
	if err != nil {
		return err
	}
	b.clusterName = role.Name
	attach, err := iam.NewRolePolicyAttachment(ctx, name+"-cluster-policy", &iam.RolePolicyAttachmentArgs{
		Role: role.Name, PolicyArn: b.managedPolicy("AmazonEKSClusterPolicy"),
	}, b.parent)
	if err != nil {
		return err
	}
	// Envelope encryption of Kubernetes secrets, with yearly key rotation.
	key, err := kms.NewKey(ctx, name+"-secrets", &kms.KeyArgs{
		Description:       pulumi.Sprintf("EKS secrets envelope encryption for %s", b.clusterName),
		EnableKeyRotation: pulumi.Bool(true), DeletionWindowInDays: pulumi.Int(30),
	}, b.parent)
	if err != nil {
		return err
	}
	// EKS writes control-plane logs to this exact group; creating it first sets retention
	// (EKS would otherwise create it with logs kept forever).
	logs, err := cloudwatch.NewLogGroup(ctx, name+"-control-plane", &cloudwatch.LogGroupArgs{
		Name: pulumi.Sprintf("/aws/eks/%s/cluster", b.clusterName), RetentionInDays: pulumi.Int(eksLogRetentionDays),
	}, b.parent, pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return err
	}
	// EKS uses the secrets key as the cluster role (terraform-aws-eks grants the same four
	// actions on the key alone).
	keyAccess, err := iam.NewRolePolicy(ctx, name+"-cluster-secrets-key", &iam.RolePolicyArgs{
		Role: role.ID(),
		Policy: key.Arn.ApplyT(func(arn string) (string, error) {
			return iampolicy.Document(iampolicy.Statement{
				Effect:   "Allow",
				Action:   []string{"kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"},
				Resource: arn,
			})
		}).(pulumi.StringOutput),
	}, b.parent)
	if err != nil {
		return err
	}
	publicCidrs := pulumi.StringArray{}
	if s.Endpoint.Public {
		publicCidrs = pulumi.ToStringArray(s.AdminCidrs)
	}
	subnets := b.args.Network.PrivateSubnetIDs
	if len(b.args.Network.PrivateSubnets) == 0 {
		subnets = b.args.Network.PublicSubnetIDs
	}
	clusterOpts := []pulumi.ResourceOption{b.parent, pulumi.DependsOn([]pulumi.Resource{attach, keyAccess, logs}),
		// EKS upgrades a cluster itself when its version leaves standard support (policy
		// STANDARD); the next `pulumi up` must not try to downgrade it. The bootstrap flag
		// is create-only: a cluster created with it on (by an earlier version of this
		// program) must not be replaced for it (README: import its creator's entry).
		pulumi.IgnoreChanges([]string{"version", "accessConfig.bootstrapClusterCreatorAdminPermissions"}),
		// A replacement keeps the role and so the name: it must delete first or collide.
		pulumi.DeleteBeforeReplace(true),
		// The pinned provider has no EKS deletion protection; Pulumi's protect refuses
		// `pulumi destroy` until `pulumi state unprotect` (README).
		pulumi.Protect(s.DeletionProtection)}
	b.cluster, err = eks.NewCluster(ctx, name, &eks.ClusterArgs{
		Name:    b.clusterName,
		RoleArn: role.Arn,
		Version: pulumi.String(s.KubernetesVersion),
		VpcConfig: eks.ClusterVpcConfigArgs{
			SubnetIds:             subnets,
			EndpointPrivateAccess: pulumi.Bool(true),
			EndpointPublicAccess:  pulumi.Bool(s.Endpoint.Public),
			PublicAccessCidrs:     publicCidrs,
		},
		EnabledClusterLogTypes: pulumi.ToStringArray([]string{"api", "audit", "authenticator"}),
		EncryptionConfig: eks.ClusterEncryptionConfigArgs{
			Provider:  eks.ClusterEncryptionConfigProviderArgs{KeyArn: key.Arn},
			Resources: pulumi.ToStringArray([]string{"secrets"}),
		},
		// The API default is EXTENDED: $0.60/h instead of $0.10/h once the version leaves
		// standard support (AWS Containers blog, extended support pricing, 2024-04-01).
		UpgradePolicy: eks.ClusterUpgradePolicyArgs{SupportType: pulumi.String("STANDARD")},
		// Never bootstrapped: the creator's bootstrapped entry is outside Pulumi's state
		// (it can never be revoked), and whether the creator is listed changes later,
		// when adding it gets a 409 ResourceInUseException and removing it deletes its
		// only entry (terraform-aws-eks#3293, #2969). accessEntries admits the deployer
		// with an entry of its own instead, as terraform-aws-eks's
		// enable_cluster_creator_admin_permissions does.
		AccessConfig: eks.ClusterAccessConfigArgs{
			AuthenticationMode:                      pulumi.String("API"),
			BootstrapClusterCreatorAdminPermissions: pulumi.Bool(false),
		},
		// The core add-ons below are EKS managed add-ons, not the self-managed copies.
		BootstrapSelfManagedAddons: pulumi.Bool(false),
	}, clusterOpts...)
	return err
}

// privateEndpointAccess: with the public endpoint off, adminCidrs reach the API through
// the private endpoint, which the cluster security group guards; EKS's own rules admit
// only the cluster's members. Each adminCidr gets port 443 there (EKS user guide,
// "Cluster API server endpoint": accessing a private only API server needs the cluster
// security group to allow ingress on 443 from the connected network). With the public
// endpoint on, publicAccessCidrs already limit it to adminCidrs.
func (b *eksBuilder) privateEndpointAccess() error {
	if b.s.Endpoint.Public {
		return nil
	}
	for _, cidr := range b.s.AdminCidrs {
		if _, err := vpc.NewSecurityGroupIngressRule(b.ctx, fmt.Sprintf("%s-api-from-%s", b.name, strings.ReplaceAll(cidr, "/", "-")), &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: b.cluster.VpcConfig.ClusterSecurityGroupId().Elem(),
			CidrIpv4:        pulumi.String(cidr),
			IpProtocol:      pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443),
			Description: pulumi.String("Kubernetes API (private endpoint) from adminCidrs " + cidr),
		}, b.parent); err != nil {
			return err
		}
	}
	return nil
}

// oidcProvider lets pods assume IAM roles through their service accounts (IRSA).
func (b *eksBuilder) oidcProvider() error {
	var err error
	b.oidc, err = iam.NewOpenIdConnectProvider(b.ctx, b.name+"-oidc", &iam.OpenIdConnectProviderArgs{
		Url:           oidcIssuer(b.cluster),
		ClientIdLists: pulumi.ToStringArray([]string{"sts.amazonaws.com"}),
	}, b.parent)
	return err
}

// oidcIssuer is the cluster's OIDC issuer URL. Read defensively: the list is a
// computed output, empty until the cluster exists (and under stand-in providers).
func oidcIssuer(c *eks.Cluster) pulumi.StringOutput {
	return c.Identities.ApplyT(func(ids []eks.ClusterIdentity) string {
		for _, id := range ids {
			for _, o := range id.Oidcs {
				if o.Issuer != nil {
					return *o.Issuer
				}
			}
		}
		return ""
	}).(pulumi.StringOutput)
}

// nodeRole is the nodes' role: join the cluster and pull from ECR. Not the VPC CNI's
// AmazonEKS_CNI_Policy (it may create and delete any ENI in the account, and every pod
// that reaches the node's credentials would hold it): the CNI gets its own IRSA role
// (coreAddons), as EKS's user guide recommends ("Configure Amazon VPC CNI plugin to use
// IRSA"). terraform-aws-eks's iam_role_attach_cni_policy = false does the same and warns
// that the permissions must then reach aws-node another way or nodes never join.
func (b *eksBuilder) nodeRole() error {
	var err error
	b.nodeRoleRes, err = iam.NewRole(b.ctx, b.name+"-node", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("ec2.amazonaws.com"))}, b.parent)
	if err != nil {
		return err
	}
	for _, policy := range []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"} {
		a, err := iam.NewRolePolicyAttachment(b.ctx, b.name+"-node-"+policy, &iam.RolePolicyAttachmentArgs{
			Role: b.nodeRoleRes.Name, PolicyArn: b.managedPolicy(policy),
		}, b.parent)
		if err != nil {
			return err
		}
		b.nodeDeps = append(b.nodeDeps, a)
	}
	return nil
}

// coreAddons must run before nodes join: without the CNI no node becomes Ready. The
// CNI's role (and its policy) exists before the add-on, so aws-node starts with it.
func (b *eksBuilder) coreAddons() error {
	cni, cniPolicy, err := b.irsaRole("vpc-cni", vpcCniServiceAccount, "AmazonEKS_CNI_Policy")
	if err != nil {
		return err
	}
	a, err := b.addon("vpc-cni", cni.Arn, cniPolicy)
	if err != nil {
		return err
	}
	b.nodeDeps = append(b.nodeDeps, a)
	if a, err = b.addon("kube-proxy", nil); err != nil {
		return err
	}
	b.nodeDeps = append(b.nodeDeps, a)
	return nil
}

// lateAddons need running nodes (their pods must schedule for the add-on to be Active).
func (b *eksBuilder) lateAddons() error {
	if _, err := b.addon("coredns", nil); err != nil {
		return err
	}
	role, policy, err := b.irsaRole("ebs-csi", ebsCsiServiceAccount, "service-role/AmazonEBSCSIDriverPolicy")
	if err != nil {
		return err
	}
	_, err = b.addon("aws-ebs-csi-driver", role.Arn, policy)
	return err
}

// addon is one EKS managed add-on at the version EKS reports as the most recent for the
// cluster's Kubernetes version (eks.GetAddonVersion, mostRecent). Without a version EKS
// picks its default once, at creation, and a control-plane upgrade leaves the add-on
// behind; pinned to the cluster's own version output (which follows EKS's automatic
// upgrades after a refresh), the next `pulumi up` brings the add-ons along.
func (b *eksBuilder) addon(addon string, serviceAccountRole pulumi.StringInput, deps ...pulumi.Resource) (*eks.Addon, error) {
	if b.nodes != nil {
		deps = append(deps, b.nodes)
	}
	opts := []pulumi.ResourceOption{b.parent}
	if len(deps) > 0 {
		opts = append(opts, pulumi.DependsOn(deps))
	}
	version := eks.GetAddonVersionOutput(b.ctx, eks.GetAddonVersionOutputArgs{
		AddonName: pulumi.String(addon), KubernetesVersion: b.cluster.Version, MostRecent: pulumi.Bool(true),
	}).Version()
	return eks.NewAddon(b.ctx, b.name+"-"+addon, &eks.AddonArgs{
		ClusterName: b.cluster.Name, AddonName: pulumi.String(addon), AddonVersion: version,
		ServiceAccountRoleArn: serviceAccountRole,
		// Take over whatever EKS put there on create; keep user changes on update.
		ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
		ResolveConflictsOnUpdate: pulumi.String("PRESERVE"),
	}, opts...)
}

// irsaRole is an add-on's IRSA role holding one managed policy: only the add-on's
// service account, through the cluster's OIDC provider, may assume it. It returns the
// role and its policy attachment (what the add-on must wait for).
func (b *eksBuilder) irsaRole(short, serviceAccount, policy string) (*iam.Role, pulumi.Resource, error) {
	trust := pulumi.All(b.oidc.Arn, b.oidc.Url).ApplyT(func(v []any) (string, error) {
		// The condition keys are the issuer without its scheme, however the URL is stored.
		issuer := strings.TrimPrefix(v[1].(string), "https://")
		return iampolicy.Document(iampolicy.Statement{
			Effect:    "Allow",
			Principal: map[string]any{"Federated": v[0].(string)},
			Action:    "sts:AssumeRoleWithWebIdentity",
			Condition: map[string]any{"StringEquals": map[string]any{
				issuer + ":sub": serviceAccount,
				issuer + ":aud": "sts.amazonaws.com",
			}},
		})
	}).(pulumi.StringOutput)
	role, err := iam.NewRole(b.ctx, b.name+"-"+short, &iam.RoleArgs{AssumeRolePolicy: trust}, b.parent)
	if err != nil {
		return nil, nil, err
	}
	attach, err := iam.NewRolePolicyAttachment(b.ctx, b.name+"-"+short, &iam.RolePolicyAttachmentArgs{
		Role: role.Name, PolicyArn: b.managedPolicy(policy),
	}, b.parent)
	return role, attach, err
}

// nodeGroup is one managed node group over the node subnets of every zone.
func (b *eksBuilder) nodeGroup() error {
	ctx, s := b.ctx, b.s
	// IMDSv2 only, hop limit 1: a pod's request to the metadata service crosses one more
	// hop than the node's and gets no answer, so pods cannot take the node role's
	// credentials; they get their own through IRSA. This is AWS's recommendation (EKS
	// best practices guide, "Restrict access to the instance profile assigned to the
	// worker node"), not terraform-aws-eks's default, which is 2
	// (modules/eks-managed-node-group/variables.tf, metadata_options). Pods that read
	// their VPC or region from IMDS must be told instead (README: the AWS Load Balancer
	// Controller needs --aws-vpc-id and --aws-region).
	lt, err := ec2.NewLaunchTemplate(ctx, b.name+"-nodes", &ec2.LaunchTemplateArgs{
		MetadataOptions: ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint: pulumi.String("enabled"), HttpTokens: pulumi.String("required"), HttpPutResponseHopLimit: pulumi.Int(1),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String(eksRootDevice),
			Ebs: ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize: pulumi.Int(s.Workers.DiskGb), VolumeType: pulumi.String("gp3"),
				Encrypted: pulumi.String("true"), DeleteOnTermination: pulumi.String("true"),
			},
		}},
		UpdateDefaultVersion: pulumi.Bool(true),
	}, b.parent)
	if err != nil {
		return err
	}
	b.nodes, err = eks.NewNodeGroup(ctx, b.name+"-workers", &eks.NodeGroupArgs{
		// No fixed name: Pulumi's auto-name lets a machine-type change replace the group
		// create-before-delete without a name collision.
		ClusterName: b.cluster.Name,
		// Nodes follow the control plane's version (after a refresh, the one EKS upgraded
		// it to), one minor version at a time as EKS requires.
		Version:       b.cluster.Version,
		NodeRoleArn:   b.nodeRoleRes.Arn,
		SubnetIds:     b.args.Network.NodeSubnetIDs,
		AmiType:       pulumi.String(eksAmiType(s.Workers.MachineType)),
		CapacityType:  pulumi.String("ON_DEMAND"),
		InstanceTypes: pulumi.ToStringArray([]string{s.Workers.MachineType}),
		ScalingConfig: eks.NodeGroupScalingConfigArgs{
			DesiredSize: pulumi.Int(s.Workers.Count), MinSize: pulumi.Int(s.Workers.Min), MaxSize: pulumi.Int(s.Workers.Max),
		},
		UpdateConfig:   eks.NodeGroupUpdateConfigArgs{MaxUnavailable: pulumi.Int(1)},
		LaunchTemplate: eks.NodeGroupLaunchTemplateArgs{Id: lt.ID(), Version: pulumi.Sprintf("%v", lt.LatestVersion)},
	}, b.parent, pulumi.DependsOn(b.nodeDeps),
		// A cluster autoscaler (Cluster Autoscaler or Karpenter) owns the desired size
		// after creation; min and max stay the config's bounds.
		pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}))
	return err
}

// eksAmiType is the node group's AMI type for its instance type. A fixed x86 type fails
// node-group creation on Graviton ("not a valid instance type for requested amiType";
// EKS API reference, Nodegroup amiType). GPU and accelerator types are refused in
// validation.
func eksAmiType(machineType string) string {
	if spec.Ec2Graviton(machineType) {
		return eksAmiTypeArm
	}
	return eksAmiTypeX86
}

// principalKey reduces an IAM ARN, or the STS ARN of a role's session, to
// "account:role/name" or "account:user/name" (paths dropped).
func principalKey(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return arn
	}
	account, res := parts[4], parts[5]
	if rest, ok := strings.CutPrefix(res, "assumed-role/"); ok {
		role, _, _ := strings.Cut(rest, "/")
		return account + ":role/" + role
	}
	kind, name, _ := strings.Cut(res, "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return account + ":" + kind + "/" + name
}

// admins are the principals that get a cluster-admin access entry: every
// adminPrincipal, and the deployer unless it is listed (EKS refuses a second entry for
// one principal). Each is keyed by principalKey, which names its resources: the
// deployer's entry is the same resource whether it comes from the list or not, so
// listing or unlisting the deployer later replaces nothing.
func (b *eksBuilder) admins() (keys []string, arns map[string]string) {
	arns = map[string]string{}
	add := func(arn string) {
		if arn == "" {
			return
		}
		k := principalKey(arn)
		if _, ok := arns[k]; !ok {
			keys = append(keys, k)
			arns[k] = arn
		}
	}
	for _, p := range b.s.AdminPrincipals {
		add(p)
	}
	add(b.args.Deployer)
	return keys, arns
}

// accessEntries admit each admin as cluster admin, in Pulumi's state (revocable).
func (b *eksBuilder) accessEntries() error {
	keys, arns := b.admins()
	for _, key := range keys {
		// Named after the principal (account and name), so reordering the list replaces
		// nothing and the same role name in two accounts does not collide.
		rname := fmt.Sprintf("%s-admin-%s", b.name, strings.NewReplacer("/", "-", ":", "-").Replace(key))
		entry, err := eks.NewAccessEntry(b.ctx, rname, &eks.AccessEntryArgs{
			ClusterName: b.cluster.Name, PrincipalArn: pulumi.String(arns[key]), Type: pulumi.String("STANDARD"),
		}, b.parent)
		if err != nil {
			return err
		}
		if _, err := eks.NewAccessPolicyAssociation(b.ctx, rname, &eks.AccessPolicyAssociationArgs{
			ClusterName: b.cluster.Name, PrincipalArn: entry.PrincipalArn,
			PolicyArn:   pulumi.Sprintf("arn:%s:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", b.args.Partition),
			AccessScope: eks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")},
		}, b.parent); err != nil {
			return err
		}
	}
	return nil
}
