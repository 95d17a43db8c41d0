package program

import (
	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/selfmanaged/awsmodel"
	"github.com/clusterbench/clusterbench/components/selfmanaged/gcemodel"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func init() {
	builders[[2]string{spec.AWS, spec.SelfManaged}] = buildSelfManagedAWS
	builders[[2]string{spec.GCP, spec.SelfManaged}] = buildSelfManagedGCP
}

// buildSelfManagedAWS: the VPC, then the kops-style cluster over it.
func buildSelfManagedAWS(ctx *pulumi.Context, s *spec.Spec) error {
	base, err := newAwsNodes(ctx, s)
	if err != nil {
		return err
	}
	cluster, err := awsmodel.NewCluster(ctx, "cluster", &awsmodel.Args{
		Spec: s, Network: base.net, Partition: base.partition, AccountID: base.accountID, ImageID: base.imageID,
	})
	if err != nil {
		return err
	}
	ctx.Export("vpcId", base.net.VpcID)
	exportKubeadmCluster(ctx, base.net.Zones, kubeadmCluster{cluster.ClusterName, cluster.APIEndpoint, cluster.MemberGroups,
		cluster.WorkerGroup, cluster.SnapshotBucket, cluster.StorePath, cluster.KubeconfigCommand})
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
	exportKubeadmCluster(ctx, net.Zones, kubeadmCluster{cluster.ClusterName, cluster.APIEndpoint, cluster.MemberGroups,
		cluster.WorkerGroup, cluster.SnapshotBucket, cluster.StorePath, cluster.KubeconfigCommand})
	return nil
}

// kubeadmCluster is what both clouds' self-managed clusters export.
type kubeadmCluster struct {
	name                        string
	apiEndpoint                 pulumi.StringOutput
	memberGroups                pulumi.StringArrayOutput
	workerGroup, snapshotBucket pulumi.StringOutput
	storePath                   pulumi.StringOutput
	kubeconfigCommand           pulumi.StringOutput
}

func exportKubeadmCluster(ctx *pulumi.Context, zones []string, c kubeadmCluster) {
	ctx.Export("zones", pulumi.ToStringArray(zones))
	ctx.Export("clusterName", pulumi.String(c.name))
	ctx.Export("apiEndpoint", c.apiEndpoint)
	ctx.Export("controlPlaneGroups", c.memberGroups)
	ctx.Export("workerGroup", c.workerGroup)
	ctx.Export("snapshotBucket", c.snapshotBucket)
	// Where the nodes keep the join material: it names the network, so a stack created
	// again has a new one.
	ctx.Export("storePath", c.storePath)
	// No kubeconfig: kubeadm init writes it on a member at boot, after the deployment;
	// that member publishes it in the store, and this command fetches it.
	ctx.Export("kubeconfigCommand", c.kubeconfigCommand)
}
