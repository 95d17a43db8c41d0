package main

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
)

func configured(t *testing.T, pkg string, args map[string]any) *standIn {
	t.Helper()
	s := &standIn{pkg: pkg, version: "1.2.3"}
	a, err := structpb.NewStruct(args)
	require.NoError(t, err)
	_, err = s.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: a})
	require.NoError(t, err)
	return s
}

func marshal(t *testing.T, m resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := plugin.MarshalProperties(m, wire)
	require.NoError(t, err)
	return s
}

func unmarshal(t *testing.T, s *structpb.Struct) resource.PropertyMap {
	t.Helper()
	m, err := plugin.UnmarshalProperties(s, wire)
	require.NoError(t, err)
	return m
}

const clusterURN = "urn:pulumi:eks::clusterbench::clusterbench:managed:EksCluster$aws:eks/cluster:Cluster::eks"

func TestCreateInAPreviewLeavesComputedOutputsUnknown(t *testing.T) {
	s := configured(t, "aws", map[string]any{"region": "eu-west-1"})
	in := resource.PropertyMap{"version": resource.NewStringProperty("1.35")}
	res, err := s.Create(context.Background(), &pulumirpc.CreateRequest{Urn: clusterURN, Properties: marshal(t, in), Preview: true})
	require.NoError(t, err)
	assert.Empty(t, res.GetId())
	assert.Equal(t, in, unmarshal(t, res.GetProperties()))
}

// On `up` the outputs are the harness's: the inputs, an id, and what a real provider
// computes (here an EKS cluster's ARN in the configured region, endpoint, CA).
func TestCreateReturnsTheHarnessesOutputsAndKeepsSecrets(t *testing.T) {
	s := configured(t, "aws", map[string]any{"region": "eu-west-1"})
	in := resource.PropertyMap{
		"version":  resource.NewStringProperty("1.35"),
		"userData": resource.MakeSecret(resource.NewStringProperty("#!/bin/sh\necho join")),
	}
	res, err := s.Create(context.Background(), &pulumirpc.CreateRequest{Urn: clusterURN, Properties: marshal(t, in)})
	require.NoError(t, err)
	assert.Equal(t, "eks-id", res.GetId())
	out := unmarshal(t, res.GetProperties())
	assert.Equal(t, "1.35", out["version"].StringValue())
	assert.True(t, out["userData"].IsSecret(), "a secret input stays a secret")
	assert.Equal(t, "arn:aws:eks:eu-west-1:123456789012:eks", out["arn"].StringValue())
	assert.Equal(t, "https://EKS.gr7.eu-west-1.eks.amazonaws.com", out["endpoint"].StringValue())
	assert.True(t, out["certificateAuthority"].IsObject())
}

func TestCreateGivesEveryGCPResourceANameAndSelfLink(t *testing.T) {
	s := configured(t, "gcp", map[string]any{"region": "us-central1", "project": "demo"})
	urn := "urn:pulumi:gke::clusterbench::gcp:compute/anyNewThing:AnyNewThing::x"
	res, err := s.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urn, Properties: marshal(t, resource.PropertyMap{})})
	require.NoError(t, err)
	out := unmarshal(t, res.GetProperties())
	name := out["name"].StringValue()
	assert.Regexp(t, `^x-[0-9a-f]{7}$`, name, "Pulumi's auto-name, as the harness records it")
	assert.Equal(t, "https://www.googleapis.com/compute/v1/projects/demo/anyNewThings/"+name, out["selfLink"].StringValue())
}

func TestInvokesAreAnsweredFromTheHarnessInTheConfiguredRegion(t *testing.T) {
	s := configured(t, "aws", map[string]any{"region": "eu-west-1"})
	res, err := s.Invoke(context.Background(), &pulumirpc.InvokeRequest{
		Tok: "aws:index/getAvailabilityZones:getAvailabilityZones", Args: marshal(t, resource.PropertyMap{}),
	})
	require.NoError(t, err)
	names := unmarshal(t, res.GetReturn())["names"].ArrayValue()
	require.NotEmpty(t, names)
	assert.Equal(t, "eu-west-1a", names[0].StringValue())

	_, err = s.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: "aws:index/getNothing:getNothing", Args: marshal(t, resource.PropertyMap{})})
	assert.ErrorContains(t, err, "aws:index/getNothing:getNothing", "an unknown invoke fails, naming its token")
}

func TestPackageAndVersionComeFromTheBinaryNameAndTheEnvironment(t *testing.T) {
	assert.Equal(t, "gcp", packageOf("/tmp/x/bin/pulumi-resource-gcp"))
	v, ok := versionOf("gcp", "aws=6.83.4,gcp=7.38.0")
	assert.True(t, ok)
	assert.Equal(t, "7.38.0", v)
	_, ok = versionOf("kubernetes", "aws=6.83.4,gcp=7.38.0")
	assert.False(t, ok)
}
