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
// disks. Each name ends in the network's suffix, so a second checkout's stack of the same
// name in the project never meets these disks.
func (b *builder) etcdDisks() error {
	b.disks = map[string]map[string]*compute.Disk{}
	for _, m := range b.members {
		b.disks[m.Name] = map[string]*compute.Disk{}
		for _, v := range selfmanaged.EtcdVolumes {
			head := b.instancePrefix() + m.Name
			disk, err := compute.NewDisk(b.ctx, memberResourceName(b.name, m)+"-etcd-"+v, &compute.DiskArgs{
				Project: pulumi.String(b.s.Project),
				// Named after the cluster, the member and the network: one project holds
				// many clusters, and two stacks may share a name.
				Name: b.args.Network.NetworkName.ApplyT(func(seed string) string {
					return gcpname.Unique(63, seed, head, "etcd", v)
				}).(pulumi.StringOutput),
				Zone:   pulumi.String(m.Zone),
				Size:   pulumi.Int(selfmanaged.EtcdVolumeGB),
				Type:   pulumi.String("pd-ssd"),
				Labels: b.labels(EtcdMemberLabel, m.Name, EtcdVolumeLabel, v),
				// A disk's name cannot change in place: a stack created before the names
				// took the suffix would replace its disks, and lose etcd's data, on its
				// next `pulumi up`. The name is read at creation only.
			}, b.parent, pulumi.IgnoreChanges([]string{"name"}))
			if err != nil {
				return err
			}
			b.disks[m.Name][v] = disk
		}
	}
	return nil
}
