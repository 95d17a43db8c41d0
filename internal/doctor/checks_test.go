package doctor_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/doctor"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// subject is what one case hands a check.
type subject struct {
	inv  *inventory.Inventory
	spec *spec.Spec
}

func shipped(t *testing.T, name string, overrides ...string) subject {
	ev := stack(t, name, overrides...)
	return subject(ev)
}

// edited is a shipped stack's inventory changed by edit.
func edited(name string, edit func(t *testing.T, inv *inventory.Inventory)) func(t *testing.T) subject {
	return func(t *testing.T) subject {
		s := shipped(t, name)
		edit(t, s.inv)
		return s
	}
}

func variant(name string, overrides ...string) func(t *testing.T) subject {
	return func(t *testing.T) subject { return shipped(t, name, overrides...) }
}

// selfManaged hand-makes the inventory shape of a self-managed control plane: members
// (groups of one tagged control-plane) in the given zones, one worker group over
// workerZones.
func selfManaged(memberZones []string, workerZones []string, workers int) *inventory.Inventory {
	inv := &inventory.Inventory{Stack: "hand-made"}
	subnet := map[string]string{}
	for _, z := range append(append([]string{}, memberZones...), workerZones...) {
		if _, ok := subnet[z]; !ok {
			subnet[z] = "subnet-" + z
			add(inv, "aws:ec2/subnet:Subnet", subnet[z], map[string]any{"availabilityZone": z})
		}
	}
	for i, z := range memberZones {
		add(inv, "aws:autoscaling/group:Group", fmt.Sprintf("member-%d", i), map[string]any{
			"desiredCapacity": 1.0, "minSize": 1.0, "vpcZoneIdentifiers": []any{subnet[z] + "-id"},
			"tags": []any{map[string]any{"key": faulttolerance.RoleTagAWS, "value": faulttolerance.RoleControlPlane}}})
	}
	var ids []any
	for _, z := range workerZones {
		ids = append(ids, subnet[z]+"-id")
	}
	add(inv, "aws:autoscaling/group:Group", "workers", map[string]any{"desiredCapacity": float64(workers), "minSize": float64(workers), "vpcZoneIdentifiers": ids})
	return inv
}

func handMade(inv *inventory.Inventory) func(t *testing.T) subject {
	return func(t *testing.T) subject { return subject{inv: inv} }
}

func zones(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("us-east-1%c", 'a'+i)
	}
	return out
}

func repeatZone(z string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = z
	}
	return out
}

// setInput sets a nested input by dotted path (creating maps on the way).
func setInput(r *inventory.Resource, path string, v any) {
	m := r.Inputs
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	if v == nil {
		delete(m, parts[len(parts)-1])
		return
	}
	m[parts[len(parts)-1]] = v
}

const (
	launchTemplate = "aws:ec2/launchTemplate:LaunchTemplate"
	ingressRule    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	firewall       = "gcp:compute/firewall:Firewall"
	instTemplate   = "gcp:compute/instanceTemplate:InstanceTemplate"
	gkeCluster     = "gcp:container/cluster:Cluster"
	gkePool        = "gcp:container/nodePool:NodePool"
	eksCluster     = "aws:eks/cluster:Cluster"
	rolePolicy     = "aws:iam/rolePolicy:RolePolicy"
)

// setInputs edits one resource of a shipped stack.
func setInputs(stackName, typ, name string, kv ...any) func(t *testing.T) subject {
	return edited(stackName, func(t *testing.T, inv *inventory.Inventory) {
		r := find(t, inv, typ, name)
		for i := 0; i+1 < len(kv); i += 2 {
			setInput(r, kv[i].(string), kv[i+1])
		}
	})
}

// userData replaces the boot script of the Swarm managers' templates.
func swarmScript(t *testing.T, inv *inventory.Inventory, edit func(string) string) {
	for i := range inv.Resources {
		r := &inv.Resources[i]
		if r.Type != launchTemplate || !strings.HasPrefix(r.Name, "swarm-manager") {
			continue
		}
		text := decode(t, r.String("userData"))
		require.Contains(t, text, "swarm init")
		r.Inputs["userData"] = gzipBase64(t, edit(text))
	}
}

// checkCase is one check's tripping and passing subjects.
type checkCase struct {
	check      string
	trip, pass func(t *testing.T) subject
	// tripDetail is a piece of the tripping finding's detail.
	tripDetail string
}

var cases = []checkCase{
	{check: "control-plane-odd",
		trip: handMade(selfManaged(zones(3)[:2], zones(3), 3)), tripDetail: "2 etcd members",
		pass: variant("kops-aws")},
	{check: "control-plane-size",
		trip: handMade(selfManaged([]string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1a", "us-east-1b", "us-east-1c", "us-east-1a"}, zones(3), 3)), tripDetail: "7 etcd members, more than 5",
		pass: variant("swarm-aws", "clusterbench:controlPlane", `{"count": 7, "machineType": "t3.medium"}`)},
	{check: "control-plane-one-zone",
		trip: handMade(selfManaged(repeatZone("us-east-1a", 3), zones(3), 3)), tripDetail: "all 3 etcd members are in us-east-1a",
		pass: variant("kops-gcp")},
	{check: "control-plane-zone-loss",
		trip: variant("kops-aws", "clusterbench:zones", "2"), tripDetail: "takes 2 of 3 etcd members",
		pass: variant("swarm-gcp", "clusterbench:controlPlane", `{"count": 5, "machineType": "e2-medium"}`)},
	{check: "nat-single-gateway",
		trip: variant("eks", "clusterbench:network", `{"cidr": "10.0.0.0/16", "privateNodes": true, "natGateways": "single"}`), tripDetail: "the only NAT gateway",
		pass: variant("swarm-aws")},
	{check: "workers-minimum",
		trip: variant("swarm-aws", "clusterbench:workers", `{"count": 1, "min": 1, "max": 2, "machineType": "t3.large"}`), tripDetail: "1 worker(s) in total",
		pass: variant("swarm-aws")},
	{check: "workers-zone-loss-at-min",
		trip: variant("eks", "clusterbench:workers", `{"count": 3, "min": 1, "max": 6, "machineType": "t3.large"}`), tripDetail: "at its minimum of 1 over 3 zones",
		pass: variant("kops-gcp")},
	{check: "managed-control-plane-zonal",
		trip: variant("gke", "clusterbench:controlPlane", `{"availability": "zonal"}`), tripDetail: "zonal cluster in us-central1-a",
		pass: variant("gke")},
	{check: "swarm-managers-drained",
		trip: variant("swarm-gcp", "clusterbench:swarm", `{"managersRunWorkloads": true}`), tripDetail: "managers stay schedulable",
		pass: variant("swarm-gcp")},
	{check: "deletion-protection",
		trip: variant("eks", "clusterbench:deletionProtection", "false"), tripDetail: "false",
		pass: variant("eks")},
	{check: "eks-version-supported",
		trip: setInputs("eks", eksCluster, "cluster", "version", "1.29"), tripDetail: "left extended support on 2026-03-23",
		pass: variant("eks")},
	{check: "eks-version-support-window",
		trip: variant("eks", "clusterbench:kubernetesVersion", "1.34"), tripDetail: "ends on 2026-12-02, 6 days after",
		pass: variant("eks", "clusterbench:kubernetesVersion", "1.35")},
	{check: "eks-zone-ids",
		trip: edited("eks", func(t *testing.T, inv *inventory.Inventory) {
			setInput(find(t, inv, "aws:ec2/subnet:Subnet", "network-private-us-east-1a"), "availabilityZoneId", "use1-az3")
		}), tripDetail: "zone ID use1-az3",
		pass: edited("eks", func(t *testing.T, inv *inventory.Inventory) {
			for i, z := range []string{"a", "b", "c"} {
				setInput(find(t, inv, "aws:ec2/subnet:Subnet", "network-private-us-east-1"+z), "availabilityZoneId", fmt.Sprintf("use1-az%d", []int{1, 2, 4}[i]))
			}
		})},
	{check: "ssh-open-to-internet",
		trip: setInputs("swarm-aws", ingressRule, "swarm-ssh-203-0-113-0-24", "cidrIpv4", "0.0.0.0/0"), tripDetail: "opens TCP 22 to 0.0.0.0/0",
		pass: variant("swarm-aws")},
	{check: "api-open-to-internet",
		trip: edited("kops-gcp", func(t *testing.T, inv *inventory.Inventory) {
			// No source at all: GCE takes 0.0.0.0/0.
			setInput(find(t, inv, firewall, "cluster-api-from-admin"), "sourceRanges", nil)
		}), tripDetail: "no source set",
		pass: variant("kops-gcp")},
	{check: "all-ports-open-to-internet",
		trip: edited("kops-aws", func(t *testing.T, inv *inventory.Inventory) {
			add(inv, ingressRule, "wide-open", map[string]any{"cidrIpv6": "::/0", "ipProtocol": "-1", "securityGroupId": "cluster-nodes-id"})
		}), tripDetail: "every protocol and port to ::/0",
		pass: variant("kops-aws")},
	{check: "docker-api-unreachable",
		trip: edited("swarm-gcp", func(t *testing.T, inv *inventory.Inventory) {
			// An allow that outranks the deny (600 < 700).
			add(inv, firewall, "docker-tls", map[string]any{"allows": []any{map[string]any{"protocol": "tcp", "ports": []any{"2376"}}},
				"direction": "INGRESS", "priority": 600.0, "sourceRanges": []any{"10.0.0.0/8"}, "targetTags": []any{"swarm-node"}})
		}), tripDetail: "firewall rule docker-tls",
		pass: edited("swarm-gcp", func(t *testing.T, inv *inventory.Inventory) {
			// The same allow below the deny's priority changes nothing.
			add(inv, firewall, "docker-tls", map[string]any{"allows": []any{map[string]any{"protocol": "tcp", "ports": []any{"2376"}}},
				"direction": "INGRESS", "priority": 800.0, "sourceRanges": []any{"10.0.0.0/8"}, "targetTags": []any{"swarm-node"}})
		})},
	{check: "etcd-unreachable-from-workers",
		trip: edited("kops-gcp", func(t *testing.T, inv *inventory.Inventory) {
			// Without its deny, the network's internal allow admits the node range.
			remove(t, inv, firewall, "cluster-deny-etcd")
		}), tripDetail: "network-internal admits cluster-workers-tpl to TCP 2379",
		pass: variant("kops-gcp")},
	{check: "imds-v2-required",
		trip: setInputs("kops-aws", launchTemplate, "cluster-workers-lt", "metadataOptions.httpTokens", "optional"), tripDetail: "httpTokens: optional",
		pass: variant("kops-aws")},
	{check: "imds-hop-limit",
		trip: setInputs("eks", launchTemplate, "cluster-nodes", "metadataOptions.httpPutResponseHopLimit", 2.0), tripDetail: "httpPutResponseHopLimit: 2",
		pass: variant("eks")},
	{check: "gce-shielded-vm",
		trip: setInputs("swarm-gcp", instTemplate, "swarm-workers-tpl", "shieldedInstanceConfig", nil), tripDetail: "secure boot is off",
		pass: variant("swarm-gcp")},
	{check: "gce-instance-metadata",
		trip: setInputs("kops-gcp", instTemplate, "cluster-workers-tpl", "metadata.serial-port-enable", "TRUE"), tripDetail: "serial console is enabled",
		pass: variant("kops-gcp")},
	{check: "volume-encryption",
		trip: setInputs("kops-aws", "aws:ebs/volume:Volume", "cluster-control-plane-1-etcd-main", "encrypted", false), tripDetail: "encrypted is not true",
		pass: variant("kops-aws")},
	{check: "bucket-encryption",
		trip: edited("kops-aws", func(t *testing.T, inv *inventory.Inventory) {
			remove(t, inv, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "cluster-etcd-snapshots")
		}), tripDetail: "no server-side encryption configuration",
		pass: variant("kops-aws")},
	{check: "bucket-public-access",
		trip: setInputs("kops-gcp", "gcp:storage/bucket:Bucket", "cluster-etcd-snapshots", "publicAccessPrevention", "inherited"), tripDetail: "publicAccessPrevention is not enforced",
		pass: variant("kops-gcp")},
	{check: "eks-secrets-encryption",
		trip: setInputs("eks", eksCluster, "cluster", "encryptionConfig", nil), tripDetail: "no encryptionConfig",
		pass: variant("eks")},
	{check: "eks-public-endpoint",
		trip: setInputs("eks", eksCluster, "cluster", "vpcConfig.publicAccessCidrs", nil), tripDetail: "EKS opens it to 0.0.0.0/0",
		pass: variant("eks", "clusterbench:endpoint", `{"public": false}`)},
	{check: "eks-control-plane-logs",
		trip: setInputs("eks", eksCluster, "cluster", "enabledClusterLogTypes", []any{"api"}), tripDetail: "the audit log is off",
		pass: variant("eks")},
	{check: "gke-private-nodes",
		trip: variant("gke", "clusterbench:network", `{"cidr": "10.0.0.0/16", "privateNodes": false, "natGateways": "none"}`), tripDetail: "public addresses",
		pass: variant("gke")},
	{check: "gke-metadata-server",
		trip: setInputs("gke", gkePool, "cluster-workers", "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA"), tripDetail: "mode GCE_METADATA",
		pass: variant("gke")},
	{check: "gke-shielded-nodes",
		trip: setInputs("gke", gkeCluster, "cluster", "enableShieldedNodes", false), tripDetail: "enableShieldedNodes: false",
		pass: variant("gke")},
	{check: "gke-auto-repair-upgrade",
		trip: setInputs("gke", gkePool, "cluster-workers", "management.autoRepair", false), tripDetail: "auto-repair not on",
		pass: variant("gke")},
	{check: "gke-secrets-encryption",
		trip: setInputs("gke", gkeCluster, "cluster", "databaseEncryption", nil), tripDetail: "no application-layer secrets encryption",
		pass: variant("gke")},
	{check: "gke-legacy-abac",
		trip: setInputs("gke", gkeCluster, "cluster", "enableLegacyAbac", true), tripDetail: "legacy ABAC is on",
		pass: variant("gke")},
	{check: "gke-client-certificates",
		trip: setInputs("gke", gkeCluster, "cluster", "masterAuth.clientCertificateConfig.issueClientCertificate", true), tripDetail: "client certificate is issued",
		pass: variant("gke")},
	{check: "gke-authorized-networks",
		trip: setInputs("gke", gkeCluster, "cluster", "masterAuthorizedNetworksConfig", nil), tripDetail: "without master authorized networks",
		pass: variant("gke", "clusterbench:endpoint", `{"public": false}`, "clusterbench:adminCidrs", `["10.8.0.0/16"]`)},
	{check: "iam-admin-wildcard",
		trip: setInputs("swarm-aws", rolePolicy, "swarm-worker-store", "policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), tripDetail: `allows "*" on "*"`,
		pass: variant("swarm-aws")},
	{check: "node-reads-control-plane-secrets",
		trip: setInputs("kops-aws", rolePolicy, "cluster-nodes", "policy",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:GetParameter"],"Resource":["arn:aws:ssm:us-east-1:123456789012:parameter/clusterbench/kops-aws/k8s/network-id/*"]}]}`),
		tripDetail: "reads arn:aws:ssm:us-east-1:123456789012:parameter/clusterbench/kops-aws/k8s/network-id/certificate-key",
		pass:       variant("kops-aws")},
	{check: "secrets-are-pulumi-secrets",
		trip: edited("eks", func(t *testing.T, inv *inventory.Inventory) {
			inv.Outputs["kubeconfig"] = "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: abc\n"
		}), tripDetail: "holds a kubeconfig with credentials in plaintext",
		pass: variant("eks")},
	{check: "swarm-overlay-encrypted",
		trip: edited("swarm-aws", func(t *testing.T, inv *inventory.Inventory) {
			swarmScript(t, inv, func(s string) string { return strings.ReplaceAll(s, "--opt encrypted ", "") })
		}), tripDetail: "without --opt encrypted",
		pass: variant("swarm-aws")},
	{check: "swarm-autolock",
		trip: edited("swarm-aws", func(t *testing.T, inv *inventory.Inventory) {
			swarmScript(t, inv, func(s string) string {
				require.Contains(t, s, "export CB_AUTOLOCK='true'")
				return strings.Replace(s, "export CB_AUTOLOCK='true'", "export CB_AUTOLOCK='false'", 1)
			})
		}), tripDetail: "swarm init without --autolock",
		pass: variant("swarm-aws")},
}

// Every check of the table has a case that trips it and one that passes.
func TestEveryCheckTripsAndPasses(t *testing.T) {
	covered := map[string]bool{}
	for i, tc := range append(cases, moreTrips...) {
		covered[tc.check] = covered[tc.check] || tc.pass != nil
		c, ok := doctor.CheckByID(tc.check)
		require.True(t, ok, tc.check)
		t.Run(fmt.Sprintf("%s/trips/%d", tc.check, i), func(t *testing.T) {
			s := tc.trip(t)
			fs := run(t, tc.check, s.inv, s.spec)
			var details []string
			for _, f := range fs {
				if f.Status == doctor.Status(c.Severity) {
					details = append(details, f.Detail)
				}
			}
			require.NotEmpty(t, details, "%s did not trip: %+v", tc.check, fs)
			assert.Contains(t, strings.Join(details, "\n"), tc.tripDetail)
		})
		if tc.pass == nil {
			continue
		}
		t.Run(tc.check+"/passes", func(t *testing.T) {
			s := tc.pass(t)
			fs := run(t, tc.check, s.inv, s.spec)
			st := statuses(fs)
			assert.Positive(t, st[doctor.StatusPass], "%+v", fs)
			assert.Zero(t, st[doctor.StatusFail]+st[doctor.StatusWarn], "%+v", fs)
		})
	}
	for _, c := range doctor.Checks {
		assert.True(t, covered[c.ID], "check %s has no tripping and passing case", c.ID)
	}
}

// The metadata every check carries: a newcomer's row is complete or this fails.
func TestTableMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range doctor.Checks {
		assert.False(t, seen[c.ID], "duplicate id %s", c.ID)
		seen[c.ID] = true
		assert.Regexp(t, `^[a-z0-9]+(-[a-z0-9]+)*$`, c.ID)
		assert.Contains(t, []doctor.Severity{doctor.Fail, doctor.Warn}, c.Severity, c.ID)
		assert.Contains(t, []doctor.Category{doctor.Stability, doctor.Security}, c.Category, c.ID)
		for field, v := range map[string]string{"title": c.Title, "rule": c.Rule, "why": c.Why, "fix": c.Fix} {
			assert.NotEmpty(t, v, "%s has no %s", c.ID, field)
		}
		assert.True(t, strings.HasSuffix(c.Why, "."), "%s: why is one sentence", c.ID)
		assert.Equal(t, 1, strings.Count(strings.TrimSuffix(c.Why, "."), ". ")+1, "%s: why is one sentence", c.ID)
		assert.NotNil(t, c.Run, c.ID)
	}
}
