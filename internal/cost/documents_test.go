package cost_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The sample program of shared/fixtures (3 workers), priced with the small preset,
// by hand:
//
//	NLB api                 730 × 0.0225 + 730 × 1 NLCU × 0.006          =  16.425 +   4.38
//	forwarding rule api     730 × 0.025 (first 5)                        =  18.25
//	EKS eks (no version: 1.35, standard support)   730 × 0.10            =  73.00
//	node group eks-workers  3 × 730 × 0.096 (m5.large)                   = 210.24
//	                        3 × 20 GB gp2 × 0.10 (EKS default disk)      =   6.00
//	                        3 × 730 × 0.005 (public subnet: IPv4)        =  10.95
//	EBS etcd-a              20 GB gp3 × 0.08                             =   1.60
//	PD etcd-a               20 GB pd-ssd × 0.17                          =   3.40
//	GKE gke (regional)      730 × 0.10                                   =  73.00
//	node pool gke-pool      1 per zone × 3 zones × 730 × 0.0670114       = 146.754966
//	                        3 × 50 GB pd-balanced × 0.10                 =  15.00
//	                        3 × 730 × 0.005 (no private nodes)           =  10.95
//	MIG manager-a           1 × 730 × 0.0335057 (e2-medium)              =  24.459161
//	                        30 GB pd-balanced × 0.10                     =   3.00
//	Cloud NAT nat           1 private VM × 730 × 0.0014 + 150 GB × 0.045 =   1.022 +   6.75
//	                        1 auto-allocated NAT IP × 730 × 0.005        =   3.65
//	NAT gateway nat-a       730 × 0.045 + 50 GB × 0.045                  =  32.85 +    2.25
//	EIP nat-a               730 × 0.005                                  =   3.65
//	ASG workers             3 × 730 × 0.0832 (t3.large, from the LT)     = 182.208
//	                        3 × 50 GB gp3 × 0.08                         =  12.00
//	                        3 × 730 × 0.005 (public subnet: IPv4)        =  10.95
//	inter-zone traffic      100 GB × 0.01 (the regional GKE pool spans   =   1.00
//	                        3 zones; AWS resources sit in one zone)
//	total                                                                = 873.739127
const sampleTotal = 873.739127

func TestRealDocumentsPriceToTheHandComputedTotal(t *testing.T) {
	for _, file := range []string{"pulumi-preview.json", "pulumi-export.json"} {
		t.Run(file, func(t *testing.T) {
			// shared/ sits beside the checkout (as in CI).
			f, err := os.Open(filepath.Join("..", "..", "..", "shared", "fixtures", file))
			if os.IsNotExist(err) {
				t.Skipf("fixture %s not present", file)
			}
			require.NoError(t, err)
			defer f.Close()
			doc, err := inventory.ReadPulumiDocument(f)
			require.NoError(t, err)
			est := price(t, doc.Inventory, func(o *cost.Options) { o.Regions = doc.Regions })
			require.Empty(t, est.Unpriced, reasons(est))
			assert.InDelta(t, sampleTotal, est.MonthlyUSD, 0.01)
			assert.Len(t, est.Lines, 25)
			for _, l := range est.Lines {
				if l.Resource != "inter-zone traffic" { // a line of the stack, not of a resource
					assert.Equal(t, "sample", l.Component, l.Resource)
				}
			}
		})
	}
}
