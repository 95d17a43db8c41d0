package catalog

import (
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every machine type the embedded catalog prices has its vCPU and memory, with a source.
func TestEveryPricedMachineTypeHasItsSize(t *testing.T) {
	c, err := Default()
	require.NoError(t, err)
	priced := 0
	for _, e := range c.Entries() {
		segs := strings.Split(e.Key, "/")
		if computeServices[segs[0]] != segs[2] {
			continue
		}
		priced++
		m, ok := c.MachineType(segs[0], segs[3])
		require.True(t, ok, "%s has no machineTypes row", e.Key)
		assert.Positive(t, m.VCPU, e.Key)
		assert.Positive(t, m.MemoryGiB, e.Key)
		assert.NotEmpty(t, m.Source, e.Key)
	}
	assert.Equal(t, 16, priced, "11 EC2 and 5 GCE types are priced")
	assert.Len(t, c.MachineTypes("aws", "us-east-1"), 11)
	assert.Len(t, c.MachineTypes("gcp", "us-central1"), 5)
	assert.Empty(t, c.MachineTypes("aws", "eu-west-1"), "no prices there, so no types to build from")
	assert.Equal(t, []string{"us-east-1"}, c.RegionsPricing("aws"))
}

// Figures read back from the vendors' tables (EC2 instance types; Compute Engine E2).
func TestMachineTypeFigures(t *testing.T) {
	c, err := Default()
	require.NoError(t, err)
	for _, tc := range []struct {
		cloud, name string
		vcpu        int
		mem         float64
		sustained   float64
	}{
		{"aws", "t3.small", 2, 2, 0.4},
		{"aws", "t3.large", 2, 8, 0.6},
		{"aws", "t3.2xlarge", 8, 32, 3.2},
		{"aws", "m5.xlarge", 4, 16, 4},
		{"aws", "m7g.large", 2, 8, 2},
		{"gcp", "e2-medium", 2, 4, 1},
		{"gcp", "e2-standard-8", 8, 32, 8},
	} {
		m, ok := c.MachineType(tc.cloud, tc.name)
		require.True(t, ok, tc.name)
		assert.Equal(t, tc.vcpu, m.VCPU, tc.name)
		assert.Equal(t, tc.mem, m.MemoryGiB, tc.name)
		assert.InDelta(t, tc.sustained, m.SustainedVCPU(), 1e-9, tc.name)
	}
}

// A catalog that prices a machine type it cannot size is refused on load, naming the key.
func TestPricedTypeWithoutSizeIsRefused(t *testing.T) {
	cal, err := kubeversion.Default()
	require.NoError(t, err)
	c := &Catalog{entries: map[string]Entry{}, support: cal, machines: map[string]MachineType{}}
	doc := `entries:
  - {key: aws/us-east-1/ec2/c5.large, unit: hour, usd: 0.085, source: test, date: "2026-11"}
machineTypes:
  - {cloud: aws, name: t3.large, vcpu: 2, memoryGiB: 8, source: test, date: "2026-11"}
`
	require.NoError(t, c.merge([]byte(doc), "mini.yaml"))
	err = c.machineCoverage("mini.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "mini.yaml: key aws/us-east-1/ec2/c5.large: machine type c5.large has a price but no machineTypes row")
}

// Bad rows are refused with the file, the row and what is allowed.
func TestBadMachineTypeRowsAreRefused(t *testing.T) {
	c, err := Default()
	require.NoError(t, err)
	err = c.Merge([]byte(`machineTypes:
  - {cloud: azure, name: D2s, vcpu: 2, memoryGiB: 8, source: x, date: "2026-11"}
  - {cloud: aws, name: t3.huge, vcpu: 0, memoryGiB: -1, baselinePercent: 120, date: "soon"}
  - {cloud: aws, name: t3.huge, vcpu: 2, memoryGiB: 8, source: x, date: "2026-11"}
`), "prices.yaml")
	require.Error(t, err)
	for _, want := range []string{
		`prices.yaml: machineTypes 1 (azure/D2s): cloud "azure": want aws or gcp`,
		"machineTypes 2 (aws/t3.huge): vcpu 0: want a positive whole number",
		"machineTypes 2 (aws/t3.huge): memoryGiB -1: want a positive number",
		"machineTypes 2 (aws/t3.huge): baselinePercent 120: want 1 to 100",
		"machineTypes 2 (aws/t3.huge): source is required",
		`machineTypes 2 (aws/t3.huge): date "soon"`,
		"machineTypes 3 (aws/t3.huge): listed twice",
	} {
		assert.Contains(t, err.Error(), want)
	}
	_, ok := c.MachineType("aws", "t3.huge")
	assert.False(t, ok, "a refused file changes nothing")
}

// A --prices file may size a type it adds, and then the type can be built from.
func TestPricesFileAddsAMachineType(t *testing.T) {
	c, err := Default()
	require.NoError(t, err)
	require.NoError(t, c.Merge([]byte(`entries:
  - {key: aws/us-east-1/ec2/c5.large, unit: hour, usd: 0.085, source: test, date: "2026-11"}
machineTypes:
  - {cloud: aws, name: c5.large, vcpu: 2, memoryGiB: 4, source: test, date: "2026-11"}
`), "prices.yaml"))
	assert.Len(t, c.MachineTypes("aws", "us-east-1"), 12)
}
