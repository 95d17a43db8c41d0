package harness

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// plainOutputs resolves the stack's exports into plain JSON-like values, as a `pulumi
// stack export` document holds them: a secret output becomes inventory.SecretPlaceholder
// (its value is never kept), an output unknown under the mocks nil. Each wait is bounded
// by AwaitTimeout.
func plainOutputs(exports map[string]pulumi.Input) (map[string]any, error) {
	out := make(map[string]any, len(exports))
	for name, in := range exports {
		ctx, cancel := context.WithTimeout(context.Background(), AwaitTimeout)
		res, err := internals.UnsafeAwaitOutput(ctx, pulumi.ToOutput(in))
		cancel()
		switch {
		case err != nil:
			return nil, fmt.Errorf("output %s: %v", name, err)
		case res.Secret:
			out[name] = inventory.SecretPlaceholder
			continue
		case !res.Known:
			out[name] = nil
			continue
		}
		// A JSON round trip turns typed Go values ([]string, maps of outputs' values)
		// into the plain shapes documents have.
		raw, err := json.Marshal(res.Value)
		if err != nil {
			return nil, fmt.Errorf("output %s: %v", name, err)
		}
		var plainValue any
		if err := json.Unmarshal(raw, &plainValue); err != nil {
			return nil, fmt.Errorf("output %s: %v", name, err)
		}
		out[name] = plainValue
	}
	return out, nil
}
