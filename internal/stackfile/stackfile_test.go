package stackfile_test

import (
	"testing"

	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The program receives configuration as the Pulumi CLI hands it over: scalars as
// written, objects and lists as JSON, secure values as secrets.
func TestParseReadsConfigAsTheCLIHandsItOver(t *testing.T) {
	in, err := stackfile.Parse("demo", []byte(`
encryptionsalt: v1:abc
config:
  aws:region: us-east-1
  clusterbench:zones: 3
  clusterbench:network.privateNodes: true
  clusterbench:workers:
    count: 3
    machineType: t3.large
  clusterbench:adminCidrs: [198.51.100.0/24]
  clusterbench:monitoring:
    secure: v1:AAAABBBB
  clusterbench:nested:
    apiKey:
      secure: v1:CCCC
  kubernetesVersion: "1.35"
`))
	require.NoError(t, err)
	assert.Equal(t, "demo", in.Stack)
	assert.Equal(t, "us-east-1", in.Config["aws:region"])
	assert.Equal(t, "3", in.Config["clusterbench:zones"])
	assert.Equal(t, "true", in.Config["clusterbench:network.privateNodes"])
	assert.JSONEq(t, `{"count": 3, "machineType": "t3.large"}`, in.Config["clusterbench:workers"])
	assert.JSONEq(t, `["198.51.100.0/24"]`, in.Config["clusterbench:adminCidrs"])
	assert.Equal(t, inventory.SecretPlaceholder, in.Config["clusterbench:monitoring"], "never decrypted offline")
	assert.JSONEq(t, `{"apiKey": "[secret]"}`, in.Config["clusterbench:nested"])
	assert.Equal(t, []string{"clusterbench:monitoring", "clusterbench:nested"}, in.SecretKeys)
	assert.Equal(t, "1.35", in.Config["clusterbench:kubernetesVersion"], "a bare key is the project's")
}

func TestParseRefusesWhatIsNotAStackFile(t *testing.T) {
	_, err := stackfile.Parse("x", []byte("config: [1, 2]\n"))
	assert.ErrorContains(t, err, "config: must be a map")
	_, err = stackfile.Parse("x", []byte("config: {a: [\n"))
	assert.ErrorContains(t, err, "not a valid stack file")
	_, err = stackfile.Parse("x", []byte("config:\n  clusterbench:zones: 3\n  zones: 2\n"))
	assert.ErrorContains(t, err, "config: clusterbench:zones: set twice")
}

func TestStackName(t *testing.T) {
	name, ok := stackfile.StackName("stacks/Pulumi.swarm-aws.yaml")
	assert.True(t, ok)
	assert.Equal(t, "swarm-aws", name)
	_, ok = stackfile.StackName("stacks/swarm.yaml")
	assert.False(t, ok)
}
