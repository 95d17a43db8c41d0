package awsmodel

import (
	"fmt"
	"strings"
)

// The join material lives in SSM Parameter Store as SecureString parameters under one
// path per stack, which the bootstrap writes (the lock conditionally: put-parameter
// without --overwrite) and reads. Pulumi creates none of them: their values exist only
// once kubeadm init has run, and never pass through the program or its state.

// storePath is the parameter path of a stack's cluster: /clusterbench/<stack>/k8s.
func storePath(stack string) string { return "/clusterbench/" + stack + "/k8s" }

// parameterArn is the ARN of a parameter (or, with key "*", of every parameter) under
// the path; SSM writes a path's leading slash once in the ARN.
func (b *builder) parameterArn(key string) string {
	return fmt.Sprintf("arn:%s:ssm:%s:%s:parameter/%s/%s", b.args.Partition, b.s.Region, b.args.AccountID,
		strings.TrimPrefix(storePath(b.ctx.Stack()), "/"), key)
}
