package program_test

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// physicalNameKeys are the inputs that name a resource in its account or project, where
// a second resource of the same name fails to create, with the types they name (any
// type for "name"; elsewhere the same key only refers to such a resource).
var physicalNameKeys = map[string][]string{
	"name":      nil,
	"accountId": {"gcp:serviceaccount/account:Account"},
	"roleId":    {"gcp:projects/iAMCustomRole:IAMCustomRole"},
	"secretId":  {"gcp:secretmanager/secret:Secret"},
	"bucket":    {"aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"},
}

// physicalNames: "type key=value" for every physical name a stack's resources set
// themselves, in one creation.
func physicalNames(t *testing.T, file, creation string) map[string]string {
	t.Helper()
	in, err := stackfile.Read(file)
	require.NoError(t, err)
	res, err := harness.RunWith(in, program.Run, harness.Options{Creation: creation})
	require.NoError(t, err)
	out := map[string]string{}
	for _, r := range res.Inventory.Custom() {
		for k, types := range physicalNameKeys {
			if types != nil && !slices.Contains(types, r.Type) {
				continue
			}
			if v, ok := r.Inputs[k].(string); ok && v != "" {
				out[r.URN+" "+k] = r.Type + " " + k + "=" + v
			}
		}
	}
	return out
}

// fixedNames are the physical names that are the same in two creations of one stack:
// what collides when the stack is destroyed and created again (while the cloud still
// holds the old name), or created from a second checkout in the same account or project.
func fixedNames(t *testing.T, file string) []string {
	first, second := physicalNames(t, file, ""), physicalNames(t, file, "second")
	var same []string
	for urn, v := range first {
		if second[urn] == v {
			same = append(same, v)
		}
	}
	sort.Strings(same)
	return same
}

// Destroy-then-up and a second checkout with the same stack name must not collide on a
// name chosen by the program (issue 11 item 2: EKS's log group outlives the cluster,
// terraform-aws-eks#2486). No stack but swarm-gcp fixes a physical name: the self-managed
// GCE stack's secret ids, custom role id and etcd disk names end in a suffix of the
// auto-named network (its nodes read the secret ids under CB_STORE_PATH, which follows),
// and the SSM parameters kops-aws's nodes write, which no Pulumi resource holds, sit
// under a path naming the VPC (components/selfmanaged's TestStoreNamesTheNetwork). The
// names swarm-gcp still fixes are listed, so a new one fails the test: its secrets are
// Pulumi's and go with the stack, so only a second checkout meets them.
func TestNoFixedPhysicalNamesCollideAcrossCreations(t *testing.T) {
	secrets := func(stack string, keys ...string) []string {
		var out []string
		for _, k := range keys {
			out = append(out, "gcp:secretmanager/secret:Secret secretId="+stack+"-"+k)
		}
		return out
	}
	want := map[string][]string{
		"eks":       nil,
		"gke":       nil,
		"kops-aws":  nil,
		"kops-gcp":  nil,
		"swarm-aws": nil,
		"swarm-gcp": secrets("swarm-gcp-swarm", "lock", "manager-addrs", "manager-token", "unlock-key", "worker-token"),
	}
	for _, file := range stackFiles(t) {
		stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "Pulumi."), ".yaml")
		t.Run(stack, func(t *testing.T) {
			got := fixedNames(t, file)
			expected, listed := want[stack]
			require.True(t, listed, "list the fixed names of %s: %s", stack, strings.Join(got, "; "))
			assert.Equal(t, expected, got)
		})
	}
}
