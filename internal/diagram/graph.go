// Package diagram draws the architecture a stack builds from its recorded inventory:
// zones, the control plane (self-run members, Swarm managers, or the provider's),
// worker groups, load balancers, NAT, buckets and etcd volumes, and the traffic the
// recorded security-group and firewall rules allow between them. Nothing is drawn by
// hand: every edge between groups comes from a rule, so a rule removed is an edge gone.
// The graph renders as DOT, Mermaid, and SVG laid out by Graphviz (in-process).
package diagram

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

// Kind is what a node stands for.
type Kind string

// Node kinds.
const (
	KindAdmin         Kind = "admin"          // the adminCidrs networks
	KindExternal      Kind = "external"       // other address ranges a rule names (anywhere, health checkers)
	KindInternet      Kind = "internet"       // where egress goes
	KindManagedPlane  Kind = "managed-plane"  // the provider's control plane
	KindControlPlane  Kind = "control-plane"  // the control plane you run, as one group
	KindMember        Kind = "member"         // one control-plane member or Swarm manager
	KindWorkerGroup   Kind = "worker-group"   // a worker group (its count, min, max)
	KindWorkers       Kind = "workers"        // a worker group's machines in one zone
	KindBastion       Kind = "bastion"        // a bastion host group
	KindLoadBalancer  Kind = "load-balancer"  // a load balancer or forwarding rule
	KindNAT           Kind = "nat"            // a NAT gateway or Cloud NAT
	KindBucket        Kind = "bucket"         // an object-storage bucket
	KindVolume        Kind = "volume"         // an etcd volume
	KindDiscovery     Kind = "discovery"      // where service discovery happens
	KindLegend        Kind = "legend"         // the legend's entries
	KindLegendExample Kind = "legend-example" // a legend entry's sample shape
)

// EdgeKind is what an edge stands for.
type EdgeKind string

// Edge kinds.
const (
	// EdgeRule is traffic the recorded security-group or firewall rules allow.
	EdgeRule EdgeKind = "rule"
	// EdgeProvider is traffic the provider's own rules allow, drawn from the cluster's
	// recorded endpoint settings (EKS's cluster security group, GKE's firewall rules).
	EdgeProvider EdgeKind = "provider"
	// EdgeForward is a load balancer forwarding to its targets.
	EdgeForward EdgeKind = "forward"
	// EdgeMember joins a group to its machines in each zone.
	EdgeMember EdgeKind = "member"
	// EdgeData is storage a group writes or mounts (etcd volumes, snapshot buckets) and
	// where service discovery runs.
	EdgeData EdgeKind = "data"
	// EdgeEgress is the way out to the internet.
	EdgeEgress EdgeKind = "egress"
)

// Node is one box of the picture.
type Node struct {
	ID    string
	Kind  Kind
	Title string
	// Details are the lines under the title.
	Details []string
	// Zone is the zone cluster the node sits in ("" for none).
	Zone string
	// Provider marks what the cloud provider runs for you.
	Provider bool
}

// Edge is one arrow.
type Edge struct {
	From, To string
	Kind     EdgeKind
	Label    string
	// Both draws the arrow both ways (the same traffic is allowed in each direction).
	Both bool
	// Traffic is what the rules allow (rule and provider edges).
	Traffic Traffic
	// Rules names the resources that allow it.
	Rules []string
}

// Graph is one stack's picture.
type Graph struct {
	Stack        string
	Title        string
	Cloud        string
	Orchestrator string
	Region       string
	// Network names the private network the zones belong to.
	Network string
	Zones   []string
	Nodes   []Node
	Edges   []Edge
}

// Options add what the inventory does not say.
type Options struct {
	// Stack names the picture (the inventory's stack when empty).
	Stack string
	// AdminCidrs are the networks SSH and the API answer (clusterbench:adminCidrs):
	// rules from these ranges are drawn from one "admin networks" node.
	AdminCidrs []string
	// Region is the stack's region, for the title.
	Region string
	// SLA is the provider's uptime promise for a managed control plane ("" for none),
	// from the fault-tolerance model.
	SLA string
	// FailuresTolerated is how many control-plane failures the cluster absorbs.
	FailuresTolerated int
}

// Node finds a node by id.
func (g *Graph) Node(id string) (Node, bool) {
	for _, n := range g.Nodes {
		if n.ID == id {
			return n, true
		}
	}
	return Node{}, false
}

// EdgesBetween lists the edges from one node to another (either way when Both).
func (g *Graph) EdgesBetween(from, to string) []Edge {
	var out []Edge
	for _, e := range g.Edges {
		if e.From == from && e.To == to || e.Both && e.From == to && e.To == from {
			out = append(out, e)
		}
	}
	return out
}

// nodeID makes a DOT- and Mermaid-safe identifier.
func nodeID(prefix, name string) string {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteByte('_')
	for _, r := range name {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Build draws a stack's inventory.
func Build(inv *inventory.Inventory, opts Options) (*Graph, error) {
	if inv == nil || len(inv.Resources) == 0 {
		return nil, fmt.Errorf("no resources to draw")
	}
	b := newBuilder(inv, opts)
	if b.cloud == "" {
		return nil, fmt.Errorf("no AWS or GCP resources to draw")
	}
	b.build()
	g := b.g
	g.sort()
	return g, nil
}

// sort puts nodes and edges in a stable order: the picture of one inventory is always
// the same text.
func (g *Graph) sort() {
	slices.SortStableFunc(g.Edges, func(a, b Edge) int {
		return strings.Compare(a.From+"\x00"+a.To+"\x00"+string(a.Kind), b.From+"\x00"+b.To+"\x00"+string(b.Kind))
	})
	slices.Sort(g.Zones)
}
