package harness

import (
	"encoding/json"
	"fmt"

	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// plainOutputs resolves the stack's exports into plain JSON-like values, as a `pulumi
// stack export` document holds them: a secret output becomes inventory.SecretPlaceholder
// (its value is never kept), an unknown one nil.
func plainOutputs(exports map[string]pulumi.Input) (map[string]any, error) {
	out := make(map[string]any, len(exports))
	for name, in := range exports {
		v, secret, err := Await(pulumi.ToOutput(in))
		if err != nil {
			return nil, fmt.Errorf("output %s: %v", name, err)
		}
		if secret {
			out[name] = inventory.SecretPlaceholder
			continue
		}
		// A JSON round trip turns typed Go values ([]string, maps of outputs' values)
		// into the plain shapes documents have.
		raw, err := json.Marshal(v)
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
