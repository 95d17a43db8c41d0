package catalog_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func defaultCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Default()
	require.NoError(t, err)
	return c
}

func TestEmbeddedCatalogIsVersionedAndDated(t *testing.T) {
	c := defaultCatalog(t)
	assert.Equal(t, "2026-11-26", c.Date)
	assert.NotEmpty(t, c.Version)
	assert.Equal(t, []string{"us-central1", "us-east-1"}, c.Regions())
}

func TestEveryEntryHasSourceDateUnitAndPositivePrice(t *testing.T) {
	for _, e := range defaultCatalog(t).Entries() {
		t.Run(e.Key, func(t *testing.T) {
			assert.NotEmpty(t, e.Source)
			assert.Regexp(t, `^\d{4}-\d{2}(-\d{2})?$`, e.Date)
			assert.NotEmpty(t, e.Unit)
			assert.True(t, e.USD.IsPositive(), "price %s", e.USD)
			assert.Equal(t, strings.Split(e.Key, "/")[1], e.Region, "the region is the key's second segment")
		})
	}
}

// The figures of DESIGN.md's price table, read back exactly (decimal, not float).
func TestDesignPricesAreInTheCatalog(t *testing.T) {
	c := defaultCatalog(t)
	for key, usd := range map[string]string{
		"aws/us-east-1/eks/control-plane-standard":         "0.10",
		"aws/us-east-1/eks/control-plane-extended":         "0.60",
		"aws/us-east-1/ec2/t3.medium":                      "0.0416",
		"aws/us-east-1/ec2/m5.xlarge":                      "0.192",
		"aws/us-east-1/ebs/gp3":                            "0.08",
		"aws/us-east-1/vpc/nat-gateway-data":               "0.045",
		"aws/us-east-1/elb/nlb-capacity":                   "0.006",
		"aws/us-east-1/vpc/public-ipv4":                    "0.005",
		"aws/global/route53/hosted-zone":                   "0.50",
		"gcp/us-central1/gce/e2-medium":                    "0.0335057",
		"gcp/us-central1/gce/n2-standard-2":                "0.097118",
		"gcp/us-central1/pd/pd-ssd":                        "0.17",
		"gcp/us-central1/cloudnat/gateway-vm":              "0.0014",
		"gcp/us-central1/lb/forwarding-rule-extra":         "0.01",
		"gcp/global/gke/free-tier-credit":                  "74.40",
		"datadog/global/infrastructure-pro/host-on-demand": "18",
	} {
		e, ok := c.Price(key)
		require.True(t, ok, key)
		assert.True(t, decimal.RequireFromString(usd).Equal(e.USD), "%s: %s, want %s", key, e.USD, usd)
	}
}

func TestFreeTypesIncludeNetworkingIAMAndProviders(t *testing.T) {
	c := defaultCatalog(t)
	for _, typ := range []string{"aws:ec2/vpc:Vpc", "aws:iam/role:Role", "gcp:compute/firewall:Firewall",
		"pulumi:providers:aws", "random:index/randomPassword:RandomPassword", "aws:ec2/launchTemplate:LaunchTemplate"} {
		assert.True(t, c.IsFree(typ), typ)
	}
	for _, typ := range []string{"aws:ec2/natGateway:NatGateway", "aws:ec2/vpcEndpoint:VpcEndpoint", "pulumi:pulumi:Stack"} {
		assert.False(t, c.IsFree(typ), typ)
	}
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

func TestMergeFileOverridesByKeyAndKeepsTheRest(t *testing.T) {
	c := defaultCatalog(t)
	before := len(c.Entries())
	path := writeFile(t, "mine.yaml", `
entries:
  - {key: aws/us-east-1/ec2/t3.large, unit: hour, usd: 0.07, source: "our EDP rate", date: "2026-11"}
  - {key: aws/eu-west-1/ec2/t3.large, unit: hour, usd: 0.0912, source: "AWS pricing page", date: "2026-11-20", verified: true}
free: [aws:ec2/vpcEndpoint:VpcEndpoint]
`)
	require.NoError(t, c.MergeFile(path))

	overridden, _ := c.Price("aws/us-east-1/ec2/t3.large")
	assert.Equal(t, "0.07", overridden.USD.String())
	assert.Equal(t, "us-east-1", overridden.Region, "region filled from the key")
	added, ok := c.Price("aws/eu-west-1/ec2/t3.large")
	require.True(t, ok)
	assert.True(t, added.Verified)
	kept, _ := c.Price("aws/us-east-1/ec2/t3.medium")
	assert.Equal(t, "0.0416", kept.USD.String())
	assert.Len(t, c.Entries(), before+1)
	assert.True(t, c.IsFree("aws:ec2/vpcEndpoint:VpcEndpoint"))
	assert.True(t, c.IsFree("aws:ec2/vpc:Vpc"), "embedded free types stay")
	assert.Equal(t, "2026.11.26+mine.yaml", c.Version, "the version records the file")
	assert.Contains(t, c.Regions(), "eu-west-1")
}

func TestBadPriceFileErrorNamesFileAndKey(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"negative price", `entries: [{key: aws/us-east-1/ec2/x1, unit: hour, usd: -1, source: s, date: "2026-11"}]`, "key aws/us-east-1/ec2/x1: usd -1: want a positive price"},
		{"missing source", `entries: [{key: aws/us-east-1/ec2/x1, unit: hour, usd: 1, date: "2026-11"}]`, "key aws/us-east-1/ec2/x1: source is required"},
		{"unknown unit", `entries: [{key: aws/us-east-1/ec2/x1, unit: day, usd: 1, source: s, date: "2026-11"}]`, `key aws/us-east-1/ec2/x1: unit "day"`},
		{"short key", `entries: [{key: aws/ec2/x1, unit: hour, usd: 1, source: s, date: "2026-11"}]`, "key aws/ec2/x1: want <vendor>/<region>/<service>/<item>"},
		{"region mismatch", `entries: [{key: aws/us-east-1/ec2/x1, region: us-west-2, unit: hour, usd: 1, source: s, date: "2026-11"}]`, `region "us-west-2" differs`},
		{"bad date", `entries: [{key: aws/us-east-1/ec2/x1, unit: hour, usd: 1, source: s, date: "last week"}]`, `date "last week"`},
		{"price not a number", `entries: [{key: aws/us-east-1/ec2/x1, unit: hour, usd: cheap, source: s, date: "2026-11"}]`, "bad.yaml"},
		{"unknown field", `entries: [{key: aws/us-east-1/ec2/x1, unit: hour, usd: 1, source: s, date: "2026-11", cost: 2}]`, "entries[1].cost: unknown key"},
		{"calendar out of order", `kubernetesSupport: [{version: "1.40", release: "2027-01-01", endOfStandardSupport: "2026-01-01", endOfExtendedSupport: "2028-01-01", source: s}]`, `kubernetesSupport "1.40": want release < endOfStandardSupport < endOfExtendedSupport`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := defaultCatalog(t)
			path := writeFile(t, "bad.yaml", tc.body)
			err := c.MergeFile(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), path)
			assert.Contains(t, err.Error(), tc.want)
			_, ok := c.Price("aws/us-east-1/ec2/x1")
			assert.False(t, ok, "a bad file changes nothing")
		})
	}
}

func TestMissingPriceFileIsAnError(t *testing.T) {
	err := defaultCatalog(t).MergeFile(filepath.Join(t.TempDir(), "nope.yaml"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nope.yaml")
}

func TestFreePatternsThatWouldHideAWholeCloudAreRefused(t *testing.T) {
	for _, pattern := range []string{"*", "aws:*", "gcp*", "a*"} {
		cat, err := catalog.Default()
		if err != nil {
			t.Fatal(err)
		}
		err = cat.Merge([]byte("free: [\""+pattern+"\"]\n"), "prices.yaml")
		if err == nil || !strings.Contains(err.Error(), "prices.yaml: free \""+pattern+"\": too broad") {
			t.Errorf("%s: got %v", pattern, err)
		}
	}
	cat, _ := catalog.Default()
	if err := cat.Merge([]byte("free: [\"aws:iam/*\", \"random:*\"]\n"), "prices.yaml"); err != nil {
		t.Errorf("a module or a free provider is fine: %v", err)
	}
}
