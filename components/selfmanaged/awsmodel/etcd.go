package awsmodel

import (
	"fmt"

	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Tags the bootstrap and the IAM policy read on an etcd volume.
const (
	EtcdMemberTag = "clusterbench/etcd-member"
	EtcdVolumeTag = "clusterbench/etcd-volume"
)

// etcdVolumes: each member's etcd data on its own encrypted gp3 volume in the member's
// zone, tagged with the member's name (kops pkg/model/master_volumes.go: etcd-main and
// etcd-events per member, 20 GB gp3; selfmanaged.EtcdVolumes says why one here). A
// replacement instance comes up in the same zone (its group is pinned there) and
// attaches the same volume: etcd keeps its data.
func (b *builder) etcdVolumes() error {
	b.volumes = map[string]map[string]*ebs.Volume{}
	for _, m := range b.members {
		b.volumes[m.Name] = map[string]*ebs.Volume{}
		for _, v := range selfmanaged.EtcdVolumes {
			vname := fmt.Sprintf("%s-%s-etcd-%s", b.name, m.Name, v)
			vol, err := ebs.NewVolume(b.ctx, vname, &ebs.VolumeArgs{
				AvailabilityZone: pulumi.String(m.Zone),
				Size:             pulumi.Int(selfmanaged.EtcdVolumeGB),
				Type:             pulumi.String("gp3"),
				Encrypted:        pulumi.Bool(true),
				Tags:             b.tags(fmt.Sprintf("%s-%s-etcd-%s", b.cluster, m.Name, v), EtcdMemberTag, m.Name, EtcdVolumeTag, v),
			}, b.parent)
			if err != nil {
				return err
			}
			b.volumes[m.Name][v] = vol
		}
	}
	return nil
}
