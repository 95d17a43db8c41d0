package faulttolerance

import "github.com/clusterbench/clusterbench/components/spec"

// duties are the operational duties the user takes on with each kind of cluster.
func duties(s *spec.Spec, managedBy string) []string {
	switch {
	case s.Orchestrator == spec.Swarm:
		return []string{
			"swarm raft backups (/var/lib/docker/swarm on a manager) and restores",
			"keeping the autolock unlock key safe: a restarted manager cannot rejoin without it",
			"replacing failed managers (demote, docker node rm, fresh join) before ghosts break quorum",
			"Docker Engine upgrades on every node",
		}
	case managedBy == "you":
		return []string{
			"etcd backups and restores",
			"control-plane upgrades (kubeadm upgrade, one minor version at a time)",
			"certificate rotation (kubeadm certs renew; certificates expire after one year)",
			"replacing failed control-plane members (etcd member remove/add)",
			"node OS and kubelet upgrades",
		}
	case s.Cloud == spec.AWS:
		return []string{
			"node group AMI upgrades after each control-plane upgrade",
			"installing a cluster autoscaler (Cluster Autoscaler or Karpenter) to use workers.min/max",
			"add-on version upgrades (vpc-cni, coredns, kube-proxy, aws-ebs-csi-driver)",
		}
	default:
		return []string{
			"choosing maintenance windows: the REGULAR channel upgrades the control plane and nodes",
		}
	}
}
