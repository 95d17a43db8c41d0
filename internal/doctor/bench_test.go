package doctor_test

import (
	"testing"

	"github.com/clusterbench/clusterbench/internal/doctor"
)

// BenchmarkDiagnose runs every check on each shipped stack's recorded inventory (the
// evaluation itself is compare's cost, not doctor's).
func BenchmarkDiagnose(b *testing.B) {
	cal := calendar(b)
	for _, name := range stackNames {
		b.Run(name, func(b *testing.B) {
			ev := evaluateForBench(b, name)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				// A fresh subject each time: boot scripts are decoded again, as in one CLI run.
				s := &doctor.Subject{Inventory: ev.inv, Spec: ev.spec, Calendar: cal}
				if fs := doctor.Diagnose(s); len(fs) == 0 {
					b.Fatal("no findings")
				}
			}
		})
	}
}
