package recommend

import (
	"testing"

	"github.com/clusterbench/clusterbench/internal/catalog"
)

// The README's question: `recommend --cloud any --orchestrator any --survive-zone-loss
// --min-vcpu 16`, with a fresh engine each time (nothing cached from before). Reports
// the candidates considered, evaluated and run through the program per search.
func BenchmarkRecommendZoneLoss16VCPU(b *testing.B) {
	cat, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	usage, err := catalog.LoadUsage("small")
	if err != nil {
		b.Fatal(err)
	}
	target := Target{Clouds: allClouds, Orchestrators: allOrchs, SurviveZoneLoss: true, MinVCPU: 16, Top: 1}
	var rep *Report
	for b.Loop() {
		rep, err = NewEngine(Pricing{Catalog: cat, Usage: usage}).Recommend(target)
		if err != nil || !rep.Met {
			b.Fatalf("no answer: %v", err)
		}
	}
	b.ReportMetric(float64(rep.Search.Considered), "considered")
	b.ReportMetric(float64(rep.Search.Evaluated), "evaluated")
	b.ReportMetric(float64(rep.Search.ProgramRuns), "program-runs")
	b.ReportMetric(float64(rep.Search.Pruned), "pruned")
}
