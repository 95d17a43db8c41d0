package diagram

import (
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// AWS security groups: traffic from a source to a destination passes when an ingress
// rule of one of the destination's groups admits the source (its group or its address)
// and an egress rule of one of the source's groups lets it out. Addresses outside the
// VPC have no egress rules to pass.
const (
	tSG          = "aws:ec2/securityGroup:SecurityGroup"
	tSGIngress   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tSGEgress    = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	tSGRule      = "aws:ec2/securityGroupRule:SecurityGroupRule"
	tLB          = "aws:lb/loadBalancer:LoadBalancer"
	tLBListener  = "aws:lb/listener:Listener"
	tTargetGroup = "aws:lb/targetGroup:TargetGroup"
	tNATGateway  = "aws:ec2/natGateway:NatGateway"
	tS3Bucket    = "aws:s3/bucketV2:BucketV2"
	tS3BucketOld = "aws:s3/bucket:Bucket"
	tEBSVolume   = "aws:ebs/volume:Volume"
	tInstProfile = "aws:iam/instanceProfile:InstanceProfile"
	tIAMRole     = "aws:iam/role:Role"
	tRolePolicy  = "aws:iam/rolePolicy:RolePolicy"
)

// eksClusterSG stands for the security group EKS creates for a cluster: the program's
// rules on it reach the API's private endpoint.
const eksClusterSG = "(EKS cluster security group)"

type sgRule struct {
	name    string
	ingress bool
	sg      string // the group the rule belongs to
	peerSG  string // the group it admits or lets out to
	cidr    string // or the address range
	traffic Traffic
}

type awsRules struct {
	rules []sgRule
}

func newAWSRules(res *resolver) *awsRules {
	a := &awsRules{}
	sgName := func(r inventory.Resource, prop string) string {
		if sg, ok := res.ref(r, prop, tSG); ok {
			return sg.Name
		}
		if _, ok := res.ref(r, prop, tEKS); ok {
			return eksClusterSG
		}
		return ""
	}
	for _, r := range res.of(tSGIngress, tSGEgress) {
		sg := sgName(r, "securityGroupId")
		if sg == "" && len(res.of(tEKS)) > 0 {
			// The cluster security group's id is known only once EKS made it: a rule
			// on a group the program did not create is on the cluster's.
			sg = eksClusterSG
		}
		a.rules = append(a.rules, sgRule{
			name: r.Name, ingress: r.Type == tSGIngress, sg: sg,
			peerSG: sgName(r, "referencedSecurityGroupId"), cidr: r.String("cidrIpv4"),
			traffic: ruleTraffic(r, "ipProtocol"),
		})
	}
	for _, r := range res.of(tSGRule) {
		base := sgRule{name: r.Name, ingress: r.String("type") == "ingress", sg: sgName(r, "securityGroupId"),
			traffic: ruleTraffic(r, "protocol")}
		if r.Bool("self") {
			base.peerSG = base.sg
		} else {
			base.peerSG = sgName(r, "sourceSecurityGroupId")
		}
		a.add(base, inventory.Strings(r.List("cidrBlocks")))
	}
	for _, sg := range res.of(tSG) {
		for dir, prop := range map[bool]string{true: "ingress", false: "egress"} {
			for i, raw := range sg.List(prop) {
				m, ok := raw.(map[string]any)
				if !ok {
					continue
				}
				inline := inventory.Resource{Inputs: m}
				base := sgRule{name: sg.Name + "." + prop + "." + itoa(i), ingress: dir, sg: sg.Name,
					traffic: ruleTraffic(inline, "protocol")}
				if inline.Bool("self") {
					a.rules = append(a.rules, withPeer(base, sg.Name))
				}
				for _, ref := range inventory.Strings(inline.List("securityGroups")) {
					if found := res.find(ref, tSG); len(found) > 0 {
						a.rules = append(a.rules, withPeer(base, found[0].Name))
					}
				}
				a.add(base, inventory.Strings(inline.List("cidrBlocks")))
			}
		}
	}
	return a
}

func withPeer(r sgRule, peer string) sgRule { r.peerSG = peer; return r }

func (a *awsRules) add(base sgRule, cidrs []string) {
	if base.peerSG != "" {
		a.rules = append(a.rules, base)
	}
	for _, c := range cidrs {
		r := base
		r.peerSG, r.cidr = "", c
		a.rules = append(a.rules, r)
	}
}

// ruleTraffic reads a rule's protocol and ports.
func ruleTraffic(r inventory.Resource, protoKey string) Traffic {
	lo, hasLo := r.Number("fromPort")
	hi, hasHi := r.Number("toPort")
	proto := r.String(protoKey)
	if proto == "" {
		proto = "-1"
	}
	if hasLo && hasHi && lo == -1 && hi == -1 {
		hasLo = false
	}
	return protocolTraffic(proto, int(lo), int(hi), hasLo && hasHi)
}

// allowed is what src may send to dst.
func (a *awsRules) allowed(src, dst *endpoint) (Traffic, []string) {
	in, inRules := Traffic{}, []string{}
	for _, r := range a.rules {
		if !r.ingress || !contains(dst.sgs, r.sg) {
			continue
		}
		if r.peerSG != "" && contains(src.sgs, r.peerSG) || r.cidr != "" && cidrMatches(r.cidr, src.cidrs) {
			in = in.Union(r.traffic)
			inRules = append(inRules, r.name)
		}
	}
	if in.Empty() {
		return Traffic{}, nil
	}
	if src.kind == epExternal {
		return in, inRules
	}
	out, outRules := Traffic{}, []string{}
	for _, r := range a.rules {
		if r.ingress || !contains(src.sgs, r.sg) {
			continue
		}
		if r.peerSG != "" && contains(dst.sgs, r.peerSG) || r.cidr != "" && cidrMatches(r.cidr, dst.cidrs) {
			out = out.Union(r.traffic)
			outRules = append(outRules, r.name)
		}
	}
	t := in.Intersect(out)
	if t.Empty() {
		return t, nil
	}
	return t, append(inRules, outRules...)
}

// egressToInternet reports whether a source's groups let traffic out to any address.
func (a *awsRules) egressToInternet(sgs []string) bool {
	for _, r := range a.rules {
		if !r.ingress && contains(sgs, r.sg) && r.cidr == "0.0.0.0/0" && !r.traffic.Empty() {
			return true
		}
	}
	return false
}

// externalCIDRs lists the address ranges the rules admit, each rule's ranges together.
func (a *awsRules) externalCIDRs() [][]string {
	var out [][]string
	for _, r := range a.rules {
		if r.ingress && r.cidr != "" {
			out = append(out, []string{r.cidr})
		}
	}
	return out
}
