package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's "Prometheus or Datadog?" table is the tool's own numbers: every shipped
// stack's cluster cost, what Prometheus reserves and bills, what Datadog bills and for
// how many hosts, as `compare` computes them (small preset, Datadog on demand).
func TestReadmeMonitoringTableIsCurrent(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	const header = "| stack | cluster (monthly) | Prometheus: all it reserves | of which billed | Datadog | hosts |\n|---|---|---|---|---|---|\n"
	_, rest, ok := strings.Cut(string(data), header)
	require.True(t, ok, "the README has the table")
	table, _, _ := strings.Cut(rest, "\n\n")
	rows := map[string][]string{}
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(strings.Trim(line, "|"), "|")
		require.Len(t, cells, 6, line)
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows[cells[0]] = cells[1:]
	}
	money := func(v float64) string { return fmt.Sprintf("$%.2f", v) }
	c := compareJSON(t)
	require.Len(t, rows, len(c.Stacks), "a row per shipped stack")
	for _, s := range c.Stacks {
		row, ok := rows[s.Stack]
		if !assert.True(t, ok, "a row for %s", s.Stack) {
			continue
		}
		m := s.Monitoring
		require.NotNil(t, m, s.Stack)
		billed := money(m.Prometheus.BilledUSD)
		if m.Prometheus.BilledUSD == 0 {
			billed = "$0"
		}
		assert.Equal(t, money(s.MonthlyCostUSD), row[0], "%s: cluster", s.Stack)
		assert.Equal(t, money(m.Prometheus.MonthlyUSD), row[1], "%s: Prometheus", s.Stack)
		assert.True(t, strings.HasPrefix(row[2], billed), "%s: Prometheus billed %s, the README says %s", s.Stack, billed, row[2])
		assert.Equal(t, money(m.Datadog.MonthlyUSD), row[3], "%s: Datadog", s.Stack)
		assert.Equal(t, fmt.Sprint(m.Hosts), row[4], "%s: hosts", s.Stack)
	}
}
