package recommend

import (
	"fmt"
	"sort"
	"strings"
)

// info is the target as the report states it.
func (t *Target) info() TargetInfo {
	counted := "sustained: burstable and shared-core types count at their baseline"
	if t.FullBurstVCPU {
		counted = "listed: burstable and shared-core types count at their full vCPUs"
	}
	return TargetInfo{
		Description: t.describe(), Clouds: t.Clouds, Orchestrators: t.Orchestrators, Regions: t.Regions,
		SurviveZoneLoss: t.SurviveZoneLoss, Tolerate: t.Tolerate, MinVCPU: t.MinVCPU, MinMemoryGiB: t.MinMemoryGiB,
		VCPUCounted: counted, PrivateNodes: t.PrivateNodes, MaxMonthlyUSD: t.MaxMonthlyUSD, Top: t.Top,
	}
}

// finish applies the budget, picks the cheapest overall and per orchestrator, the gaps
// between orchestrators and, when nothing meets the target, the closest candidate.
func (rep *Report) finish(t *Target, judged []*Result, best map[string][]*Result, limits map[string]int) {
	within := func(r *Result) bool { return t.MaxMonthlyUSD == nil || r.MonthlyUSD <= *t.MaxMonthlyUSD+1e-9 }
	if t.MaxMonthlyUSD != nil {
		for _, r := range judged {
			if !within(r) {
				r.Misses = append(r.Misses, fmt.Sprintf("costs %s a month, %s over --max-monthly %s",
					usd(r.MonthlyUSD), usd(r.MonthlyUSD-*t.MaxMonthlyUSD), usd(*t.MaxMonthlyUSD)))
			}
		}
	}
	for _, r := range judged {
		if len(r.Misses) == 0 {
			rep.Search.Meeting++
		}
	}
	var top []*Result
	for _, o := range t.Orchestrators {
		or := OrchestratorResult{Orchestrator: o, MaxTolerated: limits[o]}
		for _, r := range best[o] {
			if len(r.Misses) == 0 {
				top = append(top, r)
			}
		}
		if len(best[o]) > 0 && len(best[o][0].Misses) == 0 {
			or.Best = best[o][0]
		} else {
			or.Closest = closest(judged, o)
			if limits[o] < t.Tolerate {
				or.Note = fmt.Sprintf("%s tolerates at most %d control-plane failure%s; its designs were not evaluated",
					orchestratorWord(o, ""), limits[o], plural(limits[o]))
			}
		}
		rep.PerOrchestrator = append(rep.PerOrchestrator, or)
	}
	sort.SliceStable(top, func(i, j int) bool { return less(top[i], top[j]) })
	if len(top) > t.Top {
		top = top[:t.Top]
	}
	rep.Top = append([]*Result{}, top...)
	rep.Met = len(top) > 0
	if rep.Met {
		rep.Cheapest = top[0]
	} else {
		rep.Closest = closest(judged, "")
	}
	rep.Gaps, rep.Summary = gaps(rep.PerOrchestrator)
	if rep.Gaps == nil {
		rep.Gaps = []Gap{}
	}
}

// closest is the evaluated candidate (of one orchestrator, or any) that misses the fewest
// parts of the target, the cheapest among those.
func closest(judged []*Result, orch string) *Result {
	var c *Result
	for _, r := range judged {
		if orch != "" && r.Orchestrator != orch {
			continue
		}
		if c == nil || len(r.Misses) < len(c.Misses) || len(r.Misses) == len(c.Misses) && less(r, c) {
			c = r
		}
	}
	return c
}

// gaps orders the orchestrators' best designs by cost and says what each saves over the
// next: "Swarm meets this for $X less than self-managed Kubernetes, which meets it for
// $Y less than EKS."
func gaps(per []OrchestratorResult) ([]Gap, string) {
	var bests []*Result
	for _, o := range per {
		if o.Best != nil {
			bests = append(bests, o.Best)
		}
	}
	sort.SliceStable(bests, func(i, j int) bool { return less(bests[i], bests[j]) })
	var out []Gap
	var missing []string
	for _, o := range per {
		if o.Best == nil {
			missing = append(missing, orchestratorWord(o.Orchestrator, ""))
		}
	}
	switch len(bests) {
	case 0:
		return nil, "Nothing searched meets this target."
	case 1:
		s := fmt.Sprintf("%s meets this for %s a month.", upper(word(bests[0])), usd(bests[0].MonthlyUSD))
		if len(missing) > 0 {
			s += fmt.Sprintf(" %s do%s not.", upper(strings.Join(missing, " and ")), map[bool]string{true: "es", false: ""}[len(missing) == 1])
		}
		return nil, s
	}
	var b strings.Builder
	for i := 0; i+1 < len(bests); i++ {
		a, z := bests[i], bests[i+1]
		d := z.MonthlyUSD - a.MonthlyUSD
		out = append(out, Gap{Cheaper: a.Orchestrator, Dearer: z.Orchestrator, DifferenceUSD: float64(int64(d*100+0.5)) / 100})
		switch {
		case i == 0 && d < 0.005:
			fmt.Fprintf(&b, "%s meets this for as much as %s", upper(word(a)), word(z))
		case i == 0:
			fmt.Fprintf(&b, "%s meets this for %s less than %s", upper(word(a)), usd(d), word(z))
		case d < 0.005:
			fmt.Fprintf(&b, ", which meets it for as much as %s", word(z))
		default:
			fmt.Fprintf(&b, ", which meets it for %s less than %s", usd(d), word(z))
		}
	}
	b.WriteString(".")
	if len(missing) > 0 {
		fmt.Fprintf(&b, " %s do%s not meet it.", upper(strings.Join(missing, " and ")), map[bool]string{true: "es", false: ""}[len(missing) == 1])
	}
	return out, b.String()
}

func word(r *Result) string { return orchestratorWord(r.Orchestrator, r.Cloud) }

func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
