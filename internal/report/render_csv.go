package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// csvHeader names the CSV columns: one row per cost line, the stack first. "row" says
// what a row is (cost, unpriced, total, status): sum the cost rows, or read the total.
var csvHeader = []string{
	"stack", "status", "resource", "type", "component", "quantity", "unit",
	"unitPriceUSD", "monthlyUSD", "usageBased", "error", "row", "note",
}

// Kinds of CSV rows (the "row" column).
const (
	csvCost     = "cost"
	csvUnpriced = "unpriced"
	csvTotal    = "total"
	csvStatus   = "status"
)

// renderCSV writes, per evaluated stack, one row per cost line, one per unpriced item
// (no amount, the reason in "note") and a total row whose note says "at least" when
// items are unpriced; a stack that was not evaluated gets one status row. Figures are
// plain numbers for spreadsheets: the same rounding as the other formats, without "$"
// or separators. Text cells that a spreadsheet would run as a formula are neutralised.
func renderCSV(w io.Writer, c *Comparison) error {
	cw := csv.NewWriter(w)
	rows := [][]string{append(append([]string{}, csvHeader...), monitoringCSVHeader...)}
	for _, st := range c.Stacks {
		for _, row := range csvRows(&st) {
			rows = append(rows, append(row, monitoringCSV(&st)...))
		}
	}
	for _, r := range rows {
		for i := range r {
			r[i] = csvSafe(r[i])
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

func csvRows(st *Stack) [][]string {
	if st.Status != StatusOK {
		return [][]string{{st.Stack, st.Status, "", "", "", "", "", "", "", "", st.Error, csvStatus, ""}}
	}
	rows := make([][]string, 0, len(st.CostBreakdown)+len(st.Unpriced)+1)
	for _, l := range st.CostBreakdown {
		rows = append(rows, []string{
			st.Stack, st.Status, l.Resource, l.Type, l.Component, Quantity(l.Quantity), l.Unit,
			UnitAmount(l.UnitPriceUSD), Amount(l.MonthlyUSD),
			strconv.FormatBool(l.UsageBased), st.Error, csvCost, l.Note,
		})
	}
	for _, u := range st.Unpriced {
		rows = append(rows, []string{st.Stack, st.Status, u.Resource, u.Type, "", "", "", "", "", "", st.Error, csvUnpriced,
			"not counted in the total: " + u.Reason})
	}
	note := "complete"
	if n := len(st.Unpriced); n > 0 {
		note = fmt.Sprintf("at least: %d unpriced item(s) not counted", n)
	}
	return append(rows, []string{st.Stack, st.Status, "", "", "", "", "", "", Amount(st.MonthlyCostUSD), "", st.Error, csvTotal, note})
}

// csvSafe neutralises CSV injection (OWASP): a cell that starts with =, +, -, @, a tab
// or a carriage return is prefixed with ' so that spreadsheets show it as text. Plain
// numbers (-74.40, a credit) are left as they are: no spreadsheet runs them.
func csvSafe(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return cell
	}
	if _, err := strconv.ParseFloat(cell, 64); err == nil && !strings.ContainsAny(cell, "\t\r") {
		return cell
	}
	return "'" + cell
}
