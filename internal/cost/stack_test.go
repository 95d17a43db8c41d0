package cost_test

import (
	"fmt"
	"testing"

	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func awsWorkers(n float64) []inventory.Resource {
	return []inventory.Resource{workersTemplate(nil),
		res("aws:autoscaling/group:Group", "workers", obj{"desiredCapacity": n, "launchTemplate": obj{"id": "workers-id"}})}
}

// Datadog on demand: 3 hosts × $18 = $54.00.
func TestDatadogAddsAHostLineForEveryInstance(t *testing.T) {
	for _, tc := range []struct {
		monitoring string
		want       float64
	}{{"datadog", 54.00}, {"prometheus", 0}, {"none", 0}} {
		t.Run(tc.monitoring, func(t *testing.T) {
			est := price(t, inv(awsWorkers(3)...), func(o *cost.Options) { o.Monitoring = tc.monitoring })
			assert.Equal(t, tc.want, monthlyByKey(est)["datadog/global/infrastructure-pro/host-on-demand"])
		})
	}
}

// Small preset: 100 GB crossing zones. AWS bills both sides: 2 × 100 × $0.01 = $2.00;
// GCP the egress only: 100 × $0.01 = $1.00.
func TestInterZoneTrafficIsPricedOnlyAcrossSeveralZones(t *testing.T) {
	cases := []struct {
		name    string
		zones   int
		r       inventory.Resource
		wantKey string
		want    float64
	}{
		{"AWS over 3 zones", 3, res("aws:ec2/subnet:Subnet", "subnet", nil), "aws/us-east-1/vpc/inter-az-data", 2.00},
		{"GCP over 3 zones", 3, res("gcp:compute/disk:Disk", "disk", obj{"size": 10.0, "type": "pd-standard"}), "gcp/us-central1/vpc/inter-zone-data", 1.00},
		{"one zone: no traffic line", 1, res("aws:ec2/subnet:Subnet", "subnet", nil), "aws/us-east-1/vpc/inter-az-data", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The zones are what the inventory says: one copy of the resource per zone.
			var rs []inventory.Resource
			for i := 0; i < tc.zones; i++ {
				r := tc.r
				r.Name = fmt.Sprintf("%s-%d", r.Name, i)
				r.Inputs = map[string]any{"availabilityZone": fmt.Sprintf("zone-%d", i), "zone": fmt.Sprintf("zone-%d", i)}
				for k, v := range tc.r.Inputs {
					r.Inputs[k] = v
				}
				rs = append(rs, r)
			}
			est := price(t, inv(rs...))
			assert.Equal(t, tc.want, monthlyByKey(est)[tc.wantKey])
			if tc.want > 0 {
				assert.Contains(t, keys(est), tc.wantKey)
				assert.Len(t, keys(est), len(monthlyByKey(est)), "one line per key")
			}
		})
	}
}

// Three t3.medium instances: each line is 730 × $0.0416 = $30.368, reported $30.37; the
// total is the exact sum $91.104 rounded once: $91.10 (not 3 × $30.37 = $91.11).
func TestTotalIsTheExactSumRoundedOnce(t *testing.T) {
	var rs []inventory.Resource
	for _, name := range []string{"c", "a", "b"} {
		rs = append(rs, res("aws:ec2/instance:Instance", name, obj{"instanceType": "t3.medium", "rootBlockDevice": obj{"volumeSize": 0.0}}))
	}
	est := price(t, inv(rs...))
	require.Empty(t, est.Unpriced, reasons(est))
	assert.Equal(t, 91.10, est.MonthlyUSD)
	var order []string
	for _, l := range est.Lines {
		if l.PriceKey == "aws/us-east-1/ec2/t3.medium" {
			assert.Equal(t, 30.37, l.MonthlyUSD)
			assert.Equal(t, 730.0, l.Quantity)
			assert.Equal(t, "hours", l.Unit)
			order = append(order, l.Resource)
		}
	}
	assert.Equal(t, []string{"a", "b", "c"}, order, "lines sorted by component, resource, key")
}

func TestExcludedAlwaysNamesWhatTheInventoryCannotSee(t *testing.T) {
	est := price(t, inv())
	assert.Equal(t, 0.0, est.MonthlyUSD)
	require.NotEmpty(t, est.Excluded)
	assert.Contains(t, est.Excluded[0], "that Kubernetes creates at run time")
	assert.Contains(t, est.Excluded[1], "Internet egress")
	for _, sentence := range est.Excluded {
		assert.Regexp(t, `^[A-Z].*\.$`, sentence, "a full sentence")
	}
}

func TestLinesNameTheirComponent(t *testing.T) {
	component := inventory.Resource{URN: "urn:pulumi:test::clusterbench::clusterbench:swarm:AwsSwarm::swarm", Type: "clusterbench:swarm:AwsSwarm", Name: "swarm", Component: true}
	nat := res("aws:ec2/natGateway:NatGateway", "nat", nil)
	nat.ParentURN, nat.Parent = component.URN, component.Type
	est := price(t, inv(component, nat))
	require.NotEmpty(t, est.Lines)
	for _, l := range est.Lines {
		assert.Equal(t, "swarm", l.Component)
	}
}
