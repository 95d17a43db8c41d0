package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Stack statuses, as compare reports them.
const (
	StackOK           = "ok"
	StackNotAvailable = "not-available"
	StackError        = "error"
)

// Report is the whole diagnosis: the `doctor --format json` contract.
type Report struct {
	// CalendarDate is the day EKS versions are judged on (the price catalog's date).
	CalendarDate string        `json:"calendarDate"`
	Stacks       []StackReport `json:"stacks"`
}

// StackReport is one stack's diagnosis.
type StackReport struct {
	Stack string `json:"stack"`
	// Source is the stack file or the Pulumi document diagnosed.
	Source string `json:"source"`
	Status string `json:"status"`
	Error  string `json:"error"`
	// Counts are over every finding, whatever --severity shows.
	Counts   Counts    `json:"counts"`
	Findings []Finding `json:"findings"`
}

// Formats doctor renders.
var Formats = []string{"table", "json", "markdown"}

// Render writes the report in a format.
func Render(w io.Writer, r *Report, format string) error {
	switch format {
	case "json":
		return renderJSON(w, r)
	case "markdown":
		return renderMarkdown(w, r)
	case "table":
		return renderTable(w, r)
	}
	return fmt.Errorf("format %q: one of %s", format, strings.Join(Formats, ", "))
}

func renderJSON(w io.Writer, r *Report) error {
	out := *r
	if out.Stacks == nil {
		out.Stacks = []StackReport{}
	}
	for i := range out.Stacks {
		if out.Stacks[i].Findings == nil {
			out.Stacks[i].Findings = []Finding{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// CountsText is "1 FAIL, 2 WARN, 30 PASS, 22 SKIP".
func CountsText(c Counts) string {
	return fmt.Sprintf("%d FAIL, %d WARN, %d PASS, %d SKIP", c.Fail, c.Warn, c.Pass, c.Skip)
}

func stackHeading(st StackReport) string {
	if st.Status != StackOK {
		return fmt.Sprintf("%s (%s): %s: %s", st.Stack, st.Source, st.Status, st.Error)
	}
	return fmt.Sprintf("%s (%s): %s", st.Stack, st.Source, CountsText(st.Counts))
}

func renderTable(w io.Writer, r *Report) error {
	var b strings.Builder
	width := 0
	for _, st := range r.Stacks {
		for _, f := range st.Findings {
			width = max(width, len(f.Check))
		}
	}
	for i, st := range r.Stacks {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(stackHeading(st) + "\n")
		for _, f := range st.Findings {
			b.WriteString(strings.TrimRight(fmt.Sprintf("%-4s  %-*s  %s", f.Status, width, f.Check, f.Resource), " ") + "\n")
			indent := strings.Repeat(" ", 6)
			fmt.Fprintf(&b, "%s%s\n", indent, f.Detail)
			if f.Status == StatusFail || f.Status == StatusWarn {
				fmt.Fprintf(&b, "%swhy: %s\n%sfix: %s\n%srule: %s\n", indent, f.Why, indent, f.Fix, indent, f.Rule)
			}
		}
	}
	fmt.Fprintf(&b, "\nEKS versions judged on %s.\n", r.CalendarDate)
	_, err := io.WriteString(w, b.String())
	return err
}

func renderMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	b.WriteString("# clusterbench doctor\n\n")
	for _, st := range r.Stacks {
		fmt.Fprintf(&b, "## %s\n\n", mdCell(st.Stack))
		if st.Status != StackOK {
			fmt.Fprintf(&b, "`%s`: %s: %s\n\n", mdCell(st.Source), st.Status, mdCell(st.Error))
			continue
		}
		fmt.Fprintf(&b, "`%s`: %s\n\n", mdCell(st.Source), CountsText(st.Counts))
		if len(st.Findings) == 0 {
			b.WriteString("No findings at this severity.\n\n")
			continue
		}
		b.WriteString("| status | check | resource | detail | why | fix | rule |\n|---|---|---|---|---|---|---|\n")
		for _, f := range st.Findings {
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s | %s |\n", f.Status, f.Check, mdCell(f.Resource.String()),
				mdCell(f.Detail), mdCell(f.Why), mdCell(f.Fix), mdCell(f.Rule))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "EKS versions judged on %s.\n", r.CalendarDate)
	_, err := io.WriteString(w, b.String())
	return err
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// CheckTable is the Markdown table of every check (id, severity, category, rule):
// the README's copy is generated from it.
func CheckTable() string {
	var b strings.Builder
	b.WriteString("| check | severity | category | what it judges | rule it maps to |\n|---|---|---|---|---|\n")
	for _, c := range Checks {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", c.ID, c.Severity, c.Category, mdCell(c.Title), mdCell(c.Rule))
	}
	return b.String()
}
