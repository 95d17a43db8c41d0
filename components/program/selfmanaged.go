package program

import (
	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/selfmanaged/awsmodel"
	"github.com/clusterbench/clusterbench/components/selfmanaged/gcemodel"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func init() {
	builders[[2]string{spec.AWS, spec.SelfManaged}] = buildSelfManagedAWS
	builders[[2]string{spec.GCP, spec.SelfManaged}] = buildSelfManagedGCP
}

// buildSelfManagedAWS: the VPC, then the kops-style cluster over it.
func buildSelfManagedAWS(ctx *pulumi.Context, s *spec.Spec) error {
	partition, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{})
	if err != nil {
		return err
	}
	caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{})
	if err != nil {
		return err
	}
	image, err := nodegroup.LookupAwsImage(ctx)
	if err != nil {
		return err
	}
	net, err := network.NewAwsNetwork(ctx, "network", &network.Args{Spec: s})
	if err != nil {
		return err
	}
	cluster, err := awsmodel.NewCluster(ctx, "cluster", &awsmodel.Args{
		Spec: s, Network: net, Partition: partition.Partition, AccountID: caller.AccountId, ImageID: image,
	})
	if err != nil {
		return err
	}
	ctx.Export("vpcId", net.VpcID)
	ctx.Export("zones", pulumi.ToStringArray(net.Zones))
	ctx.Export("clusterName", pulumi.String(cluster.ClusterName))
	ctx.Export("apiEndpoint", cluster.APIEndpoint)
	ctx.Export("controlPlaneGroups", cluster.MemberGroups)
	ctx.Export("workerGroup", cluster.WorkerGroup)
	ctx.Export("snapshotBucket", cluster.SnapshotBucket)
	ctx.Export("storePath", pulumi.String(cluster.StorePath))
	// No kubeconfig: kubeadm init writes it on a member at boot, after the deployment;
	// that member publishes it in the store, and this command fetches it.
	ctx.Export("kubeconfigCommand", cluster.KubeconfigCommand)
	return nil
}

// buildSelfManagedGCP: the VPC network, then the kops-style cluster in it.
func buildSelfManagedGCP(ctx *pulumi.Context, s *spec.Spec) error {
	net, err := network.NewGcpNetwork(ctx, "network", &network.Args{Spec: s})
	if err != nil {
		return err
	}
	cluster, err := gcemodel.NewCluster(ctx, "cluster", &gcemodel.Args{Spec: s, Network: net})
	if err != nil {
		return err
	}
	ctx.Export("networkId", net.NetworkID)
	ctx.Export("zones", pulumi.ToStringArray(net.Zones))
	ctx.Export("clusterName", pulumi.String(cluster.ClusterName))
	ctx.Export("apiEndpoint", cluster.APIEndpoint)
	ctx.Export("controlPlaneGroups", cluster.MemberGroups)
	ctx.Export("workerGroup", cluster.WorkerGroup)
	ctx.Export("snapshotBucket", cluster.SnapshotBucket)
	ctx.Export("storePath", pulumi.String(cluster.StorePath))
	// No kubeconfig: kubeadm init writes it on a member at boot, after the deployment;
	// that member publishes it in the store, and this command fetches it.
	ctx.Export("kubeconfigCommand", cluster.KubeconfigCommand)
	return nil
}
