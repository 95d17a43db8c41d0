package spec

import (
	"fmt"
	"net/netip"
)

// Layout is how network.cidr is carved, deterministically, for the cloud's subnets.
// AWS (subnets are zonal): private subnet i is quarter i of the network (a /18 of a /16),
// public subnet i is sixteenth 12+i (a /20 of a /16), so private ranges stay large for
// the VPC CNI, which gives every pod a VPC address. GCP (one regional subnetwork): nodes
// take the first quarter, services the fifth sixteenth, pods the second half and a
// private GKE control plane a /28 of the sixth sixteenth; GKE gives each node a /24 of
// the pods range (110 pods per node).
type Layout struct {
	Private  []netip.Prefix // AWS, per zone (empty unless privateNodes)
	Public   []netip.Prefix // AWS, per zone
	Nodes    netip.Prefix   // GCP primary range
	Pods     netip.Prefix   // GCP secondary range
	Services netip.Prefix   // GCP secondary range
	// Master is the /28 a private GKE control plane peers into: the first /28 of the
	// sixth sixteenth, which no other range uses.
	Master netip.Prefix
}

// NetworkLayout carves the spec's network.cidr. Call it only on a validated spec.
func (s *Spec) NetworkLayout() Layout {
	base := netip.MustParsePrefix(s.Network.Cidr)
	var l Layout
	if s.Cloud == GCP {
		l.Nodes = subnet(base, 2, 0)
		l.Services = subnet(base, 4, 4)
		l.Pods = subnet(base, 1, 1)
		sixth := subnet(base, 4, 5)
		l.Master = subnet(sixth, 28-sixth.Bits(), 0)
		return l
	}
	for i := 0; i < s.Zones; i++ {
		l.Public = append(l.Public, subnet(base, 4, 12+i))
		if s.Network.PrivateNodes {
			l.Private = append(l.Private, subnet(base, 2, i))
		}
	}
	return l
}

// subnet returns the n-th block of prefix length base.Bits()+newBits inside base.
func subnet(base netip.Prefix, newBits, n int) netip.Prefix {
	bits := base.Bits() + newBits
	a := base.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v += uint32(n) << (32 - bits)
	addr := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	return netip.PrefixFrom(addr, bits)
}

// usable is the addresses a cloud leaves to instances in a subnet (AWS reserves 5, GCP 4).
func usable(p netip.Prefix, cloud string) int {
	reserved := 5
	if cloud == GCP {
		reserved = 4
	}
	return 1<<(32-p.Bits()) - reserved
}

// eksMaxPods is the VPC CNI's pods per node (ENIs × (IPs per ENI − 1) + 2), from the
// AWS eni-max-pods table; an unknown type counts the kubelet's ceiling of 110.
var eksMaxPods = map[string]int{
	"t3.small": 11, "t3.medium": 17, "t3.large": 35, "t3.xlarge": 58, "t3.2xlarge": 58,
	"m5.large": 29, "m5.xlarge": 58, "m5.2xlarge": 58, "m6i.large": 29, "m6i.xlarge": 58,
	"c5.large": 29, "c5.xlarge": 58, "r5.large": 29,
	"t4g.medium": 17, "t4g.large": 35, "m6g.large": 29, "m7g.large": 29, "m7g.xlarge": 58,
}

// addressShortfall explains, with the arithmetic, why the network cannot address the
// largest worker count; "" when it can.
func (s *Spec) addressShortfall() string {
	l := s.NetworkLayout()
	extra := 0 // self-managed control planes and swarm managers share the node subnets
	if s.Orchestrator != Managed {
		extra = s.ControlPlane.Count
	}
	if s.Cloud == GCP {
		need, have := s.Workers.Max+extra, usable(l.Nodes, GCP)
		if need > have {
			return fmt.Sprintf("%d nodes need %d addresses but the nodes range %s (first quarter of network.cidr %s) has %d usable",
				s.Workers.Max+extra, need, l.Nodes, s.Network.Cidr, have)
		}
		if s.IsGKE() {
			if nodes := 1 << max(0, 24-l.Pods.Bits()); l.Pods.Bits() > 24 || s.Workers.Max > nodes {
				return fmt.Sprintf("GKE gives every node a /24 of the pods range; the pods range %s (second half of network.cidr %s) holds %d nodes, fewer than %d",
					l.Pods, s.Network.Cidr, nodes, s.Workers.Max)
			}
		}
		return ""
	}
	subnets, kind := l.Public, "public"
	if s.Network.PrivateNodes {
		subnets, kind = l.Private, "private"
	}
	perNode, why := 1, "1 address per node"
	if s.IsEKS() {
		pods, ok := eksMaxPods[s.Workers.MachineType]
		if !ok {
			pods = 110
		}
		perNode, why = 1+pods, fmt.Sprintf("1 + %d pod addresses per %s node with the VPC CNI", pods, s.Workers.MachineType)
	}
	perZone := (s.Workers.Max + extra + s.Zones - 1) / s.Zones
	need, have := perZone*perNode, usable(subnets[0], AWS)
	if need > have {
		return fmt.Sprintf("%d nodes over %d zones is %d per zone × %d (%s) = %d addresses, more than the %d usable in each %s %s subnet carved from network.cidr %s",
			s.Workers.Max+extra, s.Zones, perZone, perNode, why, need, have, kind, fmt.Sprintf("/%d", subnets[0].Bits()), s.Network.Cidr)
	}
	return ""
}
