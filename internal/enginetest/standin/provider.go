package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// standIn is a resource provider for one package (aws, gcp, ...) that creates nothing:
// it accepts every input, and on `up` returns the inputs plus the outputs the mock
// harness computes for the same type (id, arn, name, selfLink, endpoints...), so the real
// engine and `clusterbench compare` see the same world. Invokes are answered by the
// harness too, from internal/harness/invokes.json, moved to the configured region.
type standIn struct {
	pulumirpc.UnimplementedResourceProviderServer
	pkg, version string
	recorder     *harness.Recorder // set by Configure
}

// Properties cross the wire with their secrets and unknowns intact: a secret input stays
// a secret output, which the engine then stores only as ciphertext.
var wire = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true}

func (s *standIn) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: s.version}, nil
}

func (s *standIn) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true, AcceptOutputs: true}, nil
}

func (s *standIn) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: fmt.Sprintf(`{"name":%q,"version":%q}`, s.pkg, s.version)}, nil
}

func (s *standIn) CheckConfig(_ context.Context, r *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: r.GetNews()}, nil
}

func (s *standIn) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

// Configure reads the provider's region (and GCP project), which shape invoke answers and
// computed outputs exactly as the harness shapes them for the stack's region.
func (s *standIn) Configure(_ context.Context, r *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	setting := func(key string) string { return r.GetArgs().GetFields()[key].GetStringValue() }
	regions := map[string]string{}
	if region := setting("region"); region != "" {
		regions[s.pkg] = region
	}
	s.recorder = harness.NewRecorder("", "", regions, setting("project"))
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true, AcceptOutputs: true}, nil
}

func (s *standIn) Check(_ context.Context, r *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: r.GetNews()}, nil
}

func (s *standIn) Diff(_ context.Context, r *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	before, _ := json.Marshal(r.GetOldInputs())
	after, _ := json.Marshal(r.GetNews())
	if string(before) == string(after) {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME}, nil
}

// Create returns, in a preview, the inputs alone (every computed output stays unknown, as
// with a real provider); on `up`, the inputs plus the harness's computed outputs.
func (s *standIn) Create(_ context.Context, r *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if r.GetPreview() {
		return &pulumirpc.CreateResponse{Properties: r.GetProperties()}, nil
	}
	inputs, err := plugin.UnmarshalProperties(r.GetProperties(), wire)
	if err != nil {
		return nil, err
	}
	urn := resource.URN(r.GetUrn())
	id, state, err := s.recorder.NewResource(pulumi.MockResourceArgs{
		TypeToken: string(urn.Type()), Name: urn.Name(), Inputs: inputs, Custom: true,
	})
	if err != nil {
		return nil, err
	}
	props, err := plugin.MarshalProperties(state, wire)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

func (s *standIn) Read(_ context.Context, r *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: r.GetId(), Properties: r.GetProperties(), Inputs: r.GetInputs()}, nil
}

func (s *standIn) Update(_ context.Context, r *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	return &pulumirpc.UpdateResponse{Properties: r.GetNews()}, nil
}

func (s *standIn) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (s *standIn) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Invoke answers from the harness's invokes.json; an invoke it does not know fails the
// preview and names its token, so no preview runs on made-up data.
func (s *standIn) Invoke(_ context.Context, r *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	args, err := plugin.UnmarshalProperties(r.GetArgs(), wire)
	if err != nil {
		return nil, err
	}
	if s.recorder == nil { // an invoke through an unconfigured provider
		s.recorder = harness.NewRecorder("", "", map[string]string{}, "")
	}
	answer, err := s.recorder.Call(pulumi.MockCallArgs{Token: r.GetTok(), Args: args})
	if err != nil {
		return nil, fmt.Errorf("stand-in %s provider: %w", s.pkg, err)
	}
	ret, err := plugin.MarshalProperties(answer, wire)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}

// packageOf is the package a stand-in binary serves, from the name it was started under
// (pulumi-resource-aws serves aws).
func packageOf(binary string) string {
	name := binary[strings.LastIndex(binary, "/")+1:]
	return strings.TrimPrefix(name, "pulumi-resource-")
}

// versionOf finds a package's version in CLUSTERBENCH_STANDIN_VERSIONS ("aws=6.83.4,gcp=7.38.0"):
// the versions of the provider SDKs go.mod pins, which the program asks the engine for.
func versionOf(pkg, versions string) (string, bool) {
	for _, kv := range strings.Split(versions, ",") {
		if name, version, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && name == pkg {
			return version, true
		}
	}
	return "", false
}
