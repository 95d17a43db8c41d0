package diagram

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// style is how a kind of node is drawn (DOT attributes and a Mermaid class).
type style struct {
	shape, fill, extra string
}

var nodeStyles = map[Kind]style{
	KindAdmin:        {"box", "#fff8c5", `style="rounded,filled"`},
	KindExternal:     {"box", "#f6f8fa", `style="rounded,filled"`},
	KindInternet:     {"ellipse", "#f6f8fa", `style="filled"`},
	KindManagedPlane: {"box", "#ddf4ff", `style="rounded,filled,dashed", penwidth=1.6`},
	KindControlPlane: {"box", "#dafbe1", `style="rounded,filled,bold"`},
	KindMember:       {"box", "#dafbe1", `style="rounded,filled"`},
	KindWorkerGroup:  {"box", "#fff1e5", `style="rounded,filled,bold"`},
	KindWorkers:      {"box", "#fff1e5", `style="rounded,filled"`},
	KindBastion:      {"box", "#f6f8fa", `style="rounded,filled"`},
	KindLoadBalancer: {"hexagon", "#fbefff", `style="filled"`},
	KindNAT:          {"octagon", "#eaeef2", `style="filled"`},
	KindBucket:       {"cylinder", "#ddf4ff", `style="filled"`},
	KindVolume:       {"cylinder", "#dafbe1", `style="filled"`},
	KindDiscovery:    {"note", "#fff8c5", `style="filled"`},
}

var edgeStyles = map[EdgeKind]string{
	EdgeRule:     `color="#0969da", fontcolor="#0550ae"`,
	EdgeProvider: `color="#8250df", fontcolor="#6639ba", style=dashed`,
	EdgeForward:  `color="#1a7f37", fontcolor="#116329", penwidth=1.8`,
	EdgeMember:   `color="#8c959f", style=dotted, arrowhead=none`,
	EdgeData:     `color="#9a6700", fontcolor="#7d4e00", style=dashed, arrowhead=vee`,
	EdgeEgress:   `color="#6e7781", style=dotted, arrowhead=vee`,
}

// zoneRank orders a zone's column from the top.
var zoneRank = map[Kind]int{KindMember: 0, KindBastion: 1, KindVolume: 2, KindWorkers: 3, KindNAT: 4}

// inNetwork reports whether a node sits inside the network's cluster.
func inNetwork(n Node) bool {
	switch n.Kind {
	case KindAdmin, KindExternal, KindInternet, KindBucket, KindManagedPlane:
		return false
	}
	return true
}

// legendEdges explain the arrows; legendNodes the boxes.
var (
	legendEdges = []struct {
		kind EdgeKind
		text string
	}{
		{EdgeRule, "traffic a recorded security-group / firewall rule allows (ports; TCP unless /udp)"},
		{EdgeProvider, "traffic the provider's own rules allow (its security group / firewall)"},
		{EdgeForward, "load balancer forwards"},
		{EdgeData, "writes to, mounts, runs on"},
		{EdgeMember, "machines of a group, per zone"},
		{EdgeEgress, "egress to the internet"},
	}
	legendNodes = []struct {
		kind Kind
		text string
	}{
		{KindControlPlane, "control plane you run"},
		{KindManagedPlane, "run by the provider"},
		{KindWorkerGroup, "worker group"},
		{KindLoadBalancer, "load balancer"},
		{KindNAT, "NAT"},
		{KindVolume, "volume / bucket"},
	}
)

// WriteDOT writes the graph in Graphviz's DOT language.
func (g *Graph) WriteDOT(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote(g.Stack))
	fmt.Fprintf(&b, "  graph [id=%s, label=%s, labelloc=t, fontname=\"Helvetica\", fontsize=16, compound=true, newrank=true, nodesep=0.35, ranksep=0.55, pad=0.2];\n", dotQuote(nodeID("diagram", g.Stack)), dotQuote(g.Title))
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=10, margin=\"0.12,0.06\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, n := range g.Nodes {
		if !inNetwork(n) && n.Kind != KindManagedPlane {
			writeDOTNode(&b, "  ", n)
		}
	}
	if provider := g.nodesOf(func(n Node) bool { return n.Kind == KindManagedPlane }); len(provider) > 0 {
		fmt.Fprintf(&b, "  subgraph cluster_provider {\n    label=%s; style=\"dashed,rounded\"; color=\"#8250df\"; fontcolor=\"#6639ba\";\n", dotQuote("run by "+providerName(g.Cloud)))
		for _, n := range provider {
			writeDOTNode(&b, "    ", n)
		}
		b.WriteString("  }\n")
	}
	network := orDefault(g.Network, "network")
	if g.Region != "" {
		network += " in " + g.Region
	}
	fmt.Fprintf(&b, "  subgraph cluster_network {\n    label=%s; style=rounded; color=\"#57606a\";\n", dotQuote(network))
	for _, n := range g.Nodes {
		if inNetwork(n) && n.Zone == "" {
			writeDOTNode(&b, "    ", n)
		}
	}
	for _, z := range g.Zones {
		fmt.Fprintf(&b, "    subgraph %s {\n      label=%s; style=\"rounded,filled\"; fillcolor=\"#f6f8fa\"; color=\"#afb8c1\";\n", dotQuote("cluster_zone_"+z), dotQuote("zone "+z))
		var column []Node
		for _, n := range g.Nodes {
			if n.Zone == z {
				writeDOTNode(&b, "      ", n)
				column = append(column, n)
			}
		}
		// A zone is drawn as one column (members, their volumes, workers, NAT): invisible
		// edges only rank the nodes, Graphviz still lays everything out.
		slices.SortStableFunc(column, func(a, b Node) int { return zoneRank[a.Kind] - zoneRank[b.Kind] })
		for i := 1; i < len(column); i++ {
			fmt.Fprintf(&b, "      %s -> %s [style=invis];\n", column[i-1].ID, column[i].ID)
		}
		b.WriteString("    }\n")
	}
	b.WriteString("  }\n")
	for _, e := range g.Edges {
		attrs := edgeStyles[e.Kind]
		if e.Label != "" {
			attrs += ", label=" + dotQuote(e.Label)
		}
		if e.Both {
			attrs += ", dir=both"
		}
		fmt.Fprintf(&b, "  %s -> %s [%s];\n", e.From, e.To, attrs)
	}
	writeDOTLegend(&b)
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func (g *Graph) nodesOf(keep func(Node) bool) []Node {
	var out []Node
	for _, n := range g.Nodes {
		if keep(n) {
			out = append(out, n)
		}
	}
	return out
}

func providerName(cloud string) string {
	switch cloud {
	case "aws":
		return "AWS"
	case "gcp":
		return "Google Cloud"
	}
	return "the provider"
}

func writeDOTNode(b *strings.Builder, indent string, n Node) {
	st := nodeStyles[n.Kind]
	fmt.Fprintf(b, "%s%s [label=%s, shape=%s, fillcolor=%s, %s];\n", indent, n.ID, dotQuote(nodeText(n)), st.shape, dotQuote(st.fill), st.extra)
}

// nodeText is a node's title and details, one per line.
func nodeText(n Node) string {
	return strings.Join(append([]string{n.Title}, n.Details...), "\n")
}

func writeDOTLegend(b *strings.Builder) {
	b.WriteString("  legend [shape=plaintext, fontsize=9, label=<<TABLE BORDER=\"1\" COLOR=\"#afb8c1\" CELLBORDER=\"0\" CELLSPACING=\"3\" CELLPADDING=\"2\">")
	b.WriteString("<TR><TD COLSPAN=\"2\"><B>Legend</B></TD></TR>")
	for _, l := range legendNodes {
		st := nodeStyles[l.kind]
		fmt.Fprintf(b, "<TR><TD BGCOLOR=\"%s\" BORDER=\"1\" STYLE=\"rounded\"> </TD><TD ALIGN=\"LEFT\">%s</TD></TR>", st.fill, htmlEscape(l.text))
	}
	for _, l := range legendEdges {
		fmt.Fprintf(b, "<TR><TD><FONT COLOR=\"%s\">%s</FONT></TD><TD ALIGN=\"LEFT\">%s</TD></TR>", legendColor[l.kind], legendStroke[l.kind], htmlEscape(l.text))
	}
	b.WriteString("</TABLE>>];\n")
}

// legendColor and legendStroke draw an edge kind in the legend's text.
var (
	legendColor = map[EdgeKind]string{
		EdgeRule: "#0969da", EdgeProvider: "#8250df", EdgeForward: "#1a7f37",
		EdgeData: "#9a6700", EdgeMember: "#8c959f", EdgeEgress: "#6e7781",
	}
	legendStroke = map[EdgeKind]string{
		EdgeRule: "———&gt;", EdgeProvider: "- - -&gt;", EdgeForward: "━━━&gt;",
		EdgeData: "- - -&gt;", EdgeMember: "·······", EdgeEgress: "·····&gt;",
	}
)

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// dotQuote quotes a DOT string; a newline becomes a centred line break.
func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
