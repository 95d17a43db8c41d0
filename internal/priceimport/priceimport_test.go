package priceimport

import (
	"bytes"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/priceimport/excerpt"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const fra = "eu-central-1"

func ec2Offer(t testing.TB) string {
	return excerpt.AWSOffer(t, "AmazonEC2", []excerpt.AWSProduct{
		excerpt.EC2Instance("AAA1", fra, "t3.medium", "Linux", "Shared", "0.0480000000"),
		// Same type, Windows and dedicated: must not be taken for the Linux price.
		excerpt.EC2Instance("AAA2", fra, "t3.medium", "Windows", "Shared", "0.0664000000"),
		excerpt.EC2Instance("AAA3", fra, "t3.medium", "Linux", "Dedicated", "0.0528000000"),
		excerpt.EC2Instance("AAA4", fra, "m5.large", "Linux", "Shared", "0.1150000000"),
		// Another region in the same file.
		excerpt.EC2Instance("AAA5", "eu-west-1", "t3.medium", "Linux", "Shared", "0.0456000000"),
		excerpt.AWSUsage("BBB1", fra, "Storage", "EUC1-EBS:VolumeUsage.gp3", "GB-Mo", "0.0952000000", "volumeApiName", "gp3"),
		excerpt.AWSUsage("BBB2", fra, "Storage", "EUC1-EBS:VolumeUsage.gp2", "GB-Mo", "0.1190000000", "volumeApiName", "gp2"),
		excerpt.AWSUsage("BBB3", fra, "System Operation", "EUC1-EBS:VolumeP-IOPS.gp3", "IOPS-Mo", "0.0060000000"),
		excerpt.AWSUsage("BBB4", fra, "Provisioned Throughput", "EUC1-EBS:VolumeP-Throughput.gp3", "GiBps-mo", "48.8000000000"),
		excerpt.AWSUsage("BBB5", fra, "Storage Snapshot", "EUC1-EBS:SnapshotUsage", "GB-Mo", "0.0540000000"),
		excerpt.AWSUsage("BBB6", fra, "NAT Gateway", "EUC1-NatGateway-Hours", "Hrs", "0.0520000000"),
		excerpt.AWSUsage("BBB7", fra, "NAT Gateway", "EUC1-NatGateway-Bytes", "GB", "0.0520000000"),
	})
}

func TestImportAWSPricesTheRegionFromTheOfferFiles(t *testing.T) {
	eks := excerpt.AWSOffer(t, "AmazonEKS", []excerpt.AWSProduct{
		excerpt.AWSUsage("CCC1", fra, "Compute", "EUC1-AmazonEKS-Hours:perCluster", "Hrs", "0.1000000000"),
		excerpt.AWSUsage("CCC2", fra, "Compute", "EUC1-AmazonEKS-Hours:extendedSupport", "Hrs", "0.6000000000"),
	})
	res, err := ImportAWS(fra, []NamedReader{named("ec2.json", ec2Offer(t)), named("eks.json", eks)})
	require.NoError(t, err)
	got := map[string]Price{}
	for _, p := range res.Prices {
		got[p.Key] = p
	}
	want := map[string]string{
		"aws/eu-central-1/ec2/t3.medium": "0.048", // the Linux, shared-tenancy line only
		"aws/eu-central-1/ec2/m5.large":  "0.115",
		"aws/eu-central-1/ebs/gp3":       "0.0952",
		"aws/eu-central-1/ebs/gp3-iops":  "0.006",
		// 48.80 per GiB/s-month is 48.80 / 1024 per MB/s-month.
		"aws/eu-central-1/ebs/gp3-throughput":         "0.04765625",
		"aws/eu-central-1/vpc/nat-gateway":            "0.052",
		"aws/eu-central-1/eks/control-plane-standard": "0.1",
		"aws/eu-central-1/eks/control-plane-extended": "0.6",
	}
	for k, usd := range want {
		p, ok := got[k]
		if assert.True(t, ok, "%s imported", k) {
			assert.Equal(t, usd, p.USD.String(), k)
		}
	}
	assert.Equal(t, "hour", got["aws/eu-central-1/ec2/t3.medium"].Unit)
	assert.Equal(t, "month", got["aws/eu-central-1/ebs/gp3-throughput"].Unit)
	assert.Equal(t, "2026-11-20", got["aws/eu-central-1/ec2/t3.medium"].Date)
	assert.Contains(t, got["aws/eu-central-1/ec2/t3.medium"].Source, "SKU AAA1")
	_, other := got["aws/eu-west-1/ec2/t3.medium"]
	assert.False(t, other, "another region's product is not imported")

	missing := map[string]string{}
	for _, m := range res.Missing {
		missing[m.Key] = m.Reason
	}
	// Offers not given say which file to download; items absent from a given offer say so.
	assert.Contains(t, missing["aws/eu-central-1/elb/nlb"], "offer AWSELB not given")
	assert.Contains(t, missing["aws/eu-central-1/elb/nlb"], "offers/v1.0/aws/AWSELB/current/eu-central-1/index.json")
	assert.Equal(t, "no matching product in the files given", missing["aws/eu-central-1/ebs/snapshot-archive"])
	assert.NotContains(t, missing, "aws/eu-central-1/ebs/gp3")
}

func TestImportAWSRefusesGuessing(t *testing.T) {
	// Two gp3 storage products at different prices: neither is taken.
	offer := excerpt.AWSOffer(t, "AmazonEC2", []excerpt.AWSProduct{
		excerpt.EC2Instance("AAA1", fra, "t3.medium", "Linux", "Shared", "0.048"),
		excerpt.AWSUsage("BBB1", fra, "Storage", "EUC1-EBS:VolumeUsage.gp3", "GB-Mo", "0.0952"),
		excerpt.AWSUsage("BBB2", fra, "Storage", "EBS:VolumeUsage.gp3", "GB-Mo", "0.0800"),
		// A unit the rule does not know.
		excerpt.AWSUsage("BBB3", fra, "NAT Gateway", "EUC1-NatGateway-Hours", "Minutes", "0.001"),
		// A look-alike usage type with a dash-separated prefix is not the NLB hour.
		excerpt.AWSUsage("BBB4", fra, "Load Balancer-Network", "EUC1-TS-LoadBalancerUsage", "Hrs", "0.9"),
	})
	res, err := ImportAWS(fra, []NamedReader{named("ec2.json", offer)})
	require.NoError(t, err)
	missing := map[string]string{}
	for _, m := range res.Missing {
		missing[m.Key] = m.Reason
	}
	assert.Contains(t, missing["aws/eu-central-1/ebs/gp3"], "ambiguous: BBB1 at 0.0952/GB-month, BBB2 at 0.08/GB-month")
	assert.Contains(t, missing["aws/eu-central-1/vpc/nat-gateway"], `unit "Minutes"`)
	for _, p := range res.Prices {
		assert.NotEqual(t, "aws/eu-central-1/ebs/gp3", p.Key)
	}
	assert.False(t, usageMatches("EUC1-TS-LoadBalancerUsage", "LoadBalancerUsage"))
	assert.True(t, usageMatches("USE1-AmazonEKS-Hours:perCluster", "AmazonEKS-Hours:perCluster"))
	assert.True(t, usageMatches("EBS:VolumeUsage.gp3", "EBS:VolumeUsage.gp3"))
}

func TestImportAWSFreeFirstTier(t *testing.T) {
	p := excerpt.AWSUsage("DDD1", fra, "Data Transfer", "EUC1-DataTransfer-Regional-Bytes", "GB", "")
	p.Attrs["fromRegionCode"] = fra
	p.Tiers = [][3]string{{"0", "1", "0.0000000000"}, {"1", "Inf", "0.0100000000"}}
	res, err := ImportAWS(fra, []NamedReader{named("dt.json", excerpt.AWSOffer(t, "AWSDataTransfer", []excerpt.AWSProduct{p}))})
	require.NoError(t, err)
	require.Len(t, res.Prices, 1)
	assert.Equal(t, "0.01", res.Prices[0].USD.String())
	assert.Contains(t, res.Prices[0].Source, "after a free first 1 GB")
}

func TestImportAWSBadFiles(t *testing.T) {
	for name, body := range map[string]string{
		"not json":        "hello",
		"not an offer":    `{"skus": []}`,
		"trailing data":   excerpt.AWSOffer(t, "AmazonEC2", []excerpt.AWSProduct{excerpt.EC2Instance("A", fra, "t3.medium", "Linux", "Shared", "0.05")}) + `{"x":1}`,
		"truncated":       excerpt.AWSOffer(t, "AmazonEC2", []excerpt.AWSProduct{excerpt.EC2Instance("A", fra, "t3.medium", "Linux", "Shared", "0.05")})[:200],
		"products first":  `{"products": {}, "offerCode": "AmazonEC2"}`,
		"products a list": `{"offerCode": "AmazonEC2", "products": []}`,
	} {
		_, err := ImportAWS(fra, []NamedReader{named("x.json", body)})
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), "x.json: not an AWS Price List offer file", name)
		}
	}
	// An offer without the region says which regions it has.
	_, err := ImportAWS("ap-northeast-1", []NamedReader{named("ec2.json", ec2Offer(t))})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ec2.json: offer AmazonEC2 has no product in region ap-northeast-1 (regions in the file: eu-central-1, eu-west-1)")
	// A region that cannot be AWS's.
	_, err = ImportAWS("US-EAST-1", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `--region "US-EAST-1" is not a aws region name`)
	_, err = ImportGCP("eu-central-1", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a gcp region name")
}

// us-central1's published per-vCPU and per-GiB rates (Cloud Billing Catalog, as in the
// embedded catalog's sources) reproduce the embedded catalog's machine prices.
func usCentral1(t testing.TB) string {
	r := []string{"us-central1", "us-east1"}
	return excerpt.GCPListing(t, []excerpt.GCPSKU{
		{ID: "CP-E2-CORE", Desc: "E2 Instance Core running in Americas", Regions: r, Unit: "h", Nanos: 21811590},
		{ID: "CP-E2-RAM", Desc: "E2 Instance Ram running in Americas", Regions: r, Unit: "GiBy.h", Nanos: 2923530},
		{ID: "CP-N2-CORE", Desc: "N2 Instance Core running in Americas", Regions: r, Unit: "h", Nanos: 31611000},
		{ID: "CP-N2-RAM", Desc: "N2 Instance Ram running in Americas", Regions: r, Unit: "GiBy.h", Nanos: 4237000},
		{ID: "SPOT-E2", Desc: "Spot Preemptible E2 Instance Core running in Americas", Regions: r, Unit: "h", Nanos: 6543000, UsageType: "Preemptible"},
		{ID: "CUD-E2", Desc: "Commitment v1: E2 Cpu in Americas for 1 Year", Regions: r, Unit: "h", Nanos: 13741000, UsageType: "Commit1Yr"},
		{ID: "PD-BAL", Desc: "Balanced PD Capacity", Regions: []string{"us-central1"}, Unit: "GiBy.mo", Nanos: 100000000},
		{ID: "PD-STD", Desc: "Storage PD Capacity", Regions: []string{"us-central1"}, Unit: "GiBy.mo", Nanos: 40000000},
		{ID: "IP-VM", Desc: "External IP Charge on a Standard VM", Regions: []string{"us-central1"}, Unit: "h", Nanos: 5000000},
		{ID: "LB-MIN", Desc: "Network Load Balancing: Forwarding Rule Minimum Service Charge in Americas", Regions: []string{"us-central1"}, Unit: "h", Nanos: 25000000},
		{ID: "LB-MIN-G", Desc: "Cloud Load Balancer Forwarding Rule Minimum Global", Regions: []string{"us-central1"}, Unit: "h", Nanos: 25000000},
		{ID: "LB-ADD", Desc: "Network Load Balancing: Forwarding Rule Additional Service Charge in Americas", Regions: []string{"us-central1"}, Unit: "h", Nanos: 10000000},
		{ID: "NAT-VM", Desc: "Networking Cloud NAT Gateway Uptime", Service: "Networking", Regions: []string{"us-central1"}, Unit: "h", Nanos: 1400000},
		{ID: "NAT-DATA", Desc: "Networking Cloud NAT Data Processing", Service: "Networking", Regions: []string{"us-central1"}, Unit: "GiBy", Nanos: 45000000},
		{ID: "IZ", Desc: "Network Inter Zone Data Transfer Out", Service: "Networking", Regions: []string{"us-central1"}, Unit: "GiBy",
			Tiers: [][3]int64{{0, 0, 0}, {1, 0, 10000000}}},
	})
}

func TestImportGCPMachineTypesFromVCPUAndMemoryRates(t *testing.T) {
	res, err := ImportGCP("us-central1", []NamedReader{named("compute.json", usCentral1(t))})
	require.NoError(t, err)
	cat, err := catalog.Default()
	require.NoError(t, err)
	got := map[string]Price{}
	for _, p := range res.Prices {
		got[p.Key] = p
	}
	// The embedded catalog's verified us-central1 figures, to the 7th decimal they carry.
	for _, k := range []string{"gce/e2-medium", "gce/e2-standard-2", "gce/e2-standard-4", "gce/n2-standard-2", "pd/pd-balanced", "pd/pd-standard",
		"vpc/external-ipv4", "lb/forwarding-rule-first-5", "lb/forwarding-rule-extra", "cloudnat/gateway-vm", "cloudnat/data"} {
		key := "gcp/us-central1/" + k
		want, ok := cat.Price(key)
		require.True(t, ok, key)
		p, ok := got[key]
		if assert.True(t, ok, "%s imported", key) {
			assert.True(t, p.USD.Sub(want.USD).Abs().LessThan(decimal.RequireFromString("0.0000001")), "%s: imported %s, catalog %s", key, p.USD, want.USD)
			assert.Equal(t, want.Unit, p.Unit, key)
		}
	}
	// Spot and committed-use SKUs are not on-demand prices.
	assert.Equal(t, "0.13402284", got["gcp/us-central1/gce/e2-standard-4"].USD.String())
	assert.Contains(t, got["gcp/us-central1/gce/e2-medium"].Source, "CP-E2-CORE and CP-E2-RAM: 1 vCPU × 0.02181159 + 4 GiB × 0.00292353")
	// A free first tier is skipped and said.
	assert.Equal(t, "0.01", got["gcp/us-central1/vpc/inter-zone-data"].USD.String())
	assert.Contains(t, got["gcp/us-central1/vpc/inter-zone-data"].Source, "after a free first 1 GiBy")

	missing := map[string]string{}
	for _, m := range res.Missing {
		missing[m.Key] = m.Reason
	}
	assert.Contains(t, missing["gcp/us-central1/cloudnat/gateway-flat"], "no SKU of its own")
	assert.Equal(t, "no matching product in the files given", missing["gcp/us-central1/gce/n2d-*"])
	assert.NotContains(t, missing, "gcp/us-central1/lb/forwarding-rule-first-5", "the global rule is left out, the regional one is not ambiguous")
}

func TestImportGCPBadFiles(t *testing.T) {
	for name, body := range map[string]string{
		"not json":      "{",
		"no skus":       `{"services": []}`,
		"trailing data": usCentral1(t) + "]",
	} {
		_, err := ImportGCP("us-central1", []NamedReader{named("skus.json", body)})
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), "skus.json: not a Cloud Billing Catalog SKU listing", name)
		}
	}
	_, err := ImportGCP("asia-northeast1", []NamedReader{named("skus.json", usCentral1(t))})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no on-demand SKU in the files serves region asia-northeast1 (regions seen: us-central1, us-east1)")
}

// The written file is a --prices file the catalog takes, and prices what it says.
func TestWrittenFileMergesIntoTheCatalog(t *testing.T) {
	res, err := ImportAWS(fra, []NamedReader{named("ec2.json", ec2Offer(t))})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, res.WriteYAML(&buf, "clusterbench prices import"))
	assert.Contains(t, buf.String(), "#   aws/eu-central-1/elb/nlb: offer AWSELB not given")
	cat, err := catalog.Default()
	require.NoError(t, err)
	require.NoError(t, cat.Merge(buf.Bytes(), "imported.yaml"))
	e, ok := cat.Price("aws/eu-central-1/ec2/t3.medium")
	require.True(t, ok)
	assert.Equal(t, "0.048", e.USD.String())
	assert.True(t, e.Verified)
	assert.Contains(t, cat.Regions(), fra)
	assert.True(t, strings.HasSuffix(cat.Version, "+import-aws-eu-central-1"), cat.Version)
}

// Every regional item the embedded catalog prices has an import rule, so a new item
// cannot be added without saying where the vendors' files price it.
func TestEveryCatalogItemHasAnImportRule(t *testing.T) {
	cat, err := catalog.Default()
	require.NoError(t, err)
	shapes := map[string]bool{}
	for _, f := range gcpFamilies {
		for _, s := range f.shapes {
			shapes[s.name] = true
		}
	}
	items := map[string]map[string]bool{"aws": {}, "gcp": {}}
	for _, r := range awsRules {
		items["aws"][r.item] = true
	}
	for _, r := range gcpRules {
		items["gcp"][r.item] = true
	}
	n := 0
	for _, e := range cat.Entries() {
		segs := strings.SplitN(e.Key, "/", 4)
		if e.Region == catalog.GlobalRegion || segs[0] == "datadog" {
			continue
		}
		n++
		item := segs[2] + "/" + segs[3]
		switch {
		case segs[0] == "aws" && segs[2] == "ec2":
		case segs[0] == "gcp" && segs[2] == "gce":
			assert.True(t, shapes[segs[3]], "%s: no machine shape for %s", e.Key, segs[3])
		default:
			assert.True(t, items[segs[0]][item], "%s: no import rule for %s", e.Key, item)
		}
	}
	assert.Greater(t, n, 40)
}

func BenchmarkImportAWSOffer(b *testing.B) {
	// A synthetic offer the size of a regional EC2 file's instance section.
	var ps []excerpt.AWSProduct
	for i := 0; i < 20000; i++ {
		os := []string{"Linux", "Windows", "RHEL", "SUSE"}[i%4]
		ps = append(ps, excerpt.EC2Instance(strings.Repeat("S", 4)+decimal.NewFromInt(int64(i)).String(), fra, "t"+decimal.NewFromInt(int64(i/4)).String()+".large", os, "Shared", "0.1"))
	}
	doc := excerpt.AWSOffer(b, "AmazonEC2", ps)
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := ImportAWS(fra, []NamedReader{named("ec2.json", doc)})
		if err != nil || len(res.Prices) != 5000 {
			b.Fatalf("%v, %d prices", err, len(res.Prices))
		}
	}
}

func named(name, body string) NamedReader { return NamedReader{Name: name, R: strings.NewReader(body)} }
