package recommend

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
)

// batchSize is how many candidates, cheapest lower bound first, are evaluated between
// two updates of the pruning bounds. Fixed (not the core count) so that what a search
// evaluates does not depend on the machine.
const batchSize = 16

// Result is one evaluated candidate: what the program built, its monthly cost from the
// catalog, its fault tolerance from the model, its capacity, and what it misses.
type Result struct {
	Candidate
	Design         string                    `json:"design"`
	MonthlyUSD     float64                   `json:"monthlyCostUSD"`
	Resources      int                       `json:"resources"`
	FaultTolerance faulttolerance.Assessment `json:"faultTolerance"`
	Capacity       Capacity                  `json:"capacity"`
	// CapacityAfterZoneLoss is what is left after losing the zone with the most workers.
	CapacityAfterZoneLoss Capacity `json:"capacityAfterZoneLoss"`
	// Misses says what of the target the design does not meet; empty when it meets it.
	Misses []string `json:"misses"`
	// Warnings are the stack file's warnings (the documentation adminCidrs range…).
	Warnings []string `json:"warnings"`
}

// Capacity is worker capacity: workers, their vCPUs (as listed and as sustained by
// burstable types) and memory.
type Capacity struct {
	Workers       int     `json:"workers"`
	VCPU          int     `json:"vcpu"`
	SustainedVCPU float64 `json:"sustainedVcpu"`
	MemoryGiB     float64 `json:"memoryGiB"`
}

// Stats say how the search went.
type Stats struct {
	// Considered: every candidate generated. Refused: by the program's validation.
	Considered int `json:"considered"`
	// Unsized: no worker count meets the capacity target (one zone cannot survive its
	// own loss; more than 2000 workers would be needed).
	Unsized int `json:"unsized"`
	Refused int `json:"refusedByValidation"`
	// Pruned: not evaluated, because their machines alone (workers and the control-plane
	// members you run, at the catalog's hourly prices) cost more than the best found of
	// their orchestrator (or than its top K), or their control-plane choice tolerates
	// fewer failures than asked (as the model judged it on one design of that choice).
	Pruned int `json:"pruned"`
	// Evaluated: run through the program under the mock engine, priced and judged.
	Evaluated int `json:"evaluated"`
	// ProgramRuns: evaluations not answered from the cache (probes included).
	ProgramRuns int `json:"programRuns"`
	CacheHits   int `json:"cacheHits"`
	// Failed: the program failed; Unpriced: the catalog could not price every resource
	// (such a design is never ranked: its cost is unknown).
	Failed   int `json:"failed"`
	Unpriced int `json:"unpriced"`
	// Meeting: evaluated candidates that meet the whole target.
	Meeting   int     `json:"meeting"`
	ElapsedMS float64 `json:"elapsedMs"`
}

// OrchestratorResult is the cheapest design of one orchestrator, or the closest one and
// why nothing meets the target there.
type OrchestratorResult struct {
	Orchestrator string  `json:"orchestrator"`
	Best         *Result `json:"best"`
	Closest      *Result `json:"closest"`
	// MaxTolerated is the most control-plane failures its designs tolerate.
	MaxTolerated int    `json:"maxFailuresTolerated"`
	Note         string `json:"note,omitempty"`
}

// Gap is what the cheaper of two orchestrators' best designs saves.
type Gap struct {
	Cheaper       string  `json:"cheaper"`
	Dearer        string  `json:"dearer"`
	DifferenceUSD float64 `json:"differenceUSD"`
}

// Report is a search's answer.
type Report struct {
	Target          TargetInfo           `json:"target"`
	PriceCatalog    CatalogInfo          `json:"priceCatalog"`
	Usage           string               `json:"usage"`
	Search          Stats                `json:"search"`
	Met             bool                 `json:"met"`
	Cheapest        *Result              `json:"cheapest"`
	PerOrchestrator []OrchestratorResult `json:"perOrchestrator"`
	Gaps            []Gap                `json:"gaps"`
	Summary         string               `json:"summary"`
	Top             []*Result            `json:"top"`
	// Closest is the candidate nearest to the target when nothing meets it.
	Closest *Result `json:"closest"`
}

// TargetInfo is the target as searched.
type TargetInfo struct {
	Description     string            `json:"description"`
	Clouds          []string          `json:"clouds"`
	Orchestrators   []string          `json:"orchestrators"`
	Regions         map[string]string `json:"regions"`
	SurviveZoneLoss bool              `json:"surviveZoneLoss"`
	Tolerate        int               `json:"tolerate"`
	MinVCPU         float64           `json:"minVcpu"`
	MinMemoryGiB    float64           `json:"minMemoryGiB"`
	VCPUCounted     string            `json:"vcpuCounted"`
	PrivateNodes    bool              `json:"privateNodes"`
	MaxMonthlyUSD   *float64          `json:"maxMonthlyUSD"`
	Top             int               `json:"top"`
}

// CatalogInfo names the catalog the figures come from.
type CatalogInfo struct {
	Version string `json:"version"`
	Date    string `json:"date"`
}

// Recommend searches the designs of a target and reports the cheapest that meet it.
func (e *Engine) Recommend(t Target) (*Report, error) {
	start := time.Now()
	cat := e.pricing.Catalog
	if err := t.check(cat); err != nil {
		return nil, err
	}
	runsBefore := e.runs()
	rep := &Report{Target: t.info(), PriceCatalog: CatalogInfo{Version: cat.Version, Date: cat.Date}, Usage: e.pricing.Usage.Name}
	st := &rep.Search

	cands := generate(&t, cat, e.opts)
	st.Considered = len(cands)
	var valid []*Candidate
	// why keeps, per orchestrator, the first reason a candidate was set aside: what the
	// report says when none of that orchestrator's candidates could be evaluated.
	why := map[string]string{}
	for _, c := range cands {
		// A validation refusal says more than a sizing one, and a count no zone layout
		// reaches more than a single zone.
		switch {
		case c.refused != "" && !strings.HasPrefix(why[c.Orchestrator], "refused "):
			why[c.Orchestrator] = "refused " + c.Name + ": " + c.refused
		case c.unsized != "" && (why[c.Orchestrator] == "" || strings.Contains(why[c.Orchestrator], ": one zone: ")):
			why[c.Orchestrator] = c.Name + ": " + c.unsized
		}
		if c.unsized != "" {
			st.Unsized++
			continue
		}
		if c.refused != "" {
			st.Refused++
			continue
		}
		valid = append(valid, c)
	}
	for _, c := range valid {
		delete(why, c.Orchestrator) // some of its designs were valid: nothing to explain here
	}

	choiceLimits, limits := e.limits(valid)
	reach := 0
	for _, l := range limits {
		reach = max(reach, l)
	}
	if t.Tolerate > reach {
		return nil, &TargetError{Problems: []string{fmt.Sprintf("--tolerate %d: no orchestrator searched tolerates that many control-plane failures: %s", t.Tolerate, limitWords(limits, t.Orchestrators))}}
	}

	sort.SliceStable(valid, func(i, j int) bool {
		if c := valid[i].bound.Cmp(valid[j].bound); c != 0 {
			return c < 0
		}
		return valid[i].Name < valid[j].Name
	})
	best := map[string][]*Result{} // per orchestrator, meeting the target (budget aside), cheapest first, at most Top
	var judged []*Result
	for i := 0; i < len(valid); i += batchSize {
		var todo []*Candidate
		for _, c := range valid[i:min(i+batchSize, len(valid))] {
			if !e.Exhaustive && (choiceLimits[controlPlaneKey(c)] < t.Tolerate || cannotWin(c, best[c.Orchestrator], t.Top)) {
				st.Pruned++
				continue
			}
			todo = append(todo, c)
		}
		evs, hits := e.evaluateAll(todo)
		st.CacheHits += hits
		for j, r := range evs {
			st.Evaluated++
			switch {
			case r.ev.Outcome != evaluate.OK:
				st.Failed++
				continue
			case len(r.est.Unpriced) > 0:
				st.Unpriced++
				continue
			}
			res := e.judge(todo[j], r, &t)
			judged = append(judged, res)
			if len(res.Misses) == 0 {
				best[res.Orchestrator] = insertTop(best[res.Orchestrator], res, t.Top)
			}
		}
	}
	rep.finish(&t, judged, best, limits)
	for i, o := range rep.PerOrchestrator {
		if r, ok := why[o.Orchestrator]; ok && o.Best == nil && o.Closest == nil {
			rep.PerOrchestrator[i].Note = "no design could be evaluated, e.g. " + r
		}
	}
	st.ProgramRuns = e.runs() - runsBefore
	st.ElapsedMS = float64(time.Since(start).Microseconds()) / 1000
	return rep, nil
}

// cannotWin: a candidate whose machine hours alone cost more than the Top-th best design
// of its orchestrator found so far cannot enter the answer.
func cannotWin(c *Candidate, best []*Result, top int) bool {
	if len(best) < top {
		return false
	}
	// The estimate's total is rounded to cents; the bound is not.
	return c.bound.InexactFloat64() > best[top-1].MonthlyUSD+0.01
}

// insertTop keeps the cheapest top results, ordered by cost then name.
func insertTop(list []*Result, r *Result, top int) []*Result {
	i := sort.Search(len(list), func(i int) bool { return less(r, list[i]) })
	list = slices.Insert(list, i, r)
	if len(list) > top {
		list = list[:top]
	}
	return list
}

func less(a, b *Result) bool {
	if a.MonthlyUSD != b.MonthlyUSD {
		return a.MonthlyUSD < b.MonthlyUSD
	}
	return a.Name < b.Name
}

// controlPlaneKey identifies a control-plane choice: what the fault-tolerance model's
// tolerance depends on (the members you run, or how the provider runs them).
func controlPlaneKey(c *Candidate) string {
	return fmt.Sprintf("%s/%s/%d/%s", c.Orchestrator, c.Cloud, c.ControlPlane.Count, c.ControlPlane.Availability)
}

// limits evaluates, for every control-plane choice (orchestrator, cloud, members or
// availability), its cheapest valid candidate, and returns the control-plane failures the
// fault-tolerance model says each choice tolerates, and the most per orchestrator.
func (e *Engine) limits(valid []*Candidate) (perChoice map[string]int, perOrch map[string]int) {
	probe := map[string]*Candidate{}
	var keys []string
	for _, c := range valid {
		k := controlPlaneKey(c)
		if p, ok := probe[k]; !ok || c.bound.LessThan(p.bound) || c.bound.Equal(p.bound) && c.Name < p.Name {
			if !ok {
				keys = append(keys, k)
			}
			probe[k] = c
		}
	}
	cands := make([]*Candidate, 0, len(keys))
	for _, k := range keys {
		cands = append(cands, probe[k])
	}
	evs, _ := e.evaluateAll(cands)
	perChoice, perOrch = map[string]int{}, map[string]int{}
	for i, r := range evs {
		o := cands[i].Orchestrator
		if _, ok := perOrch[o]; !ok {
			perOrch[o] = 0
		}
		if r.ev.Outcome == evaluate.OK {
			perChoice[keys[i]] = r.ft.ControlPlaneFailuresTolerated
			perOrch[o] = max(perOrch[o], r.ft.ControlPlaneFailuresTolerated)
		}
	}
	return perChoice, perOrch
}

func limitWords(limits map[string]int, orchs []string) string {
	var parts []string
	for _, o := range orchs {
		parts = append(parts, fmt.Sprintf("%s at most %d", orchestratorWord(o, ""), limits[o]))
	}
	return strings.Join(parts, ", ")
}

// orchestratorWord names an orchestrator in the summary: Swarm, self-managed Kubernetes,
// EKS or GKE (managed Kubernetes when the cloud is not known).
func orchestratorWord(orch, cloud string) string {
	switch orch {
	case spec.Swarm:
		return "Swarm"
	case spec.SelfManaged:
		return "self-managed Kubernetes"
	}
	switch cloud {
	case spec.AWS:
		return "EKS"
	case spec.GCP:
		return "GKE"
	}
	return "managed Kubernetes"
}

// judge measures an evaluated candidate against the target with the model's figures.
func (e *Engine) judge(c *Candidate, r *cached, t *Target) *Result {
	res := &Result{
		Candidate: *c, Design: c.Design(), MonthlyUSD: r.est.MonthlyUSD,
		Resources: len(r.ev.Inventory.Custom()), FaultTolerance: r.ft, Misses: []string{}, Warnings: []string{},
	}
	for _, w := range r.ev.Warnings {
		res.Warnings = append(res.Warnings, w.String())
	}
	s := r.ev.Spec
	mt, sized := e.pricing.Catalog.MachineType(s.Cloud, s.Workers.MachineType)
	if !sized {
		res.Misses = append(res.Misses, fmt.Sprintf("the catalog does not size worker type %s", s.Workers.MachineType))
		return res
	}
	total := faulttolerance.Workers(r.perZone)
	res.Capacity = capacityOf(total, mt)
	res.CapacityAfterZoneLoss = capacityOf(faulttolerance.WorkersAfterZoneLoss(r.perZone), mt)
	ft := r.ft
	if ft.ControlPlaneFailuresTolerated < t.Tolerate {
		res.Misses = append(res.Misses, fmt.Sprintf("tolerates %d control-plane failure%s, the target is %d",
			ft.ControlPlaneFailuresTolerated, plural(ft.ControlPlaneFailuresTolerated), t.Tolerate))
	}
	need, after := res.Capacity, ""
	if t.SurviveZoneLoss {
		need, after = res.CapacityAfterZoneLoss, " after losing a zone"
		// The model's verdict covers its single points of failure: each (a lone NAT
		// gateway, a zonal control plane, one member, one worker) is a zone whose loss
		// degrades or fails the stack, and is named here with its zone.
		for _, e := range ft.ZoneLossEffects {
			res.Misses = append(res.Misses, fmt.Sprintf("does not survive the loss of %s (%s): %s: %s", zoneWords(e.Zone), e.Verdict, e.Resource, e.Why))
		}
		if !ft.ZoneLossSurvivable && len(ft.ZoneLossEffects) == 0 {
			res.Misses = append(res.Misses, "does not survive the loss of a zone")
		}
	}
	vcpu, kind := need.SustainedVCPU, "sustained vCPU"
	if t.FullBurstVCPU {
		vcpu, kind = float64(need.VCPU), "vCPU"
	}
	if vcpu < t.MinVCPU-1e-9 {
		res.Misses = append(res.Misses, fmt.Sprintf("%s %s%s, the target is %s", num(vcpu), kind, after, num(t.MinVCPU)))
	}
	if need.MemoryGiB < t.MinMemoryGiB-1e-9 {
		res.Misses = append(res.Misses, fmt.Sprintf("%s GiB of memory%s, the target is %s", num(need.MemoryGiB), after, num(t.MinMemoryGiB)))
	}
	if t.PrivateNodes && !s.Network.PrivateNodes {
		res.Misses = append(res.Misses, "its nodes have public addresses; the target asks for private nodes")
	}
	return res
}

func capacityOf(workers int, mt catalog.MachineType) Capacity {
	return Capacity{
		Workers: workers, VCPU: workers * mt.VCPU,
		SustainedVCPU: float64(workers) * mt.SustainedVCPU(), MemoryGiB: float64(workers) * mt.MemoryGiB,
	}
}

// zoneWords names a zone-loss effect's zone ("a zone" when it is not recorded).
func zoneWords(zone string) string {
	if zone == "" {
		return "a zone"
	}
	return zone
}
