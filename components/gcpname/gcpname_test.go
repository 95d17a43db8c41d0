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

func TestUnique(t *testing.T) {
	a := gcpname.Unique(30, "network-1a2b3c4", "gke", "cluster", "nodes")
	assert.Regexp(t, `^gke-cluster-nodes-[0-9a-f]{6}$`, a)
	assert.Equal(t, a, gcpname.Unique(30, "network-1a2b3c4", "gke", "cluster", "nodes"), "one seed, one id")
	assert.NotEqual(t, a, gcpname.Unique(30, "network-9f8e7d6", "gke", "cluster", "nodes"), "another creation, another id")
	long := gcpname.Unique(30, "seed", "a-very-long-stack-name-for-testing", "swarm", "manager")
	assert.LessOrEqual(t, len(long), 30)
	assert.Regexp(t, `^[a-z][a-z0-9-]{5,29}$`, long, "a valid service account id")
	assert.Regexp(t, `^[a-z][a-z0-9-]{5,29}$`, gcpname.Unique(30, "s", "a"), "short names are padded to 6 first")
}
