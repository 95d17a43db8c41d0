package main

import (
	"path/filepath"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/stackfile"
)

// stackFiles resolves --stacks DIR and --stack NAME... to stack files.
func stackFiles(dir string, names []string) ([]string, error) {
	if len(names) == 0 {
		files, err := stackfile.List(dir)
		if err != nil {
			return nil, badInput("--stacks: %v", err)
		}
		return files, nil
	}
	// A missing file is not an error here: its evaluation reports it (exit 2) while
	// every other stack is still compared.
	var files []string
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			files = append(files, filepath.Join(dir, "Pulumi."+n+".yaml"))
		}
		seen[n] = true
	}
	return files, nil
}

// evaluateOne evaluates the one stack a command works on (--stacks DIR --stack NAME): a
// stack file that is bad input exits 2, one not available or whose program failed exits 1.
func evaluateOne(dir, name string) (evaluate.Evaluation, int, error) {
	files, err := stackFiles(dir, []string{name})
	if err != nil {
		return evaluate.Evaluation{}, exitBadInput, err
	}
	ev := evaluate.File(files[0], program.SpecOptions())
	switch ev.Outcome {
	case evaluate.BadInput:
		return ev, exitBadInput, &exitError{code: exitBadInput, err: ev.Err}
	case evaluate.NotAvailable, evaluate.Failed:
		return ev, exitFindings, ev.Err
	}
	return ev, exitOK, nil
}
