package awsmodel

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/components/secretstore"
	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The join material lives in SSM Parameter Store as SecureString parameters under one
// path per creation of the stack, which the bootstrap writes (the lock conditionally:
// put-parameter without --overwrite) and reads. Pulumi creates none of them: their values
// exist only once kubeadm init has run, and never pass through the program or its state.

// storePath is the parameter path of a stack's cluster: /clusterbench/<stack>/k8s/<vpc
// id>. The nodes own the parameters (Pulumi cannot own a conditional create), so `pulumi
// destroy` leaves them behind; the VPC's id, new on every creation, gives a stack created
// again an empty path, where its members elect an init member afresh instead of waiting
// for join material that the old lock's holder will never write (as Swarm's store does).
func storePath(stack string, vpcID pulumi.IDOutput) pulumi.StringOutput {
	return pulumi.Sprintf("/clusterbench/%s/k8s/%s", stack, vpcID)
}

// parameterArn is the ARN of a parameter (or, with key "*", of every parameter) under
// path; SSM writes a path's leading slash once in the ARN.
func (b *builder) parameterArn(path, key string) string {
	return fmt.Sprintf("arn:%s:ssm:%s:%s:parameter/%s/%s", b.args.Partition, b.s.Region, b.args.AccountID,
		strings.TrimPrefix(path, "/"), key)
}

// datadogKey: with monitoring: datadog, the SecureString <storePath>/datadog-api-key
// (clusterbench:datadogApiKey, a Pulumi secret all the way). The control-plane role reads
// it (GetParameter on the path) and may not overwrite it (PutParameter names the keys
// the bootstrap writes); the nodes' role cannot read it. The init member copies it into
// the Kubernetes Secret the Datadog chart reads; the members boot once it exists.
func (b *builder) datadogKey() error {
	if b.s.Monitoring != spec.MonitoringDatadog {
		return nil
	}
	p, err := secretstore.NewAwsParameter(b.ctx, b.name+"-store-"+secretstore.DatadogAPIKey, secretstore.AwsArgs{
		Parameter:   pulumi.Sprintf("%s/%s", b.storePath, secretstore.DatadogAPIKey),
		Value:       b.s.Datadog.APIKey(),
		Description: selfmanaged.DatadogKeyDescription,
	}, b.parent)
	if err != nil {
		return err
	}
	b.iamReady = append(b.iamReady, p)
	return nil
}

// writtenKeys are the store keys the bootstrap writes (scripts/kubernetes/bootstrap.sh:
// store_create, store_put): the lock, the join material, the admin kubeconfig and each
// member's etcd endpoint. Nothing else under the path, the Datadog key above all.
func (b *builder) writtenKeys() []string {
	keys := append([]string{selfmanaged.LockKey}, selfmanaged.StoreKeys...)
	keys = append(keys, selfmanaged.AdminKubeconfigKey)
	for _, m := range b.members {
		keys = append(keys, selfmanaged.EtcdEndpointKey(m.Name))
	}
	return keys
}
