package doctor_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/clusterbench/clusterbench/internal/doctor"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// diagnoseDocument runs doctor on one of the real Pulumi documents the engine rig wrote.
func diagnoseDocument(t *testing.T, file string) []doctor.Finding {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "cost", "testdata", file))
	require.NoError(t, err)
	defer f.Close()
	doc, err := inventory.ReadPulumiDocument(f)
	require.NoError(t, err)
	return doctor.Diagnose(&doctor.Subject{Inventory: doc.Inventory, Calendar: calendar(t)})
}

func byCheck(fs []doctor.Finding) map[string]map[doctor.Status]int {
	out := map[string]map[doctor.Status]int{}
	for _, f := range fs {
		if out[f.Check] == nil {
			out[f.Check] = map[doctor.Status]int{}
		}
		out[f.Check][f.Status]++
	}
	return out
}

// judged is each check's findings as status, resource and detail, in report order.
func judged(fs []doctor.Finding) map[string][]string {
	out := map[string][]string{}
	for _, f := range fs {
		out[f.Check] = append(out[f.Check], fmt.Sprintf("%s %s: %s", f.Status, f.Resource, f.Detail))
	}
	return out
}

// On the real engine documents the inventory checks judge exactly as on the harness's
// inventory of the same stack (the same findings on the same resources, with the same
// details); only what the document cannot know is skipped, with the reason: the
// spec-only check, the outputs of a preview, and what a preview leaves unknown (ids,
// computed policies).
func TestDocumentsJudgeLikeTheHarness(t *testing.T) {
	for _, tc := range []struct {
		file, stack string
		// differ are the checks a document judges differently from the harness, and why.
		differ map[string]string
	}{
		{"eks.export.json", "eks", map[string]string{"deletion-protection": "spec only"}},
		{"gke.export.json", "gke", map[string]string{"deletion-protection": "spec only"}},
		{"eks.preview.json", "eks", map[string]string{"deletion-protection": "spec only", "secrets-are-pulumi-secrets": "no outputs in a preview",
			"workers-zone-loss-at-min": "subnet ids unknown", "iam-admin-wildcard": "a policy with a computed ARN is unknown"}},
		{"gke.preview.json", "gke", map[string]string{"deletion-protection": "spec only", "secrets-are-pulumi-secrets": "no outputs in a preview"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			docFindings := diagnoseDocument(t, tc.file)
			doc, harness := byCheck(docFindings), judged(diagnoseStack(t, tc.stack))
			docJudged := judged(docFindings)
			for _, c := range doctor.Checks {
				if _, ok := tc.differ[c.ID]; ok {
					assert.Positive(t, doc[c.ID][doctor.StatusSkip], "%s: %s should be skipped with a reason", c.ID, tc.differ[c.ID])
					continue
				}
				require.NotEmpty(t, harness[c.ID], c.ID)
				assert.Equal(t, harness[c.ID], docJudged[c.ID], c.ID)
			}
			for _, f := range diagnoseDocument(t, tc.file) {
				assert.NotEqual(t, doctor.StatusFail, f.Status, "%s: %s", f.Check, f.Detail)
			}
		})
	}
}

// An export carries the stack's outputs: the kubeconfig is judged a Pulumi secret.
func TestExportKubeconfigIsSecret(t *testing.T) {
	for _, file := range []string{"eks.export.json", "gke.export.json"} {
		var found bool
		for _, f := range diagnoseDocument(t, file) {
			if f.Check == "secrets-are-pulumi-secrets" && f.Resource.Name == "kubeconfig" {
				found = true
				assert.Equal(t, doctor.StatusPass, f.Status, f.Detail)
			}
		}
		assert.True(t, found, file)
	}
}
