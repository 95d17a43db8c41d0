package faulttolerance_test

import (
	"fmt"
	"slices"
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
		effects                 []string // zone: resource of each zone-loss effect
	}{
		{"3 members over 3 zones", 3, 3, 3, 1, true, 0.67, 0, nil},
		{"3 members over 2 zones", 3, 2, 4, 1, false, 0.5, 0, []string{"us-east-1a: control plane"}},
		{"5 members over 3 zones", 5, 3, 6, 2, true, 0.67, 0, nil},
		{"2 members over 2 zones", 2, 2, 2, 0, false, 0.5, 0, []string{"us-east-1a: control plane", "us-east-1b: control plane"}},
		{"1 member", 1, 1, 3, 0, false, 0, 1, []string{"us-east-1a: control plane", "us-east-1a: workers"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := faulttolerance.Assess(selfManaged(tc.members, tc.zones, tc.workers), s)
			assert.Equal(t, "you", a.ControlPlaneManagedBy)
			assert.Equal(t, tc.members, a.ControlPlaneMembers)
			assert.Equal(t, tc.tolerated, a.ControlPlaneFailuresTolerated)
			assert.Equal(t, tc.zoneLoss, a.ZoneLossSurvivable)
			var effects []string
			for _, e := range a.ZoneLossEffects {
				effects = append(effects, e.Zone+": "+e.Resource)
				assert.Equal(t, faulttolerance.ZoneLossFails, e.Verdict, e.Why)
			}
			assert.Equal(t, tc.effects, effects)
			_, quorum := faulttolerance.Quorum(faulttolerance.MemberZones(selfManaged(tc.members, tc.zones, tc.workers)))
			assert.Equal(t, !quorum, slices.ContainsFunc(a.ZoneLossEffects, func(e faulttolerance.ZoneLossEffect) bool { return e.Resource == "control plane" }),
				"the control plane's effects name exactly the zones that make Quorum say false")
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
	// In a preview the NAT gateway's subnetId is unknown: its dependency names the subnet.
	public := inventory.Resource{Type: "aws:ec2/subnet:Subnet", Name: "public-us-east-1b", URN: "urn:public-b",
		Inputs: map[string]any{"availabilityZone": "us-east-1b"}}
	nat := inventory.Resource{Type: "aws:ec2/natGateway:NatGateway", Name: "nat-b",
		Inputs: map[string]any{"subnetId": nil}, Dependencies: map[string][]string{"subnetId": {"urn:public-b"}}}
	bastion := inventory.Resource{Type: "aws:ec2/instance:Instance", Name: "bastion",
		Inputs: map[string]any{"availabilityZone": "us-east-1c", "tags": map[string]any{faulttolerance.RoleTagAWS: faulttolerance.RoleBastion}}}
	a := faulttolerance.Assess(selfManaged(3, 3, 3, privateSubnet("us-east-1a"), privateSubnet("us-east-1b"), public, nat, bastion), s)
	var names []string
	for _, p := range a.SinglePointsOfFailure {
		names = append(names, p.Resource)
	}
	assert.ElementsMatch(t, []string{"nat-b", "bastion"}, names)
	assert.Contains(t, a.OperationalDuties[0], "swarm raft backups")

	// Quorum and workers survive any zone; losing the NAT's or the bastion's zone degrades.
	assert.False(t, a.ZoneLossSurvivable)
	assert.Equal(t, faulttolerance.ZoneLossDegraded, a.ZoneLoss)
	assert.Equal(t, []faulttolerance.ZoneLossEffect{
		{Zone: "us-east-1b", Resource: "nat-b", Verdict: faulttolerance.ZoneLossDegraded, Why: "the only NAT gateway, in us-east-1b: losing us-east-1b " +
			"cuts egress (image pulls, cloud APIs, joins of replacement nodes) for the private subnets of us-east-1a; workloads that need none keep running"},
		{Zone: "us-east-1c", Resource: "bastion", Verdict: faulttolerance.ZoneLossDegraded, Why: "the only bastion, in us-east-1c: the only way in for SSH, lost with it or with us-east-1c"},
	}, a.ZoneLossEffects)

	// Two NAT gateways: none is the only one.
	nat2 := inventory.Resource{Type: "aws:ec2/natGateway:NatGateway", Name: "nat-a"}
	b := faulttolerance.Assess(selfManaged(3, 3, 3, privateSubnet("us-east-1a"), privateSubnet("us-east-1b"), nat, nat2), s)
	assert.Equal(t, faulttolerance.ZoneLossSurvives, b.ZoneLoss, "%v", b.ZoneLossEffects)
	assert.Empty(t, b.SinglePointsOfFailure)
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

func TestZoneLossAnswer(t *testing.T) {
	for _, tc := range []struct {
		a    faulttolerance.Assessment
		want string
	}{
		{faulttolerance.Assessment{ZoneLossSurvivable: true, ZoneLoss: faulttolerance.ZoneLossSurvives}, "yes"},
		{faulttolerance.Assessment{ZoneLoss: faulttolerance.ZoneLossDegraded}, "no (degraded)"},
		{faulttolerance.Assessment{ZoneLoss: faulttolerance.ZoneLossFails}, "no"},
		{faulttolerance.Assessment{ZoneLossSurvivable: true}, "yes"},
		{faulttolerance.Assessment{}, "no"},
	} {
		assert.Equal(t, tc.want, faulttolerance.ZoneLossAnswer(&tc.a), "%+v", tc.a)
	}
}
