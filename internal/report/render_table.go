package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// cellWidth is where the terminal table wraps a cell's text, so one long error or duty
// does not push the other stacks off the screen.
const cellWidth = 30

// columnGap separates the terminal table's columns.
const columnGap = "  "

// renderTable writes the side-by-side table for a terminal, then the footer.
func renderTable(w io.Writer, c *Comparison) error {
	grid := tableGrid(c)
	widths := columnWidths(grid)
	var b strings.Builder
	for i, line := range grid {
		writeAligned(&b, line, widths)
		if i == 0 {
			writeAligned(&b, dashes(widths), widths)
		}
	}
	writeTableCapabilities(&b, c)
	writeTableFooter(&b, c)
	_, err := io.WriteString(w, b.String())
	return err
}

// tableGrid lays the summary out as text lines of cells: a header line with the stack
// names, then each row's cells wrapped to cellWidth, spread over as many lines as needed.
func tableGrid(c *Comparison) [][]string {
	header := []string{""}
	for _, st := range c.Stacks {
		header = append(header, st.Stack)
	}
	grid := [][]string{header}
	for _, row := range summaryRows(c) {
		grid = append(grid, rowLines(row)...)
	}
	return grid
}

// rowLines turns one summary row into terminal lines; the label is on the first only.
func rowLines(row summaryRow) [][]string {
	wrapped := make([][]string, len(row.Cells))
	height := 1
	for i, cell := range row.Cells {
		for _, text := range cell {
			wrapped[i] = append(wrapped[i], wrap(text, cellWidth)...)
		}
		height = max(height, len(wrapped[i]))
	}
	out := make([][]string, height)
	for l := range out {
		out[l] = []string{""}
		if l == 0 {
			out[l][0] = row.Label
		}
		for _, cell := range wrapped {
			out[l] = append(out[l], lineAt(cell, l))
		}
	}
	return out
}

func lineAt(cell []string, i int) string {
	if i < len(cell) {
		return cell[i]
	}
	return ""
}

// wrap breaks text at spaces into lines of at most width runes (longer words stay whole);
// continuation lines are indented so a wrapped item reads apart from the next item.
func wrap(text string, width int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= width:
			line += " " + word
		default:
			out = append(out, line)
			line = "  " + word
		}
	}
	return append(out, line)
}

func columnWidths(grid [][]string) []int {
	widths := make([]int, len(grid[0]))
	for _, line := range grid {
		for i, cell := range line {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	return widths
}

func dashes(widths []int) []string {
	out := []string{""}
	for _, w := range widths[1:] {
		out = append(out, strings.Repeat("-", w))
	}
	return out
}

// writeAligned pads every cell but the last to its column's width.
func writeAligned(b *strings.Builder, line []string, widths []int) {
	var s strings.Builder
	for i, cell := range line {
		s.WriteString(cell)
		if i < len(line)-1 {
			s.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)) + columnGap)
		}
	}
	b.WriteString(strings.TrimRight(s.String(), " ") + "\n")
}

// writeTableFooter says where the prices come from and what no figure includes.
func writeTableFooter(b *strings.Builder, c *Comparison) {
	fmt.Fprintf(b, "\n%s\n", catalogLine(c))
	writeList(b, sharedWarningsTitle+":", sharedWarnings(c))
	writeList(b, unpricedTitle+":", unpricedItems(c))
	writeList(b, excludedTitle+":", excludedItems(c))
}

func writeList(b *strings.Builder, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", title)
	for _, item := range items {
		fmt.Fprintf(b, "  - %s\n", item)
	}
}
