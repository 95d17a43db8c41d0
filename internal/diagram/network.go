package diagram

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// Google's health checkers (Cloud Load Balancing documentation, "Probe IP ranges").
var googleHealthCheckRanges = []string{"35.191.0.0/16", "130.211.0.0/22"}

// policyActionsOn lists the actions an IAM policy allows on a bucket (or its objects).
func policyActionsOn(policy string, bucket inventory.Resource) []string {
	var doc struct {
		Statement []struct {
			Effect   string
			Action   any
			Resource any
		}
	}
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return nil
	}
	names := []string{bucket.Name, bucket.ID, bucket.String("bucket")}
	var out []string
	for _, st := range doc.Statement {
		if st.Effect != "Allow" {
			continue
		}
		for _, res := range inventory.Strings(anyList(st.Resource)) {
			if namesResource(res, names) {
				out = append(out, inventory.Strings(anyList(st.Action))...)
				break
			}
		}
	}
	return out
}

func namesResource(arn string, names []string) bool {
	for _, n := range names {
		if n != "" && (strings.HasSuffix(arn, ":"+n) || strings.Contains(arn, ":"+n+"/")) {
			return true
		}
	}
	return false
}

func anyList(v any) any {
	if s, ok := v.(string); ok {
		return []any{s}
	}
	return v
}

// publishedPorts are the ports load balancers listen on, named as published services
// (Swarm's routing mesh answers them on every node).
func (b *builder) publishedPorts() []service {
	var out []service
	add := func(t Traffic) {
		for _, p := range []string{protoTCP, protoUDP} {
			for _, s := range t[p] {
				if s.lo == 6443 && s.hi == 6443 {
					continue // the API, named already
				}
				out = append(out, service{"published", p, s.lo, s.hi, nil, []string{roleLB, roleWorkers, roleCP}})
			}
		}
	}
	for _, l := range b.res.of(tLBListener) {
		if port, ok := l.Number("port"); ok {
			add(protocolTraffic(strings.ToLower(l.String("protocol")), int(port), int(port), true))
		}
	}
	for _, f := range b.res.of(tForwardingRule) {
		add(forwardingPorts(f))
	}
	return out
}

// loadBalancers draws the load balancers (AWS) and forwarding rules (GCP).
func (b *builder) loadBalancers() {
	for _, lb := range b.res.of(tLB) {
		id := nodeID("lb", lb.Name)
		scheme := "internet-facing"
		if lb.Bool("internal") {
			scheme = "internal"
		}
		details := []string{fmt.Sprintf("%s %s load balancer", scheme, orDefault(lb.String("loadBalancerType"), "application"))}
		for _, l := range b.res.of(tLBListener) {
			if ref, ok := b.res.ref(l, "loadBalancerArn", tLB); ok && ref.Name == lb.Name {
				port, _ := l.Number("port")
				details = append(details, fmt.Sprintf("listens on %s %d", l.String("protocol"), int(port)))
			}
		}
		b.addNode(Node{ID: id, Kind: KindLoadBalancer, Title: lb.Name, Details: details}, roleLB)
		ep := &endpoint{kind: epLB, node: id, hub: id}
		for _, sg := range b.res.refs(lb, "securityGroups", tSG) {
			ep.sgs = append(ep.sgs, sg.Name)
		}
		for _, sn := range b.res.refs(lb, "subnets", tSubnet) {
			ep.cidrs = appendUnique(ep.cidrs, sn.String("cidrBlock"))
		}
		b.lbs = append(b.lbs, ep)
	}
	for _, f := range b.res.of(tForwardingRule) {
		id := nodeID("lb", f.Name)
		scheme := strings.ToLower(orDefault(f.String("loadBalancingScheme"), "EXTERNAL"))
		via := "target pool"
		if f.String("backendService") != "" {
			via = "backend service"
		}
		b.addNode(Node{ID: id, Kind: KindLoadBalancer, Title: f.Name, Details: []string{
			fmt.Sprintf("%s passthrough load balancer (%s)", scheme, via),
			"forwards " + forwardingPorts(f).String() + ", client address kept",
		}}, roleLB)
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// nats draws the NAT gateways (in their zones) and Cloud NAT (regional).
func (b *builder) nats() {
	for _, n := range b.res.of(tNATGateway) {
		zone := ""
		if sn, ok := b.res.ref(n, "subnetId", tSubnet); ok {
			zone = sn.String("availabilityZone")
		}
		b.addNode(Node{ID: nodeID("nat", n.Name), Kind: KindNAT, Title: n.Name, Zone: zone,
			Details: []string{"NAT gateway with a public IP"}}, roleOther)
	}
	for _, n := range b.res.of(tRouterNAT) {
		b.addNode(Node{ID: nodeID("nat", n.Name), Kind: KindNAT, Title: "Cloud NAT: " + n.Name,
			Details: []string{"regional, no single zone"}}, roleOther)
	}
}

// externalSources makes one node for the admin networks and one for each other range
// a rule admits from outside the network.
func (b *builder) externalSources() {
	sets := b.eval.externalCIDRs()
	sets = append(sets, b.managedAccessCIDRs()...)
	var admin *endpoint
	byKey := map[string]*endpoint{}
	for _, set := range sets {
		var outside []string
		for _, c := range set {
			switch {
			case c == "":
			case len(b.opts.AdminCidrs) > 0 && cidrWithin(c, b.opts.AdminCidrs):
				if admin == nil {
					admin = &endpoint{kind: epExternal, node: "admin", hub: "admin", cidrs: b.opts.AdminCidrs}
					b.addNode(Node{ID: admin.node, Kind: KindAdmin, Title: "admin networks (adminCidrs)",
						Details: b.opts.AdminCidrs}, roleExternal)
					b.externals = append(b.externals, admin)
				}
			case cidrWithin(c, b.internal) && c != "0.0.0.0/0":
			default:
				outside = append(outside, c)
			}
		}
		if len(outside) == 0 {
			continue
		}
		slices.Sort(outside)
		key := strings.Join(outside, ",")
		if byKey[key] != nil {
			continue
		}
		title := "addresses " + strings.Join(outside, ", ")
		switch {
		case key == "0.0.0.0/0":
			title = "anywhere (0.0.0.0/0)"
		case allWithin(outside, googleHealthCheckRanges):
			title = "Google health checkers"
		}
		ep := &endpoint{kind: epExternal, node: nodeID("ext", key), cidrs: outside, healthChecks: allWithin(outside, googleHealthCheckRanges)}
		ep.hub = ep.node
		byKey[key] = ep
		b.addNode(Node{ID: ep.node, Kind: KindExternal, Title: title, Details: outside}, roleExternal)
		b.externals = append(b.externals, ep)
	}
}

func allWithin(cidrs, ranges []string) bool {
	for _, c := range cidrs {
		if !cidrWithin(c, ranges) {
			return false
		}
	}
	return true
}

// pair is the traffic between two endpoints, before it is drawn.
type pair struct {
	srcHub, dstHub   string
	srcNode, dstNode string
	traffic          Traffic
	rules            []string
}

// groupEndpoints are the machine groups as rule endpoints.
func (b *builder) groupEndpoints() []*endpoint {
	var out []*endpoint
	for _, g := range b.groups {
		out = append(out, &endpoint{kind: epGroup, node: g.node, hub: b.hubOf(g), g: g, cidrs: g.cidrs, sgs: g.sgs})
	}
	return out
}

// trafficEdges draws what the rules allow between the admin networks, the groups and
// the load balancers. Members of one control plane are drawn as one when every member
// is allowed the same.
func (b *builder) trafficEdges() {
	groups := b.groupEndpoints()
	sources := append(slices.Clone(b.externals), groups...)
	dests := append(slices.Clone(groups), b.lbs...)
	if b.aws != nil {
		if planeEP := b.planeEndpoint(); planeEP != nil {
			dests = append(dests, planeEP)
		}
	}
	var pairs []pair
	for _, dst := range dests {
		for _, src := range sources {
			if src.g != nil && src.g == dst.g && src.g.count <= 1 {
				continue // one machine does not talk to itself over the network
			}
			t, rules := b.eval.allowed(src, dst)
			pairs = append(pairs, pair{src.hub, dst.hub, src.node, dst.node, t, rules})
		}
	}
	b.drawPairs(pairs, EdgeRule)
	b.passthroughEdges(sources)
}

// drawPairs draws one edge per pair of hubs when all their pairs agree, else one per pair.
func (b *builder) drawPairs(pairs []pair, kind EdgeKind) {
	type key struct{ src, dst string }
	var order []key
	byKey := map[key][]pair{}
	for _, p := range pairs {
		k := key{p.srcHub, p.dstHub}
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], p)
	}
	for _, k := range order {
		ps := byKey[k]
		uniform := true
		for _, p := range ps[1:] {
			if !p.traffic.Equal(ps[0].traffic) {
				uniform = false
			}
		}
		if uniform {
			if !ps[0].traffic.Empty() {
				var rules []string
				for _, p := range ps {
					for _, r := range p.rules {
						rules = appendUnique(rules, r)
					}
				}
				b.trafficEdge(k.src, k.dst, kind, ps[0].traffic, rules)
			}
			continue
		}
		for _, p := range ps {
			if !p.traffic.Empty() {
				b.trafficEdge(p.srcNode, p.dstNode, kind, p.traffic, p.rules)
			}
		}
	}
}

func (b *builder) trafficEdge(from, to string, kind EdgeKind, t Traffic, rules []string) {
	slices.Sort(rules)
	b.addEdge(Edge{From: from, To: to, Kind: kind, Traffic: t, Rules: rules,
		Label: b.labels.label(t, b.roles[from], b.roles[to])})
}

// passthroughEdges draws who reaches a GCP forwarding rule: passthrough load balancers
// keep the client's address, so the backends' firewall rules decide, on the rule's ports.
func (b *builder) passthroughEdges(sources []*endpoint) {
	for _, f := range b.res.of(tForwardingRule) {
		id := nodeID("lb", f.Name)
		backends := b.backendsOf(f)
		ports := forwardingPorts(f)
		var pairs []pair
		for _, src := range sources {
			if src.healthChecks {
				continue
			}
			t := Traffic{}
			var rules []string
			for _, be := range backends {
				dst := &endpoint{kind: epGroup, node: be.node, g: be, cidrs: be.cidrs}
				allowed, rs := b.eval.allowed(src, dst)
				if add := allowed.Intersect(ports); !add.Empty() {
					t = t.Union(add)
					for _, r := range rs {
						rules = appendUnique(rules, r)
					}
				}
			}
			pairs = append(pairs, pair{src.hub, id, src.node, id, t, rules})
		}
		b.drawPairs(pairs, EdgeRule)
		var hubs []string
		for _, be := range backends {
			hubs = appendUnique(hubs, b.hubOf(be))
		}
		for _, h := range hubs {
			b.addEdge(Edge{From: id, To: h, Kind: EdgeForward, Traffic: ports, Label: "forwards " + ports.String()})
		}
	}
}

// backendsOf finds a forwarding rule's backend groups: a target pool's members, a backend
// service's groups, or, when the backends' group ids are unknown (offline), the groups
// that admit Google's health checkers on the health check's port.
func (b *builder) backendsOf(f inventory.Resource) []*group {
	var out []*group
	if pool, ok := b.res.ref(f, "target", tTargetPool); ok {
		for _, g := range b.groups {
			for _, p := range b.res.refs(g.res, "targetPools", tTargetPool) {
				if p.Name == pool.Name {
					out = append(out, g)
				}
			}
		}
		return out
	}
	bs, ok := b.res.ref(f, "backendService", tBackendService)
	if !ok {
		return nil
	}
	for i := range bs.List("backends") {
		for _, ig := range b.res.refs(bs, fmt.Sprintf("backends.%d.group", i), tIGM, tRIGM) {
			for _, g := range b.groups {
				if g.res.Name == ig.Name && g.res.Type == ig.Type {
					out = append(out, g)
				}
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	hcPort := Traffic{}
	for _, hc := range b.res.refs(bs, "healthChecks", "gcp:compute/regionHealthCheck:RegionHealthCheck", "gcp:compute/healthCheck:HealthCheck") {
		if port, ok := hc.Number("tcpHealthCheck.port"); ok {
			hcPort = hcPort.Union(protocolTraffic(protoTCP, int(port), int(port), true))
		}
	}
	checker := &endpoint{kind: epExternal, cidrs: googleHealthCheckRanges}
	for _, g := range b.groups {
		allowed, _ := b.eval.allowed(checker, &endpoint{kind: epGroup, g: g, cidrs: g.cidrs})
		if !hcPort.Empty() && hcPort.Minus(allowed).Empty() {
			out = append(out, g)
		}
	}
	return out
}

// forwardEdges draws AWS load balancers forwarding to their target groups' machines,
// with what the rules let through on the target port.
func (b *builder) forwardEdges() {
	for _, lbEP := range b.lbs {
		type target struct {
			hub   string
			label string
			t     Traffic
			rules []string
		}
		var targets []target
		for _, l := range b.res.of(tLBListener) {
			lb, ok := b.res.ref(l, "loadBalancerArn", tLB)
			if !ok || nodeID("lb", lb.Name) != lbEP.node {
				continue
			}
			for i := range l.List("defaultActions") {
				tg, ok := b.res.ref(l, fmt.Sprintf("defaultActions.%d.targetGroupArn", i), tTargetGroup)
				if !ok {
					continue
				}
				port, _ := tg.Number("port")
				tgTraffic := protocolTraffic(strings.ToLower(orDefault(tg.String("protocol"), "tcp")), int(port), int(port), true)
				for _, g := range b.groups {
					for _, ref := range b.res.refs(g.res, "targetGroupArns", tTargetGroup) {
						if ref.Name != tg.Name {
							continue
						}
						allowed, rules := b.eval.allowed(lbEP, &endpoint{kind: epGroup, g: g, cidrs: g.cidrs, sgs: g.sgs})
						t := allowed.Intersect(tgTraffic)
						label := "forwards " + tgTraffic.String()
						if t.Empty() {
							label += ": no rule admits it"
						}
						targets = append(targets, target{b.hubOf(g), label, t, rules})
					}
				}
			}
		}
		seen := map[string]bool{}
		for _, t := range targets {
			if seen[t.hub+t.label] {
				continue
			}
			seen[t.hub+t.label] = true
			b.addEdge(Edge{From: lbEP.node, To: t.hub, Kind: EdgeForward, Label: t.label, Traffic: t.t, Rules: t.rules})
		}
	}
}

// egressEdges draws the way out: each zone's machines to their zone's NAT gateway (or
// the one NAT gateway), Cloud NAT for every group, and NAT to the internet.
func (b *builder) egressEdges() {
	var nats []Node
	for _, n := range b.g.Nodes {
		if n.Kind == KindNAT {
			nats = append(nats, n)
		}
	}
	if len(nats) == 0 {
		return
	}
	b.addNode(Node{ID: "internet", Kind: KindInternet, Title: "internet", Details: []string{"package mirrors, registries, cloud APIs"}}, roleExternal)
	for _, n := range nats {
		b.addEdge(Edge{From: n.ID, To: "internet", Kind: EdgeEgress})
	}
	natFor := func(zone string) string {
		for _, n := range nats {
			if n.Zone == zone || n.Zone == "" || len(nats) == 1 {
				return n.ID
			}
		}
		return ""
	}
	for _, g := range b.groups {
		if b.aws != nil && len(g.sgs) > 0 && !b.aws.egressToInternet(g.sgs) {
			continue
		}
		if len(nats) == 1 && nats[0].Zone == "" {
			b.addEdge(Edge{From: b.hubOf(g), To: nats[0].ID, Kind: EdgeEgress})
			continue
		}
		for _, z := range g.zones {
			from := g.node
			if g.role != faulttolerance.RoleControlPlane {
				from = nodeID("w", g.name()+"-"+z)
			}
			if to := natFor(z); to != "" {
				b.addEdge(Edge{From: from, To: to, Kind: EdgeEgress})
			}
		}
	}
	b.dedupeEdges()
}

func (b *builder) dedupeEdges() {
	seen := map[string]bool{}
	var out []Edge
	for _, e := range b.g.Edges {
		k := e.From + "\x00" + e.To + "\x00" + string(e.Kind) + "\x00" + e.Label
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	b.g.Edges = out
}

// mergeBothWays draws one two-headed arrow where the same traffic is allowed both ways.
func (b *builder) mergeBothWays() {
	var out []Edge
	merged := map[int]bool{}
	for i, e := range b.g.Edges {
		if merged[i] {
			continue
		}
		if (e.Kind == EdgeRule || e.Kind == EdgeProvider) && e.From != e.To {
			for j := i + 1; j < len(b.g.Edges); j++ {
				o := b.g.Edges[j]
				if !merged[j] && o.Kind == e.Kind && o.From == e.To && o.To == e.From && o.Label == e.Label && o.Traffic.Equal(e.Traffic) {
					e.Both = true
					for _, r := range o.Rules {
						e.Rules = appendUnique(e.Rules, r)
					}
					slices.Sort(e.Rules)
					merged[j] = true
					break
				}
			}
		}
		out = append(out, e)
	}
	b.g.Edges = out
}
