package selfmanaged_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/gcpname"
	"github.com/clusterbench/clusterbench/components/secretstore"
	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/clusterbench/clusterbench/components/selfmanaged/gcemodel"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// creations are two `pulumi up`s that create one stack: the first, and the same stack
// destroyed and created again (or created from a second checkout), on another network.
var creations = []string{"", "created again"}

// The nodes write the lock and the join material themselves, so `pulumi destroy` leaves
// them; a stack created again must not find them. Its store (SSM path, Secret Manager
// ids), the lock's grants, the custom role and the etcd disks take their names from the
// network, which is new on every creation: two creations share none of them, and every
// grant, every node's CB_STORE_PATH and the kubeconfig command name this creation's.
func TestStoreNamesTheNetwork(t *testing.T) {
	t.Run("kops-aws", func(t *testing.T) {
		var paths []string
		for _, creation := range creations {
			res := runCreation(t, withAddons(t, "kops-aws", spec.MonitoringDatadog, false), creation)
			path := awsStoreOf(t, res)
			paths = append(paths, path)
		}
		assert.NotEqual(t, paths[0], paths[1], "a stack created again starts from an empty store")
		for _, p := range paths {
			assert.NotEqual(t, "/clusterbench/kops-aws/k8s", p, "the path fixed by the stack's name alone")
		}
	})
	t.Run("kops-gcp", func(t *testing.T) {
		var got []gcpStore
		for _, creation := range creations {
			res := runCreation(t, withAddons(t, "kops-gcp", spec.MonitoringDatadog, false), creation)
			got = append(got, gcpStoreOf(t, res))
		}
		assert.NotEqual(t, got[0].path, got[1].path, "a stack created again starts from an empty store")
		assert.NotEqual(t, got[0].roleID, got[1].roleID, "a deleted custom role's id is kept for 37 days")
		for _, disk := range got[0].disks {
			assert.NotContains(t, got[1].disks, disk, "a second checkout's disks")
		}
		for _, s := range got {
			assert.NotEqual(t, "kops-gcp-k8s", s.path, "the prefix fixed by the stack's name alone")
			assert.NotEqual(t, "kops_gcp_cluster_secret_creator", s.roleID)
		}
	})
}

// awsStoreOf checks one kops-aws creation: its store path names its VPC, and everything
// that names a parameter names one under that path. It returns the path.
func awsStoreOf(t *testing.T, res *result) string {
	t.Helper()
	path, _ := res.exports["storePath"].(string)
	vpc := fmt.Sprint(res.exports["vpcId"])
	require.Regexp(t, `^network-`, vpc)
	assert.Equal(t, "/clusterbench/kops-aws/k8s/"+vpc, path)
	arnPrefix := "arn:aws:ssm:us-east-1:123456789012:parameter" + path + "/"
	policies := awsPolicies(t, res.inv)
	require.Len(t, policies, 2)
	grants := 0
	for role, statements := range policies {
		for _, s := range statements {
			for _, r := range list(s.Resource) {
				if strings.Contains(r, ":ssm:") {
					grants++
					assert.True(t, strings.HasPrefix(r, arnPrefix), "%s grants %s, outside %s", role, r, path)
				}
			}
		}
	}
	// Workers: 2 keys; members: read the path, write lock, 4 join keys, kubeconfig, 3 endpoints.
	assert.Equal(t, 2+1+1+len(selfmanaged.StoreKeys)+1+3, grants)
	params := res.inv.OfType("aws:ssm/parameter:Parameter")
	require.Len(t, params, 1)
	assert.Equal(t, path+"/"+secretstore.DatadogAPIKey, params[0].String("name"))
	assertStorePathEverywhere(t, res, path)
	assert.Contains(t, res.exports["kubeconfigCommand"], "--name "+path+"/"+selfmanaged.AdminKubeconfigKey+" ")
	return path
}

// gcpStore is what one kops-gcp creation names.
type gcpStore struct {
	path, roleID string
	disks        []string
}

var (
	secretIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)
	roleIDPattern   = regexp.MustCompile(`^[a-zA-Z0-9_.]{3,64}$`)
	diskPattern     = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
)

// gcpStoreOf checks one kops-gcp creation: its store prefix ends in the suffix of its
// network's name, every secret, secret grant and lock condition names one under that
// prefix, and the role and disks carry the same suffix. It returns the names.
func gcpStoreOf(t *testing.T, res *result) gcpStore {
	t.Helper()
	require.Len(t, res.inv.OfType("gcp:compute/network:Network"), 1)
	suffix := accountSuffix(t, res)
	path, _ := res.exports["storePath"].(string)
	assert.Equal(t, "kops-gcp-k8s-"+suffix, path)

	ids := map[string]bool{}
	for _, s := range res.inv.OfType("gcp:secretmanager/secret:Secret") {
		id := s.String("secretId")
		assert.True(t, strings.HasPrefix(id, path+"-"), "secret %s outside %s", id, path)
		assert.Regexp(t, secretIDPattern, id)
		ids[id] = true
	}
	assert.True(t, ids[path+"-"+secretstore.DatadogAPIKey], "the Datadog key under the prefix")
	assert.True(t, ids[path+"-"+selfmanaged.AdminKubeconfigKey])
	grants := res.inv.OfType("gcp:secretmanager/secretIamMember:SecretIamMember")
	require.NotEmpty(t, grants)
	for _, g := range grants {
		assert.True(t, ids[g.String("secretId")], "%s grants on %s, not a secret of this store", g.Name, g.String("secretId"))
	}
	conditional := 0
	for _, m := range res.inv.OfType("gcp:projects/iAMMember:IAMMember") {
		if expr := m.String("condition.expression"); expr != "" {
			conditional++
			assert.Equal(t, gcemodel.LockCondition(path+"-"+selfmanaged.LockKey), expr, m.Name)
			assert.Equal(t, fmt.Sprintf("secret %s-%s only", path, selfmanaged.LockKey), m.String("condition.description"), m.Name)
		}
	}
	assert.Equal(t, 2, conditional, "the lock's accessor and version adder")

	roles := res.inv.OfType("gcp:projects/iAMCustomRole:IAMCustomRole")
	require.Len(t, roles, 1)
	roleID := roles[0].String("roleId")
	assert.Equal(t, "kops_gcp_cluster_secret_creator_"+suffix, roleID)
	assert.Regexp(t, roleIDPattern, roleID)

	var disks []string
	for _, d := range res.inv.OfType(gcpDisk) {
		name := d.String("name")
		assert.Regexp(t, diskPattern, name)
		assert.True(t, strings.HasSuffix(name, "-etcd-main-"+suffix), name)
		assert.Contains(t, d.IgnoreChanges, "name", "an existing stack keeps its disks (and etcd's data)")
		disks = append(disks, name)
	}
	require.Len(t, disks, 3)

	assertStorePathEverywhere(t, res, path)
	assert.Contains(t, res.exports["kubeconfigCommand"], "--secret "+path+"-"+selfmanaged.AdminKubeconfigKey+" ")
	return gcpStore{path: path, roleID: roleID, disks: disks}
}

// accountSuffix is the suffix the service accounts' ids take from the network's name:
// the store, role and disks must share it.
func accountSuffix(t *testing.T, res *result) string {
	t.Helper()
	var suffixes []string
	for _, a := range res.inv.OfType("gcp:serviceaccount/account:Account") {
		id := a.String("accountId")
		suffixes = append(suffixes, id[strings.LastIndex(id, "-")+1:])
	}
	require.Len(t, suffixes, 2)
	require.Equal(t, suffixes[0], suffixes[1])
	require.Len(t, suffixes[0], 6)
	return suffixes[0]
}

// assertStorePathEverywhere: every node's bootstrap reads the store under path.
func assertStorePathEverywhere(t *testing.T, res *result, path string) {
	t.Helper()
	require.Len(t, res.scripts, 4, "3 members and the workers")
	for tpl, script := range res.scripts {
		assert.Equal(t, path, selfmanaged.ParseSettings(script)["CB_STORE_PATH"], tpl)
	}
}

// Names stay within GCP's limits whatever the stack is called: a long stack name is cut
// and hashed, never refused by the API.
func TestGcpStoreNamesFitLongStackNames(t *testing.T) {
	in := stack(t, "kops-gcp")
	in.Stack = "a-rather-long-stack-name-for-a-team-that-names-things-verbosely-v2"
	res := run(t, in)
	path, _ := res.exports["storePath"].(string)
	assert.LessOrEqual(t, len(path), gcpname.MaxSecretPrefix)
	for _, s := range res.inv.OfType("gcp:secretmanager/secret:Secret") {
		assert.Regexp(t, secretIDPattern, s.String("secretId"))
	}
	for _, r := range res.inv.OfType("gcp:projects/iAMCustomRole:IAMCustomRole") {
		assert.Regexp(t, roleIDPattern, r.String("roleId"))
	}
	for _, d := range res.inv.OfType(gcpDisk) {
		assert.Regexp(t, diskPattern, d.String("name"))
	}
}
