package spec

import (
	"fmt"
	"net/netip"
	"sort"
)

// maxPublicAdminBits: a set of admin CIDRs may cover at most 2^24 public IPv4 addresses,
// one /8. A /8 is the largest block ever assigned to a single organisation, so a set
// that covers more cannot be "your own networks": it admits strangers to SSH and the
// API (0.0.0.0/1 plus 128.0.0.0/1 is 0.0.0.0/0 by another name).
const maxPublicAdminBits = 24

// nonPublic are the IPv4 ranges nobody on the internet sends from (RFC 6890's special
// purpose ranges that are not globally reachable): they do not count against the
// public share.
var nonPublic = mustPrefixes(
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
	"192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
	"203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
)

// reservedNetworks are ranges no VPC can use for its own addresses: EC2 refuses them as
// VPC CIDR blocks and GCE as subnet ranges (the first four), and no host stack sends
// from multicast.
var reservedNetworks = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), `0.0.0.0/8 ("this network", RFC 1122)`},
	{netip.MustParsePrefix("127.0.0.0/8"), "127.0.0.0/8 (loopback)"},
	{netip.MustParsePrefix("169.254.0.0/16"), "169.254.0.0/16 (link-local; the clouds' metadata service lives there)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "224.0.0.0/4 (multicast)"},
	{netip.MustParsePrefix("240.0.0.0/4"), "240.0.0.0/4 (reserved, class E)"},
}

// reservedRange names the reserved range a network overlaps, or "".
func reservedRange(p netip.Prefix) string {
	for _, r := range reservedNetworks {
		if r.prefix.Overlaps(p) {
			return r.what
		}
	}
	return ""
}

func mustPrefixes(cidrs ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(cidrs))
	for i, c := range cidrs {
		out[i] = netip.MustParsePrefix(c)
	}
	return out
}

// span is an inclusive range of IPv4 addresses as integers.
type span struct{ lo, hi uint64 }

func spanOf(p netip.Prefix) span {
	a := p.Addr().As4()
	lo := uint64(a[0])<<24 | uint64(a[1])<<16 | uint64(a[2])<<8 | uint64(a[3])
	return span{lo, lo + 1<<(32-p.Bits()) - 1}
}

// union merges spans into disjoint, sorted spans.
func union(spans []span) []span {
	sort.Slice(spans, func(i, j int) bool { return spans[i].lo < spans[j].lo })
	var out []span
	for _, s := range spans {
		if n := len(out); n > 0 && s.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, s.hi)
			continue
		}
		out = append(out, s)
	}
	return out
}

// publicAddresses counts the addresses of the networks (overlaps counted once) that
// lie outside nonPublic.
func publicAddresses(networks []netip.Prefix) uint64 {
	var in, excluded []span
	for _, p := range networks {
		in = append(in, spanOf(p))
	}
	for _, p := range nonPublic {
		excluded = append(excluded, spanOf(p))
	}
	excluded = union(excluded)
	var total uint64
	for _, s := range union(in) {
		total += s.hi - s.lo + 1
		for _, x := range excluded {
			if lo, hi := max(s.lo, x.lo), min(s.hi, x.hi); lo <= hi {
				total -= hi - lo + 1
			}
		}
	}
	return total
}

// checkAdminCoverage refuses duplicate admin networks and a set that covers more public
// addresses than one /8 (maxPublicAdminBits). Networks that do not parse are reported
// by the caller.
func checkAdminCoverage(cidrs []string, ps *problems) {
	seen := map[netip.Prefix]bool{}
	var networks []netip.Prefix
	for _, c := range cidrs {
		p, err := parseNetwork(c)
		if err != nil {
			continue
		}
		if seen[p] {
			ps.add("adminCidrs", c, "listed twice; list each network once")
			continue
		}
		seen[p] = true
		networks = append(networks, p)
	}
	limit := uint64(1) << maxPublicAdminBits
	if n := publicAddresses(networks); n > limit && !anyWholeInternet(networks) {
		ps.add("adminCidrs", "", "together cover %s public IPv4 addresses, more than one /8 (%s): a /8 is the largest block ever assigned to one organisation, so this set admits strangers to SSH and the API; list your own networks",
			groupDigits(n), groupDigits(limit))
	}
}

// anyWholeInternet: 0.0.0.0/0 already has its own refusal.
func anyWholeInternet(networks []netip.Prefix) bool {
	for _, p := range networks {
		if p.Bits() == 0 {
			return true
		}
	}
	return false
}

func groupDigits(n uint64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
