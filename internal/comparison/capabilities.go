package comparison

import (
	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/internal/capabilities"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/report"
)

// AddCapabilities fills in the capabilities of every evaluated stack of a comparison
// Build made from the same evaluations; cal is the support calendar EKS versions are
// judged on (the price catalog's). Stacks that did not evaluate keep none.
func AddCapabilities(c *report.Comparison, evals []evaluate.Evaluation, cal *kubeversion.Calendar) {
	for i, ev := range evals {
		if i >= len(c.Stacks) || ev.Outcome != evaluate.OK || c.Stacks[i].Status != report.StatusOK {
			continue
		}
		set := capabilities.Assess(ev.Inventory, ev.Spec, cal)
		c.Stacks[i].Capabilities = &set
	}
}
