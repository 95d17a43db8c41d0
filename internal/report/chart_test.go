package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCostAxisEndsOnARoundAmount(t *testing.T) {
	tests := []struct {
		name    string
		maxCost float64
		want    float64
	}{
		{"no cost still draws an axis", 0, 100},
		{"just over a thousand", 1234.56, 1250},
		{"a few hundred", 310.2, 500},
		{"exactly round stays", 1000, 1000},
		{"small amounts", 7.5, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.InDelta(t, tt.want, niceCeiling(tt.maxCost), 1e-9)
		})
	}
}

func TestChartPlacesCheaperStacksLowerAndSafeStacksFurtherRight(t *testing.T) {
	c := sampleComparison()
	c.Stacks[1].FaultTolerance.ControlPlaneFailuresTolerated = 2
	v := scatterChart(c)
	require.Len(t, v.Points, 2)
	eks, gcp := v.Points[0], v.Points[1]
	assert.Less(t, eks.Y, gcp.Y, "eks costs more: higher up (smaller y)")
	assert.Greater(t, gcp.X, eks.X, "swarm-gcp tolerates more failures: further right")
	assert.Equal(t, "$0", v.YTicks[0].Label)
	assert.Equal(t, "$1,250", v.YTicks[len(v.YTicks)-1].Label)
	assert.Equal(t, []string{"kops-aws (not available yet)", "broken (error)"}, v.Left)
}

func TestChartLabelsInOneColumnDoNotOverlap(t *testing.T) {
	points := []chartPoint{{X: 100, Y: 200}, {X: 100, Y: 195}, {X: 300, Y: 201}, {X: 100, Y: 50}}
	spreadLabels(points)
	assert.InDelta(t, 199, points[1].LabelY, 1e-9, "the upper label stays by its marker")
	assert.InDelta(t, 199+labelGap, points[0].LabelY, 1e-9, "the lower label moves down")
	assert.InDelta(t, 205, points[2].LabelY, 1e-9, "another column is not moved")
	assert.InDelta(t, 54, points[3].LabelY, 1e-9, "a distant label is not moved")
}
