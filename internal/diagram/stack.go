package diagram

import (
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// ForStack draws an evaluated stack: the admin networks and region from its spec, the
// managed control plane's SLA and tolerance from the fault-tolerance model.
func ForStack(inv *inventory.Inventory, s *spec.Spec) (*Graph, error) {
	opts := Options{Stack: inv.Stack}
	if s != nil {
		opts.AdminCidrs, opts.Region = s.AdminCidrs, s.Region
		a := faulttolerance.Assess(inv, s)
		if a.SLA != nil {
			opts.SLA = *a.SLA
		}
		opts.FailuresTolerated = a.ControlPlaneFailuresTolerated
	}
	return Build(inv, opts)
}
