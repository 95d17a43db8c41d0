package cost_test

import (
	"testing"

	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A document is the user's input too: a size or count from its inputs that is negative
// or absurd makes the resource unpriced (named, with the input), never a negative or
// overflowed amount. A volume of 1e308 GB used to price at -$737,869,762,948,381,952.
func TestAbsurdQuantitiesInInputsAreUnpriced(t *testing.T) {
	cases := []struct {
		r    inventory.Resource
		want string
	}{
		{res("aws:ebs/volume:Volume", "huge", obj{"size": 1e308, "type": "gp3"}), "size = 1e+308"},
		{res("aws:ebs/volume:Volume", "negative", obj{"size": -5.0, "type": "gp3"}), "size = -5"},
		{res("aws:ec2/instance:Instance", "root", obj{"instanceType": "t3.large", "rootBlockDevice": obj{"volumeSize": -5.0}}), "rootBlockDevice.volumeSize = -5"},
		{res("gcp:compute/disk:Disk", "disk", obj{"size": 1e19, "zone": "us-central1-a"}), "size = 1e+19"},
	}
	for _, tc := range cases {
		est := price(t, inv(tc.r))
		require.Len(t, est.Unpriced, 1, tc.r.Name)
		assert.Contains(t, est.Unpriced[0].Reason, tc.want, tc.r.Name)
		assert.Contains(t, est.Unpriced[0].Reason, "not a plausible", tc.r.Name)
		assert.Empty(t, est.Lines, "%s: no line of a resource priced from an absurd input", tc.r.Name)
		assert.GreaterOrEqual(t, est.MonthlyUSD, 0.0)
	}
}
