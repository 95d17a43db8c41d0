package spec_test

import (
	"testing"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Self-managed and Swarm nodes on EC2 boot an amd64 image: Graviton types are refused
// before anything is registered; EKS picks an arm64 AMI type for them and accepts them.
func TestGravitonNodesNeedAnArm64Image(t *testing.T) {
	for _, orch := range []string{spec.SelfManaged, spec.Swarm} {
		_, _, err := parse(with(base(spec.AWS, orch), "clusterbench:workers", `{"machineType":"m7g.large"}`))
		require.Error(t, err, orch)
		assert.Contains(t, err.Error(), "clusterbench:workers.machineType = m7g.large: is a Graviton (arm64) instance type: "+orch+" nodes boot the Debian 12 amd64 image")
		_, _, err = parse(with(base(spec.AWS, orch), "clusterbench:controlPlane", `{"machineType":"t4g.medium"}`))
		require.Error(t, err, orch)
		assert.Contains(t, err.Error(), "clusterbench:controlPlane.machineType = t4g.medium: is a Graviton (arm64) instance type")
	}
	_, _, err := parse(with(base(spec.AWS, spec.Managed), "clusterbench:workers", `{"machineType":"m7g.large"}`))
	assert.NoError(t, err, "EKS runs Graviton nodes")
	_, _, err = parse(with(base(spec.AWS, spec.Swarm), "clusterbench:workers", `{"machineType":"m5.large"}`))
	assert.NoError(t, err)
}
