package doctor_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/internal/doctor"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/stretchr/testify/require"
)

var stackNames = []string{"eks", "gke", "kops-aws", "kops-gcp", "swarm-aws", "swarm-gcp"}

func calendar(t testing.TB) *kubeversion.Calendar {
	cal, err := kubeversion.Default()
	require.NoError(t, err)
	return cal
}

func diagnoseStack(t testing.TB, name string) []doctor.Finding {
	ev := evaluate.File(filepath.Join("..", "..", "stacks", "Pulumi."+name+".yaml"), program.SpecOptions())
	require.Equal(t, evaluate.OK, ev.Outcome, "%v", ev.Err)
	return doctor.Diagnose(&doctor.Subject{Inventory: ev.Inventory, Spec: ev.Spec, Calendar: calendar(t)})
}

func TestDebugPrint(t *testing.T) {
	if os.Getenv("DOCTOR_DEBUG") == "" {
		t.Skip("debug")
	}
	for _, n := range stackNames {
		for _, f := range diagnoseStack(t, n) {
			fmt.Printf("%-9s %s %-32s %-60s %s\n", n, f.Status, f.Check, f.Resource.String(), f.Detail)
		}
	}
}
