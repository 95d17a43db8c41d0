package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// parseHTML parses a rendered page, failing the test if it is not HTML.
func parseHTML(t *testing.T, page string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	require.NoError(t, err)
	return doc
}

// findAll returns every element for which match is true, in document order.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

func named(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag }
}

func withClass(class string) func(*html.Node) bool {
	return func(n *html.Node) bool { return attr(n, "class") == class }
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func TestHTMLChartHasOnePointPerEvaluatedStack(t *testing.T) {
	doc := parseHTML(t, render(t, sampleComparison(), "html"))
	svgs := findAll(doc, func(n *html.Node) bool { return n.Data == "svg" && attr(n, "class") == "chart" })
	require.Len(t, svgs, 1)
	points := findAll(svgs[0], withClass("point"))
	require.Len(t, points, 2, "eks and swarm-gcp; kops-aws and broken were not evaluated")
	tests := []struct {
		name   string
		point  *html.Node
		label  string
		marker string
	}{
		{"zone-loss survivor is a circle", points[0], "eks", "circle"},
		{"stack that falls with a zone is a square", points[1], "swarm-gcp", "rect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Len(t, findAll(tt.point, named(tt.marker)), 1)
			labels := findAll(tt.point, named("text"))
			require.Len(t, labels, 1)
			assert.Equal(t, tt.label, text(labels[0]))
		})
	}
}

func TestHTMLSaysWhichStacksAreLeftOffTheChart(t *testing.T) {
	doc := parseHTML(t, render(t, sampleComparison(), "html"))
	captions := findAll(doc, named("figcaption"))
	require.Len(t, captions, 1)
	assert.Contains(t, text(captions[0]), "kops-aws (not available yet), broken (error)")
}

func TestHTMLHasTheSideBySideTableWithEveryStack(t *testing.T) {
	doc := parseHTML(t, render(t, sampleComparison(), "html"))
	tables := findAll(doc, withClass("summary"))
	require.Len(t, tables, 1)
	var headers []string
	for _, th := range findAll(tables[0], named("th")) {
		if attr(th, "scope") == "col" {
			headers = append(headers, text(th))
		}
	}
	assert.Equal(t, []string{"eks", "swarm-gcp", "kops-aws", "broken"}, headers)
	body := text(tables[0])
	for _, want := range []string{"Monthly cost", "$1,234.56", "not available yet", "selfmanaged on aws: not built yet", "none"} {
		assert.Contains(t, body, want)
	}
	assert.Len(t, findAll(doc, withClass("breakdown")), 2, "a breakdown table per evaluated stack")
}

func TestHTMLIsSelfContained(t *testing.T) {
	page := render(t, sampleComparison(), "html")
	withoutNamespace := strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
	assert.NotContains(t, withoutNamespace, "http://")
	assert.NotContains(t, withoutNamespace, "https://")
	doc := parseHTML(t, page)
	for _, tag := range []string{"script", "link", "img", "iframe", "object"} {
		assert.Empty(t, findAll(doc, named(tag)), tag)
	}
	assert.Len(t, findAll(doc, named("style")), 1, "CSS is inline")
}

func TestHTMLEscapesEveryValueFromTheModel(t *testing.T) {
	c := sampleComparison()
	c.Stacks[0].Stack = `eks<script>alert("x")</script>`
	c.Stacks[2].Error = "<b>not built</b>"
	page := render(t, c, "html")
	doc := parseHTML(t, page)
	assert.Empty(t, findAll(doc, named("script")))
	assert.Empty(t, findAll(doc, named("b")))
	assert.Contains(t, page, "eks&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;")
	labels := findAll(findAll(doc, withClass("point"))[0], named("text"))
	assert.Equal(t, `eks<script>alert("x")</script>`, text(labels[0]), "the chart label shows the name as text")
}
