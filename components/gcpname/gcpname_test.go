package gcpname_test

import (
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/gcpname"
	"github.com/stretchr/testify/assert"
)

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		max  int
		want string
	}{
		{[]string{"gke", "cluster", "nodes"}, 30, "gke-cluster-nodes"},
		{[]string{"My_Stack", "x"}, 30, "my-stack-x"},
		{[]string{"1st"}, 30, "cb-1st"},
		{[]string{"a"}, 30, "a-x-x-x"},
	} {
		assert.Equal(t, tc.want, gcpname.Name(tc.max, tc.in...), tc.in)
	}
	long := gcpname.AccountID("a-very-long-stack-name-for-testing", "swarm", "manager")
	assert.LessOrEqual(t, len(long), 30)
	assert.Regexp(t, `-[0-9a-f]{6}$`, long, "cut, with a hash of the whole")
	other := gcpname.AccountID("a-very-long-stack-name-for-testing", "swarm", "worker")
	assert.NotEqual(t, long, other, "names cut to the same head differ by their hash")
	assert.True(t, strings.HasPrefix(long, "a-very-long-stack-name-"))
}
