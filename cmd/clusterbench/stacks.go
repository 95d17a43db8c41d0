package main

import (
	"os"
	"path/filepath"

	"github.com/clusterbench/clusterbench/components/stackfile"
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
	var files []string
	for _, n := range names {
		path := filepath.Join(dir, "Pulumi."+n+".yaml")
		if _, err := os.Stat(path); err != nil {
			return nil, badInput("--stack %s: no stack file %s", n, path)
		}
		files = append(files, path)
	}
	return files, nil
}
