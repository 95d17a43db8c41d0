package report

import (
	"encoding/json"
	"io"

	"github.com/clusterbench/clusterbench/internal/cost"
)

// renderJSON writes the `compare --format json` contract (DESIGN.md), two-space indented.
func renderJSON(w io.Writer, c *Comparison) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(normalised(c))
}

// normalised copies the comparison with every absent list or map made empty, so the
// JSON shows [] and {} instead of null. The one null the contract keeps is "sla" (nobody
// promises one); a stack that was not evaluated has a null "faultTolerance" and
// "monitoring".
func normalised(c *Comparison) *Comparison {
	out := *c
	out.PriceCatalog.Regions = orEmpty(c.PriceCatalog.Regions)
	out.Stacks = make([]Stack, len(c.Stacks))
	for i, st := range c.Stacks {
		out.Stacks[i] = normalisedStack(st)
	}
	return &out
}

func normalisedStack(st Stack) Stack {
	st.UnpricedCount = len(st.Unpriced)
	st.Complete = st.Status == StatusOK && st.UnpricedCount == 0
	st.Resources.ByType = orEmptyMap(st.Resources.ByType)
	st.Resources.Components = orEmptyMap(st.Resources.Components)
	st.CostBreakdown = orEmpty(st.CostBreakdown)
	st.Unpriced = orEmpty(st.Unpriced)
	st.Excluded = orEmpty(st.Excluded)
	st.Warnings = orEmpty(st.Warnings)
	if st.FaultTolerance != nil {
		ft := *st.FaultTolerance
		ft.SinglePointsOfFailure = orEmpty(ft.SinglePointsOfFailure)
		ft.ZoneLossEffects = orEmpty(ft.ZoneLossEffects)
		ft.OperationalDuties = orEmpty(ft.OperationalDuties)
		st.FaultTolerance = &ft
	}
	if st.Monitoring != nil {
		m := *st.Monitoring
		for _, c := range []*cost.MonitoringChoice{&m.Prometheus, &m.Datadog} {
			c.Lines, c.Problems = orEmpty(c.Lines), orEmpty(c.Problems)
		}
		st.Monitoring = &m
	}
	return st
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func orEmptyMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return map[K]V{}
	}
	return m
}
