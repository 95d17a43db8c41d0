package recommend

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	sharedOnce   sync.Once
	sharedEngine *Engine
	sharedCat    *catalog.Catalog
	sharedUsage  *catalog.Usage
)

// engine is one engine for the package's tests: its cache makes later searches cheap.
func engine(t testing.TB) *Engine {
	t.Helper()
	sharedOnce.Do(func() {
		var err error
		sharedCat, err = catalog.Default()
		if err != nil {
			panic(err)
		}
		sharedUsage, err = catalog.LoadUsage("small")
		if err != nil {
			panic(err)
		}
		sharedEngine = NewEngine(Pricing{Catalog: sharedCat, Usage: sharedUsage})
	})
	return sharedEngine
}

var (
	allClouds = []string{spec.AWS, spec.GCP}
	allOrchs  = []string{spec.Managed, spec.SelfManaged, spec.Swarm}
)

func search(t *testing.T, tg Target) *Report {
	t.Helper()
	if tg.Top == 0 {
		tg.Top = 1
	}
	rep, err := engine(t).Recommend(tg)
	require.NoError(t, err)
	return rep
}

func per(rep *Report, orch string) OrchestratorResult {
	for _, o := range rep.PerOrchestrator {
		if o.Orchestrator == orch {
			return o
		}
	}
	return OrchestratorResult{}
}

// Three control-plane failures: only seven Swarm managers tolerate them (etcd stops at
// five members, ⌊(5−1)/2⌋ = 2; a managed control plane is judged to tolerate 1).
func TestOnlySwarmToleratesThreeFailures(t *testing.T) {
	rep := search(t, Target{Clouds: allClouds, Orchestrators: allOrchs, Tolerate: 3})
	require.True(t, rep.Met)
	w := rep.Cheapest
	assert.Equal(t, spec.Swarm, w.Orchestrator)
	assert.Equal(t, 7, w.ControlPlane.Count)
	assert.Equal(t, 3, w.FaultTolerance.ControlPlaneFailuresTolerated)
	assert.Equal(t, 7, w.FaultTolerance.ControlPlaneMembers, "the model counts seven managers in what the program built")
	assert.Equal(t, 1, w.Workers.Count, "no capacity asked: one worker")
	assert.Nil(t, per(rep, spec.Managed).Best)
	assert.Nil(t, per(rep, spec.SelfManaged).Best)
	assert.Equal(t, 1, per(rep, spec.Managed).MaxTolerated)
	assert.Equal(t, 2, per(rep, spec.SelfManaged).MaxTolerated)
	assert.Contains(t, per(rep, spec.SelfManaged).Note, "tolerates at most 2 control-plane failures")
	assert.Equal(t, fmt.Sprintf("Swarm meets this for $%.2f a month. Managed Kubernetes and self-managed Kubernetes do not.", w.MonthlyUSD), rep.Summary)
	// Cheaply: seven managers and one worker of the cheapest type (e2-medium, $0.0335057
	// an hour against t3.medium's $0.0416) in one zone, since no zone loss is asked.
	assert.Equal(t, spec.GCP, w.Cloud)
	assert.Equal(t, "e2-medium", w.Workers.MachineType)
	assert.Equal(t, 1, w.Zones)
}

// Losing a zone with a self-run control plane needs a majority outside every zone: three
// members over two zones leave one after losing the zone with two. The model refuses
// two zones; the answer has three.
func TestZoneLossForcesThreeZones(t *testing.T) {
	rep := search(t, Target{Clouds: []string{spec.AWS}, Orchestrators: []string{spec.Swarm, spec.SelfManaged}, SurviveZoneLoss: true})
	require.True(t, rep.Met)
	for _, o := range rep.PerOrchestrator {
		require.NotNil(t, o.Best, o.Orchestrator)
		assert.Equal(t, 3, o.Best.Zones, o.Orchestrator)
		assert.Equal(t, 3, o.Best.ControlPlane.Count, "one member per zone is the cheapest that keeps quorum")
		assert.NotEqual(t, spec.NatSingle, o.Best.NatGateways, "one NAT gateway would be a single point of failure for the other zones")
		assert.True(t, o.Best.FaultTolerance.ZoneLossSurvivable)
		assert.GreaterOrEqual(t, o.Best.CapacityAfterZoneLoss.Workers, 1)
	}

	// The same design over two zones, judged by the model: no quorum after a zone loss.
	e := engine(t)
	tg := Target{Clouds: []string{spec.AWS}, Orchestrators: []string{spec.Swarm}, SurviveZoneLoss: true, Top: 1}
	require.NoError(t, tg.check(e.pricing.Catalog))
	var two *Candidate
	for _, c := range generate(&tg, e.pricing.Catalog, e.opts) {
		if c.Zones == 2 && c.ControlPlane.Count == 3 && c.NatGateways == spec.NatPerZone && c.Workers.MachineType == rep.Cheapest.Workers.MachineType {
			two = c
		}
	}
	require.NotNil(t, two)
	require.Empty(t, two.refused)
	r, _ := e.evaluate(two)
	require.Equal(t, evaluate.OK, r.ev.Outcome, "%v", r.ev.Err)
	res := e.judge(two, r, &tg)
	assert.False(t, res.FaultTolerance.ZoneLossSurvivable)
	assert.Contains(t, res.Misses, "does not survive the loss of us-east-1a (fails): control plane: losing us-east-1a takes 2 of 3 swarm managers: 1 left, a majority needs 2")

	// The three-zone design behind one NAT gateway keeps quorum and two thirds of its
	// workers, but the model calls losing the gateway's zone degraded: that one effect,
	// naming the gateway and its zone, is the miss (no second miss for the same gateway
	// as a single point of failure).
	var oneNAT *Candidate
	for _, c := range generate(&tg, e.pricing.Catalog, e.opts) {
		if c.Zones == 3 && c.ControlPlane.Count == 3 && c.NatGateways == spec.NatSingle && c.Workers.MachineType == rep.Cheapest.Workers.MachineType {
			oneNAT = c
		}
	}
	require.NotNil(t, oneNAT)
	require.Empty(t, oneNAT.refused)
	r, _ = e.evaluate(oneNAT)
	require.Equal(t, evaluate.OK, r.ev.Outcome, "%v", r.ev.Err)
	res = e.judge(oneNAT, r, &tg)
	assert.Equal(t, faulttolerance.ZoneLossDegraded, res.FaultTolerance.ZoneLoss)
	require.Len(t, res.Misses, 1, "%v", res.Misses)
	assert.True(t, strings.HasPrefix(res.Misses[0], "does not survive the loss of us-east-1a (degraded): network-us-east-1a: the only NAT gateway, in us-east-1a"), res.Misses[0])
}

// A memory target of 32 GiB on one GKE node pool: one e2-standard-8 costs what four
// e2-standard-2 cost in machine hours (E2 prices are linear), but one boot disk instead
// of four, so the bigger type wins; 8 GiB is one e2-standard-2. Everything else is equal,
// so the two answers differ by the machine hours alone:
// (0.26804568 − 0.0670114) × 730 = $146.76 a month. The e2-standard-8 figure is the
// catalog row gcp/us-central1/gce/e2-standard-8 as the Cloud Billing catalog states it
// (it was 0.2680456, four times the rounded e2-standard-2 row).
func TestCapacityForcesABiggerMachineType(t *testing.T) {
	small := search(t, Target{Clouds: []string{spec.GCP}, Orchestrators: []string{spec.Managed}, MinMemoryGiB: 8}).Cheapest
	big := search(t, Target{Clouds: []string{spec.GCP}, Orchestrators: []string{spec.Managed}, MinMemoryGiB: 32}).Cheapest
	require.NotNil(t, small)
	require.NotNil(t, big)
	assert.Equal(t, "e2-standard-2", small.Workers.MachineType)
	assert.Equal(t, 1, small.Workers.Count)
	assert.Equal(t, "e2-standard-8", big.Workers.MachineType)
	assert.Equal(t, 1, big.Workers.Count)
	assert.Equal(t, small.Zones, big.Zones)
	assert.Equal(t, small.ControlPlane, big.ControlPlane)
	assert.Equal(t, small.NatGateways, big.NatGateways)
	assert.InDelta(t, (0.26804568-0.0670114)*730, big.MonthlyUSD-small.MonthlyUSD, 0.011)
	assert.Equal(t, 32.0, big.Capacity.MemoryGiB)
}

// Burstable types count at their baseline: 16 sustained vCPU from t3.small (2 vCPU at
// 20%) would take 40 workers, so the cheapest AWS answer is not a t3; counted at their
// full vCPUs, t3s are allowed to win.
func TestBurstableTypesCountAtTheirBaseline(t *testing.T) {
	tg := Target{Clouds: []string{spec.AWS}, Orchestrators: []string{spec.Swarm}, MinVCPU: 16}
	sustained := search(t, tg).Cheapest
	require.NotNil(t, sustained)
	assert.GreaterOrEqual(t, sustained.Capacity.SustainedVCPU, 16.0)
	tg.FullBurstVCPU = true
	full := search(t, tg).Cheapest
	require.NotNil(t, full)
	assert.GreaterOrEqual(t, full.Capacity.VCPU, 16)
	assert.Less(t, full.MonthlyUSD, sustained.MonthlyUSD)
}

// A budget below every design: nothing meets it, and the closest is the cheapest design
// that meets the rest, with what it misses.
func TestMaxMonthlyNothingMeets(t *testing.T) {
	base := Target{Clouds: allClouds, Orchestrators: allOrchs, SurviveZoneLoss: true, MinVCPU: 16}
	cheapest := search(t, base).Cheapest
	require.NotNil(t, cheapest)
	budget := 100.0
	base.MaxMonthlyUSD = &budget
	rep := search(t, base)
	assert.False(t, rep.Met)
	assert.Nil(t, rep.Cheapest)
	assert.Empty(t, rep.Top)
	require.NotNil(t, rep.Closest)
	assert.Equal(t, cheapest.Name, rep.Closest.Name)
	assert.Equal(t, []string{fmt.Sprintf("costs $%.2f a month, $%.2f over --max-monthly $100.00", cheapest.MonthlyUSD, cheapest.MonthlyUSD-100)}, rep.Closest.Misses)
	assert.Equal(t, "Nothing searched meets this target.", rep.Summary)
	for _, o := range rep.PerOrchestrator {
		assert.Nil(t, o.Best)
		require.NotNil(t, o.Closest, o.Orchestrator)
		assert.Len(t, o.Closest.Misses, 1, "only the budget is missed")
	}
}

func TestBadTargetsAreRefused(t *testing.T) {
	e := engine(t)
	budget := -5.0
	for _, tc := range []struct {
		target Target
		want   string
	}{
		{Target{Clouds: allClouds, Orchestrators: allOrchs, Tolerate: 4, Top: 1}, "--tolerate 4: no orchestrator searched tolerates that many control-plane failures: managed Kubernetes at most 1, self-managed Kubernetes at most 2, Swarm at most 3"},
		{Target{Clouds: allClouds, Orchestrators: []string{spec.Managed}, Tolerate: 2, Top: 1}, "--tolerate 2: no orchestrator searched tolerates that many control-plane failures: managed Kubernetes at most 1"},
		{Target{Clouds: allClouds, Orchestrators: allOrchs, MinVCPU: -1, Top: 1}, "--min-vcpu -1: must be 0 or more"},
		{Target{Clouds: allClouds, Orchestrators: allOrchs, MinMemoryGiB: -2, Top: 1}, "--min-memory-gib -2: must be 0 or more"},
		{Target{Clouds: allClouds, Orchestrators: allOrchs, Tolerate: -1, Top: 1}, "--tolerate -1: must be 0 or more"},
		{Target{Clouds: allClouds, Orchestrators: allOrchs, MaxMonthlyUSD: &budget, Top: 1}, "--max-monthly -5: must be a positive amount"},
		{Target{Clouds: allClouds, Orchestrators: allOrchs, Top: 0}, "--top 0: must be at least 1"},
		{Target{Clouds: []string{"azure"}, Orchestrators: allOrchs, Top: 1}, "--cloud azure: one of aws, gcp, any"},
		{Target{Clouds: allClouds, Orchestrators: []string{"nomad"}, Top: 1}, "--orchestrator nomad: one of managed, selfmanaged, swarm, any"},
		{Target{Clouds: []string{spec.AWS}, Orchestrators: allOrchs, Regions: map[string]string{spec.AWS: "eu-west-1"}, Top: 1}, "--region eu-west-1: the price catalog prices no aws machine type there (it does in us-east-1)"},
	} {
		_, err := e.Recommend(tc.target)
		var te *TargetError
		require.ErrorAs(t, err, &te, tc.want)
		assert.Contains(t, err.Error(), tc.want)
	}
}

// Every design the search reports meets its target, checked again from scratch: the
// stack file read back like a file on disk, the program run again, priced and judged
// without the search's cache. Random targets, fixed seed.
func TestNoReportedDesignViolatesItsTarget(t *testing.T) {
	e := engine(t)
	rng := rand.New(rand.NewPCG(17, 2026))
	for i := 0; i < 14; i++ {
		tg := randomTarget(rng)
		t.Run(tg.describe(), func(t *testing.T) {
			rep, err := e.Recommend(tg)
			require.NoError(t, err)
			var reported []*Result
			reported = append(reported, rep.Top...)
			for _, o := range rep.PerOrchestrator {
				if o.Best != nil {
					reported = append(reported, o.Best)
				}
			}
			assert.Equal(t, rep.Met, len(rep.Top) > 0)
			for _, r := range reported {
				assert.Empty(t, r.Misses, r.Name)
				recheck(t, e, &tg, r)
			}
			for i := 1; i < len(rep.Top); i++ {
				assert.LessOrEqual(t, rep.Top[i-1].MonthlyUSD, rep.Top[i].MonthlyUSD, "cheapest first")
			}
		})
	}
}

func randomTarget(rng *rand.Rand) Target {
	tg := Target{Top: 1 + rng.IntN(4), Regions: map[string]string{}}
	switch rng.IntN(3) {
	case 0:
		tg.Clouds = []string{spec.AWS}
	case 1:
		tg.Clouds = []string{spec.GCP}
	default:
		tg.Clouds = allClouds
	}
	for _, o := range allOrchs {
		if rng.IntN(2) == 0 {
			tg.Orchestrators = append(tg.Orchestrators, o)
		}
	}
	if len(tg.Orchestrators) == 0 {
		tg.Orchestrators = []string{allOrchs[rng.IntN(3)]}
	}
	tg.SurviveZoneLoss = rng.IntN(2) == 0
	limit := 1
	for _, o := range tg.Orchestrators {
		limit = max(limit, map[string]int{spec.Managed: 1, spec.SelfManaged: 2, spec.Swarm: 3}[o])
	}
	tg.Tolerate = rng.IntN(limit + 1)
	tg.MinVCPU = float64(rng.IntN(40))
	tg.MinMemoryGiB = float64(rng.IntN(5) * 16)
	tg.PrivateNodes = rng.IntN(2) == 0
	tg.FullBurstVCPU = rng.IntN(4) == 0
	if rng.IntN(3) == 0 {
		b := float64(300 + rng.IntN(1500))
		tg.MaxMonthlyUSD = &b
	}
	return tg
}

// recheck evaluates a reported design's stack file again, apart from the search, and
// checks every part of the target on what the program built.
func recheck(t *testing.T, e *Engine, tg *Target, r *Result) {
	t.Helper()
	in, err := stackfile.Parse(r.Name, []byte(r.StackFile(nil)))
	require.NoError(t, err)
	ev := evaluate.Input(in, r.Name, e.opts)
	require.Equal(t, evaluate.OK, ev.Outcome, "%v", ev.Err)
	est := cost.Price(ev.Inventory, cost.Options{Catalog: sharedCat, Usage: sharedUsage, Regions: map[string]string{ev.Spec.Cloud: ev.Spec.Region}, Monitoring: ev.Spec.Monitoring})
	require.Empty(t, est.Unpriced)
	assert.Equal(t, est.MonthlyUSD, r.MonthlyUSD, "%s: the reported cost is the catalog's", r.Name)
	ft := faulttolerance.Assess(ev.Inventory, ev.Spec)
	assert.GreaterOrEqual(t, ft.ControlPlaneFailuresTolerated, tg.Tolerate, r.Name)
	perZone := faulttolerance.WorkersPerZone(ev.Inventory)
	workers := faulttolerance.Workers(perZone)
	if tg.SurviveZoneLoss {
		assert.True(t, ft.ZoneLossSurvivable, r.Name)
		assert.Equal(t, faulttolerance.ZoneLossSurvives, ft.ZoneLoss, r.Name)
		assert.Empty(t, ft.ZoneLossEffects, r.Name)
		assert.Empty(t, ft.SinglePointsOfFailure, r.Name)
		most := 0
		for _, n := range perZone {
			most = max(most, n)
		}
		workers -= most
	}
	mt, ok := sharedCat.MachineType(ev.Spec.Cloud, ev.Spec.Workers.MachineType)
	require.True(t, ok)
	vcpu := float64(workers*mt.VCPU) * float64(max(mt.BaselinePercent, 0)) / 100
	if mt.BaselinePercent == 0 || tg.FullBurstVCPU {
		vcpu = float64(workers * mt.VCPU)
	}
	assert.GreaterOrEqual(t, vcpu+1e-9, tg.MinVCPU, "%s: vCPU", r.Name)
	assert.GreaterOrEqual(t, float64(workers)*mt.MemoryGiB+1e-9, tg.MinMemoryGiB, "%s: memory", r.Name)
	if tg.PrivateNodes {
		assert.True(t, ev.Spec.Network.PrivateNodes, r.Name)
	}
	if tg.MaxMonthlyUSD != nil {
		assert.LessOrEqual(t, est.MonthlyUSD, *tg.MaxMonthlyUSD, r.Name)
	}
	assert.Contains(t, tg.Clouds, ev.Spec.Cloud)
	assert.Contains(t, tg.Orchestrators, ev.Spec.Orchestrator)
}

// Pruning never changes the answer: the pruned search finds what evaluating every valid
// candidate finds, and the lower bound it prunes by is never above a real cost.
func TestPruningKeepsTheAnswer(t *testing.T) {
	// GCP only, to keep the exhaustive search short: its 5 machine types against AWS's 11.
	tg := Target{Clouds: []string{spec.GCP}, Orchestrators: allOrchs, SurviveZoneLoss: true, MinVCPU: 16, Top: 3}
	pruned := search(t, tg)
	full := NewEngine(engine(t).pricing)
	full.Exhaustive = true
	full.cache = engine(t).cache // the same evaluations, already made
	all, err := full.Recommend(tg)
	require.NoError(t, err)
	assert.Less(t, pruned.Search.Evaluated, all.Search.Evaluated/2, "pruning skips most evaluations")
	assert.Zero(t, all.Search.Pruned)
	require.Equal(t, len(all.Top), len(pruned.Top))
	for i := range all.Top {
		assert.Equal(t, all.Top[i].Name, pruned.Top[i].Name)
		assert.Equal(t, all.Top[i].MonthlyUSD, pruned.Top[i].MonthlyUSD)
	}
	for i, o := range all.PerOrchestrator {
		require.NotNil(t, o.Best)
		assert.Equal(t, o.Best.Name, pruned.PerOrchestrator[i].Best.Name)
	}
	assert.Equal(t, all.Summary, pruned.Summary)

	// The bound: machine hours alone never exceed what the catalog charges the whole design.
	require.NoError(t, tg.check(sharedCat))
	cands := generate(&tg, sharedCat, full.opts)
	checked := 0
	for _, c := range cands {
		if c.refused != "" || c.unsized != "" {
			continue
		}
		r, _ := full.evaluate(c)
		if r.ev.Outcome == evaluate.OK {
			assert.LessOrEqual(t, c.bound.InexactFloat64(), r.est.MonthlyUSD+0.005, c.Name)
			checked++
		}
	}
	assert.Greater(t, checked, 100)
}

// The cache answers a configuration evaluated before: a second identical search runs
// the program for nothing new.
func TestSecondSearchComesFromTheCache(t *testing.T) {
	tg := Target{Clouds: []string{spec.GCP}, Orchestrators: []string{spec.Swarm}, MinVCPU: 4, Top: 2}
	first := search(t, tg)
	second := search(t, tg)
	assert.Zero(t, second.Search.ProgramRuns)
	assert.Positive(t, second.Search.Evaluated)
	assert.Equal(t, second.Search.Evaluated, second.Search.CacheHits, "every evaluation answered from the cache")
	assert.Equal(t, first.Top[0].Name, second.Top[0].Name)
}

// Candidates are stack files in the shape of stacks/*.yaml: what validation refuses is
// counted, never evaluated, and no design is listed twice.
func TestCandidatesAreValidatedStackFiles(t *testing.T) {
	e := engine(t)
	tg := Target{Clouds: allClouds, Orchestrators: allOrchs, Top: 1, SurviveZoneLoss: true, MinVCPU: 16}
	require.NoError(t, tg.check(e.pricing.Catalog))
	cands := generate(&tg, e.pricing.Catalog, e.opts)
	seen := map[string]bool{}
	reasons := map[string]int{}
	for _, c := range cands {
		assert.False(t, seen[c.Name], "listed twice: %s", c.Name)
		seen[c.Name] = true
		switch {
		case c.unsized != "":
			reasons["unsized"]++
		case c.refused != "":
			switch {
			case strings.Contains(c.refused, "clusterbench:controlPlane.count = 7: must be at most 5 etcd members"):
				reasons["etcd 7"]++
			case strings.Contains(c.refused, "clusterbench:network.privateNodes = false: a self-managed cluster needs private nodes"):
				reasons["public self-managed"]++
			case strings.Contains(c.refused, "clusterbench:zones = 1: EKS needs at least 2 zones"):
				reasons["EKS one zone"]++
			case strings.Contains(c.refused, "is a Graviton (arm64) instance type: "):
				reasons["Graviton on an amd64 image"]++
			default:
				t.Errorf("%s refused for an unexpected reason: %s", c.Name, c.refused)
			}
		default:
			assert.True(t, c.bound.IsPositive(), c.Name)
			assert.Contains(t, c.config, "clusterbench:workers:\n    count: ")
		}
	}
	assert.Positive(t, reasons["etcd 7"])
	assert.Positive(t, reasons["public self-managed"])
	assert.Positive(t, reasons["Graviton on an amd64 image"])
	assert.Positive(t, reasons["unsized"], "one zone cannot survive its own loss")
	assert.Greater(t, len(cands), 1000)
}

// A capacity no network addresses: nothing is evaluated, and the report says why per
// orchestrator (the validation's own arithmetic), not just "nothing meets".
func TestCapacityNoNetworkAddresses(t *testing.T) {
	rep := search(t, Target{Clouds: []string{spec.AWS}, Orchestrators: []string{spec.Managed}, SurviveZoneLoss: true, MinVCPU: 3000})
	assert.False(t, rep.Met)
	assert.Nil(t, rep.Closest)
	assert.Zero(t, rep.Search.Evaluated)
	note := per(rep, spec.Managed).Note
	assert.Contains(t, note, "no design could be evaluated, e.g. refused eks-")
	assert.Contains(t, note, "clusterbench:workers.max = ")
	assert.Contains(t, note, "pod addresses per")
}
