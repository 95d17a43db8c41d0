package recommend

import (
	"runtime"
	"sync"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// Pricing is what an engine prices with: the catalog and usage `compare` takes.
type Pricing struct {
	Catalog     *catalog.Catalog
	Usage       *catalog.Usage
	GKEFreeTier bool
}

// Engine searches designs. It keeps every evaluation it made, keyed by the stack file's
// configuration, so a second search (another target, the same designs) reuses them.
type Engine struct {
	pricing Pricing
	opts    spec.Options
	// Parallel is how many candidates are evaluated at once (2 × GOMAXPROCS by default,
	// as `compare` does: the mock engine waits as much as it computes).
	Parallel int
	// Exhaustive evaluates every valid candidate, pruning nothing: what the tests compare
	// the pruned search against.
	Exhaustive bool

	mu    sync.Mutex
	cache map[string]*cached
	// programRuns counts evaluations the cache did not answer.
	programRuns int
}

func (e *Engine) runs() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.programRuns
}

// cached is one evaluation: the program run, its price and its fault tolerance.
type cached struct {
	done    chan struct{}
	ev      evaluate.Evaluation
	est     cost.Estimate
	ft      faulttolerance.Assessment
	perZone map[string]int
}

// NewEngine makes an engine that validates versions against the catalog, as `compare` does.
func NewEngine(p Pricing) *Engine {
	return &Engine{
		pricing: p, opts: spec.Options{SupportedVersion: p.Catalog.SupportedVersion},
		Parallel: 2 * runtime.GOMAXPROCS(0), cache: map[string]*cached{},
	}
}

// evaluate runs one candidate's configuration through the program under the mock engine
// (evaluate.Input, what `compare` runs for a stack file), prices the inventory with the
// catalog and judges it with the fault-tolerance model. Concurrent calls for the same
// configuration wait for one run; hit reports a run made before.
func (e *Engine) evaluate(c *Candidate) (r *cached, hit bool) {
	key := c.Name + "\n" + c.config
	e.mu.Lock()
	if r, ok := e.cache[key]; ok {
		e.mu.Unlock()
		<-r.done
		return r, true
	}
	r = &cached{done: make(chan struct{})}
	e.cache[key] = r
	e.programRuns++
	e.mu.Unlock()
	defer close(r.done)
	r.ev = evaluate.Input(c.input, c.Name, e.opts)
	if r.ev.Outcome != evaluate.OK {
		return r, false
	}
	r.est = e.price(r.ev.Inventory, r.ev.Spec)
	r.ft = faulttolerance.Assess(r.ev.Inventory, r.ev.Spec)
	r.perZone = faulttolerance.WorkersPerZone(r.ev.Inventory)
	return r, false
}

// price is the CLI's pricing of an evaluated stack (cmd/clusterbench/pricing.go).
func (e *Engine) price(inv *inventory.Inventory, s *spec.Spec) cost.Estimate {
	return cost.Price(inv, cost.Options{
		Catalog: e.pricing.Catalog, Usage: e.pricing.Usage, Regions: map[string]string{s.Cloud: s.Region},
		GKEFreeTier: e.pricing.GKEFreeTier, Monitoring: s.Monitoring,
	})
}

// evaluateAll evaluates candidates in parallel, keeping their order.
func (e *Engine) evaluateAll(cands []*Candidate) ([]*cached, int) {
	out := make([]*cached, len(cands))
	hits := make([]bool, len(cands))
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(len(cands), max(1, e.Parallel)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				out[i], hits[i] = e.evaluate(cands[i])
			}
		}()
	}
	for i := range cands {
		work <- i
	}
	close(work)
	wg.Wait()
	n := 0
	for _, h := range hits {
		if h {
			n++
		}
	}
	return out, n
}
