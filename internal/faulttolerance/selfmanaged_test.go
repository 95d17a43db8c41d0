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

// Launch templates carry the role tag too (it goes on their instances), but a member is
// a group or an instance: counting templates would double the members.
func TestTemplatesWithTheRoleAreNotMembers(t *testing.T) {
	s := &spec.Spec{Cloud: spec.AWS, Orchestrator: spec.Swarm}
	var templates []inventory.Resource
	for m := 0; m < 3; m++ {
		templates = append(templates, inventory.Resource{Type: "aws:ec2/launchTemplate:LaunchTemplate", Name: fmt.Sprintf("member-%d-lt", m),
			Inputs: map[string]any{"tags": map[string]any{faulttolerance.RoleTagAWS: faulttolerance.RoleControlPlane}}})
	}
	a := faulttolerance.Assess(selfManaged(3, 3, 3, templates...), s)
	assert.Equal(t, 3, a.ControlPlaneMembers)
	assert.True(t, a.ZoneLossSurvivable)
}

// On GCE each member is a zonal MIG of one whose VMs carry the role label
// (allInstancesConfig); the workers' regional MIG is not a member.
func TestGCEMembersAreLabelledZonalGroups(t *testing.T) {
	s := &spec.Spec{Cloud: spec.GCP, Orchestrator: spec.Swarm}
	inv := &inventory.Inventory{Stack: "swarm-gcp"}
	zones := []string{"us-central1-a", "us-central1-b", "us-central1-c"}
	for m := 0; m < 5; m++ {
		inv.Resources = append(inv.Resources, inventory.Resource{Type: "gcp:compute/instanceGroupManager:InstanceGroupManager", Name: fmt.Sprintf("manager-%d", m),
			Inputs: map[string]any{"targetSize": 1.0, "zone": zones[m%2],
				"allInstancesConfig": map[string]any{"labels": map[string]any{faulttolerance.RoleLabelGCP: faulttolerance.RoleControlPlane}}}})
	}
	inv.Resources = append(inv.Resources, inventory.Resource{Type: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", Name: "workers",
		Inputs: map[string]any{"targetSize": 3.0, "distributionPolicyZones": []any{zones[0], zones[1], zones[2]},
			"allInstancesConfig": map[string]any{"labels": map[string]any{faulttolerance.RoleLabelGCP: "worker"}}}})
	a := faulttolerance.Assess(inv, s)
	assert.Equal(t, 5, a.ControlPlaneMembers)
	assert.Equal(t, 2, a.ControlPlaneFailuresTolerated, "5 managers tolerate 2")
	assert.False(t, a.ZoneLossSurvivable, "5 managers over 2 zones (3-2): losing the zone of 3 loses quorum")
	assert.Equal(t, 0.67, a.WorkerCapacityAfterZoneLoss)
}
