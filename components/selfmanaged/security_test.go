package selfmanaged_test

import (
	"encoding/json"
	"fmt"
	"github.com/clusterbench/clusterbench/internal/harness"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/clusterbench/clusterbench/components/selfmanaged/gcemodel"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	ingressRule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	gcpFirewall = "gcp:compute/firewall:Firewall"
)

// etcdPorts lists every etcd port a worker must never reach.
func etcdPorts() []int {
	var out []int
	for _, r := range selfmanaged.EtcdPortRanges {
		for p := r[0]; p <= r[1]; p++ {
			out = append(out, p)
		}
	}
	return out
}

// variants are the shapes whose rules differ: one or two admin networks (self-managed
// nodes are always private).
var variants = [][]string{
	nil,
	{"clusterbench:adminCidrs", `["198.51.100.0/24", "192.0.2.0/24"]`},
}

func sgID(t *testing.T, inv *inventory.Inventory, name string) string {
	for _, sg := range inv.OfType("aws:ec2/securityGroup:SecurityGroup") {
		if sg.Name == name {
			return sg.ID
		}
	}
	t.Fatalf("no security group %s", name)
	return ""
}

// AWS: into the control plane, only the control plane itself may open an etcd port:
// every other ingress rule (from nodes, the load balancer, any CIDR) misses them all;
// and the load balancer forwards only the API port.
func TestAwsNoRuleLetsNodesReachEtcd(t *testing.T) {
	for _, v := range variants {
		t.Run(variantName(v), func(t *testing.T) {
			inv := run(t, stack(t, "kops-aws", v...)).inv
			cp, nodes, api := sgID(t, inv, "cluster-control-plane"), sgID(t, inv, "cluster-nodes"), sgID(t, inv, "cluster-api")
			fromNodes := 0
			for _, r := range inv.OfType(ingressRule) {
				src := r.String("referencedSecurityGroupId")
				if src == nodes {
					fromNodes++
				}
				if r.String("securityGroupId") != cp || src == cp {
					continue
				}
				for _, p := range etcdPorts() {
					assert.False(t, awsRuleCovers(r, p), "%s opens etcd port %d of the control plane", r.Name, p)
				}
				if src == api {
					assert.Equal(t, []float64{6443, 6443}, []float64{num(r, "fromPort"), num(r, "toPort")})
				}
			}
			assert.GreaterOrEqual(t, fromNodes, 5, "the node rules were checked")
			for _, r := range inv.OfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
				if r.String("securityGroupId") == api {
					assert.Equal(t, []float64{6443, 6443}, []float64{num(r, "fromPort"), num(r, "toPort")}, "the load balancer only reaches the API")
				}
			}
		})
	}
}

// awsRuleCovers: the rule admits TCP to port p.
func awsRuleCovers(r inventory.Resource, p int) bool {
	switch r.String("ipProtocol") {
	case "-1":
		return true
	case "tcp", "6":
		return num(r, "fromPort") <= float64(p) && float64(p) <= num(r, "toPort")
	}
	return false
}

// GCE: for a packet from a worker (its service account, or any address of the node and
// pod ranges) to a control-plane member on an etcd port, the firewall rule that decides
// (lowest priority number; deny wins a tie) denies it, counting the network's own
// baseline rules.
func TestGcpNoRuleLetsNodesReachEtcd(t *testing.T) {
	for _, v := range variants {
		t.Run(variantName(v), func(t *testing.T) {
			inv := run(t, stack(t, "kops-gcp", v...)).inv
			cpSA, nodeSA := accountEmail(t, inv, "cluster-control-plane"), accountEmail(t, inv, "cluster-nodes")
			workerRanges := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/18"), netip.MustParsePrefix("10.0.128.0/17")}
			for _, p := range etcdPorts() {
				var deciding []inventory.Resource
				for _, fw := range inv.OfType(gcpFirewall) {
					if gcpSourceMatches(fw, nodeSA, workerRanges) && gcpTargetMatches(fw, cpSA) && gcpPortMatches(fw, p) {
						deciding = append(deciding, fw)
					}
				}
				require.NotEmpty(t, deciding, "port %d: some rule decides (the network's baseline allows it)", p)
				sort.SliceStable(deciding, func(i, j int) bool {
					pi, pj := priority(deciding[i]), priority(deciding[j])
					return pi < pj || (pi == pj && len(deciding[i].List("denies")) > 0)
				})
				assert.NotEmpty(t, deciding[0].List("denies"), "port %d from a worker is decided by %s, which allows it", p, deciding[0].Name)
			}
			// The members still reach each other's etcd: their allow outranks the deny.
			for _, fw := range inv.OfType(gcpFirewall) {
				if fw.Name == "cluster-cp-from-cp-all" {
					assert.Less(t, priority(fw), 900.0)
				}
			}
		})
	}
}

func accountEmail(t *testing.T, inv *inventory.Inventory, name string) string {
	for _, sa := range inv.OfType("gcp:serviceaccount/account:Account") {
		if sa.Name == name {
			return sa.String("accountId") + "@clusterbench-demo.iam.gserviceaccount.com"
		}
	}
	t.Fatalf("no service account %s", name)
	return ""
}

func priority(fw inventory.Resource) float64 {
	if p, ok := fw.Number("priority"); ok {
		return p
	}
	return 1000
}

func gcpSourceMatches(fw inventory.Resource, sa string, ranges []netip.Prefix) bool {
	for _, s := range fw.List("sourceServiceAccounts") {
		if s == sa {
			return true
		}
	}
	for _, s := range fw.List("sourceRanges") {
		src := netip.MustParsePrefix(s.(string))
		for _, r := range ranges {
			if src.Overlaps(r) {
				return true
			}
		}
	}
	return false
}

func gcpTargetMatches(fw inventory.Resource, sa string) bool {
	targets := fw.List("targetServiceAccounts")
	if len(targets) == 0 && len(fw.List("targetTags")) == 0 {
		return true // no target: every instance of the network
	}
	for _, s := range targets {
		if s == sa {
			return true
		}
	}
	return false
}

func gcpPortMatches(fw inventory.Resource, p int) bool {
	for _, key := range []string{"allows", "denies"} {
		for _, e := range fw.List(key) {
			m := e.(map[string]any)
			if proto := m["protocol"]; proto != "tcp" && proto != "all" {
				continue
			}
			ports, _ := m["ports"].([]any)
			if len(ports) == 0 {
				return true
			}
			for _, pr := range ports {
				lo, hi, found := strings.Cut(pr.(string), "-")
				if !found {
					hi = lo
				}
				l, _ := strconv.Atoi(lo)
				h, _ := strconv.Atoi(hi)
				if l <= p && p <= h {
					return true
				}
			}
		}
	}
	return false
}

// Nothing admits the whole internet: no AWS ingress rule from 0.0.0.0/0 and no GCE
// allow rule from it (the etcd deny is from everywhere on purpose).
func TestNothingIsOpenToTheInternet(t *testing.T) {
	for _, v := range variants {
		t.Run(variantName(v), func(t *testing.T) {
			for _, r := range run(t, stack(t, "kops-aws", v...)).inv.OfType(ingressRule) {
				assert.NotEqual(t, "0.0.0.0/0", r.String("cidrIpv4"), r.Name)
				assert.Empty(t, r.String("cidrIpv6"), r.Name)
			}
			for _, fw := range run(t, stack(t, "kops-gcp", v...)).inv.OfType(gcpFirewall) {
				if len(fw.List("allows")) == 0 {
					continue
				}
				for _, s := range fw.List("sourceRanges") {
					assert.NotEqual(t, "0.0.0.0/0", s, fw.Name)
				}
			}
		})
	}
}

type statement struct {
	Effect    string
	Action    any
	Resource  any
	Condition map[string]any
}

func list(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			out = append(out, e.(string))
		}
		return out
	}
	return nil
}

// awsPolicies reads every role policy of the stack: role name → statements.
func awsPolicies(t *testing.T, inv *inventory.Inventory) map[string][]statement {
	out := map[string][]statement{}
	for _, p := range inv.OfType("aws:iam/rolePolicy:RolePolicy") {
		var doc struct{ Statement []statement }
		require.NoError(t, json.Unmarshal([]byte(p.String("policy")), &doc), p.Name)
		out[p.Name] = doc.Statement
	}
	return out
}

// No allow statement names a wildcard action; a statement on every resource ("*") only
// describes or pulls images (actions without resource-level permissions). Volume
// attachment is conditioned on the cluster's tag; a worker reads only its two parameters.
func TestAwsIAMHasNoWildcards(t *testing.T) {
	policies := awsPolicies(t, run(t, stack(t, "kops-aws")).inv)
	require.Len(t, policies, 2)
	for role, statements := range policies {
		for _, s := range statements {
			require.Equal(t, "Allow", s.Effect)
			for _, a := range list(s.Action) {
				assert.NotContains(t, a, "*", "%s: wildcard action %s", role, a)
			}
			if slicesContain(list(s.Resource), "*") {
				for _, a := range list(s.Action) {
					_, verb, _ := strings.Cut(a, ":")
					assert.True(t, strings.HasPrefix(verb, "Describe") || strings.HasPrefix(a, "ecr:"), "%s: %s on every resource", role, a)
				}
			}
			if slicesContain(list(s.Action), "ec2:AttachVolume") {
				assert.Equal(t, map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/clusterbench/cluster": "kops-aws-cluster"}}, s.Condition)
			}
		}
	}
	var workerParams []string
	for _, s := range policies["cluster-nodes"] {
		for _, r := range list(s.Resource) {
			if strings.Contains(r, ":ssm:") {
				workerParams = append(workerParams, r)
			}
		}
	}
	assert.Equal(t, []string{awsStoreArn + "join-token", awsStoreArn + "ca-cert-hash"}, workerParams)
	// Members read the whole path and write, by name, only what the bootstrap writes.
	cpParams := map[string][]string{}
	for _, s := range policies["cluster-control-plane"] {
		for _, a := range list(s.Action) {
			for _, r := range list(s.Resource) {
				if strings.Contains(r, ":ssm:") {
					require.True(t, strings.HasPrefix(r, awsStoreArn), "%s is under the store path", r)
					cpParams[a] = append(cpParams[a], strings.TrimPrefix(r, awsStoreArn))
				}
			}
		}
	}
	assert.Equal(t, map[string][]string{
		"ssm:GetParameter": {"*"},
		"ssm:PutParameter": {"lock", "join-token", "ca-cert-hash", "certificate-key", "encryption-key", "admin-kubeconfig",
			"etcd-control-plane-0", "etcd-control-plane-1", "etcd-control-plane-2"},
	}, cpParams)
}

// GCE: project-wide, each account holds only the logging and metrics writers; members
// also create secrets (the lock election) and use the lock alone, by a condition on its
// name. Every other secret is granted per secret and role; no node attaches disks.
func TestGcpIAMIsMinimal(t *testing.T) {
	inv := run(t, stack(t, "kops-gcp")).inv
	cpSA, nodeSA := "serviceAccount:"+accountEmail(t, inv, "cluster-control-plane"), "serviceAccount:"+accountEmail(t, inv, "cluster-nodes")
	roles := map[string][]string{}
	for _, m := range inv.OfType("gcp:projects/iAMMember:IAMMember") {
		roles[m.String("member")] = append(roles[m.String("member")], m.String("role"))
		if strings.HasPrefix(m.String("role"), "roles/secretmanager.") {
			assert.Equal(t, gcemodel.LockCondition(gcpStorePath+"-lock"), m.String("condition.expression"), m.Name)
		}
	}
	assert.ElementsMatch(t, []string{"roles/logging.logWriter", "roles/monitoring.metricWriter", harness.AutoName("cluster-secret-creator"),
		"roles/secretmanager.secretAccessor", "roles/secretmanager.secretVersionAdder"}, roles[cpSA])
	assert.ElementsMatch(t, []string{"roles/logging.logWriter", "roles/monitoring.metricWriter"}, roles[nodeSA])
	custom := inv.OfType("gcp:projects/iAMCustomRole:IAMCustomRole")[0]
	assert.Equal(t, []any{"secretmanager.secrets.create"}, custom.List("permissions"))

	grants := map[string][]string{}
	for _, g := range inv.OfType("gcp:secretmanager/secretIamMember:SecretIamMember") {
		who := map[string]string{cpSA: "control-plane", nodeSA: "nodes"}[g.String("member")]
		grants[who] = append(grants[who], fmt.Sprintf("%s %s", g.String("secretId"), g.String("role")))
	}
	assert.ElementsMatch(t, []string{
		gcpStorePath + "-join-token roles/secretmanager.secretAccessor",
		gcpStorePath + "-ca-cert-hash roles/secretmanager.secretAccessor",
	}, grants["nodes"])
	assert.Len(t, grants["control-plane"], 2*(len(selfmanaged.StoreKeys)+3)+1)
	assert.Contains(t, grants["control-plane"], gcpStorePath+"-admin-kubeconfig roles/secretmanager.secretVersionAdder",
		"members publish the admin kubeconfig and never read it back")
	for _, s := range inv.OfType("gcp:secretmanager/secret:Secret") {
		assert.NotEqual(t, gcpStorePath+"-lock", s.String("secretId"), "the election creates the lock")
	}
	for _, g := range inv.OfType("gcp:storage/bucketIAMMember:BucketIAMMember") {
		assert.Equal(t, cpSA, g.String("member"), "only the control plane writes snapshots")
	}
}

func slicesContain(l []string, v string) bool {
	for _, e := range l {
		if e == v {
			return true
		}
	}
	return false
}

func variantName(v []string) string {
	if len(v) == 0 {
		return "shipped"
	}
	return strings.Join(v, "=")
}

// The control-plane role may do exactly what the bootstrap calls (aws ec2, ssm and s3
// commands in scripts/kubernetes/bootstrap.sh), nothing more: a member can neither take
// peers out of the API load balancer nor delete the lock or the join material.
func TestAwsControlPlaneGrantsExactlyWhatTheBootstrapCalls(t *testing.T) {
	var granted []string
	for _, s := range awsPolicies(t, run(t, stack(t, "kops-aws")).inv)["cluster-control-plane"] {
		granted = append(granted, list(s.Action)...)
	}
	body, err := os.ReadFile(filepath.Join("..", "..", "scripts", "kubernetes", "bootstrap.sh"))
	require.NoError(t, err)
	called := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^[^#\n]*\baws (ec2|ssm|s3) ([a-z-]+)`).FindAllStringSubmatch(string(body), -1) {
		called[m[1]+" "+m[2]] = true
	}
	actions := map[string]string{
		"ec2 describe-volumes": "ec2:DescribeVolumes", "ec2 attach-volume": "ec2:AttachVolume",
		"ssm get-parameter": "ssm:GetParameter", "ssm put-parameter": "ssm:PutParameter", "s3 cp": "s3:PutObject",
	}
	var needed []string
	for call := range called {
		action, known := actions[call]
		require.True(t, known, "the bootstrap calls `aws %s`: map it to its IAM action here and grant it", call)
		needed = append(needed, action)
	}
	assert.ElementsMatch(t, needed, granted)
}
