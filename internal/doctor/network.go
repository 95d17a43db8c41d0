package doctor

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

// portRange is an inclusive port range; protocol "all" ignores the ports.
type portRange struct {
	proto    string // "tcp", "udp", "icmp", "all", or a protocol number
	from, to int
}

func (p portRange) covers(proto string, port int) bool {
	if p.proto == "all" {
		return true
	}
	return p.proto == proto && p.from <= port && port <= p.to
}

// allPorts: every protocol, or every TCP or UDP port.
func (p portRange) allPorts() bool {
	return p.proto == "all" || ((p.proto == "tcp" || p.proto == "udp") && p.from <= 1 && p.to >= 65535)
}

// normProto turns AWS and GCP protocol spellings into one ("-1" and "all" are every
// protocol; "6" is tcp, "17" udp).
func normProto(p string) string {
	switch strings.ToLower(p) {
	case "-1", "all", "":
		return "all"
	case "6", "tcp":
		return "tcp"
	case "17", "udp":
		return "udp"
	case "1", "icmp":
		return "icmp"
	}
	return strings.ToLower(p)
}

// AWS security groups.

// sgRule is one ingress permission of a security group: into group, from CIDRs or
// other groups (as resources' keys).
type sgRule struct {
	res     inventory.Resource
	group   string // the target security group's key ("" when unresolved)
	ports   portRange
	cidrs   []string
	sources []string // source security groups' keys
}

const (
	awsSecurityGroup = "aws:ec2/securityGroup:SecurityGroup"
	awsDefaultSG     = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
)

// awsIngress lists every ingress permission the inventory declares: standalone ingress
// rules (VPC and classic), and groups' inline ingress blocks.
func awsIngress(inv *inventory.Inventory) []sgRule {
	var out []sgRule
	groupKey := func(r inventory.Resource, prop string) []string {
		var keys []string
		for _, g := range append(linked(inv, r, prop, awsSecurityGroup), linked(inv, r, prop, awsDefaultSG)...) {
			keys = append(keys, key(g))
		}
		return keys
	}
	one := func(keys []string) string {
		if len(keys) == 0 {
			return ""
		}
		return keys[0]
	}
	for _, r := range inv.Custom() {
		switch r.Type {
		case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
			rule := sgRule{res: r, group: one(groupKey(r, "securityGroupId")), ports: awsPorts(r.String("ipProtocol"), r, "fromPort", "toPort")}
			for _, c := range []string{r.String("cidrIpv4"), r.String("cidrIpv6")} {
				if c != "" {
					rule.cidrs = append(rule.cidrs, c)
				}
			}
			rule.sources = groupKey(r, "referencedSecurityGroupId")
			out = append(out, rule)
		case "aws:ec2/securityGroupRule:SecurityGroupRule":
			if r.String("type") != "ingress" {
				continue
			}
			rule := sgRule{res: r, group: one(groupKey(r, "securityGroupId")), ports: awsPorts(r.String("protocol"), r, "fromPort", "toPort")}
			rule.cidrs = append(inventory.Strings(r.List("cidrBlocks")), inventory.Strings(r.List("ipv6CidrBlocks"))...)
			rule.sources = groupKey(r, "sourceSecurityGroupId")
			if self, _ := flag(r, "self"); self {
				rule.sources = append(rule.sources, rule.group)
			}
			out = append(out, rule)
		case awsSecurityGroup, awsDefaultSG:
			for _, raw := range r.List("ingress") {
				m, ok := raw.(map[string]any)
				if !ok {
					continue
				}
				in := inventory.Resource{Type: r.Type, Name: r.Name, Inputs: m, URN: r.URN, ID: r.ID}
				rule := sgRule{res: r, group: key(r), ports: awsPorts(in.String("protocol"), in, "fromPort", "toPort")}
				rule.cidrs = append(inventory.Strings(in.List("cidrBlocks")), inventory.Strings(in.List("ipv6CidrBlocks"))...)
				for _, ref := range inventory.Strings(in.List("securityGroups")) {
					for _, g := range inv.OfType(awsSecurityGroup) {
						if refersTo(ref, g) {
							rule.sources = append(rule.sources, key(g))
						}
					}
				}
				if self, _ := flag(in, "self"); self {
					rule.sources = append(rule.sources, key(r))
				}
				out = append(out, rule)
			}
		}
	}
	return out
}

func awsPorts(proto string, r inventory.Resource, fromKey, toKey string) portRange {
	p := portRange{proto: normProto(proto)}
	from, okFrom := r.Number(fromKey)
	to, okTo := r.Number(toKey)
	if p.proto == "tcp" || p.proto == "udp" {
		if !okFrom && !okTo {
			from, to = 0, 65535
		}
	}
	p.from, p.to = int(from), int(to)
	return p
}

// securityGroupsOf lists the keys of the security groups a launcher attaches.
func securityGroupsOf(inv *inventory.Inventory, r inventory.Resource) []string {
	var keys []string
	for _, prop := range []string{"vpcSecurityGroupIds", "securityGroups", "networkInterfaces.0.securityGroups"} {
		for _, g := range linked(inv, r, prop, awsSecurityGroup) {
			keys = append(keys, key(g))
		}
	}
	return keys
}

// GCE firewall rules.

type fwRule struct {
	res          inventory.Resource
	allow        bool
	priority     int
	ranges       []string
	sourceTags   []string
	sourceSAs    []string
	targetTags   []string
	targetSAs    []string
	ports        []portRange
	defaultRange bool // no source at all: GCE takes 0.0.0.0/0
}

// gceIngress lists the enabled ingress firewall rules.
func gceIngress(inv *inventory.Inventory) []fwRule {
	var out []fwRule
	for _, r := range inv.OfType("gcp:compute/firewall:Firewall") {
		if dir := strings.ToUpper(r.String("direction")); dir != "" && dir != "INGRESS" {
			continue
		}
		if disabled, _ := flag(r, "disabled"); disabled {
			continue
		}
		rule := fwRule{res: r, priority: 1000,
			ranges: inventory.Strings(r.List("sourceRanges")), sourceTags: inventory.Strings(r.List("sourceTags")),
			sourceSAs: inventory.Strings(r.List("sourceServiceAccounts")), targetTags: inventory.Strings(r.List("targetTags")),
			targetSAs: inventory.Strings(r.List("targetServiceAccounts"))}
		if p, ok := r.Number("priority"); ok {
			rule.priority = int(p)
		}
		if len(rule.ranges) == 0 && len(rule.sourceTags) == 0 && len(rule.sourceSAs) == 0 {
			rule.ranges, rule.defaultRange = []string{"0.0.0.0/0"}, true
		}
		entries := r.List("allows")
		rule.allow = len(entries) > 0
		if !rule.allow {
			entries = r.List("denies")
		}
		for _, e := range entries {
			m, _ := e.(map[string]any)
			proto, _ := m["protocol"].(string)
			ports := inventory.Strings(m["ports"])
			if len(ports) == 0 || normProto(proto) == "all" {
				rule.ports = append(rule.ports, portRange{proto: normProto(proto), from: 0, to: 65535})
				continue
			}
			for _, p := range ports {
				lo, hi, _ := strings.Cut(p, "-")
				from, _ := strconv.Atoi(lo)
				to := from
				if hi != "" {
					to, _ = strconv.Atoi(hi)
				}
				rule.ports = append(rule.ports, portRange{proto: normProto(proto), from: from, to: to})
			}
		}
		out = append(out, rule)
	}
	return out
}

func (f fwRule) covers(proto string, port int) bool {
	for _, p := range f.ports {
		if p.covers(proto, port) {
			return true
		}
	}
	return false
}

// vm is how firewall rules see an instance: its network tags, service account and the
// addresses it sends from.
type vm struct {
	tags   []string
	sa     string
	ranges []netip.Prefix
	// anyone stands for every possible source (the internet and every VM).
	anyone bool
}

// vmOf reads a GCE launcher's tags, service account and subnetwork range.
func vmOf(inv *inventory.Inventory, r inventory.Resource) vm {
	v := vm{tags: inventory.Strings(r.List("tags")), sa: r.String("serviceAccount.email")}
	for _, sn := range linked(inv, r, "networkInterfaces.0.subnetwork", "gcp:compute/subnetwork:Subnetwork") {
		if p, err := netip.ParsePrefix(sn.String("ipCidrRange")); err == nil {
			v.ranges = append(v.ranges, p)
		}
	}
	return v
}

func (f fwRule) targets(t vm) bool {
	if len(f.targetTags) == 0 && len(f.targetSAs) == 0 {
		return true
	}
	return intersects(f.targetTags, t.tags) || (t.sa != "" && contains(f.targetSAs, t.sa))
}

// sourceMay: some of src's traffic may match the rule's sources (for allows).
func (f fwRule) sourceMay(src vm) bool {
	if src.anyone {
		return true
	}
	if intersects(f.sourceTags, src.tags) || (src.sa != "" && contains(f.sourceSAs, src.sa)) {
		return true
	}
	for _, c := range f.ranges {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			continue
		}
		for _, r := range src.ranges {
			if p.Overlaps(r) {
				return true
			}
		}
	}
	return false
}

// sourceAll: all of src's traffic matches the rule's sources (for denies).
func (f fwRule) sourceAll(src vm) bool {
	for _, c := range f.ranges {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			continue
		}
		if p.Bits() == 0 {
			return true
		}
		if src.anyone || len(src.ranges) == 0 {
			continue
		}
		all := true
		for _, r := range src.ranges {
			all = all && p.Contains(r.Addr()) && p.Bits() <= r.Bits()
		}
		if all {
			return true
		}
	}
	if src.anyone {
		return false
	}
	return intersects(f.sourceTags, src.tags) || (src.sa != "" && contains(f.sourceSAs, src.sa))
}

// denyCovers reports whether deny d blocks everything allow a admits from src: for a
// given source, all of its traffic; for anyone, every source a admits (d covers each of
// a's ranges, and a admits no tags or service accounts).
func denyCovers(d, a fwRule, src vm) bool {
	if !src.anyone {
		return d.sourceAll(src)
	}
	if d.sourceAll(src) { // 0.0.0.0/0
		return true
	}
	if len(a.sourceTags) > 0 || len(a.sourceSAs) > 0 || len(a.ranges) == 0 {
		return false
	}
	for _, c := range a.ranges {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return false
		}
		if !d.sourceAll(vm{ranges: []netip.Prefix{p}}) {
			return false
		}
	}
	return true
}

// gceReaches tells whether src may open proto/port on target, evaluating the rules by
// priority as GCE does (the lowest number wins; at equal priority a deny wins; nothing
// matching is the implied deny), and returns the allow that lets it through.
func gceReaches(rules []fwRule, src, target vm, proto string, port int) (fwRule, bool) {
	for _, a := range rules {
		if !a.allow || !a.targets(target) || !a.covers(proto, port) || !a.sourceMay(src) {
			continue
		}
		blocked := false
		for _, d := range rules {
			if !d.allow && d.priority <= a.priority && d.targets(target) && d.covers(proto, port) && denyCovers(d, a, src) {
				blocked = true
				break
			}
		}
		if !blocked {
			return a, true
		}
	}
	return fwRule{}, false
}

// Internet-wide sources.

// isAnywhere reports 0.0.0.0/0 or ::/0 (any prefix of length 0).
func isAnywhere(cidr string) bool {
	p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	return err == nil && p.Bits() == 0
}

// openRule is an ingress permission from the whole internet.
type openRule struct {
	res   inventory.Resource
	cidr  string
	ports []portRange
}

// openToInternet lists the ingress permissions (AWS) and allow rules (GCE) whose
// source is 0.0.0.0/0 or ::/0.
func openToInternet(inv *inventory.Inventory) []openRule {
	var out []openRule
	for _, r := range awsIngress(inv) {
		for _, c := range r.cidrs {
			if isAnywhere(c) {
				out = append(out, openRule{res: r.res, cidr: c, ports: []portRange{r.ports}})
			}
		}
	}
	for _, f := range gceIngress(inv) {
		if !f.allow {
			continue
		}
		for _, c := range f.ranges {
			if isAnywhere(c) {
				cidr := c
				if f.defaultRange {
					cidr = c + " (no source set: GCE's default)"
				}
				out = append(out, openRule{res: f.res, cidr: cidr, ports: f.ports})
			}
		}
	}
	return out
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if contains(b, x) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
