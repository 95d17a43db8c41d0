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
		zoneLoss  bool
		capacity  float64
		sla       string
		spofs     int
	}{
		{"EKS over three zones", "eks", nil, 1, true, 0.67, "99.95%", 0},
		{"EKS over two zones: 2+1 workers", "eks", []string{"clusterbench:zones", "2"}, 1, true, 0.33, "99.95%", 0},
		{"EKS behind one NAT gateway", "eks", []string{"clusterbench:network", `{"natGateways": "single"}`}, 1, true, 0.67, "99.95%", 1},
		{"GKE regional", "gke", nil, 1, true, 0.67, "99.95%", 0},
		{"GKE zonal", "gke", []string{"clusterbench:controlPlane", `{"availability": "zonal"}`}, 0, false, 0.67, "99.5%", 1},
		{"GKE with one Cloud NAT is no SPOF", "gke", []string{"clusterbench:network", `{"natGateways": "single"}`}, 1, true, 0.67, "99.95%", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := assess(t, tc.stack, tc.overrides...)
			assert.Equal(t, "provider", a.ControlPlaneManagedBy)
			assert.Equal(t, tc.tolerated, a.ControlPlaneFailuresTolerated)
			assert.Equal(t, tc.zoneLoss, a.ZoneLossSurvivable)
			assert.Equal(t, tc.capacity, a.WorkerCapacityAfterZoneLoss)
			require.NotNil(t, a.SLA)
			assert.Equal(t, tc.sla, *a.SLA)
			assert.Len(t, a.SinglePointsOfFailure, tc.spofs, "%v", a.SinglePointsOfFailure)
			assert.NotEmpty(t, a.OperationalDuties)
		})
	}
}
