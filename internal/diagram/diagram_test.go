package diagram_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/internal/diagram"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/stackfile"
)

const stacksDir = "../../stacks"

var (
	evalOnce sync.Once
	evals    map[string]evaluate.Evaluation
)

// shipped evaluates every stack file in stacks/ once.
func shipped(t *testing.T) map[string]evaluate.Evaluation {
	t.Helper()
	evalOnce.Do(func() {
		files, err := stackfile.List(stacksDir)
		if err != nil {
			panic(err)
		}
		evals = map[string]evaluate.Evaluation{}
		for _, ev := range evaluate.Files(files, program.SpecOptions()) {
			evals[ev.Stack] = ev
		}
	})
	require.NotEmpty(t, evals, "no stack files in %s", stacksDir)
	return evals
}

func graphOf(t *testing.T, stack string) *diagram.Graph {
	t.Helper()
	ev, ok := shipped(t)[stack]
	require.True(t, ok, "no stack %s in %s", stack, stacksDir)
	require.NoError(t, ev.Err)
	g, err := diagram.ForStack(ev.Inventory, ev.Spec)
	require.NoError(t, err)
	return g
}

// withoutResource draws a stack's inventory with one resource removed.
func withoutResource(t *testing.T, stack, typ, name string) *diagram.Graph {
	t.Helper()
	ev := shipped(t)[stack]
	inv := &inventory.Inventory{Stack: ev.Inventory.Stack}
	removed := 0
	for _, r := range ev.Inventory.Resources {
		if r.Type == typ && r.Name == name {
			removed++
			continue
		}
		inv.Resources = append(inv.Resources, r)
	}
	require.Equal(t, 1, removed, "%s has no %s %s", stack, typ, name)
	g, err := diagram.ForStack(inv, ev.Spec)
	require.NoError(t, err)
	return g
}

// TestGolden compares the DOT and Mermaid of every stack in stacks/ with
// testdata/<stack>.dot and .mmd. UPDATE_GOLDEN=1 go test ./internal/diagram/ rewrites them.
func TestGolden(t *testing.T) {
	names := make([]string, 0)
	for name := range shipped(t) {
		names = append(names, name)
	}
	slices.Sort(names)
	require.Len(t, names, 6, "the six shipped stacks")
	for _, name := range names {
		g := graphOf(t, name)
		for ext, write := range map[string]func(io.Writer) error{".dot": g.WriteDOT, ".mmd": g.WriteMermaid} {
			var got bytes.Buffer
			require.NoError(t, write(&got))
			path := filepath.Join("testdata", name+ext)
			if os.Getenv("UPDATE_GOLDEN") != "" {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(path, got.Bytes(), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no golden file: run UPDATE_GOLDEN=1 go test ./internal/diagram/")
			assert.Equal(t, string(want), got.String(), "%s differs from its golden (UPDATE_GOLDEN=1 regenerates it)", path)
			assert.NotContains(t, got.String(), "unknown", "%s: everything the shipped stacks build is known", path)
		}
	}
}

func edgeLabel(g *diagram.Graph, from, to string) (string, bool) {
	edges := g.EdgesBetween(from, to)
	for _, e := range edges {
		if e.Kind == diagram.EdgeRule || e.Kind == diagram.EdgeForward || e.Kind == diagram.EdgeProvider {
			return e.Label, true
		}
	}
	return "", false
}

func TestEdgesFollowTheRules(t *testing.T) {
	kops := graphOf(t, "kops-aws")
	label, ok := edgeLabel(kops, "control_plane", "control_plane")
	require.True(t, ok, "members talk to each other")
	assert.Contains(t, label, "2379-2380 etcd", "etcd between members")
	label, ok = edgeLabel(kops, "g_cluster_workers", "control_plane")
	require.True(t, ok)
	assert.NotContains(t, label, "etcd", "no rule lets a worker reach etcd")
	assert.Contains(t, label, "except 2379-2381, 4001-4002")
	assert.Contains(t, label, "6443 API")
	label, ok = edgeLabel(kops, "control_plane", "g_cluster_workers")
	require.True(t, ok)
	assert.Contains(t, label, "10250 kubelet")
	label, ok = edgeLabel(kops, "admin", "lb_cluster_api")
	require.True(t, ok)
	assert.Equal(t, "6443 API", label)

	swarm := graphOf(t, "swarm-aws")
	label, ok = edgeLabel(swarm, "g_swarm_workers", "control_plane")
	require.True(t, ok)
	for _, want := range []string{"2377 Swarm management", "7946 gossip (TCP+UDP)", "4789/udp VXLAN", "ESP"} {
		assert.Contains(t, label, want)
	}
	label, ok = edgeLabel(swarm, "control_plane", "g_swarm_workers")
	require.True(t, ok)
	assert.NotContains(t, label, "2377", "workers do not listen on the management port")

	eks := graphOf(t, "eks")
	label, ok = edgeLabel(eks, "admin", "plane_cluster")
	require.True(t, ok)
	assert.Equal(t, "443 API", label)
	plane, ok := eks.Node("plane_cluster")
	require.True(t, ok)
	assert.True(t, plane.Provider)
	assert.Contains(t, strings.Join(plane.Details, " "), "SLA 99.95%")
}

func TestRemovingARuleRemovesItsEdge(t *testing.T) {
	const ingress = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	const egress = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	const firewall = "gcp:compute/firewall:Firewall"

	_, ok := edgeLabel(graphOf(t, "kops-aws"), "g_cluster_workers", "lb_cluster_api")
	require.True(t, ok)
	_, ok = edgeLabel(withoutResource(t, "kops-aws", ingress, "cluster-api-from-nodes"), "g_cluster_workers", "lb_cluster_api")
	assert.False(t, ok, "workers reach the API load balancer only through api-from-nodes")

	_, ok = edgeLabel(withoutResource(t, "kops-aws", ingress, "cluster-cp-from-cp-all"), "control_plane", "control_plane")
	assert.False(t, ok, "members reach each other only through cp-from-cp-all")

	_, ok = edgeLabel(withoutResource(t, "kops-aws", ingress, "cluster-api-from-admin-0"), "admin", "lb_cluster_api")
	assert.False(t, ok, "adminCidrs reach the API only through api-from-admin-0")

	label, ok := edgeLabel(withoutResource(t, "kops-aws", egress, "cluster-api-to-cp"), "lb_cluster_api", "control_plane")
	require.True(t, ok)
	assert.Contains(t, label, "no rule admits it", "the load balancer's own egress rule is needed")

	label, ok = edgeLabel(withoutResource(t, "swarm-aws", ingress, "swarm-published-80"), "lb_swarm_nlb", "g_swarm_workers")
	require.True(t, ok)
	assert.Contains(t, label, "no rule admits it")

	label, _ = edgeLabel(graphOf(t, "swarm-gcp"), "g_swarm_workers", "control_plane")
	require.Contains(t, label, "2377")
	label, _ = edgeLabel(withoutResource(t, "swarm-gcp", firewall, "swarm-manage"), "g_swarm_workers", "control_plane")
	assert.NotContains(t, label, "2377", "the management port is open only by swarm-manage")

	// A deny rule removed lets through what it stopped: without deny-etcd, the
	// network's internal allow rule reaches etcd from the workers.
	label, _ = edgeLabel(withoutResource(t, "kops-gcp", firewall, "cluster-deny-etcd"), "g_cluster_workers", "control_plane")
	assert.NotContains(t, label, "except 2379")

	_, ok = edgeLabel(withoutResource(t, "gke", firewall, "network-ssh-admin"), "admin", "g_cluster_workers")
	assert.False(t, ok)
}

// TestSpecVariantMovesTheAdminEdge: with the public endpoint off, EKS's admin edge comes
// from the rule on the cluster security group; without that rule there is none.
func TestSpecVariantMovesTheAdminEdge(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(stacksDir, "Pulumi.eks.yaml"))
	require.NoError(t, err)
	dir := t.TempDir()
	variant := strings.Replace(string(data), "  clusterbench:network:", "  clusterbench:endpoint:\n    public: false\n  clusterbench:network:", 1)
	path := filepath.Join(dir, "Pulumi.eks-private.yaml")
	require.NoError(t, os.WriteFile(path, []byte(variant), 0o644))
	ev := evaluate.File(path, program.SpecOptions())
	require.NoError(t, ev.Err)
	g, err := diagram.ForStack(ev.Inventory, ev.Spec)
	require.NoError(t, err)
	edges := g.EdgesBetween("admin", "plane_cluster")
	require.Len(t, edges, 1)
	assert.Equal(t, []string{"cluster-api-from-203.0.113.0-24"}, edges[0].Rules)

	public := graphOf(t, "eks").EdgesBetween("admin", "plane_cluster")
	require.Len(t, public, 1)
	assert.Equal(t, []string{"cluster.vpcConfig.publicAccessCidrs"}, public[0].Rules)

	inv := &inventory.Inventory{Stack: ev.Inventory.Stack}
	for _, r := range ev.Inventory.Resources {
		if r.Name != "cluster-api-from-203.0.113.0-24" {
			inv.Resources = append(inv.Resources, r)
		}
	}
	g, err = diagram.ForStack(inv, ev.Spec)
	require.NoError(t, err)
	assert.Empty(t, g.EdgesBetween("admin", "plane_cluster"))
}

// TestSVGNamesEveryZoneAndGroup renders each stack with Graphviz and reads the SVG back
// as XML.
func TestSVGNamesEveryZoneAndGroup(t *testing.T) {
	for name, ev := range shipped(t) {
		g := graphOf(t, name)
		var svg bytes.Buffer
		require.NoError(t, g.WriteSVG(&svg))
		texts := svgTexts(t, svg.Bytes())
		all := strings.Join(texts, "\n")
		require.NotEmpty(t, g.Zones, name)
		for _, z := range g.Zones {
			assert.Contains(t, texts, "zone "+z, "%s: zone %s", name, z)
		}
		groups := 0
		for _, r := range ev.Inventory.Custom() {
			switch r.Type {
			case "aws:autoscaling/group:Group", "aws:eks/nodeGroup:NodeGroup", "gcp:container/nodePool:NodePool",
				"gcp:compute/instanceGroupManager:InstanceGroupManager", "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager":
				groups++
				assert.Contains(t, all, r.Name, "%s: group %s", name, r.Name)
			}
		}
		assert.Positive(t, groups, name)
		assert.Contains(t, all, "Legend")
	}
}

// svgTexts parses an SVG document and returns its text elements.
func svgTexts(t *testing.T, svg []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	dec.Entity = xml.HTMLEntity
	var texts []string
	inText, root := false, ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "SVG is not well-formed XML")
		switch el := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = el.Name.Local
			}
			inText = el.Name.Local == "text"
		case xml.CharData:
			if inText {
				texts = append(texts, strings.TrimSpace(string(el)))
			}
		case xml.EndElement:
			inText = false
		}
	}
	require.Equal(t, "svg", root)
	return texts
}

// BenchmarkDraw is building, writing DOT and laying out SVG for the six shipped stacks.
func BenchmarkDraw(b *testing.B) {
	t := &testing.T{}
	stacks := shipped(t)
	for b.Loop() {
		for _, ev := range stacks {
			g, err := diagram.ForStack(ev.Inventory, ev.Spec)
			if err != nil {
				b.Fatal(err)
			}
			if err := g.WriteSVG(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestREADMEDiagramsAreCurrent fails when the pictures the README shows no longer match
// what the tool draws for their stacks: `make diagrams` redraws them.
func TestREADMEDiagramsAreCurrent(t *testing.T) {
	for _, stack := range []string{"kops-aws", "swarm-aws"} {
		path := filepath.Join("..", "..", "docs", "diagrams", stack+".svg")
		committed, err := os.ReadFile(path)
		require.NoError(t, err, "the README shows %s: run make diagrams", path)
		var drawn bytes.Buffer
		require.NoError(t, graphOf(t, stack).WriteSVG(&drawn))
		assert.True(t, bytes.Equal(committed, drawn.Bytes()), "%s is stale: run make diagrams", path)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	for _, stack := range []string{"kops-aws", "swarm-aws"} {
		assert.Contains(t, string(readme), "docs/diagrams/"+stack+".svg", "the README shows the picture")
	}
}
