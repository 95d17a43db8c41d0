// Package gcemodel builds self-managed, kops-style Kubernetes on GCE
// (clusterbench:selfmanaged:GcpCluster): one zonal managed instance group of exactly one
// VM per control-plane member, with its etcd on pd-ssd disks in its zone; one regional
// worker group with an autoscaler; the API behind a passthrough network load balancer;
// kubeadm bootstraps every node from the one script in scripts/. One file per concern,
// the same file names as awsmodel (and as kops's pkg/model/gcemodel).
package gcemodel

import (
	"fmt"

	"github.com/clusterbench/clusterbench/components/gcpname"
	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Args configure a self-managed cluster on GCE.
type Args struct {
	Spec    *spec.Spec
	Network *network.GcpNetwork
}

// Cluster is the control plane, its etcd disks and snapshot bucket, the API load
// balancer and the workers.
type Cluster struct {
	pulumi.ResourceState

	ClusterName string
	// APIEndpoint is the load balancer's address with the API port: the
	// controlPlaneEndpoint of every kubeadm configuration.
	APIEndpoint pulumi.StringOutput
	// MemberGroups are the members' managed instance group names, in member order.
	MemberGroups pulumi.StringArrayOutput
	WorkerGroup  pulumi.StringOutput
	// SnapshotBucket receives the etcd snapshots.
	SnapshotBucket pulumi.StringOutput
	// StorePath is the prefix of the Secret Manager secrets, <stack>-k8s-<suffix of the
	// network's name>: secret <StorePath>-<key> per store key.
	StorePath pulumi.StringOutput
	// KubeconfigCommand prints the admin kubeconfig. kubeadm init writes it on the member
	// that wins the lock, at boot, so no deploy-time output can hold it; that member
	// publishes it in the store.
	KubeconfigCommand pulumi.StringOutput
}

// NewCluster builds the cluster.
func NewCluster(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	c := &Cluster{ClusterName: selfmanaged.ClusterName(ctx.Stack(), name), StorePath: storePath(ctx.Stack(), args.Network.NetworkName)}
	if err := ctx.RegisterComponentResource(selfmanaged.GcpClusterType, name, c, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, args: args, s: args.Spec, cluster: c.ClusterName, parent: pulumi.Parent(c),
		members: selfmanaged.Members(args.Spec.ControlPlane.Count, args.Network.Zones), storePath: c.StorePath}
	steps := []func() error{b.serviceAccounts, b.firewall, b.store, b.datadogKey, b.snapshots, b.etcdDisks, b.apiAddress,
		b.memberGroups, b.apiLoadBalancer, b.workerGroup}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	c.APIEndpoint = pulumi.Sprintf("%s:%d", b.address.Address, selfmanaged.APIPort)
	names := pulumi.StringArray{}
	for _, g := range b.memberMIGs {
		names = append(names, g.Zonal.Name)
	}
	c.MemberGroups = names.ToStringArrayOutput()
	c.WorkerGroup = b.workerMIGName()
	c.SnapshotBucket = b.bucket.Name
	c.KubeconfigCommand = b.kubeconfigCommand()
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName": pulumi.String(c.ClusterName), "apiEndpoint": c.APIEndpoint, "memberGroups": c.MemberGroups,
		"workerGroup": c.WorkerGroup, "snapshotBucket": c.SnapshotBucket, "storePath": c.StorePath,
		"kubeconfigCommand": c.KubeconfigCommand,
	})
}

// kubeconfigCommand prints the admin kubeconfig the init member published.
func (b *builder) kubeconfigCommand() pulumi.StringOutput {
	return pulumi.Sprintf("gcloud secrets versions access latest --project %s --secret %s > kubeconfig",
		b.s.Project, b.secrets[selfmanaged.AdminKubeconfigKey].SecretId)
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
	// storePath prefixes the store's secret ids (store.go).
	storePath pulumi.StringOutput

	controlPlaneSA, nodeSA *serviceaccount.Account
	// iamReady: the grants a node uses at boot.
	iamReady []pulumi.Resource
	secrets  map[string]*secretmanager.Secret
	bucket   *storage.Bucket
	// disks[member][EtcdVolumes name]
	disks      map[string]map[string]*compute.Disk
	address    *compute.Address
	memberMIGs []*nodegroup.GcpGroup
	workers    *nodegroup.GcpGroup
}

// labels every resource of the cluster carries.
func (b *builder) labels(extra ...string) pulumi.StringMap {
	m := pulumi.StringMap{ClusterLabel: pulumi.String(b.cluster)}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = pulumi.String(extra[i+1])
	}
	return m
}

// ClusterLabel marks everything of this cluster.
const ClusterLabel = "clusterbench-cluster"

// instancePrefix starts every VM and etcd disk name of the cluster: one project may hold
// several clusters.
func (b *builder) instancePrefix() string { return gcpname.Name(40, b.cluster) + "-" }

func (b *builder) workerMIGName() pulumi.StringOutput {
	if b.workers.Regional != nil {
		return b.workers.Regional.Name
	}
	return b.workers.Zonal.Name
}

func memberResourceName(name string, m selfmanaged.Member) string {
	return fmt.Sprintf("%s-%s", name, m.Name)
}
