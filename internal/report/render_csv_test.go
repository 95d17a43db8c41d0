package report

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCSVHasOneRowPerCostLineAndOnePerStackWithoutLines(t *testing.T) {
	rows, err := csv.NewReader(strings.NewReader(render(t, sampleComparison(), "csv"))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+(3+1)+(2+1+1)+1+1, "header; 3 eks lines and a total; 2 swarm-gcp lines, an unpriced item and a total; one row each for kops-aws and broken")
	assert.Equal(t, append(append([]string{}, csvHeader...), monitoringCSVHeader...), rows[0])
	var firstColumn, kinds []string
	for _, row := range rows[1:] {
		firstColumn = append(firstColumn, row[0])
		kinds = append(kinds, row[11])
	}
	assert.Equal(t, []string{"eks", "eks", "eks", "eks", "swarm-gcp", "swarm-gcp", "swarm-gcp", "swarm-gcp", "kops-aws", "broken"}, firstColumn)
	assert.Equal(t, []string{"cost", "cost", "cost", "total", "cost", "cost", "unpriced", "total", "status", "status"}, kinds)
	tests := []struct {
		name string
		row  []string
		want []string
	}{
		{"cost line with plain figures", rows[2], []string{"eks", "ok", "eks-workers", "aws:eks/nodeGroup:NodeGroup",
			"clusterbench:managed:EksCluster", "2190", "hours", "0.0832", "182.21", "false", "", "cost", "", "prometheus", "31.97", "54.00"}},
		{"eks total row carries the same monitoring comparison", rows[4][11:], []string{"total", "complete", "prometheus", "31.97", "54.00"}},
		{"credit is negative", rows[6][:9], []string{"swarm-gcp", "ok", "free-tier", "gcp:container/cluster:Cluster", "", "1", "months", "-74.40", "-74.40"}},
		{"not-available stack keeps its status and error", rows[9], []string{"kops-aws", "not-available", "", "", "", "", "", "", "", "", "selfmanaged on aws: not built yet", "status", "", "", "", ""}},
		{"error stack keeps its status", rows[10][:2], []string{"broken", "error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.row)
		})
	}
}

func TestCSVGivesAnEvaluatedStackWithNothingToPayForOneRow(t *testing.T) {
	c := &Comparison{Stacks: []Stack{{Stack: "free", Status: StatusOK}}}
	rows, err := csv.NewReader(strings.NewReader(render(t, c, "csv"))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, []string{"free", "ok"}, rows[1][:2])
}
