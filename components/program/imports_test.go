package program_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The Pulumi program is what `pulumi up` runs: it must never load prices or rendering.
// `go list -deps` gives its transitive imports as the compiler sees them.
func TestProgramNeverImportsTheComparisonMachinery(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/clusterbench/clusterbench", "github.com/clusterbench/clusterbench/components/...").CombinedOutput()
	require.NoError(t, err, string(out))
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/clusterbench/clusterbench/components/program", "go list must see the program")
	for _, dep := range deps {
		require.False(t, strings.HasPrefix(dep, "github.com/clusterbench/clusterbench/internal/"),
			"the program (main.go and components/...) imports %s: the CLI's machinery must stay out of what pulumi up runs", dep)
	}
}
