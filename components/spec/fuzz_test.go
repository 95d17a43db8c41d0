package spec_test

import (
	"net/netip"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/spec"
)

// fuzzBases are valid configurations, one per cloud and orchestrator: the fuzzer
// changes up to two keys of one.
var fuzzBases = func() []map[string]string {
	var out []map[string]string
	for _, cloud := range []string{spec.AWS, spec.GCP} {
		for _, orch := range []string{spec.Managed, spec.SelfManaged, spec.Swarm} {
			out = append(out, base(cloud, orch))
		}
	}
	return out
}()

var awsRegion = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
var gcpRegion = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+$`)

// FuzzSpecValidate runs the validator on its own (thousands of configurations a
// second): it never panics, answers the same twice, and what it accepts keeps every
// rule of the contract table; what it refuses it says in bounded, one-line problems.
func FuzzSpecValidate(f *testing.F) {
	seeds := []struct {
		base   uint8
		k1, v1 string
		k2, v2 string
	}{
		{0, "clusterbench:adminCidrs", `["0.0.0.0/1", "128.0.0.0/1"]`, "", ""},
		{1, "clusterbench:adminCidrs", `["198.18.7.0/24", "198.18.7.0/24"]`, "", ""},
		{2, "clusterbench:network", `{"cidr": "224.0.0.0/16"}`, "", ""},
		{3, "clusterbench:network", `{"cidr": "127.0.0.0/8"}`, "", ""},
		{0, "aws:region", "US-EAST-1", "", ""},
		{1, "aws:region", " us-east-1", "", ""},
		{4, "gcp:region", "us-east-1", "", ""},
		{5, "clusterbench:workers", `{"count": 3, "max": 1e300}`, "clusterbench:zones", "0"},
		{2, "clusterbench:workers", `[1]`, "clusterbench:cloud", "a\nb"},
		{3, "clusterbench:controlPlane", `{"count": 2}`, "clusterbench:workers.count", "4"},
		{0, "clusterbench:cloud", strings.Repeat("x", 200), "clusterbench:" + strings.Repeat("k", 200), "1"},
		{4, "clusterbench:zones", "1", "clusterbench:workers", `{"count": 5}`},
		{1, "clusterbench:endpoint", `{"public": false}`, "clusterbench:adminCidrs", `["8.8.8.0/24"]`},
	}
	for _, s := range seeds {
		f.Add(s.base, s.k1, s.v1, s.k2, s.v2)
	}
	f.Fuzz(func(t *testing.T, b uint8, k1, v1, k2, v2 string) {
		cfg := with(fuzzBases[int(b)%len(fuzzBases)], k1, v1, k2, v2)
		s, warnings, err := parse(cfg)
		s2, warnings2, err2 := parse(cfg)
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(s, s2) || !reflect.DeepEqual(warnings, warnings2) {
			t.Fatalf("two runs differ")
		}
		for _, w := range warnings {
			checkLine(t, w.String())
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				checkLine(t, line)
			}
			return
		}
		checkAccepted(t, s)
	})
}

// checkLine: a problem is one line of bounded length (values cut at MaxEcho).
func checkLine(t *testing.T, line string) {
	t.Helper()
	if len(line) > 2000 || strings.ContainsAny(line, "\r") {
		t.Fatalf("problem line too long or broken: %.300q", line)
	}
}

// checkAccepted asserts the contract table's rules on an accepted spec.
func checkAccepted(t *testing.T, s *spec.Spec) {
	t.Helper()
	fail := func(format string, args ...any) { t.Helper(); t.Fatalf(format, args...) }
	if s.Cloud != spec.AWS && s.Cloud != spec.GCP {
		fail("cloud %q", s.Cloud)
	}
	if s.Zones < 1 || s.Zones > 3 || s.IsEKS() && s.Zones < 2 {
		fail("zones %d", s.Zones)
	}
	if s.Orchestrator != spec.Managed && (s.ControlPlane.Count < 1 || s.ControlPlane.Count%2 == 0 || s.ControlPlane.Count > 7) {
		fail("control plane count %d", s.ControlPlane.Count)
	}
	w := s.Workers
	if w.Count < 1 || w.Min < 0 || w.Min > w.Count || w.Max < w.Count || w.DiskGb < 20 || w.DiskGb > 16384 {
		fail("workers %+v", w)
	}
	switch {
	case s.Cloud == spec.AWS && !awsRegion.MatchString(s.Region), s.Cloud == spec.GCP && !gcpRegion.MatchString(s.Region):
		fail("region %q accepted for %s", s.Region, s.Cloud)
	}
	n, err := netip.ParsePrefix(s.Network.Cidr)
	if err != nil || !n.Addr().Is4() || n.Masked() != n || n.Bits() > 24 || n.Bits() < 8 {
		fail("network.cidr %q", s.Network.Cidr)
	}
	for _, reserved := range []string{"0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "240.0.0.0/4"} {
		if netip.MustParsePrefix(reserved).Overlaps(n) {
			fail("network.cidr %s overlaps %s", n, reserved)
		}
	}
	if len(s.AdminCidrs) == 0 {
		fail("no admin CIDRs")
	}
	seen := map[netip.Prefix]bool{}
	var public uint64
	for _, c := range s.AdminCidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil || !p.Addr().Is4() || p.Bits() == 0 || seen[p] {
			fail("admin CIDR %q", c)
		}
		seen[p] = true
		if !p.Addr().IsPrivate() && p.Bits() < 8 {
			public += 1 << (32 - p.Bits())
		}
	}
	if public > 1<<24 {
		fail("admin CIDRs %v cover %d public addresses", s.AdminCidrs, public)
	}
	if s.Network.PrivateNodes == (s.Network.NatGateways == spec.NatNone) {
		fail("privateNodes %v with natGateways %s", s.Network.PrivateNodes, s.Network.NatGateways)
	}
}
