package main

import (
	"path/filepath"

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
