package gcemodel

import (
	"github.com/clusterbench/clusterbench/components/gcpname"
	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Labels the bootstrap reads on an etcd disk.
const (
	EtcdMemberLabel = "clusterbench-etcd-member"
	EtcdVolumeLabel = "clusterbench-etcd-volume"
)

// etcdDisks: each member's etcd data on its own pd-ssd disks in the member's zone,
// labelled with the member's name (kops pkg/model/master_volumes.go: etcd-main and
// etcd-events per member, 20 GB pd-ssd on GCE; selfmanaged.EtcdVolumes says why one
// here). A replacement VM comes up in the same zone (its group is zonal) with the same
// disks.
func (b *builder) etcdDisks() error {
	b.disks = map[string]map[string]*compute.Disk{}
	for _, m := range b.members {
		b.disks[m.Name] = map[string]*compute.Disk{}
		for _, v := range selfmanaged.EtcdVolumes {
			disk, err := compute.NewDisk(b.ctx, memberResourceName(b.name, m)+"-etcd-"+v, &compute.DiskArgs{
				Project: pulumi.String(b.s.Project),
				// Named after the cluster and member: one project holds many clusters.
				Name:   pulumi.String(gcpname.Name(63, b.instancePrefix()+m.Name, "etcd", v)),
				Zone:   pulumi.String(m.Zone),
				Size:   pulumi.Int(selfmanaged.EtcdVolumeGB),
				Type:   pulumi.String("pd-ssd"),
				Labels: b.labels(EtcdMemberLabel, m.Name, EtcdVolumeLabel, v),
			}, b.parent)
			if err != nil {
				return err
			}
			b.disks[m.Name][v] = disk
		}
	}
	return nil
}
