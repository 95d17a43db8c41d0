package selfmanaged_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/clusterbench/clusterbench/components/gcpname"
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

// Addresses the recorder gives the API load balancers (outputs the providers compute).
const (
	awsLBSuffix   = "-0123456789abcdef.elb.us-east-1.amazonaws.com"
	gcpAPIAddress = "192.0.2.20"
)

// The shipped stacks' store paths in the default creation: kops-aws's names the VPC's id
// (the recorder's "<name>-id"), kops-gcp's ends in the suffix of the network's auto-name.
var (
	awsStorePath = "/clusterbench/kops-aws/k8s/network-id"
	gcpStorePath = "kops-gcp-k8s-" + gcpname.Suffix(harness.AutoName("network"))
	// awsStoreArn is the ARN of awsStorePath's parameters, without the key.
	awsStoreArn = "arn:aws:ssm:us-east-1:123456789012:parameter" + awsStorePath + "/"
)

// recorder is the harness's recorder plus two things these tests need: the API load
// balancer's computed address (the harness leaves it unknown, and with it the rendered
// bootstrap settings), and each template's user data as the node runs it (decoded).
type recorder struct {
	*harness.Recorder
	mu      sync.Mutex
	scripts map[string]string // launch or instance template name → rendered script
}

func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	id, state, err := r.Recorder.NewResource(args)
	if err != nil {
		return id, state, err
	}
	switch args.TypeToken {
	case "aws:lb/loadBalancer:LoadBalancer":
		state["dnsName"] = resource.NewStringProperty(args.Name + awsLBSuffix)
	case "gcp:compute/address:Address":
		state["address"] = resource.NewStringProperty(gcpAPIAddress)
	case launchTemplate:
		decoded, derr := nodegroup.DecodeAwsUserData(clear(args.Inputs["userData"]))
		if derr != nil {
			return "", nil, derr
		}
		r.keep(args.Name, string(decoded))
	case instanceTemplate:
		r.keep(args.Name, clear(args.Inputs["metadataStartupScript"]))
	}
	return id, state, nil
}

func (r *recorder) keep(name, script string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.scripts[name] = script
}

// clear reads a string input through its secret and output wrappers.
func clear(v resource.PropertyValue) string {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput():
			v = v.OutputValue().Element
		case v.IsString():
			return v.StringValue()
		default:
			return ""
		}
	}
}

// result is one run of the program.
type result struct {
	inv     *inventory.Inventory
	scripts map[string]string
	exports map[string]any
}

// run evaluates a stack as harness.Run does, with the recorder above.
func run(t *testing.T, in spec.Input) *result {
	t.Helper()
	return runCreation(t, in, "")
}

// runCreation is run in another creation of the stack (harness.Options.Creation): other
// provider-picked names and ids, the network's above all.
func runCreation(t *testing.T, in spec.Input, creation string) *result {
	t.Helper()
	rec := &recorder{
		Recorder: harness.NewRecorder(harness.Project, in.Stack,
			map[string]string{"aws": in.Config["aws:region"], "gcp": in.Config["gcp:region"]}, in.Config["gcp:project"]).ForCreation(creation),
		scripts: map[string]string{},
	}
	ctx, err := pulumi.NewContext(context.Background(), pulumi.RunInfo{
		Project: harness.Project, Stack: in.Stack, Config: in.Config, ConfigSecretKeys: in.SecretKeys,
		Parallel: 16, DryRun: true, Mocks: rec,
	})
	require.NoError(t, err)
	ctx = spec.WithInput(ctx, in)
	var exports map[string]pulumi.Input
	require.NoError(t, pulumi.RunWithContext(ctx, func(ctx *pulumi.Context) error {
		err := program.Run(ctx)
		exports = ctx.GetCurrentExportMap()
		return err
	}))
	res := &result{inv: rec.Inventory(), scripts: rec.scripts, exports: map[string]any{}}
	for k, v := range exports {
		out, ok := v.(pulumi.Output)
		if !ok {
			out = pulumi.ToOutput(v)
		}
		val, _, err := harness.Await(out)
		require.NoError(t, err, k)
		res.exports[k] = val
	}
	return res
}

// stack reads a shipped stack file with overrides (key, value pairs).
func stack(t *testing.T, name string, overrides ...string) spec.Input {
	t.Helper()
	in, err := stackfile.Read(filepath.Join("..", "..", "stacks", "Pulumi."+name+".yaml"))
	require.NoError(t, err)
	for i := 0; i+1 < len(overrides); i += 2 {
		in.Config[overrides[i]] = overrides[i+1]
	}
	return in
}

// sized is a stack with members control-plane members over zones zones.
func sized(t *testing.T, name string, members, zones int, overrides ...string) spec.Input {
	machine := "t3.medium"
	if name == "kops-gcp" {
		machine = "e2-medium"
	}
	return stack(t, name, append([]string{
		"clusterbench:zones", fmt.Sprint(zones),
		"clusterbench:controlPlane", fmt.Sprintf(`{"count": %d, "machineType": %q}`, members, machine),
	}, overrides...)...)
}
