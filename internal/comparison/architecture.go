package comparison

import (
	"bytes"

	"github.com/clusterbench/clusterbench/internal/diagram"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/report"
)

// ControlPlaneMachines tells the groups that run control-plane members (by the role
// they carry) from the rest: their machines are the control plane's cost.
func ControlPlaneMachines(inv *inventory.Inventory) func(resource string) bool {
	names := map[string]bool{}
	for _, r := range inv.Custom() {
		if faulttolerance.Role(r) == faulttolerance.RoleControlPlane {
			names[r.Name] = true
		}
	}
	return func(resource string) bool { return names[resource] }
}

// AddDiagrams draws every evaluated stack's architecture (SVG and Mermaid) for the HTML
// and Markdown reports. A stack that cannot be drawn keeps its column without a picture
// and the error is returned, naming the stack.
func AddDiagrams(c *report.Comparison, evals []evaluate.Evaluation) error {
	var firstErr error
	for i, ev := range evals {
		if ev.Outcome != evaluate.OK || i >= len(c.Stacks) {
			continue
		}
		g, err := diagram.ForStack(ev.Inventory, ev.Spec)
		if err == nil {
			var svg, mermaid bytes.Buffer
			if err = g.WriteSVG(&svg); err == nil {
				if err = g.WriteMermaid(&mermaid); err == nil {
					c.Stacks[i].Diagram = &report.Diagram{SVG: svg.String(), Mermaid: mermaid.String()}
				}
			}
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}
