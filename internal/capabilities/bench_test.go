package capabilities_test

import (
	"testing"

	"github.com/clusterbench/clusterbench/internal/capabilities"
)

// BenchmarkAssess measures deriving one stack's capabilities from an inventory already
// recorded (the harness run is measured by internal/evaluate's benchmarks).
func BenchmarkAssess(b *testing.B) {
	for _, stack := range []string{"eks", "gke", "kops-aws", "kops-gcp", "swarm-aws", "swarm-gcp"} {
		e := evaluate(&testing.T{}, stack)
		cal := calendar(&testing.T{})
		b.Run(stack, func(b *testing.B) {
			for b.Loop() {
				_ = capabilities.Assess(e.inv, e.spec, cal)
			}
		})
	}
}
