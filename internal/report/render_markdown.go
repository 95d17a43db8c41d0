package report

import (
	"fmt"
	"io"
	"strings"
)

// renderMarkdown writes the side-by-side table, then each stack's cost breakdown with
// its unpriced items, then what no estimate includes.
func renderMarkdown(w io.Writer, c *Comparison) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# clusterbench comparison\n\n%s\n\n", mdEscape(catalogLine(c)))
	writeMarkdownSummary(&b, c)
	writeMarkdownList(&b, "**"+sharedWarningsTitle+":**", sharedWarnings(c))
	writeMarkdownCategories(&b, c)
	writeMarkdownCapabilities(&b, c)
	for i := range c.Stacks {
		writeMarkdownStack(&b, &c.Stacks[i])
	}
	writeMarkdownList(&b, "## "+excludedTitle, excludedItems(c))
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMarkdownSummary(b *strings.Builder, c *Comparison) {
	header := []string{""}
	for _, st := range c.Stacks {
		header = append(header, mdEscape(st.Stack))
	}
	writeMarkdownRow(b, header)
	writeMarkdownRow(b, markdownRule(len(header)))
	for _, row := range summaryRows(c) {
		cells := []string{"**" + row.Label + "**"}
		for _, cell := range row.Cells {
			cells = append(cells, strings.Join(escapeAll(cell), "<br>"))
		}
		writeMarkdownRow(b, cells)
	}
	b.WriteString("\n")
}

func writeMarkdownStack(b *strings.Builder, st *Stack) {
	fmt.Fprintf(b, "## %s\n\n", mdEscape(st.Stack))
	if st.Status != StatusOK {
		b.WriteString(mdEscape(notEvaluatedNote(st)) + "\n\n")
		return
	}
	if st.Diagram != nil && st.Diagram.Mermaid != "" {
		b.WriteString("```mermaid\n" + strings.TrimRight(st.Diagram.Mermaid, "\n") + "\n```\n\n")
	}
	writeMarkdownRow(b, breakdownHeader)
	writeMarkdownRow(b, markdownRule(len(breakdownHeader)))
	for _, cells := range breakdownCells(st) {
		writeMarkdownRow(b, escapeAll(cells))
	}
	writeMarkdownRow(b, []string{"**Total**", "", "", "", "", "", "**" + StackCost(st) + "**"})
	b.WriteString("\n")
	var unpriced []string
	for _, u := range st.Unpriced {
		unpriced = append(unpriced, unpricedText(u))
	}
	writeMarkdownList(b, "### "+unpricedTitle, unpriced)
}

func writeMarkdownRow(b *strings.Builder, cells []string) {
	b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
}

func markdownRule(n int) []string {
	return strings.Split(strings.Repeat("---,", n-1)+"---", ",")
}

func writeMarkdownList(b *strings.Builder, title string, items []string) {
	if len(items) == 0 {
		return
	}
	b.WriteString(title + "\n\n")
	for _, item := range items {
		b.WriteString("- " + mdEscape(item) + "\n")
	}
	b.WriteString("\n")
}

// markdownSpecial are the characters that would end a table cell or start markup (raw
// HTML included); CommonMark lets any ASCII punctuation be escaped with a backslash.
var markdownSpecial = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "<", `\<`, ">", `\>`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`,
	"\n", " ",
)

func mdEscape(s string) string { return markdownSpecial.Replace(s) }

func escapeAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = mdEscape(c)
	}
	return out
}

// writeMarkdownCategories writes the monthly cost by category, one column per stack.
func writeMarkdownCategories(b *strings.Builder, c *Comparison) {
	header, rows := categoryRows(c)
	if len(rows) == 0 {
		return
	}
	b.WriteString("## Where the money goes\n\n")
	writeMarkdownRow(b, escapeAll(header))
	writeMarkdownRow(b, markdownRule(len(header)))
	for _, row := range rows {
		writeMarkdownRow(b, escapeAll(row))
	}
	b.WriteString("\nDisks, volumes and buckets count as storage wherever they are attached.\n\n")
}
