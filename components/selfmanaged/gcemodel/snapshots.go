package gcemodel

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Snapshot retention, as on AWS: a month of snapshots; a replaced one for a week.
const (
	snapshotExpiryDays   = 30
	noncurrentExpiryDays = 7
)

// snapshots: the bucket the members write etcd snapshots to: uniform access (IAM only,
// no object ACLs), public access prevented, versioned, expiring. Only the control plane
// may use it.
func (b *builder) snapshots() error {
	var err error
	b.bucket, err = storage.NewBucket(b.ctx, b.name+"-etcd-snapshots", &storage.BucketArgs{
		Project:                  pulumi.String(b.s.Project),
		Location:                 pulumi.String(b.s.Region),
		StorageClass:             pulumi.String("STANDARD"),
		UniformBucketLevelAccess: pulumi.Bool(true),
		PublicAccessPrevention:   pulumi.String("enforced"),
		Versioning:               &storage.BucketVersioningArgs{Enabled: pulumi.Bool(true)},
		LifecycleRules: storage.BucketLifecycleRuleArray{
			&storage.BucketLifecycleRuleArgs{
				Action:    &storage.BucketLifecycleRuleActionArgs{Type: pulumi.String("Delete")},
				Condition: &storage.BucketLifecycleRuleConditionArgs{Age: pulumi.Int(snapshotExpiryDays)},
			},
			&storage.BucketLifecycleRuleArgs{
				Action:    &storage.BucketLifecycleRuleActionArgs{Type: pulumi.String("Delete")},
				Condition: &storage.BucketLifecycleRuleConditionArgs{DaysSinceNoncurrentTime: pulumi.Int(noncurrentExpiryDays)},
			},
		},
		Labels: b.labels(),
	}, b.parent)
	if err != nil {
		return err
	}
	m, err := storage.NewBucketIAMMember(b.ctx, b.name+"-etcd-snapshots-control-plane", &storage.BucketIAMMemberArgs{
		Bucket: b.bucket.Name, Role: pulumi.String("roles/storage.objectAdmin"), Member: b.controlPlaneSA.Member,
	}, b.parent)
	if err != nil {
		return err
	}
	b.iamReady = append(b.iamReady, m)
	return nil
}
