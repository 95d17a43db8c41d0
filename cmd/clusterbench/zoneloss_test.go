package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/report"
)

// EKS behind one NAT gateway beside the shipped EKS (a gateway per zone): every compare
// format that shows fault tolerance says the first survives a zone loss and the second
// does not (degraded), naming the gateway and its zone, as the model does.
func TestCompareNamesTheZoneOfTheOnlyNATGateway(t *testing.T) {
	dir := stackDir(t, "eks", "eks-nat1", "natGateways: perZone", "natGateways: single")
	data, err := os.ReadFile(filepath.Join(stacksDir, "Pulumi.eks.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.eks.yaml"), data, 0o644))
	const effect = "us-east-1a: network-us-east-1a (degraded)"
	compare := func(format string) string {
		code, out, stderr := cli(t, "compare", "--stacks", dir, "--stack", "eks", "--stack", "eks-nat1", "--format", format)
		require.Equal(t, 0, code, stderr)
		return out
	}

	var c report.Comparison
	require.NoError(t, json.Unmarshal([]byte(compare("json")), &c))
	require.Len(t, c.Stacks, 2)
	perZone, single := c.Stacks[0].FaultTolerance, c.Stacks[1].FaultTolerance
	require.Equal(t, "eks-nat1", c.Stacks[1].Stack)
	assert.True(t, perZone.ZoneLossSurvivable)
	assert.Equal(t, faulttolerance.ZoneLossSurvives, perZone.ZoneLoss)
	assert.Empty(t, perZone.ZoneLossEffects)
	assert.False(t, single.ZoneLossSurvivable)
	assert.Equal(t, faulttolerance.ZoneLossDegraded, single.ZoneLoss)
	require.Len(t, single.ZoneLossEffects, 1)
	assert.Equal(t, "us-east-1a", single.ZoneLossEffects[0].Zone)
	assert.Equal(t, "network-us-east-1a", single.ZoneLossEffects[0].Resource)
	assert.Equal(t, single.WorkerCapacityAfterZoneLoss, perZone.WorkerCapacityAfterZoneLoss, "the same workers are left either way")

	table := compare("table")
	words := regexp.QuoteMeta("Zone loss survivable yes no (degraded) " + effect) // the table wraps long cells
	assert.Regexp(t, regexp.MustCompile(strings.ReplaceAll(words, " ", `\s+`)+`\n`), table)

	md := compare("markdown")
	assert.Contains(t, md, "| **Zone loss survivable** | yes | no (degraded)<br>"+effect+" |\n")

	page := compare("html")
	assert.Contains(t, page, effect)
	assert.Contains(t, page, "eks-nat1: ")
	assert.Regexp(t, `eks-nat1: [^<]*zone loss survivable: no \(degraded\)`, page)
	assert.Regexp(t, `eks: [^<]*zone loss survivable: yes`, page)
	assert.Equal(t, 1, strings.Count(page, `class="survives"`)-1, "one survivor's circle (the legend has the other)")
}
