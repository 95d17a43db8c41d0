package report

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// JSON states beside monthlyCostUSD whether it is the whole estimate.
func TestJSONSaysWhetherTheTotalIsComplete(t *testing.T) {
	var got struct {
		Stacks []map[string]any `json:"stacks"`
	}
	require.NoError(t, json.Unmarshal([]byte(render(t, sampleComparison(), "json")), &got))
	want := map[string]struct {
		complete bool
		unpriced float64
	}{"eks": {true, 0}, "swarm-gcp": {false, 1}, "kops-aws": {false, 0}, "broken": {false, 0}}
	for _, st := range got.Stacks {
		name := st["stack"].(string)
		assert.Equal(t, want[name].complete, st["complete"], name)
		assert.Equal(t, want[name].unpriced, st["unpricedCount"], name)
	}
}

func csvRowsOf(t *testing.T, c *Comparison) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(render(t, c, "csv")))
	rows, err := r.ReadAll()
	require.NoError(t, err)
	return rows
}

func csvColumn(rows [][]string, name string) int {
	for i, h := range rows[0] {
		if h == name {
			return i
		}
	}
	return -1
}

// CSV lists what is unpriced and ends each evaluated stack with a total row that says
// "at least" when items are unpriced: a spreadsheet sum is never silently too low.
func TestCSVStatesUnpricedItemsAndAnIncompleteTotal(t *testing.T) {
	rows := csvRowsOf(t, sampleComparison())
	kind, note, monthly := csvColumn(rows, "row"), csvColumn(rows, "note"), csvColumn(rows, "monthlyUSD")
	require.Positive(t, kind)
	require.Positive(t, note)
	var swarm [][]string
	for _, r := range rows[1:] {
		if r[0] == "swarm-gcp" {
			swarm = append(swarm, r)
		}
	}
	require.Len(t, swarm, 4, "2 cost lines, 1 unpriced item, the total")
	assert.Equal(t, "unpriced", swarm[2][kind])
	assert.Equal(t, "swarm-backups", swarm[2][2])
	assert.Contains(t, swarm[2][note], "no price for key gcs/standard/us-central1")
	assert.Equal(t, "", swarm[2][monthly], "an unpriced item has no amount")
	assert.Equal(t, "total", swarm[3][kind])
	assert.Equal(t, "99.50", swarm[3][monthly])
	assert.Contains(t, swarm[3][note], "at least")
	assert.Contains(t, swarm[3][note], "1 unpriced")
	var eksTotal []string
	for _, r := range rows[1:] {
		if r[0] == "eks" && r[kind] == "total" {
			eksTotal = r
		}
	}
	require.NotNil(t, eksTotal)
	assert.Equal(t, "1234.56", eksTotal[monthly])
	assert.NotContains(t, eksTotal[note], "at least")
}

// OWASP CSV injection: a cell starting with =, +, -, @, tab or carriage return is
// prefixed with ' so that a spreadsheet shows it as text; numbers (-74.40) stay numbers.
func TestCSVNeutralisesFormulas(t *testing.T) {
	c := &Comparison{Stacks: []Stack{{Stack: "s", Status: StatusOK, MonthlyCostUSD: -1,
		CostBreakdown: []cost.Line{
			{Resource: "=HYPERLINK(\"http://evil\")", Type: "+cmd", Component: "@SUM(A1)", Unit: "-x", MonthlyUSD: -1, UnitPriceUSD: -1, Quantity: 1},
			{Resource: "\tTAB", Type: "\rCR", Component: "ok", Unit: "hours", MonthlyUSD: 0},
		}}}}
	rows := csvRowsOf(t, c)
	line := rows[1]
	assert.Equal(t, `'=HYPERLINK("http://evil")`, line[2])
	assert.Equal(t, "'+cmd", line[3])
	assert.Equal(t, "'@SUM(A1)", line[4])
	assert.Equal(t, "'-x", line[6])
	assert.Equal(t, "-1.00", line[csvColumn(rows, "monthlyUSD")], "a negative number is a number")
	assert.Equal(t, "'\tTAB", rows[2][2])
	assert.Equal(t, "'\rCR", rows[2][3])
	for _, r := range rows {
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
	}
}
