package report

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withMonitoring gives the sample's eks stack Prometheus, priced beside Datadog.
func withMonitoring() *Comparison {
	return sampleComparison()
}

func TestEveryFormatShowsMonitoringBesideTheClusterCost(t *testing.T) {
	for _, format := range []string{"table", "markdown", "html"} {
		t.Run(format, func(t *testing.T) {
			out := render(t, withMonitoring(), format)
			wants := []string{
				"Prometheus or Datadog?",
				"prometheus: $31.97 ($1.60 billed, $30.37 of node capacity)",
				"datadog $54.00 (3 hosts, all billed)",
				"prometheus costs $22.03 less",
				"prometheus costs $67.87 less", // swarm-gcp: $108.00 − $40.13
			}
			if format == "table" { // the table wraps long cells
				wants = []string{"Prometheus or Datadog?", "prometheus: $31.97 ($1.60", "datadog $54.00 (3 hosts, all", "prometheus costs $22.03 less", "none"}
			}
			for _, want := range wants {
				assert.Contains(t, out, want)
			}
			assert.Less(t, strings.Index(out, "Monthly cost"), strings.Index(out, "Prometheus or Datadog?"), "beside the cluster cost")
		})
	}
	t.Run("json", func(t *testing.T) {
		var doc struct {
			Stacks []struct {
				Monitoring *struct {
					Configured string `json:"configured"`
					Prometheus struct {
						MonthlyUSD float64 `json:"monthlyUSD"`
						BilledUSD  float64 `json:"billedUSD"`
					} `json:"prometheus"`
					Datadog struct {
						MonthlyUSD float64 `json:"monthlyUSD"`
					} `json:"datadog"`
				} `json:"monitoring"`
			} `json:"stacks"`
		}
		require.NoError(t, json.Unmarshal([]byte(render(t, withMonitoring(), "json")), &doc))
		m := doc.Stacks[0].Monitoring
		require.NotNil(t, m)
		assert.Equal(t, "prometheus", m.Configured)
		assert.Equal(t, 31.97, m.Prometheus.MonthlyUSD)
		assert.Equal(t, 1.60, m.Prometheus.BilledUSD)
		assert.Equal(t, 54.0, m.Datadog.MonthlyUSD)
		assert.Nil(t, doc.Stacks[2].Monitoring, "a stack that did not evaluate has none")
	})
	t.Run("csv", func(t *testing.T) {
		rows, err := csv.NewReader(strings.NewReader(render(t, withMonitoring(), "csv"))).ReadAll()
		require.NoError(t, err)
		header := rows[0]
		assert.Equal(t, []string{"row", "note", "monitoring", "prometheusMonthlyUSD", "datadogMonthlyUSD"}, header[11:], "the monitoring columns follow #13's row and note")
		for _, row := range rows[1:] {
			switch row[0] {
			case "eks":
				assert.Equal(t, []string{"prometheus", "31.97", "54.00"}, row[13:], "every row of the stack (%s) repeats its comparison", row[11])
			case "broken", "kops-aws":
				assert.Equal(t, []string{"", "", ""}, row[13:], "a stack that did not evaluate has none")
			}
		}
	})
}

func TestDatadogCheaperIsSaid(t *testing.T) {
	c := withMonitoring()
	c.Stacks[0].Monitoring.Prometheus.MonthlyUSD = 80
	assert.Contains(t, render(t, c, "table"), "datadog costs $26.00 less")
}
