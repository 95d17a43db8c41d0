package spec

import (
	"encoding/json"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type inputKey struct{}

// WithInput hands a stack's raw configuration to the program through its context. The
// mock harness uses it: several stacks evaluate at once in one process, so the
// environment cannot carry their configurations.
func WithInput(ctx *pulumi.Context, in Input) *pulumi.Context {
	return ctx.WithValue(inputKey{}, in)
}

// InputFrom returns the raw configuration the program was given: from WithInput, else
// as the Pulumi CLI hands it over (PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS). The Go SDK
// can read a key but not list them, and listing them is how an unknown key is caught.
func InputFrom(ctx *pulumi.Context) (Input, error) {
	if in, ok := ctx.Value(inputKey{}).(Input); ok {
		return in, nil
	}
	in := Input{Stack: ctx.Stack(), Config: map[string]string{}}
	if raw := os.Getenv(pulumi.EnvConfig); raw != "" {
		if err := json.Unmarshal([]byte(raw), &in.Config); err != nil {
			return in, err
		}
	}
	if raw := os.Getenv(pulumi.EnvConfigSecretKeys); raw != "" {
		if err := json.Unmarshal([]byte(raw), &in.SecretKeys); err != nil {
			return in, err
		}
	}
	return in, nil
}
