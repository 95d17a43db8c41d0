package harness

import (
	"context"
	"fmt"
	"time"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Project is the Pulumi project name (Pulumi.yaml).
const Project = "clusterbench"

// Timeout bounds one evaluation: a program under mocks finishes in milliseconds, so
// reaching it means a hang, reported as an error instead of a stuck test.
var Timeout = 2 * time.Minute

// Result is what one run of a program registered and exported.
type Result struct {
	Inventory *inventory.Inventory
	Exports   map[string]pulumi.Input
}

// Run evaluates a Pulumi program for one stack's configuration under the mock engine.
// The configuration reaches the program as the Pulumi CLI hands it over (structured
// values as JSON text, secret keys listed), and also through spec.WithInput, so the
// program can list every key it was given.
func Run(in spec.Input, program pulumi.RunFunc) (*Result, error) {
	return RunWith(in, program, Options{})
}

// Options vary what the world answers one run.
type Options struct {
	// Creation stands for one `pulumi up` that creates the stack. The names providers
	// pick (auto-names, name prefixes) differ between creations, as in a real account
	// where a destroyed stack is created again or two checkouts create the same stack.
	// Empty is the creation every report and the engine rig use.
	Creation string
	// Invokes replace the fixture's answers to these tokens (another caller identity).
	Invokes map[string]map[string]any
}

// RunWith is Run with Options.
func RunWith(in spec.Input, program pulumi.RunFunc, opts Options) (*Result, error) {
	regions := map[string]string{"aws": in.Config["aws:region"], "gcp": in.Config["gcp:region"]}
	rec := NewRecorder(Project, in.Stack, regions, in.Config["gcp:project"]).ForCreation(opts.Creation)
	rec.invokes = opts.Invokes
	ctx, err := pulumi.NewContext(context.Background(), pulumi.RunInfo{
		Project: Project, Stack: in.Stack, Config: in.Config, ConfigSecretKeys: in.SecretKeys,
		Parallel: 16, DryRun: true, Mocks: rec,
	})
	if err != nil {
		return nil, err
	}
	ctx = spec.WithInput(ctx, in)
	var exports map[string]pulumi.Input
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("stack %s: the program panicked: %v", in.Stack, p)
			}
		}()
		done <- pulumi.RunWithContext(ctx, func(ctx *pulumi.Context) error {
			err := program(ctx)
			exports = ctx.GetCurrentExportMap()
			return err
		})
	}()
	select {
	case err := <-done:
		// The inventory comes back on failure too: tests check that a refused
		// configuration registered nothing.
		res := &Result{Inventory: rec.Inventory(), Exports: exports}
		if err != nil {
			return res, unwrapRunError(err)
		}
		outputs, err := plainOutputs(exports)
		if err != nil {
			return res, fmt.Errorf("stack %s: %v", in.Stack, err)
		}
		res.Inventory.Outputs = outputs
		return res, nil
	case <-time.After(Timeout):
		return nil, fmt.Errorf("stack %s: the program did not finish within %s under the mock engine", in.Stack, Timeout)
	}
}
