// Package comparison turns evaluated stacks into the one report model: resources,
// monthly cost and fault tolerance per stack, and the exit code they add up to.
package comparison

import (
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/report"
)

// Pricer prices one stack's inventory.
type Pricer func(inv *inventory.Inventory, s *spec.Spec) cost.Estimate

// Build makes the comparison of evaluated stacks.
func Build(evals []evaluate.Evaluation, price Pricer, catalog report.CatalogInfo, usage string) *report.Comparison {
	c := &report.Comparison{PriceCatalog: catalog, Usage: usage, Stacks: make([]report.Stack, 0, len(evals))}
	for _, ev := range evals {
		c.Stacks = append(c.Stacks, stackColumn(ev, price))
	}
	return c
}

func stackColumn(ev evaluate.Evaluation, price Pricer) report.Stack {
	// Empty lists stay nil here: the JSON renderer writes them as [] in one place.
	st := report.Stack{Stack: ev.Stack, Status: report.StatusOK}
	if s := ev.Spec; s != nil {
		st.Cloud, st.Orchestrator, st.Region, st.Zones = s.Cloud, s.Orchestrator, s.Region, s.Zones
	} else if cfg := ev.Input.Config; cfg != nil {
		// A refused stack still says what it was meant to be, as written.
		st.Cloud, st.Orchestrator = cfg["clusterbench:cloud"], cfg["clusterbench:orchestrator"]
		st.Region = cfg[st.Cloud+":region"]
	}
	for _, w := range ev.Warnings {
		st.Warnings = append(st.Warnings, w.String())
	}
	switch ev.Outcome {
	case evaluate.NotAvailable:
		st.Status, st.Error = report.StatusNotAvailable, ev.Err.Error()
		return st
	case evaluate.Failed, evaluate.BadInput:
		st.Status, st.Error = report.StatusError, ev.Err.Error()
		return st
	}
	custom := ev.Inventory.Custom()
	st.Resources = report.Resources{
		Total:      len(custom),
		ByType:     inventory.CountByType(custom),
		Components: inventory.CountByType(ev.Inventory.Components()),
	}
	est := price(ev.Inventory, ev.Spec)
	st.MonthlyCostUSD, st.CostBreakdown, st.Unpriced, st.Excluded = est.MonthlyUSD, est.Lines, est.Unpriced, est.Excluded
	st.Monitoring = est.Monitoring
	st.CostByCategory = report.CostByCategory(est.Lines, ControlPlaneMachines(ev.Inventory))
	ft := faulttolerance.Assess(ev.Inventory, ev.Spec)
	st.FaultTolerance = &ft
	return st
}

// ExitCode is the worst outcome: 2 for a bad stack file, 1 for a failed program or an
// unpriced item, else 0.
func ExitCode(evals []evaluate.Evaluation, c *report.Comparison) int {
	code := 0
	for _, ev := range evals {
		switch ev.Outcome {
		case evaluate.BadInput:
			code = max(code, 2)
		case evaluate.Failed:
			code = max(code, 1)
		}
	}
	for _, st := range c.Stacks {
		if len(st.Unpriced) > 0 {
			code = max(code, 1)
		}
	}
	return code
}
