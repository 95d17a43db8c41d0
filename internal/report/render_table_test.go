package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tableLines is the table part of the terminal output (up to the first blank line).
func tableLines(t *testing.T, out string) []string {
	t.Helper()
	table, _, found := strings.Cut(out, "\n\n")
	require.True(t, found, "the footer follows the table after a blank line")
	return strings.Split(table, "\n")
}

// columnStarts is where each stack's column starts, read from the header line.
func columnStarts(t *testing.T, header string, stacks []string) []int {
	t.Helper()
	var starts []int
	for _, name := range stacks {
		i := strings.Index(header, name)
		require.GreaterOrEqual(t, i, 0, name)
		starts = append(starts, i)
	}
	return starts
}

func TestTableKeepsEveryCellInItsStacksColumn(t *testing.T) {
	lines := tableLines(t, render(t, sampleComparison(), "table"))
	starts := columnStarts(t, lines[0], []string{"eks", "swarm-gcp", "kops-aws", "broken"})
	for _, line := range lines {
		for _, start := range starts {
			if len(line) <= start {
				continue
			}
			assert.Equal(t, "  ", line[start-2:start], "text crosses into the column at %d: %q", start, line)
		}
	}
}

func TestTableRowsShowEachStacksFactsUnderItsName(t *testing.T) {
	lines := tableLines(t, render(t, sampleComparison(), "table"))
	starts := columnStarts(t, lines[0], []string{"eks", "swarm-gcp", "kops-aws", "broken"})
	tests := []struct {
		label string
		want  []string // per stack, the start of its cell
	}{
		{"Status", []string{"ok", "ok", "not available yet", "error"}},
		{"Error", []string{"-", "-", "selfmanaged on aws", "stacks/Pulumi.broken.yaml:"}},
		{"Cloud", []string{"aws", "gcp", "-", "-"}},
		{"Monthly cost", []string{"$1,234.56", "at least $99.50 (1 unpriced)", "-", "-"}},
		{"Control plane managed by", []string{"provider", "you", "-", "-"}},
		{"Control-plane failures tolerated", []string{"1", "1", "-", "-"}},
		{"Zone loss survivable", []string{"yes", "no", "-", "-"}},
		{"Worker capacity after zone loss", []string{"67%", "0%", "-", "-"}},
		{"SLA", []string{"99.95%", "none", "-", "-"}},
		{"Single points of failure ", []string{"0", "1", "-", "-"}},
		{"Unpriced items", []string{"0", "1", "-", "-"}},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			line := lineStarting(t, lines, tt.label)
			for i, want := range tt.want {
				assert.True(t, strings.HasPrefix(line[starts[i]:], want), "column %d of %q: want %q", i, line, want)
			}
		})
	}
}

func lineStarting(t *testing.T, lines []string, label string) string {
	t.Helper()
	for _, line := range lines {
		if strings.HasPrefix(line, label) {
			return line
		}
	}
	require.Failf(t, "no row", "no row %q", label)
	return ""
}

func TestTableWrapsLongCellsOntoFollowingLines(t *testing.T) {
	lines := tableLines(t, render(t, sampleComparison(), "table"))
	gcp := columnStarts(t, lines[0], []string{"swarm-gcp"})[0]
	for i, line := range lines {
		if strings.HasPrefix(line, "Single points of failure (list)") {
			assert.True(t, strings.HasPrefix(line[gcp:], "swarm-nat: the only zone holds "), line)
			assert.Equal(t, "  every node", strings.TrimRight(lines[i+1][gcp:], " "), "continuation is indented")
		}
	}
	for _, line := range lines {
		assert.Equal(t, strings.TrimRight(line, " "), line, "no trailing spaces")
	}
}

func TestTableFooterNamesCatalogUsageUnpricedAndExcluded(t *testing.T) {
	out := render(t, sampleComparison(), "table")
	_, footer, _ := strings.Cut(out, "\n\n")
	for _, want := range []string{
		"Price catalog 2026.08 (2026-08-01)", "usage preset: small",
		"swarm-gcp: swarm-backups (gcp:storage/bucket:Bucket): no price for key",
		"  - load balancers and volumes that Kubernetes creates at run time\n  - data transfer to the internet\n",
	} {
		assert.Contains(t, footer, want)
	}
	assert.Equal(t, 1, strings.Count(footer, "load balancers and volumes"), "excluded items shared by stacks are listed once")
}

func TestWrapBreaksAtSpacesAndKeepsLongWordsWhole(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"short text stays on one line", "etcd backups", []string{"etcd backups"}},
		{"long text continues indented", "replacing failed managers before ghosts break quorum",
			[]string{"replacing failed managers", "  before ghosts break quorum"}},
		{"a word longer than the width stays whole", strings.Repeat("x", 40), []string{strings.Repeat("x", 40)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, wrap(tt.text, cellWidth))
		})
	}
}
