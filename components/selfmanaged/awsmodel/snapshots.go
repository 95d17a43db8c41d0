package awsmodel

import (
	"github.com/clusterbench/clusterbench/components/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Snapshot retention: etcd snapshots are taken often and each is complete, so a month
// of them is plenty; an overwritten or deleted snapshot stays recoverable for a week.
const (
	snapshotExpiryDays      = 30
	noncurrentExpiryDays    = 7
	abortMultipartAfterDays = 1
)

// snapshots: the bucket the members write etcd snapshots to (kops keeps them in its state
// store's backups/etcd/): private, encrypted, versioned, expiring.
func (b *builder) snapshots() error {
	ctx, name, parent := b.ctx, b.name+"-etcd-snapshots", b.parent
	var err error
	b.bucket, err = s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		BucketPrefix: pulumi.String(b.cluster + "-etcd-"),
		Tags:         b.tags(b.cluster + "-etcd-snapshots"),
	}, parent)
	if err != nil {
		return err
	}
	// No ACLs: the bucket owner owns every object (S3 user guide, "Controlling ownership
	// of objects"; the default for new buckets since 2023, stated so it stays so).
	if _, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: b.bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent); err != nil {
		return err
	}
	// Nothing in it can ever be made public.
	if _, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket: b.bucket.ID(), BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, parent); err != nil {
		return err
	}
	// Encrypted at rest with S3-managed keys (no KMS key to pay for or to grant).
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: b.bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}},
	}, parent); err != nil {
		return err
	}
	// Versioned: a bad snapshot written over a good one does not lose the good one.
	versioning, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
		Bucket:                  b.bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent)
	if err != nil {
		return err
	}
	// Old snapshots expire instead of piling up.
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: b.bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String("expire-snapshots"), Status: pulumi.String("Enabled"),
			Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(snapshotExpiryDays)},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(noncurrentExpiryDays),
			},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(abortMultipartAfterDays),
			},
		}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{versioning})); err != nil {
		return err
	}
	// TLS only (CIS AWS Foundations 2.1.1: deny requests without aws:SecureTransport).
	_, err = s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{
		Bucket: b.bucket.ID(),
		Policy: b.bucket.Arn.ApplyT(func(arn string) (string, error) {
			return iampolicy.Document(iampolicy.Statement{
				Sid: "DenyInsecureTransport", Effect: "Deny", Principal: map[string]any{"AWS": "*"},
				Action: "s3:*", Resource: []string{arn, arn + "/*"},
				Condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			})
		}).(pulumi.StringOutput),
	}, parent)
	return err
}
