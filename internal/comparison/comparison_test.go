package comparison_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/comparison"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/report"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var stacksDir = filepath.Join("..", "..", "stacks")

// compareShipped evaluates and prices every shipped stack with the embedded catalog
// and the small preset, as `clusterbench compare` does by default.
func compareShipped(t *testing.T) (*report.Comparison, []evaluate.Evaluation) {
	t.Helper()
	files, err := stackfile.List(stacksDir)
	require.NoError(t, err)
	cat, err := catalog.Default()
	require.NoError(t, err)
	usage, err := catalog.Preset("small")
	require.NoError(t, err)
	evals := evaluate.Files(files, program.SpecOptions())
	c := comparison.Build(evals, func(inv *inventory.Inventory, s *spec.Spec) cost.Estimate {
		return cost.Price(inv, cost.Options{Catalog: cat, Usage: usage, Regions: map[string]string{s.Cloud: s.Region},
			Monitoring: s.Monitoring})
	}, report.CatalogInfo{Version: cat.Version, Date: cat.Date, Regions: cat.Regions()}, usage.Name)
	comparison.AddDoctor(c, evals, cat.Calendar())
	comparison.AddCapabilities(c, evals, cat.Calendar())
	return c, evals
}

func byName(c *report.Comparison) map[string]report.Stack {
	out := map[string]report.Stack{}
	for _, st := range c.Stacks {
		out[st.Stack] = st
	}
	return out
}

// price reads a catalog figure, failing the test when it is not the one the
// arithmetic below was written with (a catalog update must update the arithmetic).
func price(t *testing.T, cat *catalog.Catalog, key string, want float64) float64 {
	t.Helper()
	e, ok := cat.Price(key)
	require.True(t, ok, key)
	got, _ := e.USD.Float64()
	require.Equal(t, want, got, "catalog %s changed: update the hand arithmetic", key)
	return want
}

// Each shipped stack's monthly cost, computed by hand from the catalog and the small
// usage preset (730 hours a month).
func TestShippedStacksCostWhatTheCatalogSays(t *testing.T) {
	c, _ := compareShipped(t)
	cat, err := catalog.Default()
	require.NoError(t, err)
	stacks := byName(c)
	const h = 730.0

	// eks: 3 zones, 3 × t3.large workers with 50 GB gp3 roots, a NAT gateway and EIP per zone.
	eksCP := price(t, cat, "aws/us-east-1/eks/control-plane-standard", 0.10)
	t3large := price(t, cat, "aws/us-east-1/ec2/t3.large", 0.0832)
	gp3 := price(t, cat, "aws/us-east-1/ebs/gp3", 0.08)
	nat := price(t, cat, "aws/us-east-1/vpc/nat-gateway", 0.045)
	natGB := price(t, cat, "aws/us-east-1/vpc/nat-gateway-data", 0.045)
	ipv4 := price(t, cat, "aws/us-east-1/vpc/public-ipv4", 0.005)
	interAZ := price(t, cat, "aws/us-east-1/vpc/inter-az-data", 0.01)
	eks := h*eksCP + // control plane, version 1.35 in standard support: 73.00
		3*h*t3large + // workers: 182.208
		3*50*gp3 + // root volumes: 12.00
		3*h*nat + 3*50*natGB + // NAT gateways, 50 GB each (small preset): 98.55 + 6.75
		3*h*ipv4 + // the NAT gateways' EIPs: 10.95
		1.00 + // the secrets KMS key
		5*0.50 + 10*0.03 + // control-plane logs: 5 GB ingested, 10 GB stored
		100*2*interAZ // inter-zone traffic, 100 GB charged each way: 2.00
	assertCost(t, stacks["eks"], eks)

	// gke: regional cluster, 3 × e2-standard-2 with 50 GB pd-balanced, private behind Cloud NAT.
	gkeFee := price(t, cat, "gcp/global/gke/cluster-management", 0.10)
	e2std2 := price(t, cat, "gcp/us-central1/gce/e2-standard-2", 0.0670114)
	pdBalanced := price(t, cat, "gcp/us-central1/pd/pd-balanced", 0.10)
	natVM := price(t, cat, "gcp/us-central1/cloudnat/gateway-vm", 0.0014)
	natData := price(t, cat, "gcp/us-central1/cloudnat/data", 0.045)
	gcpIPv4 := price(t, cat, "gcp/us-central1/vpc/external-ipv4", 0.005)
	interZone := price(t, cat, "gcp/us-central1/vpc/inter-zone-data", 0.01)
	kmsVersion := price(t, cat, "gcp/global/kms/software-key-version", 0.06)
	gke := h*gkeFee + // cluster fee, regional: no free-tier credit: 73.00
		3*h*e2std2 + // workers: 146.755
		3*50*pdBalanced + // boot disks: 15.00
		3*h*natVM + 150*natData + // Cloud NAT: 3 VMs, 150 GB (small preset): 3.066 + 6.75
		h*gcpIPv4 + // the one IP Cloud NAT allocates itself (AUTO_ONLY): 3.65
		kmsVersion + // the secrets key: one active version, 0.06
		100*interZone // inter-zone traffic: 1.00
	assertCost(t, stacks["gke"], gke)

	// swarm-aws: 3 managers (t3.medium, 30 GB gp3 roots, one per zone), 3 × t3.large
	// workers with 50 GB gp3, an NLB for published ports, a NAT gateway and EIP per zone.
	t3medium := price(t, cat, "aws/us-east-1/ec2/t3.medium", 0.0416)
	nlb := price(t, cat, "aws/us-east-1/elb/nlb", 0.0225)
	nlcu := price(t, cat, "aws/us-east-1/elb/nlb-capacity", 0.006)
	swarmAWS := 3*h*t3medium + 3*30*gp3 + // managers: 91.104 + 7.20
		3*h*t3large + 3*50*gp3 + // workers: 182.208 + 12.00
		h*nlb + h*1*nlcu + // NLB, 1 NLCU an hour (small preset): 16.425 + 4.38
		3*h*nat + 3*50*natGB + 3*h*ipv4 + // NAT gateways and their EIPs: 98.55 + 6.75 + 10.95
		100*2*interAZ // inter-zone traffic: 2.00
	assertCost(t, stacks["swarm-aws"], swarmAWS)

	// swarm-gcp: 3 managers (e2-medium, 30 GB pd-balanced, zonal groups of one), 3 ×
	// e2-standard-2 workers with 50 GB pd-balanced, private behind Cloud NAT, one
	// forwarding rule for published ports, five Secret Manager secrets.
	e2medium := price(t, cat, "gcp/us-central1/gce/e2-medium", 0.0335057)
	firstRules := price(t, cat, "gcp/us-central1/lb/forwarding-rule-first-5", 0.025)
	secret := price(t, cat, "gcp/global/secretmanager/secret-version", 0.06)
	swarmGCP := 3*h*e2medium + 3*30*pdBalanced + // managers: 73.377 + 9.00
		3*h*e2std2 + 3*50*pdBalanced + // workers: 146.755 + 15.00
		6*h*natVM + 150*natData + h*gcpIPv4 + // Cloud NAT for 6 VMs, 150 GB, its one IP: 6.132 + 6.75 + 3.65
		h*firstRules + // the forwarding rule: the region's minimum charge, 18.25
		5*secret + // lock, manager and worker tokens, unlock key, manager addresses: 0.30
		100*interZone // inter-zone traffic: 1.00
	assertCost(t, stacks["swarm-gcp"], swarmGCP)

	// kops-aws: 3 members (t3.medium, 64 GB gp3 roots as kops sizes them, one 20 GB gp3
	// etcd volume each), 3 × t3.large workers with 50 GB gp3, an NLB for the API, the
	// etcd snapshot bucket, a NAT gateway and EIP per zone.
	s3 := price(t, cat, "aws/us-east-1/s3/standard", 0.023)
	kopsAWS := 3*h*t3medium + 3*64*gp3 + 3*20*gp3 + // members, roots and etcd volumes: 91.104 + 15.36 + 4.80
		3*h*t3large + 3*50*gp3 + // workers: 182.208 + 12.00
		h*nlb + h*1*nlcu + // API load balancer: 16.425 + 4.38
		50*s3 + // etcd snapshots, 50 GB (small preset): 1.15
		3*h*nat + 3*50*natGB + 3*h*ipv4 + // NAT gateways and their EIPs: 98.55 + 6.75 + 10.95
		100*2*interAZ // inter-zone traffic: 2.00
	assertCost(t, stacks["kops-aws"], kopsAWS)

	// kops-gcp: 3 members (e2-medium, 64 GB pd-balanced roots, one 20 GB pd-ssd etcd disk
	// each, attached by their group and priced once), 3 × e2-standard-2 workers with 50 GB
	// pd-balanced, the API forwarding rule, the snapshot bucket, Cloud NAT, eight secrets.
	pdSSD := price(t, cat, "gcp/us-central1/pd/pd-ssd", 0.17)
	gcs := price(t, cat, "gcp/us-central1/gcs/standard", 0.020)
	kopsGCP := 3*h*e2medium + 3*64*pdBalanced + 3*20*pdSSD + // members: 73.377 + 19.20 + 10.20
		3*h*e2std2 + 3*50*pdBalanced + // workers: 146.755 + 15.00
		h*firstRules + // the API forwarding rule: the region's minimum charge, 18.25
		50*gcs + // etcd snapshots: 1.00
		6*h*natVM + 150*natData + h*gcpIPv4 + // Cloud NAT for 6 VMs: 6.132 + 6.75 + 3.65
		8*secret + // join token, CA hash, certificate key, encryption key, admin kubeconfig, 3 member records: 0.48
		100*interZone // inter-zone traffic: 1.00
	assertCost(t, stacks["kops-gcp"], kopsGCP)
}

func assertCost(t *testing.T, st report.Stack, want float64) {
	t.Helper()
	require.Equal(t, report.StatusOK, st.Status, st.Error)
	assert.Empty(t, st.Unpriced)
	assert.InDelta(t, want, st.MonthlyCostUSD, 0.01, "%s: hand arithmetic %.4f", st.Stack, want)
	sum := 0.0
	for _, l := range st.CostBreakdown {
		sum += l.MonthlyUSD
	}
	assert.InDelta(t, st.MonthlyCostUSD, sum, 0.01*float64(len(st.CostBreakdown)), "the total is the sum of its lines")
}

// Every machine and volume type the stacks in stacks/ use is in the catalog, for the
// stacks whose components are not built yet too.
func TestCatalogCoversEveryShippedStack(t *testing.T) {
	files, err := stackfile.List(stacksDir)
	require.NoError(t, err)
	cat, err := catalog.Default()
	require.NoError(t, err)
	for _, f := range files {
		ev := evaluate.File(f, program.SpecOptions())
		require.NotNil(t, ev.Spec, "%s: %v", f, ev.Err)
		s := ev.Spec
		var keys []string
		if s.Cloud == spec.AWS {
			keys = []string{"ec2/" + s.Workers.MachineType, "ec2/" + s.ControlPlane.MachineType, "ebs/gp3", "vpc/nat-gateway", "vpc/public-ipv4"}
		} else {
			keys = []string{"gce/" + s.Workers.MachineType, "gce/" + s.ControlPlane.MachineType, "pd/pd-balanced", "pd/pd-ssd", "cloudnat/gateway-vm"}
		}
		for _, k := range keys {
			key := fmt.Sprintf("%s/%s/%s", s.Cloud, s.Region, k)
			_, ok := cat.Price(key)
			assert.True(t, ok, "%s: %s is not in the catalog", filepath.Base(f), key)
		}
	}
}

// The comparison of the shipped stacks, as JSON. Regenerate with
// UPDATE_GOLDEN=1 go test ./...
func TestGoldenComparisonJSON(t *testing.T) {
	c, evals := compareShipped(t)
	assert.Equal(t, 0, comparison.ExitCode(evals, c), "the shipped stacks compare cleanly")
	var buf bytes.Buffer
	require.NoError(t, report.Render(&buf, c, "json"))
	golden := filepath.Join("testdata", "compare.golden.json")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "no golden file: run UPDATE_GOLDEN=1 go test ./components/comparison/")
	if !bytes.Equal(want, buf.Bytes()) {
		got := golden + ".got"
		require.NoError(t, os.WriteFile(got, buf.Bytes(), 0o644))
		t.Fatalf("%s differs from the comparison (written to %s); if the change is intended: UPDATE_GOLDEN=1 go test ./...", golden, got)
	}
}

func TestExitCodeIsTheWorstOutcome(t *testing.T) {
	ok := report.Stack{Stack: "a", Status: report.StatusOK}
	unpriced := report.Stack{Stack: "b", Status: report.StatusOK, Unpriced: []cost.Unpriced{{Resource: "x"}}}
	cases := []struct {
		name   string
		evals  []evaluate.Outcome
		stacks []report.Stack
		want   int
	}{
		{"all ok", []evaluate.Outcome{evaluate.OK, evaluate.NotAvailable}, []report.Stack{ok}, 0},
		{"an unpriced item", []evaluate.Outcome{evaluate.OK}, []report.Stack{unpriced}, 1},
		{"a failed program", []evaluate.Outcome{evaluate.OK, evaluate.Failed}, []report.Stack{ok}, 1},
		{"a bad stack file beats everything", []evaluate.Outcome{evaluate.Failed, evaluate.BadInput}, []report.Stack{unpriced}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var evals []evaluate.Evaluation
			for _, o := range tc.evals {
				evals = append(evals, evaluate.Evaluation{Outcome: o})
			}
			assert.Equal(t, tc.want, comparison.ExitCode(evals, &report.Comparison{Stacks: tc.stacks}))
		})
	}
}
