package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMarkdownHasTheSideBySideTableThenEachBreakdown(t *testing.T) {
	out := render(t, sampleComparison(), "markdown")
	tests := []struct {
		name string
		want string
	}{
		{"header row names every stack", "|  | eks | swarm-gcp | kops-aws | broken |\n| --- | --- | --- | --- | --- |\n"},
		{"status row", "| **Status** | ok | ok | not available yet | error |\n"},
		{"not-available stack shows its error", "| **Error** | - | - | selfmanaged on aws: not built yet |"},
		{"money is formatted like every other format", "| **Monthly cost** | $1,234.56 | at least $99.50 (1 unpriced) | - | - |\n"},
		{"no SLA reads none", "| **SLA** | 99.95% | none | - | - |\n"},
		{"zone loss names the zone worse to lose", "| **Zone loss survivable** | yes | no<br>us-central1-a: workers (fails) | - | - |\n"},
		{"lists become line breaks", "swarm raft backups<br>Docker Engine upgrades on every node"},
		{"breakdown header", "## eks\n\n| Resource | Type | Component | Quantity | Unit | Unit price | Monthly |\n"},
		{"breakdown line", "| eks-workers | aws:eks/nodeGroup:NodeGroup | clusterbench:managed:EksCluster | 2190 | hours | $0.0832 | $182.21 |\n"},
		{"usage-based lines say so", "| GB (usage estimate) |"},
		{"credits are negative", "| -$74.40 | -$74.40 |"},
		{"breakdown total", "| **Total** |  |  |  |  |  | **$1,234.56** |\n"},
		{"unpriced items per stack", "- swarm-backups (gcp:storage/bucket:Bucket): no price for key gcs/standard/us-central1\n"},
		{"stack not evaluated says why", "## kops-aws\n\nnot available yet: selfmanaged on aws: not built yet\n"},
		{"excluded list", "## Not included in any estimate\n\n- load balancers and volumes that Kubernetes creates at run time\n"},
		{"catalog and usage", "Price catalog 2026.08 (2026-08-01)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Contains(t, out, tt.want)
		})
	}
	assert.Less(t, strings.Index(out, "| **Status** |"), strings.Index(out, "## eks"), "the side-by-side table comes first")
}

func TestMarkdownEscapesTextThatWouldBreakTheTable(t *testing.T) {
	c := sampleComparison()
	c.Stacks[0].Stack = "a|b<script>"
	out := render(t, c, "markdown")
	assert.Contains(t, out, `| a\|b\<script\> |`)
	assert.NotContains(t, out, "<script>")
}
