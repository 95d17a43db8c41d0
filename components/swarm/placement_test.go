package swarm_test

import (
	"fmt"
	"testing"

	"github.com/clusterbench/clusterbench/components/swarm"
	"github.com/stretchr/testify/assert"
)

// perZone counts the managers ManagerZones puts in each zone, in zone order.
func perZone(count int, zones []string) []int {
	out := make([]int, len(zones))
	for _, z := range swarm.ManagerZones(count, zones) {
		for i, name := range zones {
			if z == name {
				out[i]++
			}
		}
	}
	return out
}

// Docker's advice: 3 → 1-1-1, 5 → 2-2-1, 7 → 3-2-2 over three zones; over fewer zones,
// the most even spread, the first zones taking the remainder.
func TestManagerZonesSpread(t *testing.T) {
	abc := []string{"a", "b", "c"}
	cases := []struct {
		count int
		zones []string
		want  []int
	}{
		{1, abc[:1], []int{1}}, {3, abc[:1], []int{3}}, {5, abc[:1], []int{5}}, {7, abc[:1], []int{7}},
		{1, abc[:2], []int{1, 0}}, {3, abc[:2], []int{2, 1}}, {5, abc[:2], []int{3, 2}}, {7, abc[:2], []int{4, 3}},
		{1, abc, []int{1, 0, 0}}, {3, abc, []int{1, 1, 1}}, {5, abc, []int{2, 2, 1}}, {7, abc, []int{3, 2, 2}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d managers over %d zones", tc.count, len(tc.zones)), func(t *testing.T) {
			assert.Equal(t, tc.want, perZone(tc.count, tc.zones))
		})
	}
}

// Over three zones no zone holds a majority, so losing any one zone leaves a quorum
// (⌊N/2⌋+1 managers) for every count above one.
func TestManagerZonesSurviveAZoneLossOverThreeZones(t *testing.T) {
	for _, count := range []int{3, 5, 7} {
		for lost, n := range perZone(count, []string{"a", "b", "c"}) {
			assert.GreaterOrEqual(t, count-n, count/2+1, "%d managers, zone %d lost", count, lost)
		}
	}
}

// Adding managers never moves the existing ones: growing 3 → 5 → 7 only appends.
func TestManagerZonesAreStableWhenGrowing(t *testing.T) {
	zones := []string{"a", "b", "c"}
	seven := swarm.ManagerZones(7, zones)
	assert.Equal(t, seven[:3], swarm.ManagerZones(3, zones))
	assert.Equal(t, seven[:5], swarm.ManagerZones(5, zones))
	assert.Empty(t, swarm.ManagerZones(3, nil))
}
