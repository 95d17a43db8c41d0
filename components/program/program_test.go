package program_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func stackFiles(t testing.TB) []string {
	t.Helper()
	files, err := stackfile.List(filepath.Join("..", "..", "stacks"))
	require.NoError(t, err)
	require.Len(t, files, 6, "one stack file per variant")
	return files
}

// Every stack file parses, validates and runs to completion under the harness; a
// combination not built yet stops with the named error before registering anything.
func TestEveryStackFileRunsUnderTheHarness(t *testing.T) {
	for _, file := range stackFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			in, err := stackfile.Read(file)
			require.NoError(t, err)
			res, err := harness.Run(in, program.Run)
			if errors.Is(err, program.ErrNotBuilt) {
				var nb *program.NotBuiltError
				require.ErrorAs(t, err, &nb)
				assert.Contains(t, err.Error(), nb.Orchestrator)
				return
			}
			require.NoError(t, err)
			assert.NotEmpty(t, res.Inventory.Custom(), "a built stack registers resources")
		})
	}
}
