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
	comparison.AddDoctor(c, evals, p.catalog.Calendar())
	comparison.AddCapabilities(c, evals, p.catalog.Calendar())
	for i, ev := range evals {
		if ev.Outcome == evaluate.BadInput || ev.Outcome == evaluate.Failed {
			fmt.Fprintln(stderr, ev.Err) // one line per problem, naming the file
		}
		for _, u := range c.Stacks[i].Unpriced {
			fmt.Fprintf(stderr, "%s: unpriced: %s (%s): %s\n", ev.File, u.Resource, u.Type, u.Reason)
		}
	}
	// The report covers every stack; it is written only when at least one stack was
	// evaluated (ok, or not available yet), so a run of bad stack files alone never
	// replaces an --out file with a report of nothing.
	if !somethingToReport(c) {
		fmt.Fprintln(stderr, "clusterbench compare: no stack could be evaluated; no report written")
		return comparison.ExitCode(evals, c), nil
	}
	code := comparison.ExitCode(evals, c)
	if pf.format == "html" || pf.format == "markdown" {
		if err := comparison.AddDiagrams(c, evals); err != nil {
			fmt.Fprintln(stderr, "diagram:", err) // the report is still written, without that picture
			code = max(code, exitFindings)
		}
	}
	if err := render(c, pf, stdout); err != nil {
		return exitWriteFailed, err
	}
	return code, nil
}

// somethingToReport: at least one stack has facts (status ok or not-available).
func somethingToReport(c *report.Comparison) bool {
	for _, st := range c.Stacks {
		if st.Status != report.StatusError {
			return true
		}
	}
	return false
}

// render writes the comparison in the chosen format to --out or stdout.
func render(c *report.Comparison, pf pricingFlags, stdout io.Writer) error {
	return writeReport(pf.out, stdout, func(w io.Writer) error { return report.Render(w, c, pf.format) })
}
