package evaluate_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var stacksDir = filepath.Join("..", "..", "stacks")

func shipped(t testing.TB) []string {
	t.Helper()
	files, err := stackfile.List(stacksDir)
	require.NoError(t, err)
	return files
}

func TestOutcomesAreClassified(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, "Pulumi."+name+".yaml")
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	eks, err := os.ReadFile(filepath.Join(stacksDir, "Pulumi.eks.yaml"))
	require.NoError(t, err)
	swarm, err := os.ReadFile(filepath.Join(stacksDir, "Pulumi.swarm-aws.yaml"))
	require.NoError(t, err)
	files := []string{
		write("ok", string(eks)),
		write("swarm", string(swarm)),
		write("invalid", strings.Replace(string(eks), "zones: 3", "zones: 9", 1)),
		write("broken", "config: ["),
	}
	evs := evaluate.Files(files, program.SpecOptions())
	assert.Equal(t, evaluate.OK, evs[0].Outcome, "%v", evs[0].Err)
	assert.Equal(t, evaluate.OK, evs[1].Outcome, "%v", evs[1].Err)
	assert.Equal(t, evaluate.BadInput, evs[2].Outcome)
	assert.Contains(t, evs[2].Err.Error(), files[2]+": clusterbench:zones = 9", "the error names the file")
	assert.Equal(t, evaluate.BadInput, evs[3].Outcome)
	assert.Contains(t, evs[3].Err.Error(), files[3])
	for i, ev := range evs {
		assert.Equal(t, filepath.Base(files[i]), "Pulumi."+ev.Stack+".yaml", "order kept")
	}
}

// The program's shape does not depend on the worker count: groups scale, resources
// don't. (Speed is measured by the benchmarks below, not asserted.)
func TestWorkerCountDoesNotChangeTheResources(t *testing.T) {
	dir := t.TempDir()
	eks, err := os.ReadFile(filepath.Join(stacksDir, "Pulumi.eks.yaml"))
	require.NoError(t, err)
	small := filepath.Join(dir, "Pulumi.small.yaml")
	large := filepath.Join(dir, "Pulumi.large.yaml")
	require.NoError(t, os.WriteFile(small, eks, 0o644))
	require.NoError(t, os.WriteFile(large, []byte(strings.Replace(string(eks), "count: 3", "count: 200", 1)), 0o644))
	evs := evaluate.Files([]string{small, large}, program.SpecOptions())
	require.Equal(t, evaluate.OK, evs[0].Outcome, "%v", evs[0].Err)
	require.Equal(t, evaluate.OK, evs[1].Outcome, "%v", evs[1].Err)
	assert.Equal(t, 200, evs[1].Spec.Workers.Count)
	assert.Equal(t, len(evs[0].Inventory.Resources), len(evs[1].Inventory.Resources))
}

func BenchmarkEvaluateShippedStacks(b *testing.B) {
	files := shipped(b)
	for b.Loop() {
		evaluate.Files(files, program.SpecOptions())
	}
}

func BenchmarkEvaluateEKS(b *testing.B) {
	for _, workers := range []int{3, 200} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			dir := b.TempDir()
			eks, err := os.ReadFile(filepath.Join(stacksDir, "Pulumi.eks.yaml"))
			require.NoError(b, err)
			path := filepath.Join(dir, "Pulumi.eks.yaml")
			require.NoError(b, os.WriteFile(path, []byte(strings.Replace(string(eks), "count: 3", fmt.Sprintf("count: %d", workers), 1)), 0o644))
			for b.Loop() {
				if ev := evaluate.File(path, program.SpecOptions()); ev.Outcome != evaluate.OK {
					b.Fatal(ev.Err)
				}
			}
		})
	}
}

// 100 stack files: the six shipped ones copied under new names.
func Benchmark100StackFiles(b *testing.B) {
	dir := b.TempDir()
	src := shipped(b)
	var files []string
	for i := 0; i < 100; i++ {
		data, err := os.ReadFile(src[i%len(src)])
		require.NoError(b, err)
		p := filepath.Join(dir, fmt.Sprintf("Pulumi.s%03d.yaml", i))
		require.NoError(b, os.WriteFile(p, data, 0o644))
		files = append(files, p)
	}
	for b.Loop() {
		evaluate.Files(files, program.SpecOptions())
	}
}
