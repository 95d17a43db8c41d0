package swarm_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/components/swarm"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/clusterbench/clusterbench/scripts"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	asg          = "aws:autoscaling/group:Group"
	launchTmpl   = "aws:ec2/launchTemplate:LaunchTemplate"
	secGroup     = "aws:ec2/securityGroup:SecurityGroup"
	sgIngress    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	sgEgress     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	subnet       = "aws:ec2/subnet:Subnet"
	rolePolicy   = "aws:iam/rolePolicy:RolePolicy"
	nlb          = "aws:lb/loadBalancer:LoadBalancer"
	targetGroup  = "aws:lb/targetGroup:TargetGroup"
	listener     = "aws:lb/listener:Listener"
	firewall     = "gcp:compute/firewall:Firewall"
	zonalMIG     = "gcp:compute/instanceGroupManager:InstanceGroupManager"
	regionalMIG  = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"
	instanceTmpl = "gcp:compute/instanceTemplate:InstanceTemplate"
	secret       = "gcp:secretmanager/secret:Secret"
	secretIAM    = "gcp:secretmanager/secretIamMember:SecretIamMember"
	forwarding   = "gcp:compute/forwardingRule:ForwardingRule"
	targetPool   = "gcp:compute/targetPool:TargetPool"
)

// stack reads a shipped stack file and applies overrides ("<unset>" removes a key).
func stack(t *testing.T, name string, overrides ...string) spec.Input {
	t.Helper()
	in, err := stackfile.Read(filepath.Join("..", "..", "stacks", "Pulumi."+name+".yaml"))
	require.NoError(t, err)
	for i := 0; i+1 < len(overrides); i += 2 {
		if overrides[i+1] == "<unset>" {
			delete(in.Config, overrides[i])
		} else {
			in.Config[overrides[i]] = overrides[i+1]
		}
	}
	return in
}

func run(t *testing.T, in spec.Input) *harness.Result {
	t.Helper()
	res, err := harness.Run(in, program.Run)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, r := range res.Inventory.Resources {
		require.False(t, seen[r.URN], "duplicate URN %s", r.URN)
		seen[r.URN] = true
	}
	return res
}

func one(t *testing.T, inv *inventory.Inventory, typ string) inventory.Resource {
	t.Helper()
	rs := inv.OfType(typ)
	require.Len(t, rs, 1, typ)
	return rs[0]
}

func named(t *testing.T, inv *inventory.Inventory, typ, name string) inventory.Resource {
	t.Helper()
	for _, r := range inv.OfType(typ) {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s named %s", typ, name)
	return inventory.Resource{}
}

// nameOfID names the recorded resource with a provider id (the mock's id is name-id).
func nameOfID(inv *inventory.Inventory, id any) string {
	for _, r := range inv.Resources {
		if r.ID != "" && r.ID == id {
			return r.Name
		}
	}
	return fmt.Sprint(id)
}

func strs(l []any) []string {
	out := make([]string, len(l))
	for i, v := range l {
		out[i] = fmt.Sprint(v)
	}
	return out
}

// The shipped stacks, resource by resource: a change here is a change in cost and in
// what `pulumi up` builds.
func TestSwarmStackCounts(t *testing.T) {
	aws := run(t, stack(t, "swarm-aws")).Inventory
	assert.Equal(t, map[string]int{
		asg: 4, launchTmpl: 4, secGroup: 4, sgIngress: 8, sgEgress: 2,
		"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1, "aws:ec2/eip:Eip": 3,
		"aws:ec2/internetGateway:InternetGateway": 1, "aws:ec2/natGateway:NatGateway": 3,
		"aws:ec2/route:Route": 4, "aws:ec2/routeTable:RouteTable": 4,
		"aws:ec2/routeTableAssociation:RouteTableAssociation": 6, subnet: 6, "aws:ec2/vpc:Vpc": 1,
		"aws:iam/instanceProfile:InstanceProfile": 2, "aws:iam/role:Role": 2, rolePolicy: 2,
		nlb: 1, targetGroup: 1, listener: 1,
	}, inventory.CountByType(aws.Custom()))
	assert.Len(t, aws.Custom(), 60)
	assert.Equal(t, map[string]int{swarm.AwsSwarmType: 1, network.AwsNetworkType: 1}, inventory.CountByType(aws.Components()))

	gcp := run(t, stack(t, "swarm-gcp")).Inventory
	assert.Equal(t, map[string]int{
		firewall: 7, forwarding: 1, zonalMIG: 3, regionalMIG: 1, instanceTmpl: 4,
		"gcp:compute/network:Network": 1, "gcp:compute/regionAutoscaler:RegionAutoscaler": 1,
		"gcp:compute/router:Router": 1, "gcp:compute/routerNat:RouterNat": 1,
		"gcp:compute/subnetwork:Subnetwork": 1, targetPool: 1, secret: 5, secretIAM: 11,
		"gcp:serviceaccount/account:Account": 2,
	}, inventory.CountByType(gcp.Custom()))
	assert.Len(t, gcp.Custom(), 40)
	assert.Equal(t, map[string]int{swarm.GcpSwarmType: 1, network.GcpNetworkType: 1}, inventory.CountByType(gcp.Components()))

	for _, inv := range []*inventory.Inventory{aws, gcp} {
		for _, r := range inv.Custom() {
			assert.Contains(t, []string{swarm.AwsSwarmType, swarm.GcpSwarmType, network.AwsNetworkType, network.GcpNetworkType}, r.Parent, "%s has a component parent", r.Name)
		}
	}
}

// awsGroupZones: each manager group's zones (from its subnets) by manager number, and
// the worker group.
func awsGroups(t *testing.T, inv *inventory.Inventory) (managers [][]string, workers inventory.Resource) {
	zoneOf := map[string]string{}
	for _, sn := range inv.OfType(subnet) {
		zoneOf[sn.ID] = sn.String("availabilityZone")
	}
	byName := map[string]inventory.Resource{}
	for _, g := range inv.OfType(asg) {
		byName[g.Name] = g
	}
	for i := 1; ; i++ {
		g, ok := byName[fmt.Sprintf("swarm-manager-%d", i)]
		if !ok {
			break
		}
		assert.Equal(t, [3]float64{1, 1, 1}, [3]float64{num(g, "minSize"), num(g, "desiredCapacity"), num(g, "maxSize")}, "a manager group is exactly one")
		assert.Equal(t, "control-plane", groupTag(g, "clusterbench/role"), "the fault-tolerance model finds managers by role")
		var zones []string
		for _, id := range g.List("vpcZoneIdentifiers") {
			zones = append(zones, zoneOf[id.(string)])
		}
		managers = append(managers, zones)
	}
	return managers, named(t, inv, asg, "swarm-workers")
}

func num(r inventory.Resource, path string) float64 {
	n, _ := r.Number(path)
	return n
}

func groupTag(g inventory.Resource, key string) string {
	for _, tag := range g.List("tags") {
		if m := tag.(map[string]any); m["key"] == key {
			return fmt.Sprint(m["value"])
		}
	}
	return ""
}

// 1, 3, 5 and 7 managers over 1, 2 and 3 zones: one group of one per manager, in the
// zone ManagerZones gives it; the workers in one group over every zone.
func TestManagersAndWorkersPerZone(t *testing.T) {
	awsZones := []string{"us-east-1a", "us-east-1b", "us-east-1c"}
	gcpZones := []string{"us-central1-a", "us-central1-b", "us-central1-c"}
	for _, count := range []int{1, 3, 5, 7} {
		for zones := 1; zones <= 3; zones++ {
			overrides := []string{
				"clusterbench:zones", fmt.Sprint(zones),
				"clusterbench:controlPlane", fmt.Sprintf(`{"count": %d}`, count),
				"clusterbench:workers", `{"count": 4, "min": 2, "max": 8}`,
			}
			t.Run(fmt.Sprintf("aws %d managers over %d zones", count, zones), func(t *testing.T) {
				inv := run(t, stack(t, "swarm-aws", overrides...)).Inventory
				managers, workers := awsGroups(t, inv)
				require.Len(t, managers, count)
				for i, want := range swarm.ManagerZones(count, awsZones[:zones]) {
					assert.Equal(t, []string{want}, managers[i], "manager %d", i+1)
				}
				assert.Equal(t, [3]float64{2, 4, 8}, [3]float64{num(workers, "minSize"), num(workers, "desiredCapacity"), num(workers, "maxSize")})
				assert.Len(t, workers.List("vpcZoneIdentifiers"), zones, "workers span every zone")
				assert.Equal(t, "worker", groupTag(workers, "clusterbench/role"))
			})
			t.Run(fmt.Sprintf("gcp %d managers over %d zones", count, zones), func(t *testing.T) {
				inv := run(t, stack(t, "swarm-gcp", overrides...)).Inventory
				want := swarm.ManagerZones(count, gcpZones[:zones])
				migs := inv.OfType(zonalMIG)
				var managerZones []string
				for i := 1; i <= count; i++ {
					m := named(t, inv, zonalMIG, fmt.Sprintf("swarm-manager-%d", i))
					assert.Equal(t, 1.0, num(m, "targetSize"))
					managerZones = append(managerZones, m.String("zone"))
				}
				assert.Equal(t, want, managerZones)
				if zones == 1 {
					require.Len(t, migs, count+1, "the workers are a zonal group too")
					w := named(t, inv, zonalMIG, "swarm-workers")
					assert.Equal(t, gcpZones[0], w.String("zone"))
					assert.Equal(t, 4.0, num(w, "targetSize"))
					return
				}
				w := one(t, inv, regionalMIG)
				assert.Equal(t, gcpZones[:zones], strs(w.List("distributionPolicyZones")))
				assert.Equal(t, 4.0, num(w, "targetSize"))
				auto := one(t, inv, "gcp:compute/regionAutoscaler:RegionAutoscaler")
				assert.Equal(t, 2.0, num(auto, "autoscalingPolicy.minReplicas"))
				assert.Equal(t, 8.0, num(auto, "autoscalingPolicy.maxReplicas"))
			})
		}
	}
}

// GCP: the role label is on each template and on the VMs each group runs, so the
// fault-tolerance model finds the managers.
func TestGcpGroupsCarryTheRole(t *testing.T) {
	inv := run(t, stack(t, "swarm-gcp")).Inventory
	roles := map[string]string{}
	for _, tpl := range inv.OfType(instanceTmpl) {
		roles[tpl.Name] = tpl.String("labels.clusterbench-role")
	}
	for _, g := range append(inv.OfType(zonalMIG), inv.OfType(regionalMIG)...) {
		roles[g.Name] = g.String("allInstancesConfig.labels.clusterbench-role")
	}
	assert.Equal(t, map[string]string{
		"swarm-manager-1-tpl": "control-plane", "swarm-manager-2-tpl": "control-plane", "swarm-manager-3-tpl": "control-plane",
		"swarm-workers-tpl": "worker",
		"swarm-manager-1":   "control-plane", "swarm-manager-2": "control-plane", "swarm-manager-3": "control-plane",
		"swarm-workers": "worker",
	}, roles)
}

// awsRules renders every security group rule as "group <- source proto/port".
func awsRules(inv *inventory.Inventory, typ, arrow string) []string {
	var out []string
	for _, r := range inv.OfType(typ) {
		source := r.String("cidrIpv4")
		if ref := r.String("referencedSecurityGroupId"); ref != "" {
			source = nameOfID(inv, ref)
		}
		port := r.String("ipProtocol")
		if from, ok := r.Number("fromPort"); ok {
			to, _ := r.Number("toPort")
			port += fmt.Sprintf("/%g", from)
			if to != from {
				port += fmt.Sprintf("-%g", to)
			}
		}
		out = append(out, fmt.Sprintf("%s %s %s %s", nameOfID(inv, r.String("securityGroupId")), arrow, source, port))
	}
	sort.Strings(out)
	return out
}

// The security groups allow exactly Docker's swarm ports between the swarm's nodes, SSH
// and the published port from adminCidrs only, and nothing else.
func TestAwsFirewallIsExact(t *testing.T) {
	inv := run(t, stack(t, "swarm-aws", "clusterbench:adminCidrs", `["198.51.100.0/24", "192.0.2.8/29"]`)).Inventory
	assert.Equal(t, []string{
		"swarm-cluster <- 192.0.2.8/29 tcp/22",
		"swarm-cluster <- 198.51.100.0/24 tcp/22",
		"swarm-cluster <- swarm-cluster 50", // IPsec ESP: encrypted overlays
		"swarm-cluster <- swarm-cluster tcp/7946",
		"swarm-cluster <- swarm-cluster udp/4789",
		"swarm-cluster <- swarm-cluster udp/7946",
		"swarm-lb <- 192.0.2.8/29 tcp/80",
		"swarm-lb <- 198.51.100.0/24 tcp/80",
		"swarm-managers <- swarm-cluster tcp/2377",
		"swarm-workers <- swarm-lb tcp/80",
	}, awsRules(inv, sgIngress, "<-"))
	assert.Equal(t, []string{
		"swarm-cluster -> 0.0.0.0/0 -1",
		"swarm-lb -> swarm-workers tcp/80",
	}, awsRules(inv, sgEgress, "->"))

	groups := map[string][]string{}
	for _, lt := range inv.OfType(launchTmpl) {
		for _, id := range lt.List("vpcSecurityGroupIds") {
			groups[lt.Name] = append(groups[lt.Name], nameOfID(inv, id))
		}
	}
	assert.Equal(t, []string{"swarm-cluster", "swarm-managers"}, groups["swarm-manager-1-lt"])
	assert.Equal(t, []string{"swarm-cluster", "swarm-workers"}, groups["swarm-workers-lt"])
	assert.Equal(t, []any{"swarm-lb-id"}, one(t, inv, nlb).List("securityGroups"))
}

// gcpRules renders every firewall rule of the network, the network's baseline included.
func gcpRules(inv *inventory.Inventory) []string {
	var out []string
	for _, r := range inv.OfType(firewall) {
		priority := 1000.0
		if p, ok := r.Number("priority"); ok {
			priority = p
		}
		action, list := "allow", r.List("allows")
		if len(r.List("denies")) > 0 {
			action, list = "deny", r.List("denies")
		}
		var protocols []string
		for _, a := range list {
			m := a.(map[string]any)
			p := fmt.Sprint(m["protocol"])
			if ports, ok := m["ports"].([]any); ok {
				p += ":" + strings.Join(strs(ports), ",")
			}
			protocols = append(protocols, p)
		}
		from := append(strs(r.List("sourceRanges")), strs(r.List("sourceTags"))...)
		to := strs(r.List("targetTags"))
		if len(to) == 0 {
			to = []string{"all"}
		}
		out = append(out, fmt.Sprintf("%s %g %s %s from %s to %s", r.Name, priority, action,
			strings.Join(protocols, " "), strings.Join(from, ","), strings.Join(to, ",")))
	}
	sort.Strings(out)
	return out
}

// Firewall rules on GCP: the network's baseline allows all TCP/UDP inside its ranges;
// for the swarm's nodes that is narrowed, by priority, to exactly Docker's ports.
func TestGcpFirewallIsExact(t *testing.T) {
	inv := run(t, stack(t, "swarm-gcp")).Inventory
	assert.Equal(t, []string{
		"network-internal 1000 allow tcp udp icmp from 10.0.0.0/18,10.0.128.0/17 to all",
		"network-ssh-admin 1000 allow tcp:22 from 203.0.113.0/24 to all",
		"swarm-deny-docker-api 700 deny tcp:2375-2376 from 0.0.0.0/0 to swarm-node",
		"swarm-deny-internal 900 deny tcp udp from 10.0.0.0/18,10.0.128.0/17 to swarm-node",
		"swarm-manage 800 allow tcp:2377 from swarm-node to swarm-manager",
		"swarm-overlay 800 allow tcp:7946 udp:7946,4789 esp from swarm-node to swarm-node",
		"swarm-published 800 allow tcp:80 from 203.0.113.0/24 to swarm-worker",
	}, gcpRules(inv))
	tags := map[string][]string{}
	for _, tpl := range inv.OfType(instanceTmpl) {
		tags[tpl.Name] = strs(tpl.List("tags"))
	}
	assert.Equal(t, []string{"swarm-node", "swarm-manager"}, tags["swarm-manager-2-tpl"])
	assert.Equal(t, []string{"swarm-node", "swarm-worker"}, tags["swarm-workers-tpl"])
}

// covers reports whether a port list ("80", "2375-2376") or no list (every port)
// includes port.
func covers(ports []string, port int) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		var lo, hi int
		if n, _ := fmt.Sscanf(p, "%d-%d", &lo, &hi); n == 2 {
			if lo <= port && port <= hi {
				return true
			}
		} else if p == fmt.Sprint(port) {
			return true
		}
	}
	return false
}

// Docker's API (2375 plain, 2376 TLS) is reachable from nowhere: no AWS rule admits it,
// and on GCP every allow that would reach a swarm node is outranked by the deny.
func TestNoDockerAPIPortAnywhere(t *testing.T) {
	aws := run(t, stack(t, "swarm-aws")).Inventory
	for _, r := range aws.OfType(sgIngress) {
		assert.NotEqual(t, "-1", r.String("ipProtocol"), "%s admits every protocol", r.Name)
		from, _ := r.Number("fromPort")
		to, _ := r.Number("toPort")
		for _, port := range []float64{2375, 2376} {
			assert.False(t, from <= port && port <= to, "%s admits %g", r.Name, port)
		}
	}
	gcp := run(t, stack(t, "swarm-gcp")).Inventory
	deny := named(t, gcp, firewall, "swarm-deny-docker-api")
	denyPriority, _ := deny.Number("priority")
	for _, r := range gcp.OfType(firewall) {
		targets := strs(r.List("targetTags"))
		reachesNodes := len(targets) == 0 || strings.HasPrefix(strings.Join(targets, ","), "swarm-")
		for _, a := range r.List("allows") {
			m := a.(map[string]any)
			ports, _ := m["ports"].([]any)
			for _, port := range []int{2375, 2376} {
				if m["protocol"] == "tcp" && covers(strs(ports), port) && reachesNodes {
					priority := 1000.0
					if p, ok := r.Number("priority"); ok {
						priority = p
					}
					assert.Less(t, denyPriority, priority, "%s allows tcp/%d: the deny must outrank it", r.Name, port)
				}
			}
		}
	}
	assert.Equal(t, []string{"0.0.0.0/0"}, strs(deny.List("sourceRanges")))
	assert.Equal(t, []string{"swarm-node"}, strs(deny.List("targetTags")))
}

// Nothing is open to the internet: no ingress from 0.0.0.0/0 (SSH, 2377, 7946, 4789 and
// the published ports included); only egress and the GCP deny use it.
func TestNothingAdmittedFromTheInternet(t *testing.T) {
	for _, tc := range []struct{ name, stack string }{{"private nodes", "private"}, {"public nodes", "public"}} {
		t.Run(tc.name, func(t *testing.T) {
			overrides := []string{}
			if tc.stack == "public" {
				overrides = []string{"clusterbench:network", `{"privateNodes": false}`}
			}
			aws := run(t, stack(t, "swarm-aws", overrides...)).Inventory
			for _, r := range aws.OfType(sgIngress) {
				assert.NotEqual(t, "0.0.0.0/0", r.String("cidrIpv4"), r.Name)
				assert.Empty(t, r.String("cidrIpv6"), r.Name)
			}
			gcp := run(t, stack(t, "swarm-gcp", overrides...)).Inventory
			for _, r := range gcp.OfType(firewall) {
				if len(r.List("allows")) > 0 {
					assert.NotContains(t, strs(r.List("sourceRanges")), "0.0.0.0/0", r.Name)
				}
			}
		})
	}
}

// policy decodes an IAM policy document.
type policy struct {
	Statement []struct {
		Effect   string
		Action   []string
		Resource []string
	}
}

// Managers read and write the five keys of this swarm's store; workers read the worker
// token and the managers' addresses, never the manager token or the unlock key. Every
// resource is named in full: no "*".
func TestAwsStoreAccessIsScopedPerRole(t *testing.T) {
	inv := run(t, stack(t, "swarm-aws")).Inventory
	arn := func(key string) string {
		return "arn:aws:ssm:us-east-1:123456789012:parameter/clusterbench/swarm-aws/swarm/network-id/" + key
	}
	docs := map[string]policy{}
	for _, r := range inv.OfType(rolePolicy) {
		var p policy
		require.NoError(t, json.Unmarshal([]byte(r.String("policy")), &p), r.Name)
		docs[r.Name] = p
		for _, s := range p.Statement {
			assert.Equal(t, "Allow", s.Effect)
			for _, v := range append(append([]string{}, s.Action...), s.Resource...) {
				assert.NotContains(t, v, "*", "%s: no wildcard", r.Name)
			}
		}
	}
	require.Len(t, docs, 2)
	manager, worker := docs["swarm-manager-store"], docs["swarm-worker-store"]
	require.Len(t, manager.Statement, 1)
	require.Len(t, worker.Statement, 1)
	assert.Equal(t, []string{arn("lock"), arn("manager-token"), arn("worker-token"), arn("unlock-key"), arn("manager-addrs")}, manager.Statement[0].Resource)
	assert.ElementsMatch(t, []string{"ssm:GetParameter", "ssm:PutParameter"}, manager.Statement[0].Action, "only what the bootstrap calls")
	assert.Equal(t, []string{arn("worker-token"), arn("manager-addrs")}, worker.Statement[0].Resource)
	assert.ElementsMatch(t, []string{"ssm:GetParameter"}, worker.Statement[0].Action, "workers write nothing")

	// Each role's instances run with its own profile.
	for _, lt := range inv.OfType(launchTmpl) {
		want := harness.AutoName("swarm-manager")
		if lt.Name == "swarm-workers-lt" {
			want = harness.AutoName("swarm-worker")
		}
		assert.Equal(t, want, lt.String("iamInstanceProfile.name"), lt.Name)
		assert.Equal(t, "required", lt.String("metadataOptions.httpTokens"), "IMDSv2")
		assert.Equal(t, "true", lt.String("blockDeviceMappings.0.ebs.encrypted"))
	}
}

// GCP: one secret per key, bound per secret and per role to dedicated service accounts;
// no project-level role for anyone.
func TestGcpStoreAccessIsScopedPerRole(t *testing.T) {
	inv := run(t, stack(t, "swarm-gcp")).Inventory
	var ids []string
	for _, s := range inv.OfType(secret) {
		ids = append(ids, s.String("secretId"))
		assert.NotNil(t, s.Inputs["replication"])
	}
	assert.ElementsMatch(t, []string{"swarm-gcp-swarm-lock", "swarm-gcp-swarm-manager-token", "swarm-gcp-swarm-worker-token", "swarm-gcp-swarm-unlock-key", "swarm-gcp-swarm-manager-addrs"}, ids)

	accounts := map[string]string{}
	for _, a := range inv.OfType("gcp:serviceaccount/account:Account") {
		accounts[a.Name] = "serviceAccount:" + a.String("accountId") + "@clusterbench-demo.iam.gserviceaccount.com"
	}
	manager, worker := accounts["swarm-manager"], accounts["swarm-worker"]
	require.NotEmpty(t, manager)
	require.NotEmpty(t, worker)
	var grants []string
	for _, m := range inv.OfType(secretIAM) {
		who := map[string]string{manager: "manager", worker: "worker"}[m.String("member")]
		require.NotEmpty(t, who, "only the swarm's own accounts: %s", m.String("member"))
		grants = append(grants, fmt.Sprintf("%s %s %s", strings.TrimPrefix(m.String("secretId"), "swarm-gcp-swarm-"), who, m.String("role")))
	}
	assert.ElementsMatch(t, []string{
		// The lock is a label set with UpdateSecret and an etag: admin on that secret only.
		"lock manager roles/secretmanager.admin",
		"manager-token manager roles/secretmanager.secretAccessor", "manager-token manager roles/secretmanager.secretVersionAdder",
		"worker-token manager roles/secretmanager.secretAccessor", "worker-token manager roles/secretmanager.secretVersionAdder",
		"unlock-key manager roles/secretmanager.secretAccessor", "unlock-key manager roles/secretmanager.secretVersionAdder",
		"manager-addrs manager roles/secretmanager.secretAccessor", "manager-addrs manager roles/secretmanager.secretVersionAdder",
		"worker-token worker roles/secretmanager.secretAccessor", "manager-addrs worker roles/secretmanager.secretAccessor",
	}, grants)
	for _, s := range inv.OfType(secret) {
		if s.String("secretId") == "swarm-gcp-swarm-lock" {
			assert.Equal(t, []string{"labels"}, s.IgnoreChanges, "the holder label is the nodes'")
		} else {
			assert.Empty(t, s.IgnoreChanges)
		}
	}
	assert.Empty(t, inv.OfType("gcp:projects/iAMMember:IAMMember"), "no project-wide role")

	for _, tpl := range inv.OfType(instanceTmpl) {
		want := manager
		if tpl.Name == "swarm-workers-tpl" {
			want = worker
		}
		assert.Equal(t, strings.TrimPrefix(want, "serviceAccount:"), tpl.String("serviceAccount.email"), "a dedicated account, never the default compute one")
	}
}

func TestAwsLoadBalancer(t *testing.T) {
	cases := []struct {
		name      string
		overrides []string
		internal  bool
		subnets   string
		protect   bool
	}{
		{"private nodes: internal, in the private subnets", nil, true, "private", true},
		{"public nodes: internet-facing, in the public subnets", []string{"clusterbench:network", `{"privateNodes": false}`}, false, "public", true},
		{"deletion protection off", []string{"clusterbench:deletionProtection", "false"}, true, "private", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inv := run(t, stack(t, "swarm-aws", tc.overrides...)).Inventory
			lb := one(t, inv, nlb)
			assert.Equal(t, "network", lb.String("loadBalancerType"))
			assert.Equal(t, tc.internal, lb.Bool("internal"))
			assert.Equal(t, tc.protect, lb.Bool("enableDeletionProtection"))
			for _, id := range lb.List("subnets") {
				assert.Contains(t, nameOfID(inv, id), "-"+tc.subnets+"-")
			}
			assert.Len(t, lb.List("subnets"), 3)
			l := one(t, inv, listener)
			assert.Equal(t, 80.0, num(l, "port"))
			assert.Equal(t, "TCP", l.String("protocol"))
			tg := one(t, inv, targetGroup)
			assert.Equal(t, "TCP", tg.String("protocol"))
			assert.Equal(t, "instance", tg.String("targetType"))
			assert.Equal(t, l.String("defaultActions.0.targetGroupArn"), "arn:aws:lb:us-east-1:123456789012:"+tg.Name)
			_, workers := awsGroups(t, inv)
			assert.Equal(t, []any{"arn:aws:lb:us-east-1:123456789012:" + tg.Name}, workers.List("targetGroupArns"), "the workers are the targets")
			for _, g := range inv.OfType(asg) {
				if g.Name != "swarm-workers" {
					assert.Empty(t, g.List("targetGroupArns"), "managers take no published traffic")
				}
			}
		})
	}
}

func TestGcpLoadBalancer(t *testing.T) {
	for _, protect := range []bool{true, false} {
		t.Run(fmt.Sprintf("deletionProtection %v", protect), func(t *testing.T) {
			inv := run(t, stack(t, "swarm-gcp", "clusterbench:deletionProtection", fmt.Sprint(protect))).Inventory
			rule := one(t, inv, forwarding)
			pool := one(t, inv, targetPool)
			poolLink := "https://www.googleapis.com/compute/v1/projects/clusterbench-demo/targetPools/" + harness.AutoName(pool.Name)
			assert.Equal(t, protect, rule.Protect)
			assert.Equal(t, "EXTERNAL", rule.String("loadBalancingScheme"))
			assert.Equal(t, "TCP", rule.String("ipProtocol"))
			assert.Equal(t, "80", rule.String("portRange"))
			assert.Equal(t, poolLink, rule.String("target"))
			assert.Equal(t, []any{poolLink}, one(t, inv, regionalMIG).List("targetPools"))
			for _, m := range inv.OfType(zonalMIG) {
				assert.Empty(t, m.List("targetPools"), "managers take no published traffic")
			}
		})
	}
}

// Drained managers get a small disk; managers that run workloads get the workers'.
func TestManagerDisk(t *testing.T) {
	for _, tc := range []struct {
		runWorkloads bool
		want         float64
	}{{false, 30}, {true, 80}} {
		overrides := []string{"clusterbench:workers", `{"diskGb": 80}`, "clusterbench:swarm", fmt.Sprintf(`{"managersRunWorkloads": %v}`, tc.runWorkloads)}
		aws := run(t, stack(t, "swarm-aws", overrides...)).Inventory
		assert.Equal(t, tc.want, num(named(t, aws, launchTmpl, "swarm-manager-1-lt"), "blockDeviceMappings.0.ebs.volumeSize"))
		assert.Equal(t, 80.0, num(named(t, aws, launchTmpl, "swarm-workers-lt"), "blockDeviceMappings.0.ebs.volumeSize"))
		gcp := run(t, stack(t, "swarm-gcp", overrides...)).Inventory
		assert.Equal(t, tc.want, num(named(t, gcp, instanceTmpl, "swarm-manager-1-tpl"), "disks.0.diskSizeGb"))
		assert.Equal(t, 80.0, num(named(t, gcp, instanceTmpl, "swarm-workers-tpl"), "disks.0.diskSizeGb"))
	}
}

// exports resolves a run's exports; the load balancer's address is unknown until it
// exists, so only its presence is checked.
func exports(t *testing.T, res *harness.Result) map[string]any {
	t.Helper()
	out := map[string]any{}
	for k, in := range res.Exports {
		if k == "loadBalancer" {
			out[k] = "(unknown until created)"
			continue
		}
		v, secret, err := harness.Await(pulumi.ToOutput(in))
		require.NoError(t, err)
		assert.False(t, secret, "%s: nothing exported is a secret (tokens never reach Pulumi)", k)
		if id, isID := v.(pulumi.ID); isID {
			v = string(id)
		}
		out[k] = v
	}
	return out
}

// asgName: AWS groups are named by their prefix.
func asgName(name string) string { return harness.PrefixedName(name, name+"-") }

func TestExports(t *testing.T) {
	aws := exports(t, run(t, stack(t, "swarm-aws")))
	assert.Equal(t, map[string]any{
		"vpcId": "network-id", "zones": []string{"us-east-1a", "us-east-1b", "us-east-1c"},
		"managerGroups": []string{asgName("swarm-manager-1"), asgName("swarm-manager-2"), asgName("swarm-manager-3")},
		"workerGroup":   asgName("swarm-workers"), "loadBalancer": "(unknown until created)",
		"storePath": "/clusterbench/swarm-aws/swarm/network-id",
	}, aws)
	gcp := exports(t, run(t, stack(t, "swarm-gcp")))
	// GCE groups are auto-named; AWS's are named after their launch templates.
	assert.Equal(t, map[string]any{
		"networkId": "network-id", "zones": []string{"us-central1-a", "us-central1-b", "us-central1-c"},
		"managerGroups": []string{harness.AutoName("swarm-manager-1"), harness.AutoName("swarm-manager-2"), harness.AutoName("swarm-manager-3")},
		"workerGroup":   harness.AutoName("swarm-workers"), "loadBalancer": "(unknown until created)",
		"storePath": "swarm-gcp-swarm",
	}, gcp)
}

// A spec the validator refuses registers nothing.
func TestRefusedSpecsRegisterNothing(t *testing.T) {
	for _, count := range []string{"0", "2", "4", "9"} {
		for _, name := range []string{"swarm-aws", "swarm-gcp"} {
			res, err := harness.Run(stack(t, name, "clusterbench:controlPlane", `{"count": `+count+`}`), program.Run)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "clusterbench:controlPlane.count = "+count)
			assert.Empty(t, res.Inventory.Resources, "nothing is registered")
		}
	}
}

// settingsOf reads the CB_ settings a rendered script exports after its shebang.
func settingsOf(t *testing.T, script string) map[string]string {
	t.Helper()
	lines := strings.Split(script, "\n")
	require.True(t, strings.HasPrefix(lines[0], "#!"), "a script")
	out := map[string]string{}
	for _, line := range lines[2:] {
		name, value, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !strings.HasPrefix(line, "export CB_") || !ok {
			break
		}
		out[name] = strings.Trim(value, "'")
	}
	return out
}

// Every node's user data is the bootstrap script with its role's settings: the store,
// never a token (the tokens exist only in the store, written by the first manager).
func TestUserDataPerRole(t *testing.T) {
	common := func(extra map[string]string) map[string]string {
		out := map[string]string{"CB_MANAGERS_RUN_WORKLOADS": "false", "CB_INSTALL": "true", "CB_ADDR_POOL": "10.128.0.0/12", "CB_AUTOLOCK": "true", "CB_MONITORING": "none", "CB_DEMO": "false"}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	awsStore := map[string]string{"CB_STORE": "ssm", "CB_STORE_PATH": "/clusterbench/swarm-aws/swarm/network-id", "CB_REGION": "us-east-1"}
	gcpStore := map[string]string{"CB_STORE": "gcp-secret", "CB_STORE_PATH": "swarm-gcp-swarm", "CB_PROJECT": "clusterbench-demo"}
	with := func(base map[string]string, role, zone string) map[string]string {
		out := common(base)
		out["CB_ROLE"], out["CB_ZONE"] = role, zone
		return out
	}

	aws := run(t, stack(t, "swarm-aws")).Inventory
	awsScripts := map[string]string{}
	for _, lt := range aws.OfType(launchTmpl) {
		raw, err := nodegroup.DecodeAwsUserData(lt.String("userData"))
		require.NoError(t, err, lt.Name)
		awsScripts[lt.Name] = string(raw)
	}
	gcp := run(t, stack(t, "swarm-gcp")).Inventory
	gcpScripts := map[string]string{}
	for _, tpl := range gcp.OfType(instanceTmpl) {
		gcpScripts[tpl.Name] = tpl.String("metadataStartupScript")
	}
	for i, zone := range []string{"a", "b", "c"} {
		assert.Equal(t, with(awsStore, "manager", "us-east-1"+zone), settingsOf(t, awsScripts[fmt.Sprintf("swarm-manager-%d-lt", i+1)]))
		assert.Equal(t, with(gcpStore, "manager", "us-central1-"+zone), settingsOf(t, gcpScripts[fmt.Sprintf("swarm-manager-%d-tpl", i+1)]))
	}
	// A worker group spans zones: the script reads the node's zone from the metadata.
	assert.Equal(t, with(awsStore, "worker", ""), settingsOf(t, awsScripts["swarm-workers-lt"]))
	assert.Equal(t, with(gcpStore, "worker", ""), settingsOf(t, gcpScripts["swarm-workers-tpl"]))
	for name, script := range mergeMaps(awsScripts, gcpScripts) {
		assert.NotContains(t, script, "SWMTKN", "%s: no join token", name)
		assert.True(t, strings.HasSuffix(script, scriptBody(t)), "%s: the whole bootstrap script follows the settings", name)
	}

	runs := run(t, stack(t, "swarm-aws", "clusterbench:swarm", `{"managersRunWorkloads": true}`)).Inventory
	raw, err := nodegroup.DecodeAwsUserData(named(t, runs, launchTmpl, "swarm-manager-1-lt").String("userData"))
	require.NoError(t, err)
	assert.Equal(t, "true", settingsOf(t, string(raw))["CB_MANAGERS_RUN_WORKLOADS"])
}

func mergeMaps(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// scriptBody is the embedded bootstrap script without its shebang and comment lines, as
// user data carries it.
func scriptBody(t *testing.T) string {
	_, body, ok := strings.Cut(scripts.SwarmBootstrap, "\n")
	require.True(t, ok)
	return scripts.StripComments(body)
}
