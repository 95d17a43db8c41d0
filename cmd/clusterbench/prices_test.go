package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/clusterbench/clusterbench/internal/priceimport/excerpt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// `prices import` writes a --prices file that `compare` takes: a stack moved to Frankfurt
// is priced from it where the embedded catalog left it unpriced.
func TestPricesImportFeedsCompare(t *testing.T) {
	dir := t.TempDir()
	ec2 := filepath.Join(dir, "ec2.json")
	require.NoError(t, os.WriteFile(ec2, []byte(excerpt.AWSOffer(t, "AmazonEC2", []excerpt.AWSProduct{
		excerpt.EC2Instance("A1", "eu-central-1", "t3.large", "Linux", "Shared", "0.0960000000"),
		excerpt.AWSUsage("B1", "eu-central-1", "Storage", "EUC1-EBS:VolumeUsage.gp3", "GB-Mo", "0.0952000000"),
	})), 0o644))
	out := filepath.Join(dir, "fra.yaml")

	code, stdout, stderr := cli(t, "prices", "import", "--region", "eu-central-1", "--aws", ec2, "--out", out)
	// Items the files do not price are findings (exit 1), listed, and the file is written.
	assert.Equal(t, 1, code, stderr)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "aws/eu-central-1/eks/control-plane-standard not priced: offer AmazonEKS not given")
	assert.Contains(t, stderr, "2 prices for eu-central-1")

	stacks := stackDir(t, "eks", "eks-fra", "aws:region: us-east-1", "aws:region: eu-central-1")
	_, before, _ := cli(t, "compare", "--stacks", stacks, "--format", "csv")
	_, after, _ := cli(t, "compare", "--stacks", stacks, "--format", "csv", "--prices", out)
	assert.NotContains(t, before, "2190,hours")
	assert.Contains(t, after, "2190,hours,0.096,210.24") // 3 × 730 h × $0.096
	assert.Contains(t, after, "150,GB-months,0.0952,14.28")

	// Bad input: exit 2, nothing written.
	for _, args := range [][]string{
		{"prices", "import", "--aws", ec2},
		{"prices", "import", "--region", "eu-central-1"},
		{"prices", "import", "--region", "eu-central-1", "--aws", ec2, "--gcp", ec2},
		{"prices", "import", "--region", "Frankfurt", "--aws", ec2},
		{"prices", "import", "--region", "eu-central-1", "--aws", filepath.Join(dir, "missing.json")},
		{"prices", "import", "--region", "eu-west-3", "--aws", ec2, "--out", filepath.Join(dir, "paris.yaml")},
		{"prices", "export"},
	} {
		code, _, stderr := cli(t, args...)
		assert.Equal(t, 2, code, "%v: %s", args, stderr)
		assert.NotEmpty(t, stderr)
	}
	_, err := os.Stat(filepath.Join(dir, "paris.yaml"))
	assert.True(t, os.IsNotExist(err), "no file for a region the offers do not have")
}

// A prices file that cannot be written is exit 3, like any report.
func TestPricesImportWriteFailure(t *testing.T) {
	dir := t.TempDir()
	ec2 := filepath.Join(dir, "ec2.json")
	require.NoError(t, os.WriteFile(ec2, []byte(excerpt.AWSOffer(t, "AmazonEC2", []excerpt.AWSProduct{
		excerpt.EC2Instance("A1", "eu-central-1", "t3.large", "Linux", "Shared", "0.096"),
	})), 0o644))
	code, _, stderr := cli(t, "prices", "import", "--region", "eu-central-1", "--aws", ec2, "--out", "/dev/full")
	assert.Equal(t, 3, code, stderr)
	assert.Contains(t, stderr, "/dev/full")
}
