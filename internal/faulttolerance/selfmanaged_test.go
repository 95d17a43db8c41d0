package faulttolerance_test

import (
	"fmt"
	"testing"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
)

// selfManaged builds the inventory shape the self-managed components register (kops:
// one autoscaling group of one instance per control-plane member, pinned to its zone's
// subnet, tagged with the control-plane role; one worker group over every zone).
func selfManaged(members, zones, workers int, extra ...inventory.Resource) *inventory.Inventory {
	inv := &inventory.Inventory{Stack: "kops"}
	var subnetIDs []any
	for z := 0; z < zones; z++ {
		id := fmt.Sprintf("subnet-%d", z)
		subnetIDs = append(subnetIDs, id)
		inv.Resources = append(inv.Resources, inventory.Resource{Type: "aws:ec2/subnet:Subnet", Name: id, ID: id,
			Inputs: map[string]any{"availabilityZone": fmt.Sprintf("us-east-1%c", 'a'+z)}})
	}
	for m := 0; m < members; m++ {
		inv.Resources = append(inv.Resources, inventory.Resource{Type: "aws:autoscaling/group:Group", Name: fmt.Sprintf("member-%d", m),
			Inputs: map[string]any{"desiredCapacity": 1.0, "vpcZoneIdentifiers": []any{subnetIDs[m%zones]},
				"tags": []any{map[string]any{"key": faulttolerance.RoleTagAWS, "value": faulttolerance.RoleControlPlane}}}})
	}
	inv.Resources = append(inv.Resources, inventory.Resource{Type: "aws:autoscaling/group:Group", Name: "workers",
		Inputs: map[string]any{"desiredCapacity": float64(workers), "vpcZoneIdentifiers": subnetIDs}})
	inv.Resources = append(inv.Resources, extra...)
	return inv
}

func TestSelfManagedControlPlaneFromTaggedGroups(t *testing.T) {
	s := &spec.Spec{Cloud: spec.AWS, Orchestrator: spec.SelfManaged}
	cases := []struct {
		name                    string
		members, zones, workers int
		tolerated               int
		zoneLoss                bool
		capacity                float64
		spofs                   int
	}{
		{"3 members over 3 zones", 3, 3, 3, 1, true, 0.67, 0},
		{"3 members over 2 zones", 3, 2, 4, 1, false, 0.5, 0},
		{"5 members over 3 zones", 5, 3, 6, 2, true, 0.67, 0},
		{"1 member", 1, 1, 3, 0, false, 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := faulttolerance.Assess(selfManaged(tc.members, tc.zones, tc.workers), s)
			assert.Equal(t, "you", a.ControlPlaneManagedBy)
			assert.Equal(t, tc.members, a.ControlPlaneMembers)
			assert.Equal(t, tc.tolerated, a.ControlPlaneFailuresTolerated)
			assert.Equal(t, tc.zoneLoss, a.ZoneLossSurvivable)
			assert.Equal(t, tc.capacity, a.WorkerCapacityAfterZoneLoss)
			assert.Len(t, a.SinglePointsOfFailure, tc.spofs)
			assert.Nil(t, a.SLA, "nobody promises an SLA for a control plane you run")
			assert.Contains(t, a.OperationalDuties, "etcd backups and restores")
		})
	}
}

func TestNetworkSinglePointsOfFailure(t *testing.T) {
	s := &spec.Spec{Cloud: spec.AWS, Orchestrator: spec.Swarm}
	privateSubnet := func(zone string) inventory.Resource {
		return inventory.Resource{Type: "aws:ec2/subnet:Subnet", Name: "private-" + zone,
			Inputs: map[string]any{"availabilityZone": zone, "tags": map[string]any{"kubernetes.io/role/internal-elb": "1"}}}
	}
	nat := inventory.Resource{Type: "aws:ec2/natGateway:NatGateway", Name: "nat-a"}
	bastion := inventory.Resource{Type: "aws:ec2/instance:Instance", Name: "bastion",
		Inputs: map[string]any{"tags": map[string]any{faulttolerance.RoleTagAWS: faulttolerance.RoleBastion}}}
	a := faulttolerance.Assess(selfManaged(3, 3, 3, privateSubnet("us-east-1a"), privateSubnet("us-east-1b"), nat, bastion), s)
	var names []string
	for _, p := range a.SinglePointsOfFailure {
		names = append(names, p.Resource)
	}
	assert.ElementsMatch(t, []string{"nat-a", "bastion"}, names)
	assert.Contains(t, a.OperationalDuties[0], "swarm raft backups")
}
