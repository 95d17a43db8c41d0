package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/doctor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func doctorJSON(t *testing.T, wantCode int, args ...string) (*doctor.Report, string) {
	t.Helper()
	code, out, stderr := cli(t, append([]string{"doctor", "--format", "json"}, args...)...)
	require.Equal(t, wantCode, code, stderr)
	var r doctor.Report
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	return &r, out
}

// The `doctor --format json` contract, as docs/contracts.md documents it. Regenerate with
// UPDATE_GOLDEN=1 go test ./...
func TestDoctorGoldenJSON(t *testing.T) {
	_, out := doctorJSON(t, 0, "--stacks", stacksDir, "--stack", "gke", "--stack", "swarm-aws")
	golden := filepath.Join("testdata", "doctor.golden.json")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "no golden file: run UPDATE_GOLDEN=1 go test ./cmd/clusterbench/")
	if !bytes.Equal(want, []byte(out)) {
		got := golden + ".got"
		require.NoError(t, os.WriteFile(got, []byte(out), 0o644))
		t.Fatalf("%s differs from doctor's output (written to %s); if the change is intended: UPDATE_GOLDEN=1 go test ./...", golden, got)
	}
	// The documented fields, read generically: a rename fails here, not only in the golden.
	var generic map[string]any
	require.NoError(t, json.Unmarshal(want, &generic))
	assert.Equal(t, "2026-11-26", generic["calendarDate"])
	st := generic["stacks"].([]any)[0].(map[string]any)
	for _, k := range []string{"stack", "source", "status", "error", "counts", "findings"} {
		assert.Contains(t, st, k)
	}
	f := st["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"status", "check", "severity", "category", "title", "rule", "resource", "detail", "why", "fix"} {
		assert.Contains(t, f, k)
	}
	assert.Contains(t, f["resource"], "type")
	assert.Contains(t, f["resource"], "name")
}

func TestDoctorEveryShippedStack(t *testing.T) {
	r, _ := doctorJSON(t, 0, "--stacks", stacksDir)
	require.Len(t, r.Stacks, 6)
	for _, st := range r.Stacks {
		assert.Equal(t, doctor.StackOK, st.Status, st.Stack)
		assert.Zero(t, st.Counts.Fail, st.Stack)
		assert.Positive(t, st.Counts.Pass, st.Stack)
		assert.Equal(t, st.Counts.Pass+st.Counts.Warn+st.Counts.Fail+st.Counts.Skip, len(st.Findings), "without --severity every finding is shown")
	}
	// --severity warn keeps the counts and shows only WARN and FAIL.
	r, _ = doctorJSON(t, 0, "--stacks", stacksDir, "--severity", "warn")
	for _, st := range r.Stacks {
		assert.Len(t, st.Findings, st.Counts.Warn+st.Counts.Fail, st.Stack)
		for _, f := range st.Findings {
			assert.Equal(t, doctor.StatusWarn, f.Status)
		}
	}
}

func TestDoctorFormats(t *testing.T) {
	code, out, stderr := cli(t, "doctor", "--stacks", stacksDir, "--stack", "gke", "--severity", "warn")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "gke (")
	assert.Contains(t, out, "0 FAIL, 0 WARN")
	assert.NotContains(t, out, "WARN  ", "the shipped GKE stack has no WARN finding to show")
	// A zonal GKE control plane: one WARN, shown with why, fix and rule (a WARN does not
	// change the exit code).
	code, out, stderr = cli(t, "doctor", "--stacks", zonalGKE(t), "--severity", "warn")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "gke-zonal (")
	assert.Contains(t, out, "0 FAIL, 1 WARN")
	assert.Regexp(t, `WARN\s+managed-control-plane-zonal\s+gcp:container/cluster:Cluster cluster\n\s+zonal cluster in us-central1-a`, out)
	assert.Contains(t, out, "fix: clusterbench:controlPlane.availability: regional")
	assert.Contains(t, out, "rule: GKE docs, regional clusters")
	code, out, stderr = cli(t, "doctor", "--stacks", stacksDir, "--stack", "kops-aws", "--format", "markdown")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "## kops-aws")
	assert.Contains(t, out, "| status | check | resource | detail | why | fix | rule |")
	assert.Contains(t, out, "| PASS | `etcd-unreachable-from-workers` | aws:ec2/launchTemplate:LaunchTemplate cluster-control-plane-0-lt |")
}

// doctor --preview on the real engine documents: the inventory checks run, the
// spec-only ones are skipped with the reason.
func TestDoctorPreviewDocuments(t *testing.T) {
	for _, file := range []string{"eks.preview.json", "eks.export.json", "gke.preview.json", "gke.export.json"} {
		r, _ := doctorJSON(t, 0, "--preview", filepath.Join("..", "..", "internal", "cost", "testdata", file))
		require.Len(t, r.Stacks, 1)
		st := r.Stacks[0]
		assert.Equal(t, strings.SplitN(file, ".", 2)[0], st.Stack)
		assert.Zero(t, st.Counts.Fail, file)
		assert.Positive(t, st.Counts.Pass, file)
		for _, f := range st.Findings {
			if f.Check == "deletion-protection" {
				assert.Equal(t, doctor.StatusSkip, f.Status)
				assert.Contains(t, f.Detail, "needs the stack file")
			}
		}
	}
}

func TestDoctorExitCodes(t *testing.T) {
	oneManager := stackDir(t, "swarm-aws", "one", "count: 3\n    machineType: t3.medium", "count: 1\n    machineType: t3.medium")
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"shipped stacks", []string{"doctor", "--stacks", stacksDir}, 0, "0 FAIL", ""},
		{"a FAIL finding", []string{"doctor", "--stacks", oneManager}, 1, "FAIL  control-plane-zone-loss", ""},
		{"a FAIL finding hidden by nothing", []string{"doctor", "--stacks", oneManager, "--severity", "fail"}, 1, "takes 1 of 1 swarm managers", ""},
		{"bad format", []string{"doctor", "--stacks", stacksDir, "--format", "csv"}, 2, "", `--format "csv"`},
		{"bad severity", []string{"doctor", "--stacks", stacksDir, "--severity", "info"}, 2, "", `--severity "info": one of warn, fail`},
		{"missing stack", []string{"doctor", "--stacks", stacksDir, "--stack", "aks"}, 2, "", "Pulumi.aks.yaml: no such file"},
		{"invalid stack file", []string{"doctor", "--stacks", stackDir(t, "eks", "bad", "count: 3", "count: 2\n    max: 1")}, 2, "",
			"Pulumi.bad.yaml: clusterbench:workers.max = 1: must be at least workers.count (2)"},
		{"preview and stack", []string{"doctor", "--preview", "x.json", "--stack", "eks"}, 2, "", "exclude each other"},
		{"missing document", []string{"doctor", "--preview", "/nonexistent.json"}, 2, "", "--preview"},
		{"not a document", []string{"doctor", "--preview", filepath.Join(stacksDir, "Pulumi.eks.yaml")}, 2, "", "Pulumi.eks.yaml: not a JSON document"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := cli(t, tc.args...)
			assert.Equal(t, tc.code, code, stderr)
			assert.Contains(t, out, tc.stdout)
			assert.Contains(t, stderr, tc.stderr)
		})
	}
}

// compare shows each stack's doctor FAIL and WARN counts, the same as doctor's.
func TestCompareShowsDoctorCounts(t *testing.T) {
	c := compareJSON(t)
	r, _ := doctorJSON(t, 0, "--stacks", stacksDir)
	require.Len(t, c.Stacks, len(r.Stacks))
	for i, st := range c.Stacks {
		require.NotNil(t, st.Doctor, st.Stack)
		assert.Equal(t, r.Stacks[i].Counts.Fail, st.Doctor.Fail, st.Stack)
		assert.Equal(t, r.Stacks[i].Counts.Warn, st.Doctor.Warn, st.Stack)
	}
	code, out, stderr := cli(t, "compare", "--stacks", stacksDir, "--stack", "eks", "--stack", "gke")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `Doctor \(FAIL / WARN\)\s+0 FAIL, 0 WARN\s+0 FAIL, 0 WARN\n`, out)
	// A stack with a WARN: compare counts it in its column.
	dir := zonalGKE(t)
	data, err := os.ReadFile(filepath.Join(stacksDir, "Pulumi.eks.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.eks.yaml"), data, 0o644))
	code, out, stderr = cli(t, "compare", "--stacks", dir)
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `Doctor \(FAIL / WARN\)\s+0 FAIL, 0 WARN\s+0 FAIL, 1 WARN\n`, out)
	zonal, _ := doctorJSON(t, 0, "--stacks", dir, "--stack", "gke-zonal")
	require.Len(t, zonal.Stacks, 1)
	assert.Equal(t, 1, zonal.Stacks[0].Counts.Warn, "gke-zonal: a zonal control plane")
	// A document priced by cost is not diagnosed: no doctor row.
	_, out, _ = cli(t, "cost", "--preview", filepath.Join("..", "..", "internal", "cost", "testdata", "eks.export.json"))
	assert.NotContains(t, out, "Doctor")
}

// zonalGKE is a directory with the GKE stack made zonal (one WARN:
// managed-control-plane-zonal).
func zonalGKE(t *testing.T) string {
	return stackDir(t, "gke", "gke-zonal", "availability: regional", "availability: zonal")
}
