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

// Secret ids and role ids carry the seed's suffix (one network, one suffix; another
// network, another), in the characters and lengths each kind takes.
func TestSecretPrefixAndRoleID(t *testing.T) {
	prefix := gcpname.SecretPrefix("network-1a2b3c4", "kops-gcp", "k8s")
	assert.Equal(t, "kops-gcp-k8s-"+gcpname.Suffix("network-1a2b3c4"), prefix)
	assert.Regexp(t, `^kops-gcp-k8s-[0-9a-f]{6}$`, prefix)
	assert.Equal(t, prefix, gcpname.SecretPrefix("network-1a2b3c4", "kops-gcp", "k8s"), "one seed, one prefix")
	assert.NotEqual(t, prefix, gcpname.SecretPrefix("network-9f8e7d6", "kops-gcp", "k8s"), "another creation, another prefix")
	assert.Regexp(t, `^My_stack-v1-k8s-[0-9a-f]{6}$`, gcpname.SecretPrefix("s", "My_stack.v1", "k8s"),
		"case and underscores kept, a period (allowed in stack names) made a hyphen")
	long := gcpname.SecretPrefix("s", strings.Repeat("a", 300), "k8s")
	assert.LessOrEqual(t, len(long), gcpname.MaxSecretPrefix)
	assert.LessOrEqual(t, len(long+"-etcd-control-plane-4"), gcpname.MaxSecretID)
	assert.Regexp(t, `^[a-zA-Z0-9_-]+$`, long)
	assert.NotEqual(t, long, gcpname.SecretPrefix("s", strings.Repeat("a", 299)+"b", "k8s"), "cut names differ by their hash")

	role := gcpname.RoleID("network-1a2b3c4", "kops-gcp-cluster", "secret_creator")
	assert.Regexp(t, `^kops_gcp_cluster_secret_creator_[0-9a-f]{6}$`, role)
	assert.NotEqual(t, role, gcpname.RoleID("network-9f8e7d6", "kops-gcp-cluster", "secret_creator"))
	for _, stack := range []string{"a", "dev.team-1", strings.Repeat("long-stack-", 12)} {
		id := gcpname.RoleID("s", stack+"-cluster", "secret_creator")
		assert.Regexp(t, `^[a-zA-Z0-9_.]{3,64}$`, id, stack)
	}
}
