package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clusterbench/clusterbench/internal/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cliWithin runs the command and fails the test if it does not return.
func cliWithin(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code        int
		out, errOut string
	}
	done := make(chan result, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := run(args, &out, &errOut)
		done <- result{code, out.String(), errOut.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.errOut
	case <-time.After(60 * time.Second):
		t.Fatalf("clusterbench %s hangs", strings.Join(args, " "))
		return 0, "", ""
	}
}

// copyStack copies a shipped stack file into dir under another name, with replacements.
func copyStack(t *testing.T, dir, from, name string, replace ...string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(stacksDir, "Pulumi."+from+".yaml"))
	require.NoError(t, err)
	body := string(data)
	for i := 0; i+1 < len(replace); i += 2 {
		require.Contains(t, body, replace[i])
		body = strings.Replace(body, replace[i], replace[i+1], 1)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+name+".yaml"), []byte(body), 0o644))
}

func stacksOf(t *testing.T, out string) map[string]string {
	t.Helper()
	var c report.Comparison
	require.NoError(t, json.Unmarshal([]byte(out), &c), out)
	status := map[string]string{}
	for _, st := range c.Stacks {
		status[st.Stack] = st.Status
	}
	return status
}

// A FIFO named like a stack file is refused with one line; the good stack beside it is
// still reported.
func TestAFifoAmongTheStacksIsRefusedAndTheOthersReported(t *testing.T) {
	dir := t.TempDir()
	copyStack(t, dir, "eks", "eks")
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "Pulumi.x.yaml"), 0o644))
	code, out, stderr := cliWithin(t, "compare", "--stacks", dir, "--format", "json")
	assert.Equal(t, 2, code)
	assert.Equal(t, map[string]string{"eks": "ok", "x": "error"}, stacksOf(t, out))
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	assert.Contains(t, stderr, "Pulumi.x.yaml: not a regular file")
}

// A directory whose name holds glob characters is read as a directory.
func TestStacksDirectoryWithGlobCharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gl[ob")
	require.NoError(t, os.Mkdir(dir, 0o755))
	copyStack(t, dir, "gke", "gke")
	code, out, stderr := cliWithin(t, "compare", "--stacks", dir, "--format", "json")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, map[string]string{"gke": "ok"}, stacksOf(t, out))
}

// Stack names Pulumi refuses are refused here: a formula or a newline never reaches a
// report.
func TestStackNamesPulumiRefusesAreBadInput(t *testing.T) {
	dir := t.TempDir()
	copyStack(t, dir, "eks", "eks")
	copyStack(t, dir, "eks", "=HYPERLINK(1)")
	copyStack(t, dir, "eks", "a\nb")
	code, out, stderr := cliWithin(t, "compare", "--stacks", dir, "--format", "csv")
	assert.Equal(t, 2, code)
	assert.Equal(t, 2, strings.Count(stderr, "\n"), "one line per refused file: %s", stderr)
	assert.Contains(t, stderr, `"`+filepath.Join(dir, "Pulumi.a\\nb.yaml")+`"`, "the newline is shown quoted")
	for _, line := range strings.Split(out, "\n") {
		assert.False(t, strings.HasPrefix(line, "=") || strings.Contains(line, ",="), "no cell starts a formula: %q", line)
	}
}

// Values that were accepted silently are bad input (exit 2) naming the key.
func TestSilentlyAcceptedValuesAreBadInput(t *testing.T) {
	cases := []struct {
		name, from string
		replace    []string
		want       string
	}{
		{"nested duplicate key", "eks", []string{"count: 3", "count: 3\n    count: 9"}, "clusterbench:workers.count: set twice"},
		{"admin CIDRs covering the internet", "eks", []string{"- 203.0.113.0/24", "- 0.0.0.0/1\n    - 128.0.0.0/1"}, "clusterbench:adminCidrs: together cover"},
		{"duplicate admin CIDR", "eks", []string{"- 203.0.113.0/24", "- 203.0.113.0/24\n    - 203.0.113.0/24"}, "listed twice"},
		{"reserved network", "eks", []string{"cidr: 10.0.0.0/16", "cidr: 224.0.0.0/16"}, "clusterbench:network.cidr = 224.0.0.0/16: is in 224.0.0.0/4 (multicast)"},
		{"second document", "eks", []string{"config:", "config:\n  clusterbench:zones: 3\n---\nconfig:"}, "more than one YAML document"},
		{"upper-case region", "eks", []string{"aws:region: us-east-1", "aws:region: US-EAST-1"}, "aws:region = US-EAST-1: is not an AWS region name"},
		{"region with a space", "eks", []string{"aws:region: us-east-1", `aws:region: " us-east-1"`}, `aws:region = " us-east-1": is not an AWS region name`},
		{"GCP region on AWS", "eks", []string{"aws:region: us-east-1", "aws:region: us-central1"}, "aws:region = us-central1: is a GCP region name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			copyStack(t, dir, tc.from, "bad", tc.replace...)
			code, _, stderr := cliWithin(t, "compare", "--stacks", dir)
			assert.Equal(t, 2, code, stderr)
			assert.Contains(t, stderr, tc.want)
			assert.NotContains(t, stderr, "unpriced")
		})
	}
}

// A plausible region the catalog does not price stays "unpriced" (exit 1) with the hint
// to add prices.
func TestAPlausibleUnknownRegionIsUnpriced(t *testing.T) {
	dir := t.TempDir()
	copyStack(t, dir, "eks", "eks", "aws:region: us-east-1", "aws:region: eu-south-2")
	code, _, stderr := cliWithin(t, "compare", "--stacks", dir)
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stderr, "unpriced")
	assert.Contains(t, stderr, "--prices")
}

func writeTemp(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

// Price and usage files: absurd figures and over-broad free patterns are bad input.
func TestAbsurdPricesAndUsageAreBadInput(t *testing.T) {
	for _, tc := range []struct {
		flag, body, want string
	}{
		{"--prices", "entries: [{key: aws/us-east-1/ec2/t3.large, unit: hour, usd: 1e400, source: s, date: \"2026-11\"}]\n", "usd 1e400: above the ceiling of $10,000"},
		{"--usage", "natGatewayGBPerMonth: 1e9999\n", "natGatewayGBPerMonth 1e9999: above the ceiling"},
		{"--prices", "free: [\"aws:e*\"]\n", `free "aws:e*": too broad`},
		{"--prices", "entries: {a: 1}\n", "entries: expected a list of entries, got a map"},
	} {
		code, out, stderr := cliWithin(t, "compare", "--stacks", stacksDir, "--stack", "eks", tc.flag, writeTemp(t, "f.yaml", tc.body))
		assert.Equal(t, 2, code, stderr)
		assert.Contains(t, stderr, tc.want)
		assert.Empty(t, out)
	}
}

// cost --preview: trailing data and parent cycles are bad input.
func TestCostPreviewRefusesTrailingDataAndCycles(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("..", "..", "internal", "cost", "testdata", "eks.export.json"))
	require.NoError(t, err)
	code, _, stderr := cliWithin(t, "cost", "--preview", writeTemp(t, "d.json", string(fixture)+"garbage"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "after the document")
	cycle := `{"deployment": {"resources": [
	  {"urn": "urn:pulumi:s::p::aws:ec2/eip:Eip::a", "type": "aws:ec2/eip:Eip", "custom": true, "parent": "urn:pulumi:s::p::aws:ec2/eip:Eip::a"}]}}`
	code, _, stderr = cliWithin(t, "cost", "--preview", writeTemp(t, "c.json", cycle))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "parent cycle urn:pulumi:s::p::aws:ec2/eip:Eip::a → urn:pulumi:s::p::aws:ec2/eip:Eip::a")
}

// No command: the usage goes to standard error (exit 2); --help to standard output.
func TestUsageGoesToStderrWithoutACommand(t *testing.T) {
	code, out, stderr := cli(t)
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "usage:")
	code, out, _ = cli(t, "--help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "usage:")
}

// An unknown flag is one line with the --help hint, not the error twice and the flags.
func TestUnknownFlagIsOneLineWithAHint(t *testing.T) {
	for _, cmd := range []string{"compare", "inventory", "cost"} {
		code, out, stderr := cli(t, cmd, "--colour")
		assert.Equal(t, 2, code)
		assert.Empty(t, out)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
		assert.Contains(t, stderr, "-colour")
		assert.Contains(t, stderr, "clusterbench "+cmd+" --help")
		code, out, _ = cli(t, cmd, "--help")
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "-format")
	}
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// A report that cannot be written exits 3, not 1 (findings).
func TestWriteFailuresHaveTheirOwnExitCode(t *testing.T) {
	var errOut bytes.Buffer
	code := run([]string{"compare", "--stacks", stacksDir, "--stack", "eks"}, failingWriter{}, &errOut)
	assert.Equal(t, exitWriteFailed, code)
	assert.Equal(t, 3, exitWriteFailed)
	assert.Contains(t, errOut.String(), "writing the report")
	if _, err := os.Stat("/dev/full"); err == nil {
		code, _, stderr := cli(t, "compare", "--stacks", stacksDir, "--stack", "eks", "--out", "/dev/full")
		assert.Equal(t, 3, code, stderr)
		assert.Contains(t, stderr, "/dev/full")
	}
	for _, format := range report.Formats {
		code = run([]string{"cost", "--preview", filepath.Join("..", "..", "internal", "cost", "testdata", "eks.export.json"), "--format", format}, failingWriter{}, &errOut)
		assert.Equal(t, 3, code, format)
	}
	code = run([]string{"inventory", "--stacks", stacksDir, "--stack", "eks"}, failingWriter{}, &errOut)
	assert.Equal(t, 3, code)
}

// The report covers the stacks that evaluated; an --out file is written only when there
// is something to report, and an existing file is never replaced by an empty report.
func TestOutFileIsWrittenOnlyWithSomethingToReport(t *testing.T) {
	bad := t.TempDir()
	copyStack(t, bad, "eks", "bad", "count: 3", "count: 2\n    max: 1")
	out := writeTemp(t, "existing.txt", "yesterday's report\n")
	code, stdout, stderr := cli(t, "compare", "--stacks", bad, "--out", out)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "no report written")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "yesterday's report\n", string(data), "left as it was")

	code, stdout, _ = cli(t, "compare", "--stacks", bad)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout, "nothing to report on stdout either")

	// With a good stack beside the bad one, the report is written (exit 2 still).
	copyStack(t, bad, "gke", "gke")
	code, _, _ = cli(t, "compare", "--stacks", bad, "--out", out, "--format", "json")
	assert.Equal(t, 2, code)
	data, err = os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"bad": "error", "gke": "ok"}, stacksOf(t, string(data)))
	entries, err := os.ReadDir(filepath.Dir(out))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")
}

// The README's example error is one that really occurs, word for word.
func TestReadmeExampleErrorOccurs(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	const example = "stacks/Pulumi.eks.yaml: clusterbench:zones = 1: EKS needs at least 2 zones: AWS requires the cluster's subnets in two availability zones"
	assert.True(t, strings.Contains(string(readme), example), "README.md shows the example")
	contracts, err := os.ReadFile(filepath.Join("..", "..", "docs", "contracts.md"))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(contracts), example), "docs/contracts.md shows the example")
	dir := filepath.Join(t.TempDir(), "stacks")
	require.NoError(t, os.Mkdir(dir, 0o755))
	copyStack(t, dir, "eks", "eks", "clusterbench:zones: 3", "clusterbench:zones: 1")
	t.Chdir(filepath.Dir(dir))
	code, _, stderr := cli(t, "compare", "--stack", "eks")
	assert.Equal(t, 2, code)
	assert.Equal(t, example, strings.SplitN(stderr, "\n", 2)[0], "the first line, as the README shows it")
}
