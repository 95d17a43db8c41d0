package evaluate

import (
	"errors"
	"fmt"
	"testing"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/stretchr/testify/assert"
)

// Every shipped combination is built, so the not-built path is exercised on the error
// the program returns for a combination without a builder.
func TestClassifyProgramErrors(t *testing.T) {
	notBuilt := fmt.Errorf("stack x: %w", &program.NotBuiltError{Cloud: "azure", Orchestrator: "swarm"})
	invalid := &spec.Error{Source: "stack x", Problems: []spec.Problem{{Key: "clusterbench:zones", Value: "9", Message: "want 1 to 3"}}}
	for _, tc := range []struct {
		name string
		err  error
		want Outcome
	}{
		{"no error", nil, OK},
		{"not built yet", notBuilt, NotAvailable},
		{"validation", invalid, BadInput},
		{"anything else", errors.New("boom"), Failed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := classify(tc.err, "stacks/Pulumi.x.yaml")
			assert.Equal(t, tc.want, got)
			if tc.want == Failed {
				assert.ErrorContains(t, err, "stacks/Pulumi.x.yaml: boom", "names the file")
			}
			if tc.want == BadInput {
				assert.ErrorContains(t, err, "stacks/Pulumi.x.yaml", "names the file")
			}
		})
	}
}
