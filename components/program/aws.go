package program

import (
	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// awsAccount is what every AWS builder reads before it registers anything: the
// partition (for ARNs) and the deploying identity.
type awsAccount struct {
	partition, accountID, callerArn string
}

func lookupAwsAccount(ctx *pulumi.Context) (awsAccount, error) {
	partition, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{})
	if err != nil {
		return awsAccount{}, err
	}
	caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{})
	if err != nil {
		return awsAccount{}, err
	}
	return awsAccount{partition: partition.Partition, accountID: caller.AccountId, callerArn: caller.Arn}, nil
}

// awsNodes is what the builders that run their own EC2 nodes (kops-style Kubernetes,
// Swarm) share: the account, the Debian image, and the VPC they sit in.
type awsNodes struct {
	awsAccount
	imageID string
	net     *network.AwsNetwork
}

func newAwsNodes(ctx *pulumi.Context, s *spec.Spec) (*awsNodes, error) {
	account, err := lookupAwsAccount(ctx)
	if err != nil {
		return nil, err
	}
	image, err := nodegroup.LookupAwsImage(ctx)
	if err != nil {
		return nil, err
	}
	net, err := network.NewAwsNetwork(ctx, "network", &network.Args{Spec: s})
	if err != nil {
		return nil, err
	}
	return &awsNodes{awsAccount: account, imageID: image, net: net}, nil
}
