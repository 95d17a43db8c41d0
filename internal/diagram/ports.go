package diagram

import (
	"slices"
	"strconv"
	"strings"
)

// Traffic is a set of (protocol, port) pairs: what a rule, or a set of rules, lets
// through. TCP and UDP carry port ranges; the other protocols (ICMP, IP-in-IP, ESP and
// "every other IP protocol") are all or nothing.
type Traffic map[string][]span

// span is an inclusive port range; protocols without ports use {0, 0}.
type span struct{ lo, hi int }

// Protocols a Traffic can hold.
const (
	protoTCP   = "tcp"
	protoUDP   = "udp"
	protoICMP  = "icmp"
	protoIPIP  = "ipip"
	protoESP   = "esp"
	protoOther = "other" // every IP protocol not named above
)

const maxPort = 65535

var (
	allPorts   = []span{{0, maxPort}}
	noPorts    = []span{{0, 0}}
	portless   = []string{protoICMP, protoIPIP, protoESP, protoOther}
	protoOrder = []string{protoTCP, protoUDP, protoICMP, protoIPIP, protoESP, protoOther}
)

// allTraffic is every protocol on every port.
func allTraffic() Traffic {
	t := Traffic{protoTCP: allPorts, protoUDP: allPorts}
	for _, p := range portless {
		t[p] = noPorts
	}
	return t
}

// protocolTraffic is one protocol: lo..hi for TCP and UDP (all ports when hasPorts is
// false), the whole protocol otherwise. An unknown protocol name or number counts as
// protoOther; "all" and "-1" are every protocol.
func protocolTraffic(proto string, lo, hi int, hasPorts bool) Traffic {
	switch p := normalizeProtocol(proto); p {
	case "all":
		return allTraffic()
	case protoTCP, protoUDP:
		if !hasPorts {
			return Traffic{p: allPorts}
		}
		lo, hi = max(lo, 0), min(hi, maxPort)
		if lo > hi {
			return Traffic{}
		}
		return Traffic{p: {{lo, hi}}}
	default:
		return Traffic{p: noPorts}
	}
}

// normalizeProtocol maps the clouds' protocol names and numbers to ours.
func normalizeProtocol(proto string) string {
	switch strings.ToLower(proto) {
	case "-1", "all":
		return "all"
	case "tcp", "6":
		return protoTCP
	case "udp", "17":
		return protoUDP
	case "icmp", "1":
		return protoICMP
	case "ipip", "4":
		return protoIPIP
	case "esp", "50":
		return protoESP
	}
	return protoOther
}

// Empty reports whether nothing is let through.
func (t Traffic) Empty() bool {
	for _, s := range t {
		if len(s) > 0 {
			return false
		}
	}
	return true
}

// Union is everything either lets through.
func (t Traffic) Union(o Traffic) Traffic {
	out := Traffic{}
	for _, p := range protoOrder {
		if s := mergeSpans(append(slices.Clone(t[p]), o[p]...)); len(s) > 0 {
			out[p] = s
		}
	}
	return out
}

// Minus is what t lets through and o does not.
func (t Traffic) Minus(o Traffic) Traffic {
	out := Traffic{}
	for _, p := range protoOrder {
		if s := subtractSpans(t[p], o[p]); len(s) > 0 {
			out[p] = s
		}
	}
	return out
}

// Intersect is what both let through.
func (t Traffic) Intersect(o Traffic) Traffic {
	return t.Minus(t.Minus(o))
}

// Equal compares two traffic sets.
func (t Traffic) Equal(o Traffic) bool {
	return t.Minus(o).Empty() && o.Minus(t).Empty()
}

// Contains reports whether every port lo..hi of proto is let through.
func (t Traffic) Contains(proto string, lo, hi int) bool {
	return protocolTraffic(proto, lo, hi, true).Minus(t).Empty()
}

// String is a compact, stable description ("TCP 1-2378,2382-65535; UDP; IPIP").
func (t Traffic) String() string {
	var parts []string
	for _, p := range protoOrder {
		s := t[p]
		if len(s) == 0 {
			continue
		}
		name := strings.ToUpper(p)
		if p == protoOther {
			name = "other IP protocols"
		}
		if p != protoTCP && p != protoUDP || coversAllPorts(s) {
			parts = append(parts, name)
			continue
		}
		ranges := make([]string, len(s))
		for i, r := range s {
			ranges[i] = portRange(r.lo, r.hi)
		}
		parts = append(parts, name+" "+strings.Join(ranges, ","))
	}
	return strings.Join(parts, "; ")
}

// coversAllPorts treats port 0 as optional: rules write 1-65535 as often as 0-65535.
func coversAllPorts(s []span) bool {
	return len(subtractSpans([]span{{1, maxPort}}, s)) == 0
}

func portRange(lo, hi int) string {
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return strconv.Itoa(lo) + "-" + strconv.Itoa(hi)
}

func mergeSpans(s []span) []span {
	if len(s) == 0 {
		return nil
	}
	slices.SortFunc(s, func(a, b span) int { return a.lo - b.lo })
	out := []span{s[0]}
	for _, r := range s[1:] {
		last := &out[len(out)-1]
		if r.lo <= last.hi+1 {
			last.hi = max(last.hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

func subtractSpans(a, b []span) []span {
	var out []span
	for _, r := range a {
		pieces := []span{r}
		for _, cut := range b {
			var next []span
			for _, p := range pieces {
				if cut.hi < p.lo || cut.lo > p.hi {
					next = append(next, p)
					continue
				}
				if cut.lo > p.lo {
					next = append(next, span{p.lo, cut.lo - 1})
				}
				if cut.hi < p.hi {
					next = append(next, span{cut.hi + 1, p.hi})
				}
			}
			pieces = next
		}
		out = append(out, pieces...)
	}
	return mergeSpans(out)
}
