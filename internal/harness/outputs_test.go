package harness

import (
	"testing"

	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Stack outputs are recorded as an export document holds them: secrets never in
// plaintext, typed values as plain JSON shapes.
func TestPlainOutputs(t *testing.T) {
	out, err := plainOutputs(map[string]pulumi.Input{
		"name":       pulumi.String("eks-cluster"),
		"zones":      pulumi.ToStringArray([]string{"us-east-1a", "us-east-1b"}),
		"kubeconfig": pulumi.ToSecret(pulumi.String("apiVersion: v1")),
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"name":       "eks-cluster",
		"zones":      []any{"us-east-1a", "us-east-1b"},
		"kubeconfig": inventory.SecretPlaceholder,
	}, out)
}
