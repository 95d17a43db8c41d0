package doctor_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/doctor"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The self-managed stacks with either monitoring choice and the demo stay clean: the
// Datadog key is a Pulumi secret in the store (secrets-are-pulumi-secrets judges the
// parameter and the secret version), the members' user data, manifests and values
// included, holds no credential, and workers still read no control-plane material.
func TestSelfManagedAddonsPassEveryCheck(t *testing.T) {
	for _, name := range []string{"kops-aws", "kops-gcp"} {
		for _, choice := range []string{spec.MonitoringPrometheus, spec.MonitoringDatadog} {
			t.Run(fmt.Sprintf("%s/%s", name, choice), func(t *testing.T) {
				path := filepath.Join("..", "..", "stacks", "Pulumi."+name+".yaml")
				in, err := stackfile.Read(path)
				require.NoError(t, err)
				in.Config["clusterbench:monitoring"] = choice
				in.Config["clusterbench:demo"] = "true"
				if choice == spec.MonitoringDatadog {
					in.Config["clusterbench:datadogApiKey"] = "dd-fake-key-0123456789abcdef"
					in.SecretKeys = append(in.SecretKeys, "clusterbench:datadogApiKey")
				}
				ev := evaluate.Input(in, path, program.SpecOptions())
				require.Equal(t, evaluate.OK, ev.Outcome, "%v", ev.Err)
				judged := map[string]bool{}
				for _, f := range doctor.Diagnose(&doctor.Subject{Inventory: ev.Inventory, Spec: ev.Spec, Calendar: calendar(t)}) {
					assert.NotEqual(t, doctor.StatusFail, f.Status, "%s %s: %s", f.Check, f.Resource, f.Detail)
					assert.NotEqual(t, doctor.StatusWarn, f.Status, "%s %s: %s", f.Check, f.Resource, f.Detail)
					if f.Status == doctor.StatusPass {
						judged[f.Check] = true
					}
				}
				assert.True(t, judged["secrets-are-pulumi-secrets"])
				assert.True(t, judged["node-reads-control-plane-secrets"])
			})
		}
	}
}
