package kubeversion_test

import (
	"testing"

	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEmbeddedCalendarJudgesOnItsDate(t *testing.T) {
	c, err := kubeversion.Default()
	require.NoError(t, err)
	assert.Equal(t, "2026-11-26", c.Date)
	assert.Equal(t, kubeversion.StandardSupport, c.StatusOf("v1.35.4"))
	assert.Equal(t, kubeversion.ExtendedSupport, c.StatusOf("1.33"))
	assert.NoError(t, c.Supported("1.32"))
	assert.EqualError(t, c.Supported("1.29"), "EKS extended support ended 2026-03-23 (calendar date 2026-11-26)")
}

func TestCloneLeavesTheEmbeddedCalendarAlone(t *testing.T) {
	c, err := kubeversion.Default()
	require.NoError(t, err)
	clone := c.Clone()
	clone.Add([]kubeversion.Support{{Version: "1.36", Release: "2026-06-01", EndOfStandardSupport: "2027-08-01", EndOfExtendedSupport: "2028-08-01", Source: "test"}})
	assert.NoError(t, clone.Supported("1.36"))
	assert.Error(t, c.Supported("1.36"))
}
