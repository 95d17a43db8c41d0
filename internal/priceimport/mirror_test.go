package priceimport

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/priceimport/excerpt"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The end-to-end check: vendor files for a new region that carry exactly the embedded
// catalog's us-east-1 / us-central1 prices, imported and laid over the catalog, must price
// every shipped stack moved to that region to the same cent, with nothing unpriced. A
// wrong usage type, unit conversion or machine shape anywhere shows up as a difference.

// mirrorAWS writes, per offer, the products that price `to` like the catalog prices `from`.
func mirrorAWS(t *testing.T, cat *catalog.Catalog, from, to string) []NamedReader {
	byOffer := map[string][]excerpt.AWSProduct{}
	n := 0
	for _, e := range cat.Entries() {
		if e.Region != from {
			continue
		}
		n++
		segs := strings.SplitN(e.Key, "/", 4)
		sku := "M" + strings.ToUpper(strings.NewReplacer("/", "", ".", "", "-", "").Replace(segs[2]+segs[3]))
		if segs[2] == "ec2" {
			byOffer["AmazonEC2"] = append(byOffer["AmazonEC2"], excerpt.EC2Instance(sku, to, segs[3], "Linux", "Shared", e.USD.String()))
			continue
		}
		ev, ok := awsEvidence[segs[2]+"/"+segs[3]]
		require.True(t, ok, "no offer-file wording for %s", e.Key)
		usd := e.USD
		if ev.unit == "GiBps-mo" {
			usd = usd.Mul(decimal.NewFromInt(1024))
		}
		p := excerpt.AWSUsage(sku, to, ev.family, ev.usagetype, ev.unit, usd.String(), append([]string{"fromRegionCode", to}, ev.attrs...)...)
		r := ev
		byOffer[r.offer] = append(byOffer[r.offer], p)
	}
	require.Greater(t, n, 20)
	var files []NamedReader
	for code, ps := range byOffer {
		files = append(files, named(code+".json", excerpt.AWSOffer(t, code, ps)))
	}
	return files
}

// awsEvidence is how AWS's offer files word each item in eu-central-1 (usage types as
// they appear in Cost and Usage Reports and the Price List), written independently of
// the import's rules so that a wrong rule fails here.
var awsEvidence = map[string]struct {
	offer, family, usagetype, unit string
	attrs                          []string
}{
	"ebs/gp3":                    {"AmazonEC2", "Storage", "EUC1-EBS:VolumeUsage.gp3", "GB-Mo", []string{"volumeApiName", "gp3"}},
	"ebs/gp2":                    {"AmazonEC2", "Storage", "EUC1-EBS:VolumeUsage.gp2", "GB-Mo", []string{"volumeApiName", "gp2"}},
	"ebs/gp3-iops":               {"AmazonEC2", "System Operation", "EUC1-EBS:VolumeP-IOPS.gp3", "IOPS-Mo", nil},
	"ebs/gp3-throughput":         {"AmazonEC2", "Provisioned Throughput", "EUC1-EBS:VolumeP-Throughput.gp3", "GiBps-mo", nil},
	"ebs/snapshot":               {"AmazonEC2", "Storage Snapshot", "EUC1-EBS:SnapshotUsage", "GB-Mo", nil},
	"ebs/snapshot-archive":       {"AmazonEC2", "Storage Snapshot", "EUC1-EBS:SnapshotArchiveStorage", "GB-Mo", nil},
	"vpc/nat-gateway":            {"AmazonEC2", "NAT Gateway", "EUC1-NatGateway-Hours", "Hrs", nil},
	"vpc/nat-gateway-data":       {"AmazonEC2", "NAT Gateway", "EUC1-NatGateway-Bytes", "GB", nil},
	"vpc/public-ipv4":            {"AmazonVPC", "", "EUC1-PublicIPv4:InUseAddress", "Hrs", nil},
	"vpc/inter-az-data":          {"AWSDataTransfer", "Data Transfer", "EUC1-DataTransfer-Regional-Bytes", "GB", nil},
	"elb/nlb":                    {"AWSELB", "Load Balancer-Network", "EUC1-LoadBalancerUsage", "Hrs", nil},
	"elb/nlb-capacity":           {"AWSELB", "Load Balancer-Network", "EUC1-LCUUsage", "LCU-Hrs", nil},
	"elb/alb":                    {"AWSELB", "Load Balancer-Application", "EUC1-LoadBalancerUsage", "Hrs", nil},
	"elb/alb-capacity":           {"AWSELB", "Load Balancer-Application", "EUC1-LCUUsage", "LCU-Hrs", nil},
	"eks/control-plane-standard": {"AmazonEKS", "Compute", "EUC1-AmazonEKS-Hours:perCluster", "Hrs", nil},
	"eks/control-plane-extended": {"AmazonEKS", "Compute", "EUC1-AmazonEKS-Hours:extendedSupport", "Hrs", nil},
	"kms/key":                    {"awskms", "Encryption Key", "EUC1-KMS-Keys", "Keys", nil},
	"cloudwatch/logs-ingest":     {"AmazonCloudWatch", "Data Payload", "EUC1-DataProcessing-Bytes", "GB", nil},
	"cloudwatch/logs-storage":    {"AmazonCloudWatch", "Storage Snapshot", "EUC1-TimedStorage-ByteHrs", "GB-Mo", nil},
	"s3/standard":                {"AmazonS3", "Storage", "EUC1-TimedStorage-ByteHrs", "GB-Mo", []string{"volumeType", "Standard", "storageClass", "General Purpose"}},
	"ssm/advanced-parameter":     {"AWSSystemsManager", "AWS Systems Manager", "EUC1-PS-Advanced-Param-Tier1", "Parameters", nil},
}

// gcpDescriptions are SKU descriptions as the Cloud Billing Catalog words them.
var gcpDescriptions = map[string]struct{ desc, service, unit string }{
	"pd/pd-balanced":             {"Balanced PD Capacity in Frankfurt", "Compute Engine", "GiBy.mo"},
	"pd/pd-standard":             {"Storage PD Capacity in Frankfurt", "Compute Engine", "GiBy.mo"},
	"pd/pd-ssd":                  {"SSD backed PD Capacity in Frankfurt", "Compute Engine", "GiBy.mo"},
	"pd/snapshot":                {"Storage PD Snapshot in Frankfurt", "Compute Engine", "GiBy.mo"},
	"pd/snapshot-archive":        {"Archive Snapshot in Frankfurt", "Compute Engine", "GiBy.mo"},
	"gcs/standard":               {"Standard Storage Frankfurt", "Cloud Storage", "GiBy.mo"},
	"vpc/external-ipv4":          {"External IP Charge on a Standard VM", "Compute Engine", "h"},
	"vpc/external-ipv4-unused":   {"Static Ip Charge", "Compute Engine", "h"},
	"vpc/inter-zone-data":        {"Network Inter Zone Data Transfer Out", "Networking", "GiBy"},
	"cloudnat/gateway-vm":        {"Networking Cloud NAT Gateway Uptime", "Networking", "h"},
	"cloudnat/data":              {"Networking Cloud NAT Data Processing", "Networking", "GiBy"},
	"lb/forwarding-rule-first-5": {"Cloud Load Balancer Forwarding Rule Minimum Frankfurt", "Networking", "h"},
	"lb/forwarding-rule-extra":   {"Cloud Load Balancer Forwarding Rule Additional Frankfurt", "Networking", "h"},
}

func mirrorGCP(t *testing.T, cat *catalog.Catalog, from, to string) []NamedReader {
	r := []string{to}
	skus := []excerpt.GCPSKU{
		// us-central1's per-vCPU and per-GiB rates: TestImportGCPMachineTypesFromVCPUAndMemoryRates
		// shows they reproduce the catalog's machine prices.
		{ID: "E2C", Desc: "E2 Instance Core running in Frankfurt", Regions: r, Unit: "h", Nanos: 21811590},
		{ID: "E2R", Desc: "E2 Instance Ram running in Frankfurt", Regions: r, Unit: "GiBy.h", Nanos: 2923530},
		{ID: "N2C", Desc: "N2 Instance Core running in Frankfurt", Regions: r, Unit: "h", Nanos: 31611000},
		{ID: "N2R", Desc: "N2 Instance Ram running in Frankfurt", Regions: r, Unit: "GiBy.h", Nanos: 4237000},
	}
	for _, e := range cat.Entries() {
		if e.Region != from {
			continue
		}
		segs := strings.SplitN(e.Key, "/", 4)
		item := segs[2] + "/" + segs[3]
		if segs[2] == "gce" || item == "cloudnat/gateway-flat" {
			continue
		}
		d, ok := gcpDescriptions[item]
		require.True(t, ok, "no SKU description for %s", item)
		whole := e.USD.Truncate(0)
		nanos := e.USD.Sub(whole).Shift(9)
		require.True(t, nanos.IsInteger(), e.Key)
		skus = append(skus, excerpt.GCPSKU{ID: "M" + strings.ToUpper(segs[3]), Desc: d.desc, Service: d.service, Regions: r, Unit: d.unit,
			Units: whole.String(), Nanos: nanos.IntPart()})
	}
	return []NamedReader{named("skus.json", excerpt.GCPListing(t, skus))}
}

func TestImportedRegionPricesTheShippedStacksLikeTheEmbeddedOne(t *testing.T) {
	base, err := catalog.Default()
	require.NoError(t, err)
	usage, err := catalog.Preset("small")
	require.NoError(t, err)

	awsRes, err := ImportAWS("eu-central-1", mirrorAWS(t, base, "us-east-1", "eu-central-1"))
	require.NoError(t, err)
	gcpRes, err := ImportGCP("europe-west3", mirrorGCP(t, base, "us-central1", "europe-west3"))
	require.NoError(t, err)
	assert.Empty(t, awsRes.Missing, "every AWS item is found in the mirrored offers")
	for _, m := range gcpRes.Missing {
		assert.Contains(t, []string{"gcp/europe-west3/cloudnat/gateway-flat", "gcp/europe-west3/gce/n2d-*", "gcp/europe-west3/gce/n1-*", "gcp/europe-west3/gce/t2d-*"}, m.Key, m.Reason)
	}

	cat, err := catalog.Default()
	require.NoError(t, err)
	for _, res := range []*Result{awsRes, gcpRes} {
		var buf bytes.Buffer
		require.NoError(t, res.WriteYAML(&buf, "test"))
		require.NoError(t, cat.Merge(buf.Bytes(), res.Cloud+".yaml"))
	}

	files, err := stackfile.List(filepath.Join("..", "..", "stacks"))
	require.NoError(t, err)
	dir := t.TempDir()
	moved := strings.NewReplacer("aws:region: us-east-1", "aws:region: eu-central-1", "gcp:region: us-central1", "gcp:region: europe-west3")
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		out := moved.Replace(string(data))
		require.NotEqual(t, string(data), out, "%s names its region as expected", f)
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(f)), []byte(out), 0o644))
	}
	price := func(ev evaluate.Evaluation, c *catalog.Catalog) cost.Estimate {
		require.Equal(t, evaluate.OK, ev.Outcome, "%s: %v", ev.File, ev.Err)
		return cost.Price(ev.Inventory, cost.Options{Catalog: c, Usage: usage, Regions: map[string]string{ev.Spec.Cloud: ev.Spec.Region}, Monitoring: ev.Spec.Monitoring})
	}
	for _, f := range files {
		orig := price(evaluate.File(f, program.SpecOptions()), base)
		ev := evaluate.File(filepath.Join(dir, filepath.Base(f)), program.SpecOptions())
		got := price(ev, cat)
		assert.Empty(t, got.Unpriced, "%s in %s", ev.Stack, ev.Spec.Region)
		assert.InDelta(t, orig.MonthlyUSD, got.MonthlyUSD, 0.005, "%s: the imported region prices it as the embedded one", ev.Stack)
		assert.Len(t, got.Lines, len(orig.Lines), ev.Stack)
		assert.Greater(t, got.MonthlyUSD, 100.0, ev.Stack)
	}
}
