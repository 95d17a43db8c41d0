package catalog_test

import (
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func entry(usd string) string {
	return `entries: [{key: aws/us-east-1/ec2/x1, unit: hour, usd: ` + usd + `, source: s, date: "2026-11"}]`
}

// Prices that are not finite, not positive or beyond the ceiling are refused, naming the
// key: 1e400 used to become +Inf and print as "$+,Inf".
func TestAbsurdPricesAreRefused(t *testing.T) {
	for usd, want := range map[string]string{
		"1e400":   "usd 1e400: above the ceiling of $10,000",
		"1e9999":  "usd 1e9999: above the ceiling",
		"10001":   "usd 10001: above the ceiling",
		"-1":      "usd -1: want a positive price",
		".inf":    "usd: expected a number",
		".nan":    "usd: expected a number",
		"1e-400":  "usd 1e-400: want a positive figure of at least",
		"\"abc\"": "usd: expected a number",
	} {
		err := defaultCatalog(t).Merge([]byte(entry(usd)), "p.yaml")
		require.Error(t, err, usd)
		assert.Contains(t, err.Error(), "p.yaml: ", usd)
		assert.Contains(t, err.Error(), want, usd)
	}
	require.NoError(t, defaultCatalog(t).Merge([]byte(entry("10000")), "p.yaml"), "the ceiling itself is allowed")
}

func TestAbsurdUsageFiguresAreRefused(t *testing.T) {
	for body, want := range map[string]string{
		"natGatewayGBPerMonth: 1e400\n":       "natGatewayGBPerMonth 1e400: above the ceiling of 1,000,000",
		"logStorageGB: 1000001\n":             "logStorageGB 1000001: above the ceiling",
		"snapshotGB: -1\n":                    "snapshotGB -1: want a figure ≥ 0",
		"snapshotGB: .inf\n":                  "snapshotGB: expected a number",
		"natGatewayGBPerMonth: [1]\n":         "natGatewayGBPerMonth: expected a number, got a list",
		"base: [small]\n":                     "base: expected text, got a list",
		"snapshotGB: 1\nsnapshotGB: 2\n":      "snapshotGB: set twice",
		"snapshotGB: 1\n---\nsnapshotGB: 2\n": "more than one YAML document",
	} {
		_, err := catalog.ParseUsage([]byte(body), "u.yaml")
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), "u.yaml", body)
		assert.Contains(t, err.Error(), want, body)
	}
	u, err := catalog.ParseUsage([]byte("snapshotGB: 1000000\n"), "u.yaml")
	require.NoError(t, err)
	assert.Equal(t, "1000000", u.SnapshotGB.String())
}

// A free pattern must name a resource type, a module (aws:iam/*) or a whole provider
// that is not a billing cloud (random:*): "aws:e*" made EKS cost $5.80.
func TestFreePatternsMustNameATypeOrAModule(t *testing.T) {
	for _, pattern := range []string{"aws:e*", "aws:ec2*", "gcp:c*", "aws:ec2/vpc*", "aws:ec2/*:Vpc", "aws:iam/role:*", "*:Vpc", "aws:", "aws:ec2", ""} {
		err := defaultCatalog(t).Merge([]byte("free: [\""+pattern+"\"]\n"), "p.yaml")
		require.Error(t, err, pattern)
		assert.Contains(t, err.Error(), "p.yaml: free", pattern)
	}
	for _, pattern := range []string{"aws:ec2/vpc:Vpc", "aws:iam/*", "random:*", "pulumi:providers:*", "gcp:compute/firewall:Firewall", "kubernetes:core/v1:Namespace"} {
		assert.NoError(t, defaultCatalog(t).Merge([]byte("free: [\""+pattern+"\"]\n"), "p.yaml"), pattern)
	}
}

// Errors say what was expected in the user's words, naming the key: no Go types.
func TestPriceFileErrorsNameNoGoTypes(t *testing.T) {
	for body, want := range map[string]string{
		"entries: {a: 1}\n":             "entries: expected a list of entries, got a map",
		"entries:\n  - key: [1]\n":      "entries[1].key: expected text, got a list",
		"entries: [3]\n":                "entries[1]: expected a map of",
		"free: {a: b}\n":                "free: expected a list of text, got a map",
		"- 1\n":                         "expected a map of",
		"entries: [{verified: 3}]\n":    "entries[1].verified: expected true or false",
		"cost: 3\n":                     "cost: unknown key; allowed: date, entries, free, kubernetesSupport, machineTypes, version",
		"version: a\nversion: b\n":      "version: set twice",
		"version: a\n---\nversion: b\n": "more than one YAML document",
	} {
		err := defaultCatalog(t).Merge([]byte(body), "p.yaml")
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), want, body)
		for _, leak := range []string{"catalog.", "decimal.", "[]", "interface", "!!", "kubeversion."} {
			assert.NotContains(t, err.Error(), leak, body)
		}
	}
	huge := strings.Repeat("k", 100000)
	err := defaultCatalog(t).Merge([]byte("entries: [{key: "+huge+", unit: hour, usd: 1, source: s, date: \"2026-11\"}]\n"), "p.yaml")
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 1000, "echoed values are cut")
}
