package report

import (
	"fmt"

	"github.com/clusterbench/clusterbench/internal/cost"
)

// Labels of the monitoring rows, beside the cluster's monthly cost.
const (
	monitoringLabel        = "Monitoring"
	monitoringCompareLabel = "Prometheus or Datadog?"
)

// monitoringLines is the configured choice: what it costs in all, and how much of that
// the bill carries beyond the nodes.
func monitoringLines(st *Stack) []string {
	m := st.Monitoring
	if m == nil {
		return nil
	}
	c := m.Of(m.Configured)
	if c == nil {
		return lines(m.Configured)
	}
	return []string{m.Configured + ": " + choiceText(c, m.Hosts)}
}

// monitoringCompareLines prices both choices for the same cluster and says which is
// cheaper, whichever is configured.
func monitoringCompareLines(st *Stack) []string {
	m := st.Monitoring
	if m == nil {
		return nil
	}
	p, d := &m.Prometheus, &m.Datadog
	out := []string{"prometheus " + choiceText(p, m.Hosts), "datadog " + choiceText(d, m.Hosts)}
	switch {
	case p.MonthlyUSD < d.MonthlyUSD:
		out = append(out, "prometheus costs "+Money(d.MonthlyUSD-p.MonthlyUSD)+" less")
	case d.MonthlyUSD < p.MonthlyUSD:
		out = append(out, "datadog costs "+Money(p.MonthlyUSD-d.MonthlyUSD)+" less")
	default:
		out = append(out, "the same")
	}
	return out
}

// choiceText: "$31.97 ($1.60 billed, $30.37 of node capacity)" or "$54.00 (3 hosts, all billed)".
func choiceText(c *cost.MonitoringChoice, hosts int) string {
	s := Money(c.MonthlyUSD)
	if len(c.Problems) > 0 {
		s = "at least " + s
	}
	if c.Choice == cost.MonitoringDatadog {
		return fmt.Sprintf("%s (%d hosts, all billed)", s, hosts)
	}
	return fmt.Sprintf("%s (%s billed, %s of node capacity)", s, Money(c.BilledUSD), Money(c.MonthlyUSD-c.BilledUSD))
}

// monitoringCSV are the CSV columns of both choices' monthly figures, repeated on every
// row of a stack (the cost lines stay the only amounts to sum).
var monitoringCSVHeader = []string{"monitoring", "prometheusMonthlyUSD", "datadogMonthlyUSD"}

func monitoringCSV(st *Stack) []string {
	if st.Monitoring == nil {
		return []string{"", "", ""}
	}
	m := st.Monitoring
	return []string{m.Configured, Amount(m.Prometheus.MonthlyUSD), Amount(m.Datadog.MonthlyUSD)}
}
