package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/clusterbench/clusterbench/internal/cost"
)

func TestCostByCategory(t *testing.T) {
	lines := []cost.Line{
		{Resource: "cluster", PriceKey: "aws/us-east-1/eks/control-plane-standard", MonthlyUSD: 73},
		{Resource: "cp-0", PriceKey: "aws/us-east-1/ec2/t3.medium", MonthlyUSD: 30},
		{Resource: "cp-0", PriceKey: "aws/us-east-1/ebs/gp3", MonthlyUSD: 5},
		{Resource: "workers", PriceKey: "aws/us-east-1/ec2/t3.large", MonthlyUSD: 180},
		{Resource: "etcd", PriceKey: "aws/us-east-1/ebs/gp3", MonthlyUSD: 1.5},
		{Resource: "nat-a", PriceKey: "aws/us-east-1/vpc/nat-gateway", MonthlyUSD: 32.85},
		{Resource: "nat-a", PriceKey: "aws/us-east-1/vpc/nat-gateway-data", MonthlyUSD: 2.25},
		{Resource: "nat-ip", PriceKey: "aws/us-east-1/vpc/public-ipv4", MonthlyUSD: 3.65},
		{Resource: "api", PriceKey: "aws/us-east-1/elb/nlb", MonthlyUSD: 16.43},
		{Resource: "inter-zone traffic", PriceKey: "aws/us-east-1/vpc/inter-az-data", MonthlyUSD: 2},
		{Resource: "logs", PriceKey: "aws/us-east-1/cloudwatch/logs-ingest", MonthlyUSD: 2.5},
		{Resource: "agents", PriceKey: "datadog/global/infrastructure-pro/host-on-demand", MonthlyUSD: 90},
		{Resource: "key", PriceKey: "aws/us-east-1/kms/key", MonthlyUSD: 1},
		{Resource: "nat", PriceKey: "gcp/us-central1/cloudnat/gateway-vm", MonthlyUSD: 3},
		{Resource: "free-tier", PriceKey: "gcp/global/gke/free-tier-credit", MonthlyUSD: -74.40},
	}
	got := CostByCategory(lines, func(r string) bool { return r == "cp-0" })
	want := []CategoryCost{
		{CategoryControlPlane, 73 + 30 - 74.40},
		{CategoryWorkers, 180},
		{CategoryStorage, 6.5},
		{CategoryNAT, 32.85 + 2.25 + 3},
		{CategoryLoadBalancers, 16.43},
		{CategoryAddresses, 3.65},
		{CategoryTraffic, 2},
		{CategoryObservability, 92.5},
		{CategoryOther, 1},
	}
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i].Category, got[i].Category)
		assert.InDelta(t, want[i].MonthlyUSD, got[i].MonthlyUSD, 1e-9, want[i].Category)
	}
	sum := 0.0
	for _, c := range got {
		sum += c.MonthlyUSD
	}
	total := 0.0
	for _, l := range lines {
		total += l.MonthlyUSD
	}
	assert.InDelta(t, total, sum, 1e-9, "every line lands in one category")
}

// withPictures adds categories, diagrams and warnings to the sample.
func withPictures() *Comparison {
	c := sampleComparison()
	c.Stacks[0].CostByCategory = []CategoryCost{{CategoryControlPlane, 73}, {CategoryWorkers, 182.21}, {CategoryNAT, 4.5}}
	c.Stacks[1].CostByCategory = []CategoryCost{{CategoryControlPlane, 73.38}, {CategoryOther, -74.40}}
	c.Stacks[0].Diagram = &Diagram{
		SVG:     `<?xml version="1.0"?><!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"><g><text>zone us-east-1a</text></g></svg>`,
		Mermaid: "flowchart TB\n  a --> b\n",
	}
	c.Stacks[1].Diagram = &Diagram{SVG: `<svg viewBox="0 0 10 10"><script>alert(1)</script></svg>`, Mermaid: "flowchart TB\n  c --> d\n"}
	shared := "adminCidrs = 203.0.113.0/24: a documentation range"
	for i := range c.Stacks {
		c.Stacks[i].Warnings = []string{shared}
	}
	c.Stacks[1].Warnings = append(c.Stacks[1].Warnings, "zones: ignored")
	return c
}

func TestHTMLEmbedsEachStacksDiagramInItsColumn(t *testing.T) {
	page := render(t, withPictures(), "html")
	doc := parseHTML(t, page)
	cells := findAll(doc, withClass("diagram-cell"))
	require.Len(t, cells, 4, "one cell per stack")
	svgs := findAll(cells[0], named("svg"))
	require.Len(t, svgs, 1, "eks's picture is inline")
	assert.Equal(t, "zone us-east-1a", text(svgs[0]))
	assert.NotContains(t, page, "<?xml", "the prolog is dropped")
	assert.NotContains(t, page, "xlink", "the unused xlink namespace is dropped")
	assert.Empty(t, findAll(cells[1], named("svg")), "a picture with a script is left out")
	assert.Empty(t, findAll(doc, named("script")))
	assert.Equal(t, notEvaluated, strings.TrimSpace(text(cells[2])))
	links := findAll(cells[0], named("a"))
	require.NotEmpty(t, links)
	div := findAll(cells[0], withClass("diagram"))
	require.Len(t, div, 1)
	assert.Equal(t, "#"+attr(div[0], "id"), attr(links[0], "href"), "enlarge targets the picture")
}

func TestHTMLStacksCostByCategory(t *testing.T) {
	doc := parseHTML(t, render(t, withPictures(), "html"))
	bars := findAll(doc, func(n *html.Node) bool { return n.Data == "svg" && attr(n, "class") == "costbars" })
	require.Len(t, bars, 1)
	groups := findAll(bars[0], withClass("bar"))
	require.Len(t, groups, 2, "one bar per evaluated stack")
	rects := findAll(groups[0], named("rect"))
	require.Len(t, rects, 3, "eks: control plane, workers, NAT")
	assert.Equal(t, "#2da44e", attr(rects[0], "fill"))
	assert.Contains(t, text(rects[1]), "eks, workers: $182.21 a month")
	assert.Len(t, findAll(groups[1], named("rect")), 1, "a credit draws no negative segment")
	assert.Contains(t, text(bars[0]), "network: NAT", "the legend names the categories drawn")
}

func TestSharedWarningIsSaidOnce(t *testing.T) {
	c := withPictures()
	shared := c.Stacks[0].Warnings[0]
	for _, format := range []string{"html", "markdown", "table"} {
		out := render(t, c, format)
		assert.Equal(t, 1, strings.Count(out, shared), "%s: once for all stacks", format)
		assert.Contains(t, out, sharedWarningsTitle, format)
		assert.Equal(t, 1, strings.Count(out, "zones: ignored"), "%s: a stack's own warning stays in its column", format)
	}
	one := sampleComparison()
	one.Stacks = one.Stacks[:1]
	one.Stacks[0].Warnings = []string{shared}
	assert.NotContains(t, render(t, one, "html"), sharedWarningsTitle, "one stack's warnings stay in its column")
}

func TestMarkdownEmbedsMermaidAndCategories(t *testing.T) {
	out := render(t, withPictures(), "markdown")
	assert.Contains(t, out, "```mermaid\nflowchart TB\n  a --> b\n```")
	assert.Contains(t, out, "```mermaid\nflowchart TB\n  c --> d\n```")
	assert.Contains(t, out, "| Category | eks | swarm-gcp |")
	assert.Contains(t, out, "| network: NAT | $4.50 | - |")
	assert.Contains(t, out, "| Total | $1,234.56 | at least $99.50 (1 unpriced) |")
	assert.Less(t, strings.Index(out, "Where the money goes"), strings.Index(out, "## eks"))
}
