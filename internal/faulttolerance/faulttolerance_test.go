package faulttolerance_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Members placed round-robin over zones, as the self-managed components place them
// (3 over 3 → 1-1-1; 5 over 3 → 2-2-1; 3 over 2 → 2-1).
func TestQuorumByMembersAndZones(t *testing.T) {
	cases := []struct {
		members, zones int
		tolerated      int
		survivesZone   bool
	}{
		{1, 1, 0, false}, {1, 2, 0, false}, {1, 3, 0, false},
		{3, 1, 1, false}, {3, 2, 1, false}, {3, 3, 1, true},
		{5, 1, 2, false}, {5, 2, 2, false}, {5, 3, 2, true},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d members over %d zones", tc.members, tc.zones), func(t *testing.T) {
			var zones []string
			for i := 0; i < tc.members; i++ {
				zones = append(zones, fmt.Sprintf("zone-%d", i%tc.zones))
			}
			tolerated, survives := faulttolerance.Quorum(zones)
			assert.Equal(t, tc.tolerated, tolerated, "⌊(n−1)/2⌋")
			assert.Equal(t, tc.survivesZone, survives)
		})
	}
}

func TestCapacityAfterZoneLoss(t *testing.T) {
	assert.Equal(t, 0.67, faulttolerance.CapacityAfterZoneLoss(map[string]int{"a": 1, "b": 1, "c": 1}))
	assert.Equal(t, 0.33, faulttolerance.CapacityAfterZoneLoss(map[string]int{"a": 2, "b": 1}))
	assert.Equal(t, 0.0, faulttolerance.CapacityAfterZoneLoss(map[string]int{"a": 3}))
	assert.Equal(t, 0.6, faulttolerance.CapacityAfterZoneLoss(map[string]int{"a": 4, "b": 3, "c": 3}))
	assert.Equal(t, 0.0, faulttolerance.CapacityAfterZoneLoss(nil))
}

func assess(t *testing.T, stack string, overrides ...string) faulttolerance.Assessment {
	t.Helper()
	in, err := stackfile.Read(filepath.Join("..", "..", "stacks", "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	for i := 0; i+1 < len(overrides); i += 2 {
		in.Config[overrides[i]] = overrides[i+1]
	}
	res, err := harness.Run(in, program.Run)
	require.NoError(t, err)
	s, _, err := spec.Parse(in, program.SpecOptions())
	require.NoError(t, err)
	return faulttolerance.Assess(res.Inventory, s)
}

func TestManagedVariants(t *testing.T) {
	cases := []struct {
		name      string
		stack     string
		overrides []string
		tolerated int
		zoneLoss  string
		capacity  float64
		sla       string
		spofs     int
	}{
		{"EKS over three zones", "eks", nil, 1, faulttolerance.ZoneLossSurvives, 0.67, "99.95%", 0},
		{"EKS over two zones: 2+1 workers", "eks", []string{"clusterbench:zones", "2"}, 1, faulttolerance.ZoneLossSurvives, 0.33, "99.95%", 0},
		{"EKS behind one NAT gateway", "eks", []string{"clusterbench:network", `{"natGateways": "single"}`}, 1, faulttolerance.ZoneLossDegraded, 0.67, "99.95%", 1},
		{"EKS with public nodes", "eks", []string{"clusterbench:network", `{"privateNodes": false, "natGateways": "none"}`}, 1, faulttolerance.ZoneLossSurvives, 0.67, "99.95%", 0},
		{"GKE regional", "gke", nil, 1, faulttolerance.ZoneLossSurvives, 0.67, "99.95%", 0},
		{"GKE zonal", "gke", []string{"clusterbench:controlPlane", `{"availability": "zonal"}`}, 0, faulttolerance.ZoneLossFails, 0.67, "99.5%", 1},
		{"GKE with one Cloud NAT is no SPOF", "gke", []string{"clusterbench:network", `{"natGateways": "single"}`}, 1, faulttolerance.ZoneLossSurvives, 0.67, "99.95%", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := assess(t, tc.stack, tc.overrides...)
			assert.Equal(t, "provider", a.ControlPlaneManagedBy)
			assert.Equal(t, tc.tolerated, a.ControlPlaneFailuresTolerated)
			assert.Equal(t, tc.zoneLoss, a.ZoneLoss, "%v", a.ZoneLossEffects)
			assert.Equal(t, tc.zoneLoss == faulttolerance.ZoneLossSurvives, a.ZoneLossSurvivable)
			assert.Equal(t, tc.capacity, a.WorkerCapacityAfterZoneLoss)
			require.NotNil(t, a.SLA)
			assert.Equal(t, tc.sla, *a.SLA)
			assert.Len(t, a.SinglePointsOfFailure, tc.spofs, "%v", a.SinglePointsOfFailure)
			assert.NotEmpty(t, a.OperationalDuties)
		})
	}
}

// One NAT gateway that the private subnets of three zones route through: the program
// places it in the first zone. Losing that zone leaves quorum (EKS's own) and two thirds
// of the workers, but cuts the other zones' egress, so the verdict is degraded and names
// the gateway and its zone; a NAT gateway per zone, public nodes and GKE's regional
// Cloud NAT leave nothing to name.
func TestOneNATGatewayDegradesTheLossOfItsZone(t *testing.T) {
	for _, stack := range []string{"eks", "kops-aws", "swarm-aws"} {
		t.Run(stack, func(t *testing.T) {
			a := assess(t, stack, "clusterbench:network", `{"natGateways": "single"}`)
			assert.False(t, a.ZoneLossSurvivable)
			assert.Equal(t, faulttolerance.ZoneLossDegraded, a.ZoneLoss)
			require.Len(t, a.ZoneLossEffects, 1, "%v", a.ZoneLossEffects)
			e := a.ZoneLossEffects[0]
			assert.Equal(t, "us-east-1a", e.Zone)
			assert.Equal(t, faulttolerance.ZoneLossDegraded, e.Verdict)
			assert.Equal(t, "network-us-east-1a", e.Resource, "the NAT gateway's own name")
			assert.Contains(t, e.Why, "the only NAT gateway, in us-east-1a")
			assert.Contains(t, e.Why, "for the private subnets of us-east-1b, us-east-1c")
			require.Len(t, a.SinglePointsOfFailure, 1)
			assert.Equal(t, faulttolerance.SinglePointOfFailure{Resource: e.Resource, Why: e.Why}, a.SinglePointsOfFailure[0],
				"the single point of failure and the zone-loss effect are one finding")

			for _, network := range []string{`{"natGateways": "perZone"}`, `{"privateNodes": false, "natGateways": "none"}`} {
				if stack != "eks" && network != `{"natGateways": "perZone"}` {
					continue // self-managed clusters refuse public nodes
				}
				b := assess(t, stack, "clusterbench:network", network)
				assert.True(t, b.ZoneLossSurvivable, network)
				assert.Equal(t, faulttolerance.ZoneLossSurvives, b.ZoneLoss, network)
				assert.Empty(t, b.ZoneLossEffects, network)
			}
		})
	}
	// One zone: the NAT gateway serves no other zone; the loss fails for the workers.
	one := assess(t, "swarm-aws", "clusterbench:zones", "1", "clusterbench:network", `{"natGateways": "single"}`)
	assert.Equal(t, faulttolerance.ZoneLossFails, one.ZoneLoss)
	for _, e := range one.ZoneLossEffects {
		assert.NotContains(t, e.Why, "NAT", "one zone: nothing else routes through it")
	}
	for _, stack := range []string{"gke", "kops-gcp", "swarm-gcp"} {
		a := assess(t, stack, "clusterbench:network", `{"natGateways": "single"}`)
		assert.Equal(t, faulttolerance.ZoneLossSurvives, a.ZoneLoss, "%s: Cloud NAT is regional: %v", stack, a.ZoneLossEffects)
	}
}

// The model agrees with itself on every shipped stack and the variants above: the
// verdict is the worst effect's, survivable means no effect, and every single point of
// failure is also a zone whose loss is worse than its share of workers.
func TestZoneLossAgreesWithSinglePointsOfFailure(t *testing.T) {
	variants := [][]string{
		nil, {"clusterbench:zones", "1"}, {"clusterbench:zones", "2"},
		{"clusterbench:network", `{"natGateways": "single"}`},
		{"clusterbench:controlPlane", `{"count": 1, "machineType": "t3.medium"}`},
	}
	judged := map[string]int{}
	for _, stack := range []string{"eks", "gke", "kops-aws", "kops-gcp", "swarm-aws", "swarm-gcp"} {
		for _, v := range variants {
			in, err := stackfile.Read(filepath.Join("..", "..", "stacks", "Pulumi."+stack+".yaml"))
			require.NoError(t, err)
			for i := 0; i+1 < len(v); i += 2 {
				in.Config[v[i]] = v[i+1]
			}
			if _, _, err := spec.Parse(in, program.SpecOptions()); err != nil {
				continue // a variant the stack refuses (EKS in one zone, a managed control plane's count)
			}
			a := assess(t, stack, v...)
			judged[a.ZoneLoss]++
			name := fmt.Sprintf("%s %v", stack, v)
			assert.Equal(t, len(a.ZoneLossEffects) == 0, a.ZoneLossSurvivable, name)
			assert.Equal(t, a.ZoneLoss == faulttolerance.ZoneLossSurvives, a.ZoneLossSurvivable, name)
			if len(a.SinglePointsOfFailure) > 0 {
				assert.False(t, a.ZoneLossSurvivable, "%s: %v", name, a.SinglePointsOfFailure)
			}
			for _, e := range a.ZoneLossEffects {
				assert.Contains(t, []string{faulttolerance.ZoneLossDegraded, faulttolerance.ZoneLossFails}, e.Verdict, name)
				assert.NotEmpty(t, e.Zone, "%s: every effect names its zone: %v", name, e)
				assert.NotEmpty(t, e.Why, name)
			}
		}
	}
	t.Logf("verdicts: %v", judged)
	for _, verdict := range []string{faulttolerance.ZoneLossSurvives, faulttolerance.ZoneLossDegraded, faulttolerance.ZoneLossFails} {
		assert.GreaterOrEqual(t, judged[verdict], 3, "every verdict is exercised: %v", judged)
	}
}
