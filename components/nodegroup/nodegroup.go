// Package nodegroup builds the instance groups every self-run cluster is made of, the same
// way on both clouds: on AWS a launch template and an autoscaling group (aws.go), on GCE
// an instance template and a managed instance group (gcp.go). kops runs every
// control-plane member as its own group of exactly one, pinned to one zone, so a lost
// instance comes back in the same zone with the same volumes (kops pkg/model/awsmodel
// autoscalinggroup.go, pkg/model/gcemodel autoscalinggroup.go); workers are one group
// over the zones. Secure defaults are not options: IMDSv2 only, encrypted root disks,
// no public address unless asked, shielded VMs with OS Login on GCE.
package nodegroup

// RoleTagAWS and RoleLabelGCP carry a group's role: the fault-tolerance model finds
// control-plane members (Kubernetes members, Swarm managers) and bastions by it.
const (
	RoleTagAWS   = "clusterbench/role"
	RoleLabelGCP = "clusterbench-role"

	RoleControlPlane = "control-plane"
	RoleWorker       = "worker"
	RoleBastion      = "bastion"
)

// Size bounds a group; a member group is Size{1, 1, 1}.
type Size struct{ Min, Desired, Max int }

// One is the size of a control-plane member group.
var One = Size{Min: 1, Desired: 1, Max: 1}
