package recommend

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
)

// Formats are the output formats of a report.
var Formats = []string{"table", "json", "markdown"}

// Render writes the report in a format.
func Render(w io.Writer, rep *Report, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "markdown":
		return renderText(w, rep, true)
	case "table":
		return renderText(w, rep, false)
	}
	return fmt.Errorf("format %q: one of %s", format, strings.Join(Formats, ", "))
}

// row is one line of the side-by-side: a label and one cell per column.
type row struct {
	label string
	cells []string
}

// columns are the facts of each design, in the order the table shows them.
func columns(rs []*Result) []row {
	rows := []row{
		{label: "Design"}, {label: "Stack"}, {label: "Monthly cost"}, {label: "Cloud / region"}, {label: "Zones"},
		{label: "Control plane"}, {label: "Workers"}, {label: "Nodes and egress"}, {label: "Resources"},
		{label: "Control-plane failures tolerated"}, {label: "Zone loss survivable"}, {label: "Single points of failure"},
		{label: "Capacity"}, {label: "Capacity after zone loss"}, {label: "Misses"},
	}
	for _, r := range rs {
		if r == nil {
			for i := range rows {
				rows[i].cells = append(rows[i].cells, "—")
			}
			continue
		}
		misses := "nothing"
		if len(r.Misses) > 0 {
			misses = strings.Join(r.Misses, "; ")
		}
		cells := []string{
			r.Design, r.Name, usd(r.MonthlyUSD) + " a month", r.Cloud + " / " + r.Region, fmt.Sprint(r.Zones),
			controlPlaneWords(r), workerWords(r), egressWords(r), fmt.Sprint(r.Resources),
			fmt.Sprint(r.FaultTolerance.ControlPlaneFailuresTolerated), faulttolerance.ZoneLossAnswer(&r.FaultTolerance),
			fmt.Sprint(len(r.FaultTolerance.SinglePointsOfFailure)),
			capacityWords(r.Capacity, r.Capacity.Workers), capacityWords(r.CapacityAfterZoneLoss, r.Capacity.Workers), misses,
		}
		for i := range rows {
			rows[i].cells = append(rows[i].cells, cells[i])
		}
	}
	return rows
}

func controlPlaneWords(r *Result) string {
	switch {
	case r.Orchestrator == spec.Managed && r.ControlPlane.Availability != "":
		return "run by Google, " + r.ControlPlane.Availability
	case r.Orchestrator == spec.Managed:
		return "run by AWS"
	case r.Orchestrator == spec.Swarm:
		return fmt.Sprintf("%d manager%s (%s)", r.ControlPlane.Count, plural(r.ControlPlane.Count), r.ControlPlane.MachineType)
	}
	return fmt.Sprintf("%d etcd member%s (%s)", r.ControlPlane.Count, plural(r.ControlPlane.Count), r.ControlPlane.MachineType)
}

func workerWords(r *Result) string {
	w := r.Workers
	s := fmt.Sprintf("%d × %s (%d vCPU", w.Count, w.MachineType, w.VCPU)
	if w.SustainedPct > 0 {
		s += fmt.Sprintf(" at %d%% baseline", w.SustainedPct)
	}
	return s + fmt.Sprintf(", %s GiB)", num(w.MemoryGiB))
}

func egressWords(r *Result) string {
	if !r.PrivateNodes {
		return "public addresses, no NAT"
	}
	if r.Cloud == spec.GCP {
		return "private, Cloud NAT"
	}
	if r.NatGateways == spec.NatPerZone {
		return "private, a NAT gateway per zone"
	}
	return "private, one NAT gateway"
}

func capacityWords(c Capacity, of int) string {
	return fmt.Sprintf("%s sustained vCPU (%d listed), %s GiB: %d of %d workers", num(c.SustainedVCPU), c.VCPU, num(c.MemoryGiB), c.Workers, of)
}

// renderText writes the table for a terminal or as Markdown.
func renderText(w io.Writer, rep *Report, md bool) error {
	var b strings.Builder
	t := rep.Target
	regions := make([]string, 0, len(t.Clouds))
	for _, c := range t.Clouds {
		regions = append(regions, c+" ("+t.Regions[c]+")")
	}
	if md {
		fmt.Fprintf(&b, "## clusterbench recommend\n\n**Target:** %s.\n\n", t.Description)
	} else {
		fmt.Fprintf(&b, "Target: %s\n", t.Description)
	}
	fmt.Fprintf(&b, "Searched: %s; %s. vCPU counted %s. Prices: catalog %s (%s), usage %s.\n\n",
		strings.Join(regions, ", "), strings.Join(t.Orchestrators, ", "), t.VCPUCounted, rep.PriceCatalog.Version, rep.PriceCatalog.Date, rep.Usage)

	heads := []string{""}
	var per []*Result
	for _, o := range rep.PerOrchestrator {
		r, head := o.Best, o.Orchestrator
		switch {
		case r == nil && o.Closest != nil:
			r, head = o.Closest, o.Orchestrator+" (closest; misses the target)"
		case r == nil:
			head = o.Orchestrator + " (nothing meets the target)"
		}
		heads = append(heads, head)
		per = append(per, r)
	}
	section(&b, md, "Cheapest per orchestrator")
	table(&b, md, heads, columns(per))
	for _, o := range rep.PerOrchestrator {
		if o.Note != "" {
			fmt.Fprintf(&b, "%s: %s\n", o.Orchestrator, strings.TrimSuffix(o.Note, ".")+".")
		}
	}
	b.WriteString("\n")
	if rep.Met {
		c := rep.Cheapest
		fmt.Fprintf(&b, "Cheapest overall: %s (%s), %s a month.\n", c.Name, c.Design, usd(c.MonthlyUSD))
		b.WriteString(rep.Summary + "\n\n")
	} else {
		b.WriteString("Nothing searched meets this target.\n")
		if c := rep.Closest; c != nil {
			fmt.Fprintf(&b, "Closest: %s (%s), %s a month, which misses: %s.\n", c.Name, c.Design, usd(c.MonthlyUSD), strings.Join(c.Misses, "; "))
		}
		b.WriteString("\n")
	}
	if len(rep.Top) > 1 {
		section(&b, md, fmt.Sprintf("Top %d overall", len(rep.Top)))
		heads := []string{"#", "monthly", "design", "stack", "zones", "control plane", "workers", "nodes", "tolerated", "zone loss", "after zone loss"}
		var rows [][]string
		for i, r := range rep.Top {
			rows = append(rows, []string{fmt.Sprint(i + 1), usd(r.MonthlyUSD), r.Design, r.Name, fmt.Sprint(r.Zones), controlPlaneWords(r),
				workerWords(r), egressWords(r), fmt.Sprint(r.FaultTolerance.ControlPlaneFailuresTolerated), faulttolerance.ZoneLossAnswer(&r.FaultTolerance),
				fmt.Sprintf("%s vCPU, %s GiB", num(r.CapacityAfterZoneLoss.SustainedVCPU), num(r.CapacityAfterZoneLoss.MemoryGiB))})
		}
		list(&b, md, heads, rows)
		b.WriteString("\n")
	}
	s := rep.Search
	fmt.Fprintf(&b, "Searched %d candidates in %.2f s: %d with no worker count that meets the target, %d refused by validation, %d pruned (their machines alone cost more than the best found, or their control plane tolerates too few failures), %d evaluated under the mock engine (%d program runs, %d from the cache), %d failed, %d unpriced; %d meet the target.\n",
		s.Considered, s.ElapsedMS/1000, s.Unsized, s.Refused, s.Pruned, s.Evaluated, s.ProgramRuns, s.CacheHits, s.Failed, s.Unpriced, s.Meeting)
	b.WriteString("Capacity counts workers only (managers and control-plane members run no workloads) before what the kubelet or Docker reserve; costs are the catalog's on-demand list prices, as in compare.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func section(b *strings.Builder, md bool, title string) {
	if md {
		fmt.Fprintf(b, "### %s\n\n", title)
		return
	}
	fmt.Fprintf(b, "%s\n\n", title)
}

// table writes label rows against columns.
func table(b *strings.Builder, md bool, heads []string, rows []row) {
	var lines [][]string
	for _, r := range rows {
		lines = append(lines, append([]string{r.label}, r.cells...))
	}
	list(b, md, heads, lines)
}

// list writes a header and lines, aligned for a terminal or as a Markdown table.
func list(b *strings.Builder, md bool, heads []string, lines [][]string) {
	if md {
		b.WriteString("| " + strings.Join(escape(heads), " | ") + " |\n|")
		b.WriteString(strings.Repeat("---|", len(heads)) + "\n")
		for _, l := range lines {
			b.WriteString("| " + strings.Join(escape(l), " | ") + " |\n")
		}
		b.WriteString("\n")
		return
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(heads, "\t"))
	for _, l := range lines {
		fmt.Fprintln(tw, strings.Join(l, "\t"))
	}
	_ = tw.Flush()
}

func escape(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.ReplaceAll(c, "|", "\\|")
	}
	return out
}
