// Package program is the Pulumi program: read and validate the stack's spec, then build
// the (cloud, orchestrator) combination it names. main.go only calls pulumi.Run on Run;
// the mock harness, the tests and `clusterbench compare` run exactly this function.
package program

import (
	"errors"
	"fmt"
	"sync"

	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ErrNotBuilt is the one sentinel for a combination whose component does not exist
// yet; `compare` reports it as "not available yet" and every other error as a failure.
var ErrNotBuilt = errors.New("not available yet")

// NotBuiltError names the combination that is not built yet.
type NotBuiltError struct{ Cloud, Orchestrator string }

func (e *NotBuiltError) Error() string {
	return fmt.Sprintf("orchestrator %q on cloud %q is not available yet: its component has not been built", e.Orchestrator, e.Cloud)
}

// Is makes errors.Is(err, ErrNotBuilt) true.
func (e *NotBuiltError) Is(target error) bool { return target == ErrNotBuilt }

// builder builds one combination from a validated spec.
type builder func(ctx *pulumi.Context, s *spec.Spec) error

// builders are the combinations built so far.
var builders = map[[2]string]builder{}

// Run is the program as `pulumi up` runs it: versions are checked against the
// embedded Kubernetes support calendar.
func Run(ctx *pulumi.Context) error { return RunWith(SpecOptions())(ctx) }

// RunWith is the program with the given validation options (`clusterbench compare
// --prices FILE` checks versions against the merged catalog).
func RunWith(opts spec.Options) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		s, warnings, err := ReadSpec(ctx, opts)
		for _, w := range warnings {
			_ = ctx.Log.Warn(w.String(), nil)
		}
		if err != nil {
			return err
		}
		build, ok := builders[[2]string{s.Cloud, s.Orchestrator}]
		if !ok {
			return &NotBuiltError{Cloud: s.Cloud, Orchestrator: s.Orchestrator}
		}
		if err := build(ctx, s); err != nil {
			return err
		}
		if s.Monitoring != spec.MonitoringNone {
			ctx.Export("monitoring", monitoringOutput(s))
		}
		return nil
	}
}

// ReadSpec reads and validates the stack's configuration; nothing is registered yet.
func ReadSpec(ctx *pulumi.Context, opts spec.Options) (*spec.Spec, []spec.Problem, error) {
	in, err := spec.InputFrom(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("stack %s: reading the configuration: %w", ctx.Stack(), err)
	}
	return spec.Parse(in, opts)
}

// SpecOptions are the validation options every reader of a spec uses: Kubernetes
// versions are checked against the support calendar (dates only: the program never
// loads prices).
func SpecOptions() spec.Options {
	cal, err := defaultCalendar()
	if err != nil {
		return spec.Options{SupportedVersion: func(string) error { return err }}
	}
	return spec.Options{SupportedVersion: cal.Supported}
}

// defaultCalendar is parsed once: it is embedded and never changes in a process.
var defaultCalendar = sync.OnceValues(kubeversion.Default)

// monitoringOutput is the "monitoring" stack output: the choice and what prices it. A
// stack export holds no configuration, so `clusterbench cost --preview` reads these to
// price an export's (or a preview's) monitoring as `compare` prices the stack: Datadog
// per host; Prometheus's volume billed on managed Kubernetes, on the node's disk
// elsewhere, and its share of the host type's capacity.
func monitoringOutput(s *spec.Spec) pulumi.Map {
	out := pulumi.Map{"choice": pulumi.String(s.Monitoring), "orchestrator": pulumi.String(s.Orchestrator)}
	if s.Monitoring == spec.MonitoringPrometheus {
		out["prometheusVolumeGb"] = pulumi.Int(s.Prometheus.VolumeGb)
		out["prometheusHostType"] = pulumi.String(s.PrometheusHostType())
	}
	return out
}
