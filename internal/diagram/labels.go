package diagram

import (
	"net/netip"
	"strings"
)

// service is a well-known port an edge label names.
type service struct {
	name   string
	proto  string
	lo, hi int
	// from and to are the roles the service matters between (any when empty).
	from, to []string
}

// relevant reports whether a label between these roles names the service.
func (s service) relevant(from, to string) bool {
	return (len(s.from) == 0 || contains(s.from, from)) && (len(s.to) == 0 || contains(s.to, to))
}

var (
	nodes       = []string{roleCP, roleWorkers}
	controllers = []string{roleCP, rolePlane}
)

// Well-known ports of each orchestrator (the Kubernetes "Ports and Protocols" page,
// Calico's requirements, Docker's Swarm networking page) and of every node.
var (
	kubernetesServices = []service{
		{"API", protoTCP, 6443, 6443, nil, []string{roleCP, roleLB}},
		{"API", protoTCP, 443, 443, nil, []string{rolePlane}},
		{"etcd", protoTCP, 2379, 2380, []string{roleCP}, []string{roleCP}},
		{"kubelet", protoTCP, 10250, 10250, controllers, nodes},
	}
	calicoServices = []service{
		{"BGP", protoTCP, 179, 179, nodes, nodes},
		{"IPIP", protoIPIP, 0, 0, nodes, nodes},
	}
	swarmServices = []service{
		{"Swarm management", protoTCP, 2377, 2377, nodes, []string{roleCP}},
		{"gossip", protoTCP, 7946, 7946, nodes, nodes},
		{"gossip", protoUDP, 7946, 7946, nodes, nodes},
		{"VXLAN overlay", protoUDP, 4789, 4789, nodes, nodes},
		{"ESP (encrypted overlay)", protoESP, 0, 0, nodes, nodes},
	}
	commonServices = []service{
		{"SSH", protoTCP, 22, 22, []string{roleExternal}, nil},
	}
)

// labeler names the traffic of an edge.
type labeler struct {
	services []service
}

func newLabeler(orchestrator string, published []service) labeler {
	var l labeler
	switch orchestrator {
	case "swarm":
		l.services = append(l.services, swarmServices...)
	case "selfmanaged":
		l.services = append(l.services, kubernetesServices...)
		l.services = append(l.services, calicoServices...)
	default:
		l.services = append(l.services, kubernetesServices...)
	}
	l.services = append(l.services, published...)
	l.services = append(l.services, commonServices...)
	return l
}

// label lists the well-known services the traffic lets through, then what else it lets
// through ("all TCP except 2379-2381, 4001-4002": the etcd ports a worker may not reach).
func (l labeler) label(t Traffic, from, to string) string {
	if t.Empty() {
		return ""
	}
	var names []string
	named := Traffic{}
	seen := map[string]int{}
	for _, s := range l.services {
		if !s.relevant(from, to) || !t.Contains(s.proto, s.lo, s.hi) {
			continue
		}
		named = named.Union(protocolTraffic(s.proto, s.lo, s.hi, true))
		text := s.text()
		if i, ok := seen[s.name+portRange(s.lo, s.hi)]; ok && s.proto != protoESP && s.proto != protoIPIP {
			names[i] = portRange(s.lo, s.hi) + " " + s.name + " (TCP+UDP)"
			continue
		}
		seen[s.name+portRange(s.lo, s.hi)] = len(names)
		names = append(names, text)
	}
	rest := t.Minus(named)
	if allButPortZero(t) {
		if len(names) == 0 {
			return "all traffic"
		}
		return strings.Join(wrapList(append([]string{"all traffic, incl."}, names...), labelWidth), "\n")
	}
	var lines []string
	if len(names) > 0 {
		lines = append(lines, wrapList(names, labelWidth)...)
	}
	if !rest.Empty() {
		lines = append(lines, describeRest(t, rest, len(names) > 0))
	}
	return strings.Join(lines, "\n")
}

func (s service) text() string {
	switch s.proto {
	case protoIPIP, protoESP:
		return s.name
	case protoUDP:
		return portRange(s.lo, s.hi) + "/udp " + s.name
	}
	return portRange(s.lo, s.hi) + " " + s.name
}

// labelWidth is where edge labels wrap, so a long list does not widen the picture.
const labelWidth = 34

// wrapList joins items with ", ", starting a new line before one that would pass width.
func wrapList(items []string, width int) []string {
	var lines []string
	cur := ""
	for i, it := range items {
		sep := ", "
		if i == 0 || strings.HasSuffix(cur, "incl.") {
			sep = " "
		}
		switch {
		case cur == "":
			cur = it
		case len(cur)+len(sep)+len(it) > width:
			lines = append(lines, strings.TrimSuffix(cur, ",")+strings.TrimSpace(sep[:len(sep)-1]))
			cur = it
		default:
			cur += sep + it
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// allButPortZero reports whether everything is let through (port 0 aside).
func allButPortZero(t Traffic) bool {
	return allTraffic().Minus(t).Minus(Traffic{protoTCP: {{0, 0}}, protoUDP: {{0, 0}}}).Empty()
}

// describeRest says what the traffic lets through besides the named services: for each
// protocol with something left, the whole protocol's ports as a range list, or as "all
// ... except" when that is shorter.
func describeRest(all, rest Traffic, more bool) string {
	var parts []string
	for _, p := range protoOrder {
		if len(rest[p]) == 0 {
			continue
		}
		name := strings.ToUpper(p)
		if p == protoOther {
			name = "other IP protocols"
		}
		if p != protoTCP && p != protoUDP {
			parts = append(parts, name)
			continue
		}
		spans := all[p]
		missing := subtractSpans([]span{{1, maxPort}}, spans)
		switch {
		case len(missing) == 0:
			parts = append(parts, "all "+name)
		case len(missing) <= len(spans):
			parts = append(parts, "all "+name+" except "+spanList(missing))
		default:
			parts = append(parts, name+" "+spanList(subtractSpans(rest[p], []span{{0, 0}})))
		}
	}
	prefix := ""
	if more {
		prefix = "+ "
	}
	return prefix + strings.Join(parts, ";\n")
}

func spanList(s []span) string {
	out := make([]string, len(s))
	for i, r := range s {
		out[i] = portRange(r.lo, r.hi)
	}
	return strings.Join(out, ", ")
}

// cidrMatches reports whether a rule's range covers one of an endpoint's ranges.
func cidrMatches(rule string, cidrs []string) bool {
	outer, err := netip.ParsePrefix(rule)
	if err != nil {
		return false
	}
	for _, c := range cidrs {
		inner, err := netip.ParsePrefix(c)
		if err != nil {
			continue
		}
		if outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr()) {
			return true
		}
	}
	return false
}

// cidrWithin reports whether c lies inside one of the ranges.
func cidrWithin(c string, ranges []string) bool {
	for _, r := range ranges {
		if cidrMatches(r, []string{c}) {
			return true
		}
	}
	return false
}
