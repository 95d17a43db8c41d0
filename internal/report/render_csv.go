package report

import (
	"encoding/csv"
	"io"
	"strconv"
)

// csvHeader names the CSV columns: one row per cost line, the stack first.
var csvHeader = []string{
	"stack", "status", "resource", "type", "component", "quantity", "unit",
	"unitPriceUSD", "monthlyUSD", "usageBased", "error",
}

// renderCSV writes one row per cost line; a stack without lines (not available, error,
// or nothing that costs money) gets one row with its status. Figures are plain numbers
// for spreadsheets: the same rounding as the other formats, without "$" or separators.
func renderCSV(w io.Writer, c *Comparison) error {
	cw := csv.NewWriter(w)
	rows := [][]string{append(append([]string{}, csvHeader...), monitoringCSVHeader...)}
	for _, st := range c.Stacks {
		for _, row := range csvRows(&st) {
			rows = append(rows, append(row, monitoringCSV(&st)...))
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

func csvRows(st *Stack) [][]string {
	if len(st.CostBreakdown) == 0 {
		return [][]string{{st.Stack, st.Status, "", "", "", "", "", "", "", "", st.Error}}
	}
	rows := make([][]string, 0, len(st.CostBreakdown))
	for _, l := range st.CostBreakdown {
		rows = append(rows, []string{
			st.Stack, st.Status, l.Resource, l.Type, l.Component, Quantity(l.Quantity), l.Unit,
			UnitAmount(l.UnitPriceUSD), Amount(l.MonthlyUSD),
			strconv.FormatBool(l.UsageBased), st.Error,
		})
	}
	return rows
}
