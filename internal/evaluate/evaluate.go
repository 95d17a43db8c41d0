// Package evaluate runs stack files through the real program under the mock harness,
// in parallel, and classifies each outcome the way the CLI reports it.
package evaluate

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/stackfile"
)

// Outcome classifies an evaluation.
type Outcome int

// Outcomes, in increasing severity of the exit code they lead to.
const (
	OK           Outcome = iota // the program ran; the inventory is complete
	NotAvailable                // the program's named not-built-yet error
	Failed                      // the program failed for another reason (exit 1)
	BadInput                    // unreadable or invalid stack file (exit 2)
)

// Evaluation is one stack's run.
type Evaluation struct {
	Stack     string
	File      string
	Input     spec.Input
	Spec      *spec.Spec
	Warnings  []spec.Problem
	Inventory *inventory.Inventory
	Outcome   Outcome
	Err       error
}

// File evaluates one stack file; opts validate its spec (the program's own options,
// or ones built from a merged price catalog).
func File(path string, opts spec.Options) Evaluation {
	ev := Evaluation{File: path}
	ev.Stack, _ = stackfile.StackName(path)
	in, err := stackfile.Read(path)
	if err != nil {
		ev.Outcome, ev.Err = BadInput, err
		return ev
	}
	return Input(in, path, opts)
}

// Input evaluates a stack's configuration already read (a stack file's content, or one
// `recommend` generated); path names it in errors.
func Input(in spec.Input, path string, opts spec.Options) Evaluation {
	ev := Evaluation{File: path, Stack: in.Stack}
	var err error
	ev.Input = in
	// Parsed here for the report's metadata and warnings (the mock engine drops the
	// program's log); the program parses again, exactly as under `pulumi up`.
	ev.Spec, ev.Warnings, err = spec.Parse(in, opts)
	if err != nil {
		ev.Outcome, ev.Err = BadInput, named(err, path)
		return ev
	}
	res, err := harness.Run(in, program.RunWith(opts))
	if res != nil {
		ev.Inventory = res.Inventory
	}
	ev.Outcome, ev.Err = classify(err, path)
	return ev
}

// classify turns the program's error into an outcome: none is OK, the named
// not-built-yet error NotAvailable, a validation error BadInput, anything else Failed.
func classify(err error, path string) (Outcome, error) {
	switch {
	case err == nil:
		return OK, nil
	case errors.Is(err, program.ErrNotBuilt):
		return NotAvailable, err
	}
	var serr *spec.Error
	if errors.As(err, &serr) {
		return BadInput, named(err, path)
	}
	return Failed, fmt.Errorf("%s: %w", path, err)
}

// named puts the stack file's path in a validation error (the CLI knows the file;
// under `pulumi up` the program names the stack).
func named(err error, path string) error {
	var serr *spec.Error
	if errors.As(err, &serr) {
		serr.Source = path
	}
	return err
}

// Files evaluates stack files in parallel, keeping their order.
func Files(paths []string, opts spec.Options) []Evaluation {
	out := make([]Evaluation, len(paths))
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(len(paths), 2*runtime.GOMAXPROCS(0)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				out[i] = File(paths[i], opts)
			}
		}()
	}
	for i := range paths {
		work <- i
	}
	close(work)
	wg.Wait()
	return out
}
