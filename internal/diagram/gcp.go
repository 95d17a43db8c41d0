package diagram

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

// GCP firewall rules: for each packet the matching ingress rule with the lowest
// priority number decides (deny before allow at the same priority); nothing matching
// means denied. Egress is allowed unless a rule says otherwise (the implied rule).
const (
	tFirewall       = "gcp:compute/firewall:Firewall"
	tForwardingRule = "gcp:compute/forwardingRule:ForwardingRule"
	tBackendService = "gcp:compute/regionBackendService:RegionBackendService"
	tTargetPool     = "gcp:compute/targetPool:TargetPool"
	tRouterNAT      = "gcp:compute/routerNat:RouterNat"
	tGCSBucket      = "gcp:storage/bucket:Bucket"
	tGCSIAMMember   = "gcp:storage/bucketIAMMember:BucketIAMMember"
	tGCSIAMBinding  = "gcp:storage/bucketIAMBinding:BucketIAMBinding"
	tGCEDisk        = "gcp:compute/disk:Disk"
)

// defaultPriority is a firewall rule's priority when it sets none.
const defaultPriority = 1000

type fwRule struct {
	name       string
	priority   int
	deny       bool
	traffic    Traffic
	srcRanges  []string
	srcTags    []string
	srcSAs     []string
	targetTags []string
	targetSAs  []string
}

type gcpRules struct {
	rules []fwRule // ingress rules, in evaluation order
}

func newGCPRules(res *resolver) *gcpRules {
	g := &gcpRules{}
	for _, r := range res.of(tFirewall) {
		if dir := r.String("direction"); dir != "" && dir != "INGRESS" || r.Bool("disabled") {
			continue
		}
		fw := fwRule{
			name: r.Name, priority: defaultPriority,
			srcRanges: inventory.Strings(r.List("sourceRanges")), srcTags: inventory.Strings(r.List("sourceTags")),
			srcSAs: inventory.Strings(r.List("sourceServiceAccounts")), targetTags: inventory.Strings(r.List("targetTags")),
			targetSAs: inventory.Strings(r.List("targetServiceAccounts")), traffic: Traffic{},
		}
		if p, ok := r.Number("priority"); ok {
			fw.priority = int(p)
		}
		list := r.List("allows")
		if denies := r.List("denies"); len(denies) > 0 {
			fw.deny, list = true, denies
		}
		for _, raw := range list {
			m, ok := raw.(map[string]any)
			if !ok {
				continue
			}
			fw.traffic = fw.traffic.Union(firewallTraffic(m))
		}
		g.rules = append(g.rules, fw)
	}
	slices.SortStableFunc(g.rules, func(a, b fwRule) int {
		return cmp.Or(cmp.Compare(a.priority, b.priority), cmp.Compare(boolRank(!a.deny), boolRank(!b.deny)))
	})
	return g
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// firewallTraffic reads one allows/denies entry: a protocol and optional ports.
func firewallTraffic(m map[string]any) Traffic {
	proto, _ := m["protocol"].(string)
	ports := inventory.Strings(m["ports"])
	if len(ports) == 0 {
		return protocolTraffic(proto, 0, 0, false)
	}
	t := Traffic{}
	for _, p := range ports {
		lo, hi, _ := strings.Cut(p, "-")
		if hi == "" {
			hi = lo
		}
		l, err1 := strconv.Atoi(lo)
		h, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil {
			continue
		}
		t = t.Union(protocolTraffic(proto, l, h, true))
	}
	return t
}

// allowed is what src may send to dst, by priority.
func (g *gcpRules) allowed(src, dst *endpoint) (Traffic, []string) {
	if dst.kind != epGroup {
		return Traffic{}, nil
	}
	decided, allowed := Traffic{}, Traffic{}
	var rules []string
	for _, r := range g.rules {
		if !r.targets(dst.g) || !r.admits(src) {
			continue
		}
		if !r.deny {
			if add := r.traffic.Minus(decided); !add.Empty() {
				allowed = allowed.Union(add)
				rules = append(rules, r.name)
			}
		}
		decided = decided.Union(r.traffic)
	}
	return allowed, rules
}

func (r fwRule) targets(g *group) bool {
	if len(r.targetTags) == 0 && len(r.targetSAs) == 0 {
		return true
	}
	return overlaps(r.targetTags, g.tags) || g.sa != "" && contains(r.targetSAs, g.sa)
}

func (r fwRule) admits(src *endpoint) bool {
	for _, c := range r.srcRanges {
		if cidrMatches(c, src.cidrs) {
			return true
		}
	}
	if src.g == nil {
		return false
	}
	return overlaps(r.srcTags, src.g.tags) || src.g.sa != "" && contains(r.srcSAs, src.g.sa)
}

// externalCIDRs lists the address ranges the allow rules admit, each rule's together.
func (g *gcpRules) externalCIDRs() [][]string {
	var out [][]string
	for _, r := range g.rules {
		if !r.deny && len(r.srcRanges) > 0 {
			out = append(out, r.srcRanges)
		}
	}
	return out
}

// forwardingPorts are the TCP or UDP ports a forwarding rule carries.
func forwardingPorts(r inventory.Resource) Traffic {
	proto := strings.ToLower(r.String("ipProtocol"))
	if proto == "" {
		proto = protoTCP
	}
	if r.Bool("allPorts") {
		return protocolTraffic(proto, 0, 0, false)
	}
	t := Traffic{}
	ranges := inventory.Strings(r.List("ports"))
	if pr := r.String("portRange"); pr != "" {
		ranges = append(ranges, pr)
	}
	for _, p := range ranges {
		lo, hi, _ := strings.Cut(p, "-")
		if hi == "" {
			hi = lo
		}
		l, err1 := strconv.Atoi(lo)
		h, err2 := strconv.Atoi(hi)
		if err1 == nil && err2 == nil {
			t = t.Union(protocolTraffic(proto, l, h, true))
		}
	}
	return t
}

func contains(list []string, v string) bool { return v != "" && slices.Contains(list, v) }

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }
