package doctor_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/doctor"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/assert"
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

// Every shipped stack passes every FAIL-level check, and every check says something
// about every stack (a finding or a reasoned skip).
func TestShippedStacksPassEveryFailCheck(t *testing.T) {
	for _, name := range stackNames {
		t.Run(name, func(t *testing.T) {
			fs := diagnoseStack(t, name)
			for _, f := range fs {
				assert.NotEqual(t, doctor.StatusFail, f.Status, "%s %s: %s", f.Check, f.Resource, f.Detail)
				if f.Status == doctor.StatusSkip {
					assert.NotEmpty(t, f.Detail, "%s: a skip says why", f.Check)
				}
			}
			seen := map[string]bool{}
			for _, f := range fs {
				seen[f.Check] = true
			}
			for _, c := range doctor.Checks {
				assert.True(t, seen[c.ID], "%s: no finding from %s", name, c.ID)
			}
		})
	}
}

// The shipped stacks carry no WARN either (the README says so): GKE encrypts secrets
// at the application layer with a Cloud KMS key of the stack.
func TestShippedWarnings(t *testing.T) {
	var warns []string
	for _, name := range stackNames {
		for _, f := range diagnoseStack(t, name) {
			if f.Status == doctor.StatusWarn {
				warns = append(warns, name+" "+f.Check)
			}
		}
	}
	assert.Empty(t, warns)
}

// The checks that matter for each kind of stack judge it (PASS), rather than skip it.
func TestChecksJudgeTheirStacks(t *testing.T) {
	judged := map[string][]string{
		"eks":       {"imds-v2-required", "imds-hop-limit", "eks-secrets-encryption", "eks-public-endpoint", "eks-control-plane-logs", "eks-version-supported", "nat-single-gateway", "workers-zone-loss-at-min", "secrets-are-pulumi-secrets"},
		"gke":       {"gke-private-nodes", "gke-metadata-server", "gke-shielded-nodes", "gke-auto-repair-upgrade", "gke-legacy-abac", "gke-client-certificates", "gke-authorized-networks", "managed-control-plane-zonal", "gke-secrets-encryption"},
		"kops-aws":  {"control-plane-odd", "control-plane-zone-loss", "etcd-unreachable-from-workers", "bucket-public-access", "bucket-encryption", "node-reads-control-plane-secrets", "volume-encryption", "iam-admin-wildcard"},
		"kops-gcp":  {"control-plane-zone-loss", "etcd-unreachable-from-workers", "bucket-public-access", "node-reads-control-plane-secrets", "gce-shielded-vm", "gce-instance-metadata"},
		"swarm-aws": {"docker-api-unreachable", "swarm-autolock", "swarm-overlay-encrypted", "swarm-managers-drained", "node-reads-control-plane-secrets", "ssh-open-to-internet"},
		"swarm-gcp": {"docker-api-unreachable", "swarm-autolock", "swarm-overlay-encrypted", "node-reads-control-plane-secrets", "control-plane-one-zone"},
	}
	for name, ids := range judged {
		passed := map[string]bool{}
		for _, f := range diagnoseStack(t, name) {
			if f.Status == doctor.StatusPass {
				passed[f.Check] = true
			}
		}
		for _, id := range ids {
			assert.True(t, passed[id], "%s: %s did not judge it", name, id)
		}
	}
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

// Doctor judges what the resources are and how they are linked, not the names a provider
// picks: a second creation of every shipped stack (other auto-names, name-prefix
// suffixes and service-account ids) gets the same findings.
func TestFindingsDoNotDependOnProviderNames(t *testing.T) {
	for _, name := range stackNames {
		t.Run(name, func(t *testing.T) {
			in, err := stackfile.Read(filepath.Join("..", "..", "stacks", "Pulumi."+name+".yaml"))
			require.NoError(t, err)
			s, _, err := spec.Parse(in, program.SpecOptions())
			require.NoError(t, err)
			other, err := harness.RunWith(in, program.Run, harness.Options{Creation: "a second creation"})
			require.NoError(t, err)
			first := diagnoseStack(t, name)
			second := doctor.Diagnose(&doctor.Subject{Inventory: other.Inventory, Spec: s, Calendar: calendar(t)})
			require.NotEmpty(t, first)
			assert.Equal(t, first, second)
		})
	}
}
