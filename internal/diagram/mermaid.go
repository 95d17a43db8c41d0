package diagram

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// mermaidShapes wrap a node's text in Mermaid's shape brackets.
var mermaidShapes = map[Kind][2]string{
	KindAdmin: {"(", ")"}, KindExternal: {"(", ")"}, KindInternet: {"([", "])"},
	KindManagedPlane: {"(", ")"}, KindControlPlane: {"(", ")"}, KindMember: {"(", ")"},
	KindWorkerGroup: {"(", ")"}, KindWorkers: {"(", ")"}, KindBastion: {"(", ")"},
	KindLoadBalancer: {"{{", "}}"}, KindNAT: {"([", "])"}, KindBucket: {"[(", ")]"},
	KindVolume: {"[(", ")]"}, KindDiscovery: {">", "]"},
}

// mermaidArrows are the links of each edge kind (one way, both ways).
var mermaidArrows = map[EdgeKind][2]string{
	EdgeRule: {"-->", "<-->"}, EdgeProvider: {"-.->", "<-.->"}, EdgeForward: {"==>", "<==>"},
	EdgeMember: {"-.-", "-.-"}, EdgeData: {"-.->", "<-.->"}, EdgeEgress: {"-.->", "<-.->"},
}

// mermaidLinkStyles colour each edge kind as DOT does.
var mermaidLinkStyles = map[EdgeKind]string{
	EdgeRule: "stroke:#0969da,color:#0550ae", EdgeProvider: "stroke:#8250df,color:#6639ba,stroke-dasharray:6 4",
	EdgeForward: "stroke:#1a7f37,color:#116329", EdgeMember: "stroke:#8c959f",
	EdgeData: "stroke:#9a6700,color:#7d4e00,stroke-dasharray:6 4", EdgeEgress: "stroke:#6e7781",
}

// WriteMermaid writes the graph as a Mermaid flowchart (GitHub renders it in Markdown).
func (g *Graph) WriteMermaid(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\n---\nflowchart TB\n", strconv.Quote(strings.ReplaceAll(g.Title, "\n", " ")))
	for _, k := range kindsInOrder {
		st := nodeStyles[k]
		dash := ""
		if k == KindManagedPlane {
			dash = ",stroke-dasharray:6 4"
		}
		fmt.Fprintf(&b, "  classDef %s fill:%s,stroke:#57606a,color:#1f2328%s\n", mermaidClass(k), st.fill, dash)
	}
	for _, n := range g.Nodes {
		if !inNetwork(n) && n.Kind != KindManagedPlane {
			writeMermaidNode(&b, "  ", n)
		}
	}
	if provider := g.nodesOf(func(n Node) bool { return n.Kind == KindManagedPlane }); len(provider) > 0 {
		fmt.Fprintf(&b, "  subgraph sg_provider[\"%s\"]\n", mermaidText("run by "+providerName(g.Cloud)))
		for _, n := range provider {
			writeMermaidNode(&b, "    ", n)
		}
		b.WriteString("  end\n")
	}
	network := orDefault(g.Network, "network")
	if g.Region != "" {
		network += " in " + g.Region
	}
	fmt.Fprintf(&b, "  subgraph sg_network[\"%s\"]\n", mermaidText(network))
	for _, n := range g.Nodes {
		if inNetwork(n) && n.Zone == "" {
			writeMermaidNode(&b, "    ", n)
		}
	}
	for _, z := range g.Zones {
		fmt.Fprintf(&b, "    subgraph %s[\"%s\"]\n", nodeID("sg_zone", z), mermaidText("zone "+z))
		for _, n := range g.Nodes {
			if n.Zone == z {
				writeMermaidNode(&b, "      ", n)
			}
		}
		b.WriteString("    end\n")
	}
	b.WriteString("  end\n")
	var styles []string
	for i, e := range g.Edges {
		arrow := mermaidArrows[e.Kind][0]
		if e.Both {
			arrow = mermaidArrows[e.Kind][1]
		}
		label := ""
		if e.Label != "" {
			label = "|\"" + mermaidText(e.Label) + "\"|"
		}
		fmt.Fprintf(&b, "  %s %s%s %s\n", e.From, arrow, label, e.To)
		styles = append(styles, fmt.Sprintf("  linkStyle %d %s\n", i, mermaidLinkStyles[e.Kind]))
	}
	b.WriteString("  subgraph sg_legend[\"Legend\"]\n    direction TB\n")
	for i, l := range legendNodes {
		fmt.Fprintf(&b, "    legend_n%d%s\"%s\"%s:::%s\n", i, mermaidShapes[l.kind][0], mermaidText(l.text), mermaidShapes[l.kind][1], mermaidClass(l.kind))
	}
	for i, l := range legendEdges {
		fmt.Fprintf(&b, "    legend_a%d[\" \"] %s|\"%s\"| legend_b%d[\" \"]\n", i, mermaidArrows[l.kind][0], mermaidText(l.text), i)
		styles = append(styles, fmt.Sprintf("  linkStyle %d %s\n", len(g.Edges)+i, mermaidLinkStyles[l.kind]))
	}
	b.WriteString("  end\n")
	for _, s := range styles {
		b.WriteString(s)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// kindsInOrder lists the node kinds, for stable class definitions.
var kindsInOrder = []Kind{
	KindAdmin, KindExternal, KindInternet, KindManagedPlane, KindControlPlane, KindMember, KindWorkerGroup,
	KindWorkers, KindBastion, KindLoadBalancer, KindNAT, KindBucket, KindVolume, KindDiscovery,
}

func mermaidClass(k Kind) string { return strings.ReplaceAll(string(k), "-", "_") }

func writeMermaidNode(b *strings.Builder, indent string, n Node) {
	shape := mermaidShapes[n.Kind]
	text := "<b>" + mermaidText(n.Title) + "</b>"
	for _, d := range n.Details {
		text += "<br/>" + mermaidText(d)
	}
	fmt.Fprintf(b, "%s%s%s\"%s\"%s:::%s\n", indent, n.ID, shape[0], text, shape[1], mermaidClass(n.Kind))
}

// mermaidText escapes text inside a quoted Mermaid label: entity codes for quotes and
// angle brackets, <br/> for line breaks.
func mermaidText(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "\n", "<br/>")
	return r.Replace(s)
}
