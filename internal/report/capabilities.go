package report

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/internal/capabilities"
)

// The Capabilities section: one row per capability, one column per stack, in every
// format but CSV (whose rows are cost lines: docs/contracts.md). Each renderer calls its
// writer below once, right after its side-by-side table.

// capabilitiesTitle heads the section; capabilitiesNote says where the rows come from.
const (
	capabilitiesTitle = "Capabilities"
	capabilitiesNote  = "What each stack can do for its applications, derived from what it deploys; each row's public source is in docs/capabilities.md."
)

// capabilityRows are the section's rows, or none when no stack has capabilities (a
// `cost` report, or no stack evaluated).
func capabilityRows(c *Comparison) []summaryRow {
	var labels []string
	for _, st := range c.Stacks {
		if st.Capabilities != nil {
			for _, r := range st.Capabilities.Rows() {
				labels = append(labels, r.Label)
			}
			break
		}
	}
	rows := make([]summaryRow, 0, len(labels))
	for i, label := range labels {
		rows = append(rows, column(c, label, func(st *Stack) []string {
			if st.Capabilities == nil {
				return nil
			}
			return capabilityLines(st.Capabilities.Rows()[i].Capability)
		}))
	}
	return rows
}

// capabilityLines is one cell: what it is, the facts behind it, and who provides it.
func capabilityLines(cp capabilities.Capability) []string {
	out := append([]string{cp.Value}, cp.Details...)
	return append(out, "("+capabilities.StatusText(cp.Status)+")")
}

// writeTableCapabilities writes the section as a second terminal table.
func writeTableCapabilities(b *strings.Builder, c *Comparison) {
	rows := capabilityRows(c)
	if len(rows) == 0 {
		return
	}
	grid := [][]string{{capabilitiesTitle}}
	for _, st := range c.Stacks {
		grid[0] = append(grid[0], st.Stack)
	}
	for _, row := range rows {
		grid = append(grid, rowLines(row)...)
	}
	widths := columnWidths(grid)
	b.WriteString("\n")
	for i, line := range grid {
		writeAligned(b, line, widths)
		if i == 0 {
			writeAligned(b, dashes(widths), widths)
		}
	}
}

// writeMarkdownCapabilities writes the section as a Markdown table.
func writeMarkdownCapabilities(b *strings.Builder, c *Comparison) {
	rows := capabilityRows(c)
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "## %s\n\n%s\n\n", capabilitiesTitle, mdEscape(capabilitiesNote))
	header := []string{""}
	for _, st := range c.Stacks {
		header = append(header, mdEscape(st.Stack))
	}
	writeMarkdownRow(b, header)
	writeMarkdownRow(b, markdownRule(len(header)))
	for _, row := range rows {
		cells := []string{"**" + row.Label + "**"}
		for _, cell := range row.Cells {
			cells = append(cells, strings.Join(escapeAll(cell), "<br>"))
		}
		writeMarkdownRow(b, cells)
	}
	b.WriteString("\n")
}

// htmlCapabilityRows are the section's rows for the page: each cell's class names its
// status (cap-provided, cap-deployed, cap-yours, cap-none) for the colours.
func htmlCapabilityRows(c *Comparison) []htmlRow {
	var out []htmlRow
	for i, row := range capabilityRows(c) {
		r := htmlRow{Label: row.Label}
		for j, cell := range row.Cells {
			class := c.Stacks[j].Status
			if set := c.Stacks[j].Capabilities; set != nil {
				class = "cap-" + set.Rows()[i].Status
			}
			r.Cells = append(r.Cells, htmlCell{Class: class, Lines: cell})
		}
		out = append(out, r)
	}
	return out
}
