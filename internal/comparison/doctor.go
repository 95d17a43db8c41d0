package comparison

import (
	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/internal/doctor"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/report"
)

// AddDoctor runs clusterbench doctor on every evaluated stack and records its FAIL and
// WARN counts in the comparison (evals and c.Stacks in the same order, as Build makes
// them); cal judges EKS versions.
func AddDoctor(c *report.Comparison, evals []evaluate.Evaluation, cal *kubeversion.Calendar) {
	for i, ev := range evals {
		if ev.Outcome != evaluate.OK || i >= len(c.Stacks) {
			continue
		}
		n := doctor.Count(doctor.Diagnose(&doctor.Subject{Inventory: ev.Inventory, Spec: ev.Spec, Calendar: cal}))
		c.Stacks[i].Doctor = &report.DoctorCounts{Fail: n.Fail, Warn: n.Warn}
	}
}
