package report

import (
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/capabilities"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// sampleCapabilities is a set whose every cell names its row and who runs the stack, so
// a test can tell the cells apart.
func sampleCapabilities(status, who string) *capabilities.Set {
	var set capabilities.Set
	cells := []*capabilities.Capability{&set.ApplicationDefinition, &set.PodScaling, &set.NodeScaling, &set.ApplicationHA,
		&set.LoadBalancing, &set.ServiceDiscovery, &set.SecretsAtRest, &set.NetworkPolicy, &set.AccessControl,
		&set.Upgrades, &set.Observability}
	ids := []string{"applicationDefinition", "podScaling", "nodeScaling", "applicationHA", "loadBalancing",
		"serviceDiscovery", "secretsAtRest", "networkPolicy", "accessControl", "upgrades", "observability"}
	for i, c := range cells {
		*c = capabilities.Capability{Status: status, Value: who + " " + ids[i], Details: []string{ids[i] + " detail"}}
	}
	return &set
}

var capabilityLabels = []string{"Application definition", "Pod autoscaling", "Node autoscaling", "Application availability",
	"Load balancing", "Service discovery", "Secrets at rest", "Network policy", "Access control", "Upgrades", "Observability"}

func TestTableHasACapabilitiesSectionAfterTheSummary(t *testing.T) {
	out := render(t, sampleComparison(), "table")
	section, footer, ok := strings.Cut(out[strings.Index(out, "\nCapabilities"):], "\nPrice catalog")
	require.True(t, ok, "the section comes before the footer")
	assert.Less(t, strings.Index(out, "Operational duties"), strings.Index(out, "\nCapabilities"), "after the side-by-side")
	assert.NotContains(t, footer, "EKS podScaling")
	lines := strings.Split(strings.TrimPrefix(section, "\n"), "\n")
	assert.Regexp(t, `^Capabilities\s+eks\s+swarm-gcp\s+kops-aws\s+broken$`, lines[0])
	last := -1
	for _, label := range capabilityLabels {
		i := indexOfPrefix(lines, label)
		require.GreaterOrEqual(t, i, 0, label)
		assert.Greater(t, i, last, "%s in report order", label)
		last = i
	}
	row := lines[indexOfPrefix(lines, "Network policy")]
	assert.Regexp(t, `EKS networkPolicy\s+Swarm networkPolicy\s+-\s+-$`, row, "the stacks not evaluated show -")
	assert.Contains(t, section, "(provided by the cloud)")
	assert.Contains(t, section, "(deployed by this stack)")
}

func indexOfPrefix(lines []string, prefix string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return i
		}
	}
	return -1
}

func TestMarkdownHasACapabilitiesTable(t *testing.T) {
	out := render(t, sampleComparison(), "markdown")
	_, section, ok := strings.Cut(out, "## Capabilities\n\n")
	require.True(t, ok)
	section, _, _ = strings.Cut(section, "\n## ")
	assert.Contains(t, section, "|  | eks | swarm-gcp | kops-aws | broken |\n| --- | --- | --- | --- | --- |\n")
	assert.Contains(t, section, "| **Secrets at rest** | EKS secretsAtRest<br>secretsAtRest detail<br>(provided by the cloud) | Swarm secretsAtRest<br>secretsAtRest detail<br>(deployed by this stack) | - | - |\n")
	assert.Equal(t, len(capabilityLabels), strings.Count(section, "| **"))
}

func TestHTMLHasACapabilitiesTableWithAStatusClassPerCell(t *testing.T) {
	doc := parseHTML(t, render(t, sampleComparison(), "html"))
	tables := findAll(doc, withClass("summary capabilities"))
	require.Len(t, tables, 1)
	rows := findAll(tables[0], func(n *html.Node) bool { return n.Data == "tr" })
	require.Len(t, rows, 1+len(capabilityLabels), "a header and a row per capability")
	for i, label := range capabilityLabels {
		th := findAll(rows[i+1], named("th"))
		require.Len(t, th, 1)
		assert.Equal(t, label, text(th[0]))
		cells := findAll(rows[i+1], named("td"))
		require.Len(t, cells, 4)
		assert.Equal(t, "cap-provided", attr(cells[0], "class"))
		assert.Equal(t, "cap-deployed", attr(cells[1], "class"))
		assert.Equal(t, "not-available", attr(cells[2], "class"))
		assert.Equal(t, "-", text(cells[3]))
	}
	assert.Len(t, findAll(doc, func(n *html.Node) bool { return n.Data == "h2" && attr(n, "id") == "capabilities" }), 1)
}

func TestJSONHasACapabilitiesObjectPerEvaluatedStack(t *testing.T) {
	doc := decodeJSON(t, render(t, sampleComparison(), "json"))
	stacks := doc["stacks"].([]any)
	eks := stacks[0].(map[string]any)["capabilities"].(map[string]any)
	assert.Len(t, eks, len(capabilityLabels))
	np := eks["networkPolicy"].(map[string]any)
	assert.Equal(t, map[string]any{"status": "provided", "value": "EKS networkPolicy", "details": []any{"networkPolicy detail"}}, np)
	assert.Nil(t, stacks[2].(map[string]any)["capabilities"])
}

// CSV's rows are cost lines (the contract): capabilities are not among them.
func TestCSVCarriesNoCapabilities(t *testing.T) {
	out := render(t, sampleComparison(), "csv")
	assert.NotContains(t, out, "networkPolicy")
	assert.True(t, strings.HasPrefix(out, strings.Join(append(append([]string{}, csvHeader...), monitoringCSVHeader...), ",")+"\n"))
}

// A report with no capabilities (cost --preview) has no section in any format.
func TestNoCapabilitiesNoSection(t *testing.T) {
	c := sampleComparison()
	for i := range c.Stacks {
		c.Stacks[i].Capabilities = nil
	}
	for _, format := range []string{"table", "markdown", "html"} {
		assert.NotContains(t, render(t, c, format), "Capabilities", format)
	}
}
