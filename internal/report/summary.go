package report

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
)

// summaryRow is one row of the side-by-side table: a label and, per stack, the lines of
// its cell. The terminal table, Markdown and HTML all render these rows, so the three
// show the same facts in the same order.
type summaryRow struct {
	Label string
	Cells [][]string
}

// stackFact reads one fact of an evaluated stack.
type stackFact struct {
	label string
	value func(st *Stack) []string
}

// statusLabel is the first row's label.
const statusLabel = "Status"

// Titles of the lists that follow the tables.
const (
	unpricedTitle = "Unpriced (not counted in the monthly cost)"
	excludedTitle = "Not included in any estimate"
)

// notEvaluated fills the cells of stacks that have no facts (not available, error).
const notEvaluated = "-"

// summaryRows builds the side-by-side rows, one column per stack.
func summaryRows(c *Comparison) []summaryRow {
	rows := []summaryRow{column(c, statusLabel, func(st *Stack) []string { return []string{StatusText(st.Status)} })}
	if slices.ContainsFunc(c.Stacks, func(st Stack) bool { return st.Error != "" }) {
		rows = append(rows, column(c, "Error", func(st *Stack) []string { return lines(st.Error) }))
	}
	for _, f := range stackFacts {
		rows = append(rows, column(c, f.label, evaluatedOnly(f.value)))
	}
	if slices.ContainsFunc(c.Stacks, func(st Stack) bool { return st.Doctor != nil }) {
		rows = append(rows, column(c, "Doctor (FAIL / WARN)", evaluatedOnly(doctorLines)))
	}
	// A warning every stack has is said once, below the table (sharedWarnings).
	if slices.ContainsFunc(c.Stacks, func(st Stack) bool { return len(ownWarnings(c, &st)) > 0 }) {
		rows = append(rows, column(c, "Warnings", func(st *Stack) []string { return ownWarnings(c, st) }))
	}
	return rows
}

// column builds one row by reading a fact from every stack.
func column(c *Comparison, label string, value func(st *Stack) []string) summaryRow {
	row := summaryRow{Label: label, Cells: make([][]string, len(c.Stacks))}
	for i := range c.Stacks {
		row.Cells[i] = value(&c.Stacks[i])
		if len(row.Cells[i]) == 0 {
			row.Cells[i] = []string{notEvaluated}
		}
	}
	return row
}

// evaluatedOnly shows a fact only for stacks that were evaluated.
func evaluatedOnly(value func(st *Stack) []string) func(st *Stack) []string {
	return func(st *Stack) []string {
		if st.Status != StatusOK {
			return nil
		}
		return value(st)
	}
}

// stackFacts are the rows below the status, in report order.
var stackFacts = []stackFact{
	{"Cloud", func(st *Stack) []string { return lines(st.Cloud) }},
	{"Orchestrator", func(st *Stack) []string { return lines(st.Orchestrator) }},
	{"Region", func(st *Stack) []string { return lines(st.Region) }},
	{"Zones", func(st *Stack) []string { return lines(strconv.Itoa(st.Zones)) }},
	{"Resources", func(st *Stack) []string { return lines(strconv.Itoa(st.Resources.Total)) }},
	{"Components", func(st *Stack) []string { return componentLines(st.Resources.Components) }},
	{"Monthly cost", func(st *Stack) []string { return lines(StackCost(st)) }},
	{monitoringLabel, monitoringLines},
	{monitoringCompareLabel, monitoringCompareLines},
	{"Control plane managed by", fault(func(a *faulttolerance.Assessment) []string { return lines(a.ControlPlaneManagedBy) })},
	{"Control-plane members", fault(memberLines)},
	{"Control-plane failures tolerated", fault(func(a *faulttolerance.Assessment) []string {
		return lines(strconv.Itoa(a.ControlPlaneFailuresTolerated))
	})},
	{"Zone loss survivable", fault(zoneLossLines)},
	{"Worker capacity after zone loss", fault(func(a *faulttolerance.Assessment) []string { return lines(Percent(a.WorkerCapacityAfterZoneLoss)) })},
	{"SLA", fault(func(a *faulttolerance.Assessment) []string { return lines(SLAText(a.SLA)) })},
	{"Single points of failure", fault(func(a *faulttolerance.Assessment) []string { return lines(strconv.Itoa(len(a.SinglePointsOfFailure))) })},
	{"Single points of failure (list)", fault(spofLines)},
	{"Unpriced items", func(st *Stack) []string { return lines(strconv.Itoa(len(st.Unpriced))) }},
	{"Operational duties", fault(func(a *faulttolerance.Assessment) []string { return a.OperationalDuties })},
}

// fault reads a fact from a stack's fault-tolerance assessment, when it has one.
func fault(value func(a *faulttolerance.Assessment) []string) func(st *Stack) []string {
	return func(st *Stack) []string {
		if st.FaultTolerance == nil {
			return nil
		}
		return value(st.FaultTolerance)
	}
}

// memberLines counts the control-plane members, which a provider does not show.
func memberLines(a *faulttolerance.Assessment) []string {
	if a.ControlPlaneMembers == 0 && a.ControlPlaneManagedBy == "provider" {
		return lines("run by the provider")
	}
	return lines(strconv.Itoa(a.ControlPlaneMembers))
}

// zoneLossLines answer yes, "no (degraded)" or no, then name each zone that is worse
// to lose and the resource that makes it so (the single-points-of-failure list and the
// JSON say why).
func zoneLossLines(a *faulttolerance.Assessment) []string {
	out := lines(faulttolerance.ZoneLossAnswer(a))
	for _, e := range a.ZoneLossEffects {
		zone := e.Zone
		if zone == "" {
			zone = "a zone not recorded"
		}
		out = append(out, fmt.Sprintf("%s: %s (%s)", zone, e.Resource, e.Verdict))
	}
	return out
}

// spofLines lists the single points of failure, or says there are none.
func spofLines(a *faulttolerance.Assessment) []string {
	if len(a.SinglePointsOfFailure) == 0 {
		return lines("none")
	}
	out := make([]string, 0, len(a.SinglePointsOfFailure))
	for _, p := range a.SinglePointsOfFailure {
		out = append(out, p.Resource+": "+p.Why)
	}
	return out
}

// componentLines lists component types in name order, with a count where there are several.
func componentLines(components map[string]int) []string {
	out := make([]string, 0, len(components))
	for _, name := range slices.Sorted(maps.Keys(components)) {
		if n := components[name]; n > 1 {
			out = append(out, fmt.Sprintf("%s (%d)", name, n))
		} else {
			out = append(out, name)
		}
	}
	return out
}

// lines is a one-line cell, or no line for an empty value.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// breakdownHeader is the cost breakdown's columns, in Markdown and HTML alike.
var breakdownHeader = []string{"Resource", "Type", "Component", "Quantity", "Unit", "Unit price", "Monthly"}

// breakdownCells formats one cost line as breakdownHeader's cells.
func breakdownCells(st *Stack) [][]string {
	rows := make([][]string, 0, len(st.CostBreakdown))
	for _, l := range st.CostBreakdown {
		unit := l.Unit
		if l.UsageBased {
			unit += " (usage estimate)"
		}
		rows = append(rows, []string{
			l.Resource, l.Type, l.Component, Quantity(l.Quantity), unit, UnitPrice(l.UnitPriceUSD), Money(l.MonthlyUSD),
		})
	}
	return rows
}

// catalogLine says which prices and usage assumptions the figures come from.
func catalogLine(c *Comparison) string {
	cat := c.PriceCatalog
	s := fmt.Sprintf("Price catalog %s (%s)", orUnknown(cat.Version), orUnknown(cat.Date))
	if len(cat.Regions) > 0 {
		s += ", regions " + strings.Join(cat.Regions, ", ")
	}
	return s + "; usage preset: " + orUnknown(c.Usage)
}

// excludedItems lists what no stack's estimate includes, each item once, in first-seen order.
func excludedItems(c *Comparison) []string {
	var out []string
	for _, st := range c.Stacks {
		for _, item := range st.Excluded {
			if !slices.Contains(out, item) {
				out = append(out, item)
			}
		}
	}
	return out
}

// unpricedItems lists every item the catalog could not price, naming its stack.
func unpricedItems(c *Comparison) []string {
	var out []string
	for _, st := range c.Stacks {
		for _, u := range st.Unpriced {
			out = append(out, st.Stack+": "+unpricedText(u))
		}
	}
	return out
}

// unpricedText says what could not be priced and why.
func unpricedText(u cost.Unpriced) string {
	return fmt.Sprintf("%s (%s): %s", u.Resource, u.Type, u.Reason)
}

// notEvaluatedNote says why a stack has no figures.
func notEvaluatedNote(st *Stack) string {
	return StatusText(st.Status) + ": " + st.Error
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// doctorLines shows a stack's doctor counts ("0 FAIL, 1 WARN").
func doctorLines(st *Stack) []string {
	if st.Doctor == nil {
		return nil
	}
	return lines(fmt.Sprintf("%d FAIL, %d WARN", st.Doctor.Fail, st.Doctor.Warn))
}
