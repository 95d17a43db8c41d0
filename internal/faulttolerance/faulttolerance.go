// Package faulttolerance judges what failures a cluster survives from what its program
// registered (inventory) and its spec: who runs the control plane, how many member
// failures it tolerates, what losing each zone does (quorum, the workers left, the other
// zones' egress through a lone NAT gateway) and the verdict on the worst, how much worker
// capacity a zone loss leaves, its single points of failure, its SLA and the duties the
// user takes on. Nothing here reads a stack's name.
package faulttolerance

import (
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// Control-plane members and bastions of self-managed clusters carry this role (AWS tag
// "clusterbench/role", GCP label "clusterbench-role"); their zone comes from the
// resource's zone input.
const (
	RoleTagAWS   = "clusterbench/role"
	RoleLabelGCP = "clusterbench-role"

	RoleControlPlane = "control-plane"
	RoleBastion      = "bastion"
)

// SLAs the providers promise (EKS SLA; GKE SLA: regional 99.95%, zonal 99.5%).
var (
	slaRegional = "99.95%"
	slaZonal    = "99.5%"
)

// Assess computes the assessment of one evaluated stack.
func Assess(inv *inventory.Inventory, s *spec.Spec) Assessment {
	a := Assessment{SinglePointsOfFailure: []SinglePointOfFailure{}, ZoneLossEffects: []ZoneLossEffect{}}
	cp := controlPlaneOf(inv, s)
	a.ControlPlaneManagedBy, a.ControlPlaneMembers = cp.managedBy, cp.members
	a.ControlPlaneFailuresTolerated = cp.tolerated
	a.SLA = cp.sla
	a.SinglePointsOfFailure = append(a.SinglePointsOfFailure, cp.spofs...)

	workers := workerZones(inv)
	a.WorkerCapacityAfterZoneLoss = CapacityAfterZoneLoss(workers)
	// Every zone whose loss costs more than its share of the workers: the control
	// plane's, the workers', and the surviving zones' egress or way in (a lone NAT
	// gateway or bastion, also listed as single points of failure).
	a.ZoneLossEffects = append(a.ZoneLossEffects, cp.zoneLoss...)
	a.ZoneLossEffects = append(a.ZoneLossEffects, workerEffects(workers, a.WorkerCapacityAfterZoneLoss)...)
	a.ZoneLossEffects = append(a.ZoneLossEffects, networkZoneLoss(inv)...)
	a.ZoneLoss = zoneLossVerdict(a.ZoneLossEffects)
	a.ZoneLossSurvivable = a.ZoneLoss == ZoneLossSurvives
	a.SinglePointsOfFailure = append(a.SinglePointsOfFailure, networkSPOFs(inv)...)
	if total(workers) == 1 {
		a.SinglePointsOfFailure = append(a.SinglePointsOfFailure, SinglePointOfFailure{Resource: "workers", Why: "one worker runs every workload"})
	}
	a.OperationalDuties = duties(s, cp.managedBy)
	return a
}

// Quorum is a Raft/etcd control plane's tolerance: ⌊(n−1)/2⌋ member failures, and
// whether a majority remains after losing any one zone, given each member's zone.
func Quorum(memberZones []string) (tolerated int, survivesZoneLoss bool) {
	n := len(memberZones)
	if n == 0 {
		return 0, false
	}
	perZone := map[string]int{}
	for _, z := range memberZones {
		perZone[z]++
	}
	survivesZoneLoss = len(perZone) > 1
	for _, inZone := range perZone {
		if n-inZone < n/2+1 {
			survivesZoneLoss = false
		}
	}
	return (n - 1) / 2, survivesZoneLoss
}

// CapacityAfterZoneLoss is the share of workers outside the zone holding the most,
// before any rebalancing, to two decimals.
func CapacityAfterZoneLoss(perZone map[string]int) float64 {
	t, most := total(perZone), 0
	for _, n := range perZone {
		most = max(most, n)
	}
	if t == 0 {
		return 0
	}
	return float64(int(float64(t-most)/float64(t)*100+0.5)) / 100
}

func total(perZone map[string]int) int {
	n := 0
	for _, c := range perZone {
		n += c
	}
	return n
}
