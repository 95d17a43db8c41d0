package diagram

import (
	"github.com/clusterbench/clusterbench/internal/inventory"
	"strings"

	"github.com/clusterbench/clusterbench/internal/faulttolerance"
)

// planeEndpoint is an EKS control plane's private endpoint as a rule destination: the
// program's rules on the cluster security group reach it.
func (b *builder) planeEndpoint() *endpoint {
	if b.plane == "" || len(b.res.of(tEKS)) == 0 {
		return nil
	}
	return &endpoint{kind: epPlane, node: b.plane, hub: b.plane, sgs: []string{eksClusterSG}}
}

// managedAccessCIDRs are the ranges a managed cluster's public endpoint admits.
func (b *builder) managedAccessCIDRs() [][]string {
	var out [][]string
	for _, c := range b.res.of(tEKS) {
		if public, set := c.Path("vpcConfig.endpointPublicAccess"); set && public == false {
			continue
		}
		cidrs := inventory.Strings(c.List("vpcConfig.publicAccessCidrs"))
		if len(cidrs) == 0 {
			cidrs = []string{"0.0.0.0/0"} // EKS's default
		}
		out = append(out, cidrs)
	}
	for _, c := range b.res.of(tGKE) {
		if c.Bool("privateClusterConfig.enablePrivateEndpoint") {
			continue
		}
		out = append(out, gkeAuthorized(c.List("masterAuthorizedNetworksConfig.cidrBlocks"), c.Path))
	}
	return out
}

func gkeAuthorized(blocks []any, path func(string) (any, bool)) []string {
	if _, set := path("masterAuthorizedNetworksConfig"); !set {
		return []string{"0.0.0.0/0"}
	}
	var out []string
	for _, blk := range blocks {
		if m, ok := blk.(map[string]any); ok {
			if s, ok := m["cidrBlock"].(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// managedEdges draws who reaches a managed control plane: the ranges its public
// endpoint admits (recorded on the cluster), and the nodes through the private endpoint
// and the provider's own rules (EKS's cluster security group, GKE's firewall rules).
func (b *builder) managedEdges() {
	if b.plane == "" {
		return
	}
	api := protocolTraffic(protoTCP, 443, 443, true)
	var accessRule string
	var admitted []string
	providerRule := ""
	fromPlane := Traffic{}
	private := true
	if eks := b.res.of(tEKS); len(eks) > 0 {
		c := eks[0]
		accessRule = c.Name + ".vpcConfig.publicAccessCidrs"
		if set := b.managedAccessCIDRs(); len(set) > 0 {
			admitted = set[0]
		}
		private = c.Bool("vpcConfig.endpointPrivateAccess")
		providerRule = "the cluster security group EKS creates (all traffic between its members)"
		fromPlane = allTraffic()
	} else if gke := b.res.of(tGKE); len(gke) > 0 {
		c := gke[0]
		accessRule = c.Name + ".masterAuthorizedNetworksConfig"
		if !c.Bool("privateClusterConfig.enablePrivateEndpoint") {
			admitted = gkeAuthorized(c.List("masterAuthorizedNetworksConfig.cidrBlocks"), c.Path)
		}
		providerRule = "the firewall rules GKE creates for its control plane"
		if r := c.String("privateClusterConfig.masterIpv4CidrBlock"); r != "" {
			providerRule += " (from " + r + ")"
		}
		fromPlane = protocolTraffic(protoTCP, 443, 443, true).Union(protocolTraffic(protoTCP, 10250, 10250, true))
	}
	for _, ext := range b.externals {
		for _, c := range ext.cidrs {
			if cidrWithin(c, admitted) {
				b.trafficEdge(ext.node, b.plane, EdgeRule, api, []string{accessRule})
				break
			}
		}
	}
	for _, g := range b.groups {
		if g.role != roleWorker {
			continue
		}
		if private {
			b.addEdge(Edge{From: g.node, To: b.plane, Kind: EdgeProvider, Traffic: api, Rules: []string{providerRule},
				Label: b.labels.label(api, roleWorkers, rolePlane) + " (private endpoint)"})
		}
		b.addEdge(Edge{From: b.plane, To: g.node, Kind: EdgeProvider, Traffic: fromPlane, Rules: []string{providerRule},
			Label: b.labels.label(fromPlane, rolePlane, roleWorkers)})
		if strings.Contains(providerRule, "EKS") && g.count > 1 {
			b.addEdge(Edge{From: g.node, To: g.node, Kind: EdgeProvider, Traffic: allTraffic(), Rules: []string{providerRule},
				Label: b.labels.label(allTraffic(), roleWorkers, roleWorkers)})
		}
	}
}

// discovery says where services find each other: what the inventory installs (EKS's
// add-ons, GKE's data path), or what the bootstrap runs on every node.
func (b *builder) discovery() {
	var title string
	var details []string
	switch {
	case len(b.res.of(tEKS)) > 0:
		title = "service discovery (EKS add-ons)"
		for _, a := range b.res.of(tEKSAddon) {
			switch a.String("addonName") {
			case "coredns":
				details = append(details, "CoreDNS: Service names to cluster IPs")
			case "kube-proxy":
				details = append(details, "kube-proxy on every node: cluster IPs to pods")
			}
		}
	case len(b.res.of(tGKE)) > 0:
		title = "service discovery (GKE)"
		details = []string{"kube-dns: Service names to cluster IPs"}
		for _, c := range b.res.of(tGKE) {
			if c.String("datapathProvider") == "ADVANCED_DATAPATH" {
				details = append(details, "Dataplane V2 (eBPF) on every node: cluster IPs to pods, no kube-proxy")
			} else {
				details = append(details, "kube-proxy on every node: cluster IPs to pods")
			}
		}
	case b.orchestrator == "swarm":
		title = "service discovery (Swarm, on every node)"
		details = []string{"embedded DNS (127.0.0.11): service names to virtual IPs", "routing mesh: a published port answers on every node"}
	default:
		title = "service discovery (kubeadm add-ons)"
		details = []string{"CoreDNS: Service names to cluster IPs", "kube-proxy on every node: cluster IPs to pods", "Calico: pod routes over BGP / IP-in-IP"}
	}
	if len(details) == 0 {
		return
	}
	id := "discovery"
	b.addNode(Node{ID: id, Kind: KindDiscovery, Title: title, Details: details}, roleOther)
	var hubs []string
	for _, g := range b.groups {
		if g.role == faulttolerance.RoleBastion {
			continue
		}
		if g.role == roleWorker || b.orchestrator == "swarm" || b.orchestrator == "selfmanaged" {
			hubs = appendUnique(hubs, b.hubOf(g))
		}
	}
	for _, h := range hubs {
		b.addEdge(Edge{From: id, To: h, Kind: EdgeData, Label: "runs on"})
	}
}
