// Package awsmodel builds self-managed, kops-style Kubernetes on EC2
// (clusterbench:selfmanaged:AwsCluster): one autoscaling group of exactly one instance per
// control-plane member, pinned to its zone, with its etcd on dedicated volumes in that
// zone; one worker group over the zones; the API behind a network load balancer; kubeadm
// bootstraps every node from the one script in scripts/. One file per concern, the same
// file names as gcemodel (and as kops's pkg/model/awsmodel).
package awsmodel

import (
	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Args configure a self-managed cluster on EC2.
type Args struct {
	Spec    *spec.Spec
	Network *network.AwsNetwork
	// Partition ("aws", "aws-cn", "aws-us-gov") and AccountID build the ARNs the
	// policies name.
	Partition string
	AccountID string
	// ImageID is the AMI every node boots (nodegroup.LookupAwsImage: Debian 12).
	ImageID string
}

// Cluster is the control plane, its etcd volumes and snapshot bucket, the API load
// balancer and the workers.
type Cluster struct {
	pulumi.ResourceState

	ClusterName string
	// APIEndpoint is the load balancer's DNS name with the API port: the
	// controlPlaneEndpoint of every kubeadm configuration.
	APIEndpoint pulumi.StringOutput
	// MemberGroups are the control-plane members' autoscaling group names, in member order.
	MemberGroups pulumi.StringArrayOutput
	WorkerGroup  pulumi.StringOutput
	// SnapshotBucket receives the etcd snapshots.
	SnapshotBucket pulumi.StringOutput
	// StorePath is the SSM parameter path of the join material,
	// /clusterbench/<stack>/k8s/<vpc id>.
	StorePath pulumi.StringOutput
	// KubeconfigCommand prints the admin kubeconfig. kubeadm init writes it on the member
	// that wins the lock, at boot, so no deploy-time output can hold it; that member
	// publishes it in the store.
	KubeconfigCommand pulumi.StringOutput
}

// NewCluster builds the cluster.
func NewCluster(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	c := &Cluster{ClusterName: selfmanaged.ClusterName(ctx.Stack(), name), StorePath: storePath(ctx.Stack(), args.Network.VpcID)}
	if err := ctx.RegisterComponentResource(selfmanaged.AwsClusterType, name, c, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, args: args, s: args.Spec, cluster: c.ClusterName, parent: pulumi.Parent(c),
		members: selfmanaged.Members(args.Spec.ControlPlane.Count, args.Network.Zones), storePath: c.StorePath}
	steps := []func() error{b.firewall, b.snapshots, b.apiLoadBalancer, b.iam, b.datadogKey, b.etcdVolumes, b.memberGroups, b.workerGroup}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	c.APIEndpoint = pulumi.Sprintf("%s:%d", b.lb.DnsName, selfmanaged.APIPort)
	names := pulumi.StringArray{}
	for _, g := range b.memberASGs {
		names = append(names, g.Group.Name)
	}
	c.MemberGroups = names.ToStringArrayOutput()
	c.WorkerGroup = b.workers.Group.Name
	c.SnapshotBucket = b.bucket.ID().ToStringOutput()
	c.KubeconfigCommand = b.kubeconfigCommand()
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName": pulumi.String(c.ClusterName), "apiEndpoint": c.APIEndpoint, "memberGroups": c.MemberGroups,
		"workerGroup": c.WorkerGroup, "snapshotBucket": c.SnapshotBucket, "storePath": c.StorePath,
		"kubeconfigCommand": c.KubeconfigCommand,
	})
}

// kubeconfigCommand prints the admin kubeconfig the init member published (an
// Advanced-tier SecureString: admin.conf is larger than the Standard tier's 4 KB).
func (b *builder) kubeconfigCommand() pulumi.StringOutput {
	return pulumi.Sprintf("aws ssm get-parameter --region %s --name %s/%s --with-decryption --query Parameter.Value --output text > kubeconfig",
		b.s.Region, b.storePath, selfmanaged.AdminKubeconfigKey)
}

// builder carries what the steps share; each step adds one concern's resources.
type builder struct {
	ctx     *pulumi.Context
	name    string
	args    *Args
	s       *spec.Spec
	cluster string
	parent  pulumi.ResourceOption
	members []selfmanaged.Member
	// storePath is where the nodes keep the join material (store.go).
	storePath pulumi.StringOutput

	controlPlaneSG, nodeSG, apiSG *ec2.SecurityGroup
	bucket                        *s3.BucketV2
	lb                            *lb.LoadBalancer
	targetGroup                   *lb.TargetGroup
	controlPlaneProfile           *iam.InstanceProfile
	nodeProfile                   *iam.InstanceProfile
	// volumes[member][EtcdVolumes name]
	volumes    map[string]map[string]*ebs.Volume
	memberASGs []*nodegroup.AwsGroup
	workers    *nodegroup.AwsGroup
	// iamReady: the roles' policies (and the Datadog key), which must exist before an
	// instance boots.
	iamReady []pulumi.Resource
}

// ClusterTag marks everything of this cluster; the control plane may attach only
// volumes, to instances, that carry it with the cluster's name.
const ClusterTag = "clusterbench/cluster"

// tags are the tags every resource of the cluster carries, plus a Name.
func (b *builder) tags(name string, extra ...string) pulumi.StringMap {
	m := pulumi.StringMap{"Name": pulumi.String(name), ClusterTag: pulumi.String(b.cluster)}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = pulumi.String(extra[i+1])
	}
	return m
}
