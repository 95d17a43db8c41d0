package awsmodel

import (
	"fmt"

	"github.com/clusterbench/clusterbench/components/iampolicy"
	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// iam: one role per node role, each with an inline policy naming exactly what the
// bootstrap and kubelet use (kops pkg/model/iam: separate master and node policies);
// no statement allows every action on every resource.
// Both name the store's parameters under the store path, which holds the VPC's id: the
// documents are built once it is known.
func (b *builder) iam() error {
	cpPolicy := pulumi.All(b.bucket.Arn, b.storePath).ApplyT(func(v []any) (string, error) {
		return iampolicy.Document(b.controlPlaneStatements(v[0].(string), v[1].(string))...)
	}).(pulumi.StringOutput)
	var err error
	if b.controlPlaneProfile, err = b.role("control-plane", cpPolicy); err != nil {
		return err
	}
	nodePolicy := b.storePath.ApplyT(func(path string) (string, error) {
		return iampolicy.Document(b.nodeStatements(path)...)
	}).(pulumi.StringOutput)
	b.nodeProfile, err = b.role("nodes", nodePolicy)
	return err
}

// role makes the role EC2 instances assume, its inline policy and its instance profile.
func (b *builder) role(role string, policy pulumi.StringOutput) (*iam.InstanceProfile, error) {
	name := b.name + "-" + role
	r, err := iam.NewRole(b.ctx, name, &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("ec2.amazonaws.com")), Tags: b.tags(b.cluster + "-" + role),
	}, b.parent)
	if err != nil {
		return nil, err
	}
	p, err := iam.NewRolePolicy(b.ctx, name, &iam.RolePolicyArgs{Role: r.ID(), Policy: policy}, b.parent)
	if err != nil {
		return nil, err
	}
	b.iamReady = append(b.iamReady, p)
	return iam.NewInstanceProfile(b.ctx, name, &iam.InstanceProfileArgs{Role: r.Name, Tags: b.tags(b.cluster + "-" + role)}, b.parent)
}

// controlPlaneStatements: what a member does at boot and while it runs, with the store
// under path.
func (b *builder) controlPlaneStatements(bucketArn, path string) []iampolicy.Statement {
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:%s:%s:%s:%s:%s", b.args.Partition, service, b.s.Region, b.args.AccountID, resource)
	}
	// Exactly what scripts/kubernetes/bootstrap.sh calls: ec2 describe-volumes and
	// attach-volume, ssm get-parameter and put-parameter, s3 cp of a snapshot. Nothing
	// lets a member take peers out of the API load balancer or delete join material.
	return []iampolicy.Statement{
		{
			// Find its etcd volume; Describe calls support no resource-level permissions.
			Sid: "Describe", Effect: "Allow", Resource: "*",
			Action: []string{"ec2:DescribeVolumes"},
		},
		{
			// Attach only this cluster's volumes, only to this cluster's instances: both
			// carry the cluster tag (AWS IAM guide, "Controlling access to AWS resources
			// using tags": aws:ResourceTag). A terminated instance's volume detaches itself.
			Sid: "AttachEtcdVolumes", Effect: "Allow",
			Action:    []string{"ec2:AttachVolume"},
			Resource:  []string{arn("ec2", "volume/*"), arn("ec2", "instance/*")},
			Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/" + ClusterTag: b.cluster}},
		},
		{
			// Upload etcd snapshots; reading them back is an operator's restore.
			Sid: "Snapshots", Effect: "Allow", Resource: bucketArn + "/*",
			Action: []string{"s3:PutObject"},
		},
		{
			// Read the lock, the join material, the peers' etcd endpoints and, with
			// monitoring: datadog, the Datadog API key: under this creation's path only.
			Sid: "ReadStore", Effect: "Allow",
			Resource: []string{b.parameterArn(path, "*")},
			Action:   []string{"ssm:GetParameter"},
		},
		{
			// Write only the keys the bootstrap writes, by name: a member can never
			// overwrite the Datadog API key (or anything else Pulumi keeps there).
			Sid: "WriteJoinMaterial", Effect: "Allow",
			Resource: b.parameterArns(path, b.writtenKeys()),
			Action:   []string{"ssm:PutParameter"},
		},
	}
}

// parameterArns names each key's parameter under path.
func (b *builder) parameterArns(path string, keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = b.parameterArn(path, k)
	}
	return out
}

// nodeStatements: a worker describes, pulls images and reads the worker join material
// under path.
func (b *builder) nodeStatements(path string) []iampolicy.Statement {
	params := b.parameterArns(path, selfmanaged.WorkerStoreKeys)
	return []iampolicy.Statement{
		{
			Sid: "Describe", Effect: "Allow", Resource: "*",
			Action: []string{"ec2:DescribeInstances", "ec2:DescribeRegions"},
		},
		{
			// The actions of AmazonEC2ContainerRegistryReadOnly that pulling needs;
			// repositories are not known here.
			Sid: "PullImages", Effect: "Allow", Resource: "*",
			Action: []string{"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
				"ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"},
		},
		{
			// Only the worker's join token and CA hash: never the certificate key or the
			// encryption key.
			Sid: "WorkerJoinMaterial", Effect: "Allow", Resource: params,
			Action: []string{"ssm:GetParameter", "ssm:GetParameters"},
		},
	}
}
