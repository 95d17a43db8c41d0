package program

import (
	"strings"

	"github.com/clusterbench/clusterbench/components/managed"
	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func init() {
	builders[[2]string{spec.AWS, spec.Managed}] = buildEKS
	builders[[2]string{spec.GCP, spec.Managed}] = buildGKE
}

// buildEKS: the VPC, then the EKS cluster over it.
func buildEKS(ctx *pulumi.Context, s *spec.Spec) error {
	partition, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{})
	if err != nil {
		return err
	}
	caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{})
	if err != nil {
		return err
	}
	// Checked before anything is registered: EKS refuses a second admission of the
	// creator, and the half-built cluster would be left behind.
	if err := creatorNotListed(s, caller.Arn); err != nil {
		return err
	}
	net, err := network.NewAwsNetwork(ctx, "network", &network.Args{Spec: s})
	if err != nil {
		return err
	}
	cluster, err := managed.NewEksCluster(ctx, "cluster", &managed.EksArgs{Spec: s, Network: net, Partition: partition.Partition})
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
	return nil
}

// buildGKE: the VPC network, then the GKE cluster in it.
func buildGKE(ctx *pulumi.Context, s *spec.Spec) error {
	net, err := network.NewGcpNetwork(ctx, "network", &network.Args{Spec: s})
	if err != nil {
		return err
	}
	cluster, err := managed.NewGkeCluster(ctx, "cluster", &managed.GkeArgs{Spec: s, Network: net})
	if err != nil {
		return err
	}
	ctx.Export("networkId", net.NetworkID)
	ctx.Export("zones", pulumi.ToStringArray(net.Zones))
	ctx.Export("clusterName", cluster.ClusterName)
	ctx.Export("endpoint", cluster.Endpoint)
	ctx.Export("location", pulumi.String(cluster.Location))
	ctx.Export("kubeconfig", cluster.Kubeconfig)
	return nil
}

// creatorNotListed refuses an adminPrincipal that is the identity running Pulumi: EKS
// admits the creator through bootstrapClusterCreatorAdminPermissions, never both.
func creatorNotListed(s *spec.Spec, callerArn string) error {
	creator := principalKey(callerArn)
	for _, p := range s.AdminPrincipals {
		if principalKey(p) == creator {
			return &spec.Error{Source: "stack " + s.Stack, Problems: []spec.Problem{{
				Key: "clusterbench:adminPrincipals", Value: p,
				Message: "is the identity running pulumi, which EKS already admits as the cluster creator (bootstrapClusterCreatorAdminPermissions); remove it from the list",
			}}}
		}
	}
	return nil
}

// principalKey reduces an IAM ARN, or the STS ARN of a session of a role, to
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
