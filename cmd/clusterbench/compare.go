package main

import (
	"fmt"
	"io"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/comparison"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/report"
)

// runCompare evaluates stack files and renders the side-by-side.
func runCompare(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("compare", stderr)
	dir := fs.String("stacks", "stacks", "directory of stack files")
	var names stringList
	fs.Var(&names, "stack", "compare only this stack (repeatable)")
	var pf pricingFlags
	pf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return exitBadInput, err
	}
	p, err := pf.load()
	if err != nil {
		return exitBadInput, err
	}
	files, err := stackFiles(*dir, names)
	if err != nil {
		return exitBadInput, err
	}
	// Versions are checked against the catalog the stacks are priced with: a --prices
	// file can add a version's support dates.
	evals := evaluate.Files(files, spec.Options{SupportedVersion: p.catalog.SupportedVersion})
	c := comparison.Build(evals, p.priceStack, p.info(), p.usage.Name)
	for i, ev := range evals {
		if ev.Outcome == evaluate.BadInput || ev.Outcome == evaluate.Failed {
			fmt.Fprintln(stderr, ev.Err) // one line per problem, naming the file
		}
		for _, u := range c.Stacks[i].Unpriced {
			fmt.Fprintf(stderr, "%s: unpriced: %s (%s): %s\n", ev.File, u.Resource, u.Type, u.Reason)
		}
	}
	code := comparison.ExitCode(evals, c)
	if pf.format == "html" || pf.format == "markdown" {
		if err := comparison.AddDiagrams(c, evals); err != nil {
			fmt.Fprintln(stderr, "diagram:", err) // the report is still written, without that picture
			code = max(code, exitFindings)
		}
	}
	if err := render(c, pf, stdout); err != nil {
		return exitFindings, err
	}
	return code, nil
}

// render writes the comparison in the chosen format to --out or stdout.
func render(c *report.Comparison, pf pricingFlags, stdout io.Writer) error {
	w, closeOut, err := output(pf.out, stdout)
	if err != nil {
		return err
	}
	if err := report.Render(w, c, pf.format); err != nil {
		_ = closeOut()
		return err
	}
	return closeOut()
}
