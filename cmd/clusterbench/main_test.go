package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var stacksDir = filepath.Join("..", "..", "stacks")

// cli runs the command in-process and returns its exit code, stdout and stderr.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func compareJSON(t *testing.T, args ...string) *report.Comparison {
	t.Helper()
	code, out, stderr := cli(t, append([]string{"compare", "--stacks", stacksDir, "--format", "json"}, args...)...)
	require.Equal(t, 0, code, stderr)
	var c report.Comparison
	require.NoError(t, json.Unmarshal([]byte(out), &c))
	return &c
}

// stackDir writes a directory with one stack file: a shipped one with replacements.
func stackDir(t *testing.T, from, name string, replace ...string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(stacksDir, "Pulumi."+from+".yaml"))
	require.NoError(t, err)
	body := string(data)
	for i := 0; i+1 < len(replace); i += 2 {
		require.Contains(t, body, replace[i])
		body = strings.Replace(body, replace[i], replace[i+1], 1)
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+name+".yaml"), []byte(body), 0o644))
	return dir
}

func TestCompareEveryFormat(t *testing.T) {
	names := []string{"eks", "gke", "kops-aws", "kops-gcp", "swarm-aws", "swarm-gcp"}
	cases := []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{"table", func(t *testing.T, out string) {
			header := strings.Fields(strings.SplitN(out, "\n", 2)[0])
			assert.Equal(t, names, header, "one column per stack")
			assert.NotContains(t, out, "not available yet", "every combination is built")
			assert.Regexp(t, `Status\s+ok\s+ok\s+ok\s+ok\s+ok\s+ok\n`, out)
			assert.Regexp(t, `Monthly cost\s+\$389\.26\s+\$249\.28\s+\$\d+\.\d\d\s+\$\d+\.\d\d\s+\$\d+\.\d\d\s+\$\d+\.\d\d\n`, out)
		}},
		{"json", func(t *testing.T, out string) {
			var c report.Comparison
			require.NoError(t, json.Unmarshal([]byte(out), &c))
			require.Len(t, c.Stacks, 6)
			assert.Equal(t, "small", c.Usage)
			assert.Equal(t, report.StatusOK, c.Stacks[0].Status)
			for _, st := range c.Stacks {
				assert.Equal(t, report.StatusOK, st.Status, st.Stack)
				assert.Empty(t, st.Unpriced, st.Stack)
			}
		}},
		{"markdown", func(t *testing.T, out string) {
			assert.Contains(t, out, "| eks | gke | kops-aws |")
			assert.Contains(t, out, "## eks")
			assert.Contains(t, out, "**$389.26**")
		}},
		{"csv", func(t *testing.T, out string) {
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			require.NoError(t, err)
			stacks := map[string]int{}
			for _, r := range rows[1:] {
				if r[11] == "cost" {
					stacks[r[0]]++
				}
			}
			assert.Equal(t, 16, stacks["eks"], "one row per eks cost line")
			for _, name := range names {
				assert.Greater(t, stacks[name], 5, "%s: one row per cost line", name)
			}
		}},
		{"html", func(t *testing.T, out string) {
			assert.True(t, strings.HasPrefix(out, "<!DOCTYPE html>"))
			assert.Contains(t, out, "<svg")
			assert.Contains(t, out, "$389.26")
			assert.NotContains(t, out, "<script")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.format, func(t *testing.T) {
			code, out, stderr := cli(t, "compare", "--stacks", stacksDir, "--format", tc.format)
			require.Equal(t, 0, code, stderr)
			tc.check(t, out)
		})
	}
}

func TestCompareSelectsStacksAndWritesOut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.json")
	code, stdout, stderr := cli(t, "compare", "--stacks", stacksDir, "--stack", "gke", "--stack", "eks", "--format", "json", "--out", out)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	var c report.Comparison
	require.NoError(t, json.Unmarshal(data, &c))
	require.Len(t, c.Stacks, 2)
	assert.Equal(t, "gke", c.Stacks[0].Stack, "in the order asked")
}

func TestUsageAndPricesChangeTheEstimate(t *testing.T) {
	small := compareJSON(t, "--stack", "eks").Stacks[0].MonthlyCostUSD
	medium := compareJSON(t, "--stack", "eks", "--usage", "medium")
	assert.Equal(t, "medium", medium.Usage)
	assert.Greater(t, medium.Stacks[0].MonthlyCostUSD, small, "more NAT data, logs and inter-zone traffic")

	prices := filepath.Join(t.TempDir(), "prices.yaml")
	require.NoError(t, os.WriteFile(prices, []byte(`entries:
  - {key: aws/us-east-1/ec2/t3.large, unit: hour, usd: 0.1832, source: "test", date: "2026-11-26"}
`), 0o644))
	override := compareJSON(t, "--stack", "eks", "--prices", prices).Stacks[0].MonthlyCostUSD
	// three workers, 730 h, $0.10/h more each
	assert.InDelta(t, small+3*730*0.10, override, 0.01)
}

func TestGkeFreeTierCreditsOnlyAZonalCluster(t *testing.T) {
	zonal := stackDir(t, "gke", "gke-zonal", "availability: regional", "availability: zonal")
	code, out, stderr := cli(t, "compare", "--stacks", zonal, "--format", "json", "--gke-free-tier")
	require.Equal(t, 0, code, stderr)
	var c report.Comparison
	require.NoError(t, json.Unmarshal([]byte(out), &c))
	credits := 0.0
	for _, l := range c.Stacks[0].CostBreakdown {
		if l.MonthlyUSD < 0 {
			credits += l.MonthlyUSD
		}
	}
	// The $74.40 credit covers the cluster fee, never more: 730 h × $0.10 = $73.00.
	assert.Equal(t, -73.00, credits)
	regional := compareJSON(t, "--stack", "gke", "--gke-free-tier")
	for _, l := range regional.Stacks[0].CostBreakdown {
		assert.GreaterOrEqual(t, l.MonthlyUSD, 0.0, "no credit for a regional cluster")
	}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"shipped stacks", []string{"compare", "--stacks", stacksDir}, 0, ""},
		{"unknown command", []string{"comparee"}, 2, `unknown command "comparee"`},
		{"bad format", []string{"compare", "--stacks", stacksDir, "--format", "yaml"}, 2, `--format "yaml"`},
		{"unknown flag", []string{"compare", "--colour"}, 2, "flag provided but not defined: -colour"},
		{"missing directory", []string{"compare", "--stacks", "/nonexistent"}, 2, "no stack files"},
		{"missing stack", []string{"compare", "--stacks", stacksDir, "--stack", "aks"}, 2, "Pulumi.aks.yaml: no such file"},
		{"bad usage preset", []string{"compare", "--stacks", stacksDir, "--usage", "huge"}, 2, "--usage"},
		{"invalid stack file", []string{"compare", "--stacks", stackDir(t, "eks", "bad", "count: 3", "count: 2\n    max: 1")}, 2,
			"Pulumi.bad.yaml: clusterbench:workers.max = 1: must be at least workers.count (2)"},
		{"unpriced machine type", []string{"compare", "--stacks", stackDir(t, "eks", "big", "machineType: t3.large", "machineType: x2iedn.32xlarge")}, 1,
			"unpriced"},
		{"inventory needs a stack", []string{"inventory"}, 2, "--stack NAME is required"},
		{"inventory of an invalid stack", []string{"inventory", "--stacks", stackDir(t, "swarm-aws", "even", "count: 3", "count: 4"), "--stack", "even"}, 2, "clusterbench:controlPlane.count"},
		{"cost needs a document", []string{"cost"}, 2, "--preview FILE is required"},
		{"cost of a non-document", []string{"cost", "--preview", filepath.Join(stacksDir, "Pulumi.eks.yaml")}, 2, "Pulumi.eks.yaml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := cli(t, tc.args...)
			assert.Equal(t, tc.code, code, stderr)
			assert.Contains(t, stderr, tc.stderr)
		})
	}
}

// Every stack that can be evaluated is reported; the exit code is the worst one.
func TestAMissingStackDoesNotHideTheOthers(t *testing.T) {
	code, out, stderr := cli(t, "compare", "--stacks", stacksDir, "--stack", "eks", "--stack", "aks", "--stack", "eks", "--format", "json")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "Pulumi.aks.yaml")
	var c report.Comparison
	require.NoError(t, json.Unmarshal([]byte(out), &c))
	require.Len(t, c.Stacks, 2, "a repeated name is compared once")
	assert.Equal(t, report.StatusOK, c.Stacks[0].Status)
	assert.Equal(t, report.StatusError, c.Stacks[1].Status)
}

// A --prices file can add a version to the support calendar, and validation follows.
func TestPricesFileExtendsTheSupportCalendar(t *testing.T) {
	dir := stackDir(t, "eks", "eks136", `kubernetesVersion: "1.35"`, `kubernetesVersion: "1.36"`)
	code, _, stderr := cli(t, "compare", "--stacks", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "clusterbench:kubernetesVersion = 1.36")
	prices := filepath.Join(t.TempDir(), "prices.yaml")
	require.NoError(t, os.WriteFile(prices, []byte(`kubernetesSupport:
  - {version: "1.36", release: "2026-06-01", endOfStandardSupport: "2027-08-01", endOfExtendedSupport: "2028-08-01", source: "test"}
`), 0o644))
	code, _, stderr = cli(t, "compare", "--stacks", dir, "--prices", prices)
	assert.Equal(t, 0, code, stderr)
}

func TestInventoryJSON(t *testing.T) {
	code, out, stderr := cli(t, "inventory", "--stacks", stacksDir, "--stack", "eks", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var inv struct {
		Stack     string `json:"stack"`
		Resources []struct {
			Type      string         `json:"type"`
			Name      string         `json:"name"`
			Parent    string         `json:"parent"`
			Component bool           `json:"component"`
			Inputs    map[string]any `json:"inputs"`
		} `json:"resources"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &inv))
	assert.Equal(t, "eks", inv.Stack)
	assert.Len(t, inv.Resources, 53, "51 resources and 2 components")
	for _, r := range inv.Resources {
		if r.Type == "aws:eks/cluster:Cluster" {
			assert.Equal(t, "clusterbench:managed:EksCluster", r.Parent)
			assert.Equal(t, "1.35", r.Inputs["version"])
		}
	}
}

// The real-format documents the Pulumi CLI wrote for the eks stack under the engine rig
// (internal/cost/testdata; `make fixtures` regenerates them): `cost --preview` prices
// each as `compare` prices the stack.
func TestCostOfRealPulumiDocuments(t *testing.T) {
	code, out, stderr := cli(t, "compare", "--stacks", stacksDir, "--stack", "eks", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var want report.Comparison
	require.NoError(t, json.Unmarshal([]byte(out), &want))
	require.Len(t, want.Stacks, 1)
	for _, doc := range []string{"eks.preview.json", "eks.export.json"} {
		t.Run(doc, func(t *testing.T) {
			path := filepath.Join("..", "..", "internal", "cost", "testdata", doc)
			code, out, stderr := cli(t, "cost", "--preview", path, "--format", "json")
			require.Equal(t, 0, code, stderr)
			var got report.Comparison
			require.NoError(t, json.Unmarshal([]byte(out), &got))
			require.Len(t, got.Stacks, 1)
			assert.Equal(t, want.Stacks[0].Resources, got.Stacks[0].Resources)
			assert.Equal(t, want.Stacks[0].MonthlyCostUSD, got.Stacks[0].MonthlyCostUSD)
			assert.Equal(t, want.Stacks[0].CostBreakdown, got.Stacks[0].CostBreakdown)
		})
	}
}
