package report

import (
	_ "embed"
	"html/template"
	"io"
	"strconv"
	"strings"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplate is the self-contained page: inline CSS and SVG, no scripts, no external
// references. html/template escapes every value from the model.
var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"f1":   func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
	"add":  func(a, b float64) float64 { return a + b },
	"sub":  func(a, b float64) float64 { return a - b },
	"half": func(v float64) float64 { return v / 2 },
	"join": strings.Join,
}).Parse(htmlSource))

// htmlView is the page's data.
type htmlView struct {
	Catalog                             string
	Columns                             []string
	Rows                                []htmlRow
	Capabilities                        []htmlRow
	CapabilitiesTitle, CapabilitiesNote string
	Chart                               chartView
	BreakdownHeader                     []string
	Breakdowns                          []htmlBreakdown
	Excluded                            []string
	UnpricedTitle                       string
	ExcludedTitle                       string
	// Architecture pictures, cost by category and warnings every stack has
	// (architecture.go).
	Diagrams            []htmlDiagram
	CostBars            costBarsView
	SharedWarnings      []string
	SharedWarningsTitle string
}

type htmlRow struct {
	Label string
	Cells []htmlCell
}

type htmlCell struct {
	Class string
	Lines []string
}

type htmlBreakdown struct {
	Stack, Note, Total string
	Rows               [][]string
	Unpriced           []string
}

// renderHTML writes one self-contained HTML page.
func renderHTML(w io.Writer, c *Comparison) error {
	view := htmlView{
		Catalog: catalogLine(c), Rows: htmlRows(c), Chart: scatterChart(c),
		Capabilities: htmlCapabilityRows(c), CapabilitiesTitle: capabilitiesTitle, CapabilitiesNote: capabilitiesNote,
		BreakdownHeader: breakdownHeader, Excluded: excludedItems(c),
		UnpricedTitle: unpricedTitle, ExcludedTitle: excludedTitle,
		Diagrams: htmlDiagrams(c), CostBars: costBars(c),
		SharedWarnings: sharedWarnings(c), SharedWarningsTitle: sharedWarningsTitle,
	}
	for i := range c.Stacks {
		view.Columns = append(view.Columns, c.Stacks[i].Stack)
		view.Breakdowns = append(view.Breakdowns, htmlStackBreakdown(&c.Stacks[i]))
	}
	return htmlTemplate.Execute(w, view)
}

// htmlRows are the summary rows with a CSS class per cell: the status row is coloured,
// the cells of stacks that were not evaluated are greyed.
func htmlRows(c *Comparison) []htmlRow {
	var rows []htmlRow
	for _, row := range summaryRows(c) {
		out := htmlRow{Label: row.Label}
		for i, cell := range row.Cells {
			class := c.Stacks[i].Status
			if row.Label == statusLabel {
				class = "status-" + class
			}
			out.Cells = append(out.Cells, htmlCell{Class: class, Lines: cell})
		}
		rows = append(rows, out)
	}
	return rows
}

func htmlStackBreakdown(st *Stack) htmlBreakdown {
	b := htmlBreakdown{Stack: st.Stack, Rows: breakdownCells(st), Total: StackCost(st)}
	switch {
	case st.Status != StatusOK:
		b.Note = notEvaluatedNote(st)
	case len(b.Rows) == 0:
		b.Note = "Nothing in this stack costs money."
	}
	for _, u := range st.Unpriced {
		b.Unpriced = append(b.Unpriced, unpricedText(u))
	}
	return b
}
