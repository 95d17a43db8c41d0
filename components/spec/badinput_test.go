package spec_test

import (
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refused parses cfg and returns the problems' text, failing when it is accepted.
func refused(t *testing.T, cfg map[string]string) string {
	t.Helper()
	_, _, err := parse(cfg)
	require.Error(t, err, "%v", cfg)
	return err.Error()
}

func accepted(t *testing.T, cfg map[string]string) []spec.Problem {
	t.Helper()
	_, warnings, err := parse(cfg)
	require.NoError(t, err, "%v", cfg)
	return warnings
}

// Two halves of the address space open SSH and the API to the internet exactly as
// 0.0.0.0/0 does; so does any set covering more than a /8's worth of public addresses.
func TestAdminCidrsCoveringTooMuchOfTheInternetAreRefused(t *testing.T) {
	aws := base(spec.AWS, spec.Swarm)
	for _, cidrs := range []string{
		`["0.0.0.0/1", "128.0.0.0/1"]`,
		`["0.0.0.0/1"]`,
		`["64.0.0.0/7"]`,
		`["44.0.0.0/8", "45.0.0.0/24"]`,
		`["1.0.0.0/9", "2.0.0.0/9", "3.0.0.0/9"]`,
	} {
		msg := refused(t, with(aws, "clusterbench:adminCidrs", cidrs))
		assert.Contains(t, msg, "clusterbench:adminCidrs", cidrs)
		assert.Contains(t, msg, "public IPv4 addresses", cidrs)
		assert.Contains(t, msg, "/8", cidrs, "the message states the threshold")
	}
	// Private networks do not count against the public share, and a /8 is the most a
	// set may cover; overlapping networks count once.
	for _, cidrs := range []string{
		`["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "198.18.7.0/24"]`,
		`["44.0.0.0/8"]`,
		`["44.0.0.0/8", "44.1.0.0/16"]`,
	} {
		accepted(t, with(aws, "clusterbench:adminCidrs", cidrs))
	}
}

func TestDuplicateAdminCidrsAreRefused(t *testing.T) {
	msg := refused(t, with(base(spec.AWS, spec.Swarm), "clusterbench:adminCidrs", `["198.18.7.0/24", "198.18.7.0/24"]`))
	assert.Contains(t, msg, "clusterbench:adminCidrs = 198.18.7.0/24: listed twice")
}

// Cloud VPCs refuse these ranges; the validator refuses them first.
func TestReservedNetworkRangesAreRefused(t *testing.T) {
	for _, cloud := range []string{spec.AWS, spec.GCP} {
		for _, cidr := range []string{"224.0.0.0/16", "127.0.0.0/16", "169.254.0.0/16", "0.0.0.0/16", "240.0.0.0/16", "239.255.0.0/16"} {
			msg := refused(t, with(base(cloud, spec.SelfManaged), "clusterbench:network", `{"cidr": "`+cidr+`"}`))
			assert.Contains(t, msg, "clusterbench:network.cidr = "+cidr+": is in ", cidr)
		}
	}
	// A /8 on GCP that only overlaps a reserved range is refused too.
	msg := refused(t, with(base(spec.GCP, spec.Managed), "clusterbench:network", `{"cidr": "224.0.0.0/8"}`))
	assert.Contains(t, msg, "multicast")
	accepted(t, with(base(spec.GCP, spec.Managed), "clusterbench:network", `{"cidr": "10.0.0.0/8"}`))
}

// A region that is not a region of the stack's cloud by its spelling, or that is a
// region of the other cloud, is bad input naming the provider's key.
func TestRegionsOfTheWrongShapeOrCloudAreRefused(t *testing.T) {
	aws, gcp := base(spec.AWS, spec.Managed), base(spec.GCP, spec.Managed)
	cases := []struct {
		cfg  map[string]string
		want string
	}{
		{with(aws, "aws:region", "US-EAST-1"), "aws:region = US-EAST-1: is not an AWS region"},
		{with(aws, "aws:region", " us-east-1"), `aws:region = " us-east-1": is not an AWS region`},
		{with(aws, "aws:region", "us-east-1a"), "aws:region = us-east-1a: is not an AWS region"},
		{with(aws, "aws:region", "us-central1"), "aws:region = us-central1: is a GCP region"},
		{with(gcp, "gcp:region", "us-east-1"), "gcp:region = us-east-1: is an AWS region"},
		{with(gcp, "gcp:region", "us-central1-a"), "gcp:region = us-central1-a: is not a GCP region"},
		{with(gcp, "gcp:region", "Europe-West1"), "gcp:region = Europe-West1: is not a GCP region"},
	}
	for _, tc := range cases {
		assert.Contains(t, refused(t, tc.cfg), tc.want)
	}
	// Plausible regions the program does not know are accepted (pricing then reports
	// them unpriced, with the hint to add prices), with a warning.
	for _, cfg := range []map[string]string{with(aws, "aws:region", "eu-south-9"), with(gcp, "gcp:region", "europe-west99")} {
		warnings := accepted(t, cfg)
		require.NotEmpty(t, warnings)
		assert.Contains(t, warnings[len(warnings)-1].String(), "not a region clusterbench knows")
	}
	for _, cfg := range []map[string]string{with(aws, "aws:region", "eu-west-3"), with(gcp, "gcp:region", "europe-west1"), with(aws, "aws:region", "us-gov-west-1")} {
		assert.Empty(t, accepted(t, cfg))
	}
}

// A 50 MB value is not pasted into the error: echoed values are cut at 80 characters.
func TestEchoedValuesAreCapped(t *testing.T) {
	huge := strings.Repeat("x", 50<<20)
	aws := base(spec.AWS, spec.Swarm)
	for _, cfg := range []map[string]string{
		with(aws, "clusterbench:cloud", huge),
		with(aws, "clusterbench:"+huge, "1"),
		with(aws, "clusterbench:workers", `{"machineType": "`+huge+`"}`),
		with(aws, "clusterbench:adminCidrs", `["`+huge+`"]`),
		with(aws, "clusterbench:cloud", "a\nb"),
	} {
		msg := refused(t, cfg)
		assert.Less(t, len(msg), 4000, "%.200s", msg)
		for _, line := range strings.Split(msg, "\n") {
			assert.Less(t, len(line), 1000, "%.200s", line)
		}
	}
	msg := refused(t, with(aws, "clusterbench:cloud", huge))
	assert.True(t, strings.Contains(msg, strings.Repeat("x", spec.MaxEcho)+"…"), "cut with an ellipsis")
	assert.False(t, strings.Contains(msg, strings.Repeat("x", spec.MaxEcho+1)), "at most MaxEcho characters")
	assert.Contains(t, refused(t, with(aws, "clusterbench:cloud", "a\nb")), `clusterbench:cloud = "a\nb": must be one of`)
}

// Errors say what was expected, never a Go type.
func TestSpecErrorsNameNoGoTypes(t *testing.T) {
	aws := base(spec.AWS, spec.Swarm)
	for _, v := range []string{`[1]`, `"x"`, `3`, `{"count": `} {
		msg := refused(t, with(aws, "clusterbench:workers", v))
		assert.Contains(t, msg, "must be an object")
		for _, leak := range []string{"Go value", "interface", "map[", "json:"} {
			assert.NotContains(t, msg, leak, v)
		}
	}
	msg := refused(t, with(aws, "clusterbench:adminCidrs", `[{"a": 1}]`))
	assert.NotContains(t, msg, "map[")
}
