package swarm

import (
	"fmt"

	"github.com/clusterbench/clusterbench/components/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Parameter Store actions per role. The parameters are SecureStrings under the AWS
// managed key aws/ssm, whose key policy lets the account's principals use it through
// SSM only (AWS KMS developer guide, "AWS managed keys"): no kms: statement is needed,
// and what a role may decrypt is exactly what it may get.
var (
	managerStoreActions = []string{"ssm:GetParameter", "ssm:PutParameter"}
	workerStoreActions  = []string{"ssm:GetParameter"}
)

// iam: one role per node role, each reading only its own keys of this swarm's store.
// Managers read and write every key (the first takes the lock and writes the tokens;
// a replacement reads the unlock key); workers read the worker token and the managers'
// addresses, nothing else.
func (b *awsBuilder) iam() error {
	var err error
	if b.managerProfile, err = b.nodeRole(RoleManager, StoreKeys, managerStoreActions, managerReadOnlyKeys(b.s)); err != nil {
		return err
	}
	b.workerProfile, err = b.nodeRole(RoleWorker, WorkerKeys, workerStoreActions, nil)
	return err
}

// nodeRole is a role EC2 instances assume, its store policy and its instance profile.
func (b *awsBuilder) nodeRole(role string, keys, actions, readOnly []string) (*iam.InstanceProfile, error) {
	rname := fmt.Sprintf("%s-%s", b.name, role)
	r, err := iam.NewRole(b.ctx, rname, &iam.RoleArgs{AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("ec2.amazonaws.com"))}, b.parent)
	if err != nil {
		return nil, err
	}
	policy := b.storePath.ApplyT(func(path string) (string, error) {
		return storePolicy(b.args.Partition, b.s.Region, b.args.AccountID, path, keys, actions, readOnly)
	}).(pulumi.StringOutput)
	rp, err := iam.NewRolePolicy(b.ctx, rname+"-store", &iam.RolePolicyArgs{Role: r.ID(), Policy: policy}, b.parent)
	if err != nil {
		return nil, err
	}
	b.iamReady = append(b.iamReady, rp)
	return iam.NewInstanceProfile(b.ctx, rname, &iam.InstanceProfileArgs{Role: r.Name}, b.parent)
}

// storePolicy allows actions on the named parameters of one store path, each by its
// full ARN (no wildcard), and ssm:GetParameter alone on the readOnly ones.
func storePolicy(partition, region, account, path string, keys, actions, readOnly []string) (string, error) {
	arns := func(keys []string) []string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = fmt.Sprintf("arn:%s:ssm:%s:%s:parameter%s/%s", partition, region, account, path, k)
		}
		return out
	}
	statements := []iampolicy.Statement{{Sid: "SwarmStore", Effect: "Allow", Action: actions, Resource: arns(keys)}}
	if len(readOnly) > 0 {
		statements = append(statements, iampolicy.Statement{Sid: "SwarmStoreRead", Effect: "Allow", Action: []string{"ssm:GetParameter"}, Resource: arns(readOnly)})
	}
	return iampolicy.Document(statements...)
}
