package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/recommend"
	"github.com/clusterbench/clusterbench/internal/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The emitted stack file, evaluated by `compare`, costs what `recommend` printed and has
// the fault tolerance it printed.
func TestRecommendedStackRoundTripsThroughCompare(t *testing.T) {
	for _, args := range [][]string{
		{"--cloud", "any", "--orchestrator", "any", "--survive-zone-loss", "--min-vcpu", "16"},
		{"--cloud", "aws", "--orchestrator", "selfmanaged", "--survive-zone-loss", "--min-memory-gib", "32"},
		{"--cloud", "aws", "--orchestrator", "managed", "--private-nodes", "--min-vcpu", "4"},
		{"--cloud", "aws", "--orchestrator", "swarm", "--tolerate", "2", "--usage", "medium"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			code, out, stderr := cli(t, append([]string{"recommend", "--format", "json", "--emit-stack", dir}, args...)...)
			require.Equal(t, 0, code, stderr)
			var rep recommend.Report
			require.NoError(t, json.Unmarshal([]byte(out), &rep))
			require.True(t, rep.Met)
			w := rep.Cheapest
			path := filepath.Join(dir, "Pulumi."+w.Name+".yaml")
			assert.Contains(t, stderr, "wrote "+path)
			body, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Contains(t, string(body), "# Written by `clusterbench recommend` for: ")

			cargs := []string{"compare", "--stacks", dir, "--stack", w.Name, "--format", "json"}
			if rep.Usage != "small" {
				cargs = append(cargs, "--usage", rep.Usage)
			}
			code, cout, cerr := cli(t, cargs...)
			require.Equal(t, 0, code, cerr)
			var c report.Comparison
			require.NoError(t, json.Unmarshal([]byte(cout), &c))
			require.Len(t, c.Stacks, 1)
			st := c.Stacks[0]
			assert.Equal(t, report.StatusOK, st.Status, st.Error)
			assert.Equal(t, w.MonthlyUSD, st.MonthlyCostUSD)
			assert.Equal(t, w.Resources, st.Resources.Total)
			require.NotNil(t, st.FaultTolerance)
			assert.Equal(t, w.FaultTolerance.ControlPlaneFailuresTolerated, st.FaultTolerance.ControlPlaneFailuresTolerated)
			assert.Equal(t, w.FaultTolerance.ZoneLossSurvivable, st.FaultTolerance.ZoneLossSurvivable)
			assert.Equal(t, w.FaultTolerance.WorkerCapacityAfterZoneLoss, st.FaultTolerance.WorkerCapacityAfterZoneLoss)
			assert.Equal(t, w.FaultTolerance.ControlPlaneMembers, st.FaultTolerance.ControlPlaneMembers)
			assert.Equal(t, w.Cloud, st.Cloud)
			assert.Equal(t, w.Orchestrator, st.Orchestrator)
			assert.Equal(t, w.Zones, st.Zones)
		})
	}
}

func TestRecommendTable(t *testing.T) {
	code, out, stderr := cli(t, "recommend", "--survive-zone-loss", "--min-vcpu", "16", "--top", "3")
	require.Equal(t, 0, code, stderr)
	for _, want := range []string{
		"Target: survive the loss of any one zone; 16 sustained vCPU of workers after a zone loss",
		"Cheapest per orchestrator", "Control-plane failures tolerated", "Capacity after zone loss",
		"Cheapest overall: ", " meets this for $", "which meets it for $", "Top 3 overall", "Searched 1092 candidates in ",
	} {
		assert.Contains(t, out, want)
	}
	code, md, _ := cli(t, "recommend", "--survive-zone-loss", "--min-vcpu", "16", "--format", "markdown")
	require.Equal(t, 0, code)
	assert.Contains(t, md, "| Monthly cost | $")
	assert.Contains(t, md, "### Cheapest per orchestrator")
}

// Nothing meets: say so, name the closest design and what it misses, exit 1.
func TestRecommendNothingMeets(t *testing.T) {
	code, out, _ := cli(t, "recommend", "--survive-zone-loss", "--min-vcpu", "16", "--max-monthly", "100", "--emit-stack", t.TempDir())
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "Nothing searched meets this target.")
	assert.Regexp(t, `Closest: \S+ \(.+\), \$\d+\.\d\d a month, which misses: costs \$\d+\.\d\d a month, \$\d+\.\d\d over --max-monthly \$100\.00\.`, out)
}

func TestRecommendBadTargets(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--tolerate", "4"}, "--tolerate 4: no orchestrator searched tolerates that many control-plane failures: managed Kubernetes at most 1, self-managed Kubernetes at most 2, Swarm at most 3"},
		{[]string{"--min-vcpu", "-1"}, "--min-vcpu -1: must be 0 or more"},
		{[]string{"--min-memory-gib", "-8"}, "--min-memory-gib -8: must be 0 or more"},
		{[]string{"--max-monthly", "abc"}, "want an amount of US dollars"},
		{[]string{"--max-monthly", "0"}, "--max-monthly 0: must be a positive amount"},
		{[]string{"--top", "0"}, "--top 0: must be at least 1"},
		{[]string{"--format", "html"}, `--format "html": one of table, json, markdown`},
		{[]string{"--cloud", "azure"}, "--cloud azure: one of aws, gcp, any"},
		{[]string{"--orchestrator", "nomad"}, "--orchestrator nomad: one of managed, selfmanaged, swarm, any"},
		{[]string{"--cloud", "gcp", "--region", "us-east-1"}, "--region us-east-1: names a region of aws, and --cloud is gcp"},
		{[]string{"--cloud", "aws", "--region", "eu-west-1"}, "--region eu-west-1: the price catalog prices no aws machine type there (it does in us-east-1)"},
		{[]string{"--usage", "huge"}, "--usage"},
		{[]string{"stray"}, `unexpected argument "stray"`},
	} {
		code, _, stderr := cli(t, append([]string{"recommend"}, tc.args...)...)
		assert.Equal(t, 2, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
}

func TestUsageListsRecommend(t *testing.T) {
	code, out, _ := cli(t, "help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "clusterbench recommend --cloud aws|gcp|any")
}

// The JSON contract when nothing meets: no cheapest, no top designs ([] not null), the
// closest named with its misses, every orchestrator's closest too.
func TestRecommendJSONWhenNothingMeets(t *testing.T) {
	code, out, _ := cli(t, "recommend", "--cloud", "gcp", "--survive-zone-loss", "--min-vcpu", "16", "--max-monthly", "100", "--format", "json")
	assert.Equal(t, 1, code)
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	assert.Equal(t, "false", string(raw["met"]))
	assert.Equal(t, "null", string(raw["cheapest"]))
	assert.Equal(t, "[]", string(raw["top"]))
	assert.Equal(t, "[]", string(raw["gaps"]))
	var rep recommend.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.NotNil(t, rep.Closest)
	require.Len(t, rep.Closest.Misses, 1)
	assert.Contains(t, rep.Closest.Misses[0], "over --max-monthly $100.00")
	require.Len(t, rep.PerOrchestrator, 3)
	for _, o := range rep.PerOrchestrator {
		assert.Nil(t, o.Best)
		assert.NotNil(t, o.Closest, o.Orchestrator)
	}
	assert.Equal(t, 100.0, *rep.Target.MaxMonthlyUSD)
	assert.Equal(t, map[string]string{"gcp": "us-central1"}, rep.Target.Regions)
}
