package program

import (
	"github.com/clusterbench/clusterbench/components/kubeaddons"
	"github.com/clusterbench/clusterbench/components/managed"
	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/container"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/organizations"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func init() {
	builders[[2]string{spec.AWS, spec.Managed}] = buildEKS
	builders[[2]string{spec.GCP, spec.Managed}] = buildGKE
}

// buildEKS: the VPC, then the EKS cluster over it.
func buildEKS(ctx *pulumi.Context, s *spec.Spec) error {
	account, err := lookupAwsAccount(ctx)
	if err != nil {
		return err
	}
	// Access entries refuse an STS session ARN (arn:aws:sts::…:assumed-role/R/session):
	// the deployer's entry names the role behind it, with its path, as IAM gives it
	// (terraform-aws-eks uses the same issuer ARN; without the path EKS answers "invalid
	// principal", terraform-aws-eks#2969). For a user, the issuer ARN is its own ARN.
	session, err := iam.GetSessionContext(ctx, &iam.GetSessionContextArgs{Arn: account.callerArn})
	if err != nil {
		return err
	}
	net, err := network.NewAwsNetwork(ctx, "network", &network.Args{Spec: s})
	if err != nil {
		return err
	}
	cluster, err := managed.NewEksCluster(ctx, "cluster", &managed.EksArgs{Spec: s, Network: net, Partition: account.partition, Deployer: session.IssuerArn})
	if err != nil {
		return err
	}
	ctx.Export("vpcId", net.VpcID)
	ctx.Export("zones", pulumi.ToStringArray(net.Zones))
	ctx.Export("clusterName", cluster.ClusterName)
	ctx.Export("endpoint", cluster.Endpoint)
	ctx.Export("oidcProviderArn", cluster.OidcProviderArn)
	ctx.Export("nodeRoleArn", cluster.NodeRoleArn)
	ctx.Export("kubeconfig", cluster.Kubeconfig)
	return addons(ctx, s, cluster.Kubeconfig, cluster)
}

// addons: monitoring and the demo, through the Kubernetes provider configured from the
// cluster's kubeconfig, once the cluster and its nodes exist.
func addons(ctx *pulumi.Context, s *spec.Spec, kubeconfig pulumi.StringOutput, cluster pulumi.Resource) error {
	_, err := kubeaddons.New(ctx, "addons", &kubeaddons.Args{Spec: s, Kubeconfig: kubeconfig}, pulumi.DependsOn([]pulumi.Resource{cluster}))
	return err
}

// buildGKE: the VPC network, then the GKE cluster in it.
func buildGKE(ctx *pulumi.Context, s *spec.Spec) error {
	// Checked before anything is registered: GKE refuses a minimum version its release
	// channel does not offer yet, after the network would already exist.
	versions, err := container.GetEngineVersions(ctx, &container.GetEngineVersionsArgs{
		Location: pulumi.StringRef(s.Region), Project: pulumi.StringRef(s.Project),
	})
	if err != nil {
		return err
	}
	if err := managed.CheckGkeVersion(s, versions.ValidMasterVersions, versions.ReleaseChannelLatestVersion); err != nil {
		return err
	}
	// The project's number names the GKE service agent, which must be allowed to use
	// the secrets key.
	project, err := organizations.LookupProject(ctx, &organizations.LookupProjectArgs{ProjectId: pulumi.StringRef(s.Project)})
	if err != nil {
		return err
	}
	net, err := network.NewGcpNetwork(ctx, "network", &network.Args{Spec: s})
	if err != nil {
		return err
	}
	cluster, err := managed.NewGkeCluster(ctx, "cluster", &managed.GkeArgs{Spec: s, Network: net, ProjectNumber: project.Number})
	if err != nil {
		return err
	}
	ctx.Export("networkId", net.NetworkID)
	ctx.Export("zones", pulumi.ToStringArray(net.Zones))
	ctx.Export("clusterName", cluster.ClusterName)
	ctx.Export("endpoint", cluster.Endpoint)
	ctx.Export("location", pulumi.String(cluster.Location))
	ctx.Export("kubeconfig", cluster.Kubeconfig)
	return addons(ctx, s, cluster.Kubeconfig, cluster)
}
