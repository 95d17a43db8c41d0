package spec_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// base is a valid configuration for cloud/orchestrator; tests override keys.
func base(cloud, orchestrator string) map[string]string {
	cfg := map[string]string{
		"clusterbench:cloud":        cloud,
		"clusterbench:orchestrator": orchestrator,
		"clusterbench:adminCidrs":   `["198.18.7.0/24"]`,
	}
	if cloud == spec.AWS {
		cfg["aws:region"] = "us-east-1"
	} else {
		cfg["gcp:region"], cfg["gcp:project"] = "us-central1", "demo"
	}
	return cfg
}

func parse(cfg map[string]string, opts ...spec.Options) (*spec.Spec, []spec.Problem, error) {
	o := spec.Options{}
	if len(opts) > 0 {
		o = opts[0]
	}
	return spec.Parse(spec.Input{Stack: "test", Config: cfg}, o)
}

func with(cfg map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range cfg {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<unset>" {
			delete(out, kv[i])
			continue
		}
		out[kv[i]] = kv[i+1]
	}
	return out
}

func TestDefaultsFollowTheContractTable(t *testing.T) {
	s, warnings, err := parse(base(spec.AWS, spec.Swarm))
	require.NoError(t, err)
	assert.Empty(t, warnings)
	assert.Equal(t, 3, s.Zones)
	assert.Equal(t, spec.ControlPlane{Count: 3, MachineType: "t3.medium", Availability: spec.Regional}, s.ControlPlane)
	assert.Equal(t, spec.Workers{Count: 3, Min: 3, Max: 6, MachineType: "t3.large", DiskGb: 50}, s.Workers)
	assert.Equal(t, spec.Network{Cidr: "10.0.0.0/16", PrivateNodes: true, NatGateways: spec.NatPerZone}, s.Network)
	assert.True(t, s.Endpoint.Public)
	assert.True(t, s.DeletionProtection)
	assert.Equal(t, "1.35", s.KubernetesVersion)
	assert.Equal(t, "none", s.Monitoring)
	assert.False(t, s.Swarm.ManagersRunWorkloads, "swarm managers are drained by default")

	g, _, err := parse(base(spec.GCP, spec.Managed))
	require.NoError(t, err)
	assert.Equal(t, "e2-standard-2", g.Workers.MachineType)
	assert.Equal(t, "e2-medium", g.ControlPlane.MachineType)
	assert.Equal(t, "demo", g.Project)
}

func TestObjectFieldsAndDottedKeysReadTheSame(t *testing.T) {
	obj, _, err := parse(with(base(spec.AWS, spec.Swarm), "clusterbench:workers", `{"count": 6, "max": 9}`))
	require.NoError(t, err)
	dotted, _, err := parse(with(base(spec.AWS, spec.Swarm), "clusterbench:workers.count", "6", "clusterbench:workers.max", "9"))
	require.NoError(t, err)
	assert.Equal(t, obj.Workers, dotted.Workers)
	assert.Equal(t, 6, obj.Workers.Min, "min defaults to count")
}

func TestPublicNodesDefaultToNoNat(t *testing.T) {
	s, _, err := parse(with(base(spec.AWS, spec.Swarm), "clusterbench:network", `{"privateNodes": false}`))
	require.NoError(t, err)
	assert.Equal(t, spec.NatNone, s.Network.NatGateways)
}

// One case per validation rule: the key, the bad value and the reason are named.
func TestEachRuleRefusesItsBadValue(t *testing.T) {
	aws, gcp := base(spec.AWS, spec.Swarm), base(spec.GCP, spec.Managed)
	eks, kops := base(spec.AWS, spec.Managed), base(spec.AWS, spec.SelfManaged)
	cases := []struct {
		name string
		cfg  map[string]string
		want string
	}{
		{"cloud is required", with(aws, "clusterbench:cloud", "<unset>"), "clusterbench:cloud: required; one of aws, gcp"},
		{"cloud must be known", with(aws, "clusterbench:cloud", "azure"), "clusterbench:cloud = azure: must be one of aws, gcp"},
		{"orchestrator must be known", with(aws, "clusterbench:orchestrator", "nomad"), "clusterbench:orchestrator = nomad: must be one of managed, selfmanaged, swarm"},
		{"aws needs a region", with(aws, "aws:region", "<unset>"), "aws:region: required for cloud aws"},
		{"gcp needs a project", with(gcp, "gcp:project", "<unset>"), "gcp:project: required for cloud gcp"},
		{"unknown keys are errors", with(aws, "clusterbench:worker", `{"count": 3}`), "clusterbench:worker: unknown key"},
		{"unknown object fields are errors", with(aws, "clusterbench:workers", `{"cout": 3}`), "clusterbench:workers.cout: unknown key"},
		{"a key set twice is an error", with(aws, "clusterbench:workers", `{"count": 3}`, "clusterbench:workers.count", "4"), "clusterbench:workers.count: set twice"},
		{"objects must be objects", with(aws, "clusterbench:workers", "3"), "clusterbench:workers = 3: must be an object"},
		{"keys must not be secret", with(aws, "clusterbench:monitoring", "x"), ""},
		{"zones at most 3", with(aws, "clusterbench:zones", "4"), "clusterbench:zones = 4: must be 1, 2 or 3"},
		{"zones is a number", with(aws, "clusterbench:zones", "three"), "clusterbench:zones = three: must be a whole number"},
		{"EKS needs two zones", with(eks, "clusterbench:zones", "1"), "clusterbench:zones = 1: EKS needs at least 2 zones"},
		{"adminCidrs is required", with(aws, "clusterbench:adminCidrs", "<unset>"), "clusterbench:adminCidrs: required"},
		{"adminCidrs refuses the internet", with(aws, "clusterbench:adminCidrs", `["0.0.0.0/0"]`), "clusterbench:adminCidrs = 0.0.0.0/0: refused: it opens SSH and the API to the whole internet"},
		{"adminCidrs must be CIDRs", with(aws, "clusterbench:adminCidrs", `["my office"]`), "clusterbench:adminCidrs = my office: must be an IPv4 CIDR"},
		{"adminCidrs without host bits", with(aws, "clusterbench:adminCidrs", `["198.51.100.7/24"]`), "has host bits set; write the network address 198.51.100.0/24"},
		{"adminCidrs is a list", with(aws, "clusterbench:adminCidrs", "198.51.100.0/24"), "clusterbench:adminCidrs = 198.51.100.0/24: must be a list of strings"},
		{"control plane count must be odd", with(aws, "clusterbench:controlPlane", `{"count": 2}`), "clusterbench:controlPlane.count = 2: must be odd (1, 3, 5, 7); an even count adds no fault tolerance"},
		{"swarm managers at most 7", with(aws, "clusterbench:controlPlane", `{"count": 9}`), "clusterbench:controlPlane.count = 9: must be at most 7 swarm managers"},
		{"etcd members at most 5", with(kops, "clusterbench:controlPlane", `{"count": 7}`), "clusterbench:controlPlane.count = 7: must be at most 5 etcd members"},
		{"zonal is GKE only", with(eks, "clusterbench:controlPlane", `{"availability": "zonal"}`), "clusterbench:controlPlane.availability = zonal: zonal applies to GKE only"},
		{"availability is an enum", with(gcp, "clusterbench:controlPlane", `{"availability": "global"}`), "clusterbench:controlPlane.availability = global: must be one of regional, zonal"},
		{"machine type fits the cloud", with(aws, "clusterbench:workers", `{"machineType": "e2-standard-2"}`), "clusterbench:workers.machineType = e2-standard-2: is not an EC2 instance type"},
		{"workers at least one", with(aws, "clusterbench:workers", `{"count": 0}`), "clusterbench:workers.count = 0: must be at least 1"},
		{"workers min at most count", with(aws, "clusterbench:workers", `{"count": 3, "min": 4}`), "clusterbench:workers.min = 4: must be between 0 and workers.count (3)"},
		{"workers max at least count", with(aws, "clusterbench:workers", `{"count": 3, "max": 2}`), "clusterbench:workers.max = 2: must be at least workers.count (3)"},
		{"GKE workers a multiple of zones", with(gcp, "clusterbench:workers", `{"count": 4}`), "clusterbench:workers.count = 4: must be a multiple of zones (3)"},
		{"disk size bounded", with(aws, "clusterbench:workers", `{"diskGb": 5}`), "clusterbench:workers.diskGb = 5: must be between 20 and 16384 GB"},
		{"network cidr valid", with(aws, "clusterbench:network", `{"cidr": "10.0.0.0/33"}`), "clusterbench:network.cidr = 10.0.0.0/33: must be an IPv4 CIDR"},
		{"network cidr size", with(aws, "clusterbench:network", `{"cidr": "10.0.0.0/8"}`), "clusterbench:network.cidr = 10.0.0.0/8: prefix must be /16 to /24 on aws"},
		{"network addresses every worker", with(eks, "clusterbench:network", `{"cidr": "10.0.0.0/24"}`, "clusterbench:workers", `{"count": 30}`),
			"clusterbench:workers.max = 60: 60 nodes over 3 zones is 20 per zone × 36 (1 + 35 pod addresses per t3.large node with the VPC CNI) = 720 addresses, more than the 59 usable in each private /26 subnet carved from network.cidr 10.0.0.0/24"},
		{"GKE pods range holds every node", with(gcp, "clusterbench:network", `{"cidr": "10.0.0.0/22"}`),
			"GKE gives every node a /24 of the pods range; the pods range 10.0.2.0/23 (second half of network.cidr 10.0.0.0/22) holds 2 nodes, fewer than 6"},
		{"private nodes need NAT", with(aws, "clusterbench:network", `{"natGateways": "none"}`), "clusterbench:network.natGateways = none: private nodes need single or perZone"},
		{"self-managed nodes are private", with(base(spec.AWS, spec.SelfManaged), "clusterbench:network", `{"privateNodes": false}`),
			"clusterbench:network.privateNodes = false: a self-managed cluster needs private nodes"},
		{"public nodes take no NAT", with(aws, "clusterbench:network", `{"privateNodes": false, "natGateways": "single"}`), "clusterbench:network.natGateways = single: must be none when network.privateNodes is false"},
		{"booleans are booleans", with(aws, "clusterbench:network", `{"privateNodes": "yes"}`), "clusterbench:network.privateNodes = yes: must be true or false"},
		{"admin principals are ARNs", with(eks, "clusterbench:adminPrincipals", `["alice"]`), "clusterbench:adminPrincipals = alice: must be an IAM role or user ARN"},
		{"kubernetes version format", with(eks, "clusterbench:kubernetesVersion", "1.35.2"), "clusterbench:kubernetesVersion = 1.35.2: must be a minor version such as 1.35"},
		{"GKE private endpoint needs private nodes", with(gcp, "clusterbench:endpoint", `{"public": false}`, "clusterbench:network", `{"privateNodes": false}`),
			"clusterbench:endpoint.public = false: a private-only GKE endpoint needs network.privateNodes: true"},
		{"GKE private endpoint admits only RFC 1918 networks", with(gcp, "clusterbench:endpoint", `{"public": false}`, "clusterbench:adminCidrs", `["10.8.0.0/16", "198.51.100.0/24"]`),
			"clusterbench:adminCidrs = 198.51.100.0/24: is not an RFC 1918 network"},
		{"EKS refuses GPU workers", with(eks, "clusterbench:workers", `{"machineType": "g6.xlarge"}`),
			"clusterbench:workers.machineType = g6.xlarge: is a GPU or accelerator instance type"},
		{"EKS refuses Inferentia workers", with(eks, "clusterbench:workers", `{"machineType": "inf2.xlarge"}`),
			"clusterbench:workers.machineType = inf2.xlarge: is a GPU or accelerator instance type"},
		{"monitoring is an enum", with(aws, "clusterbench:monitoring", "nagios"), "clusterbench:monitoring = nagios: must be one of none, prometheus, datadog"},
		{"managersRunWorkloads is a boolean", with(aws, "clusterbench:swarm", `{"managersRunWorkloads": "sometimes"}`), "clusterbench:swarm.managersRunWorkloads = sometimes: must be true or false"},
		{"the swarm object has known fields only", with(aws, "clusterbench:swarm", `{"autolock": false}`), "clusterbench:swarm.autolock: unknown key"},
		{"swarm is an object", with(aws, "clusterbench:swarm", "true"), "clusterbench:swarm = true: must be an object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == "" { // the secret case
				_, _, err := spec.Parse(spec.Input{Stack: "test", Config: tc.cfg, SecretKeys: []string{"clusterbench:monitoring"}}, spec.Options{})
				require.Error(t, err)
				assert.Contains(t, err.Error(), "clusterbench:monitoring = [secret]: must not be a secret")
				return
			}
			_, _, err := parse(tc.cfg)
			require.Error(t, err)
			var serr *spec.Error
			require.True(t, errors.As(err, &serr))
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "stack test: "), "the error names its source")
		})
	}
}

// The version check comes from the price catalog's support calendar.
func TestKubernetesVersionOutsideTheCalendarIsRefused(t *testing.T) {
	opts := spec.Options{SupportedVersion: func(v string) error {
		if v == "1.29" {
			return errors.New("extended support ended 2026-03-23")
		}
		return nil
	}}
	_, _, err := parse(with(base(spec.AWS, spec.Managed), "clusterbench:kubernetesVersion", "1.29"), opts)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "clusterbench:kubernetesVersion = 1.29: extended support ended 2026-03-23")
	_, _, err = parse(with(base(spec.AWS, spec.Swarm), "clusterbench:kubernetesVersion", "1.29"), opts)
	require.NoError(t, err, "swarm runs no Kubernetes: the version is ignored with a warning")
}

func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	cfg := with(base(spec.AWS, spec.Swarm),
		"clusterbench:zones", "5",
		"clusterbench:controlPlane", `{"count": 4}`,
		"clusterbench:adminCidrs", `["0.0.0.0/0"]`,
		"clusterbench:network", `{"natGateways": "none"}`)
	_, _, err := parse(cfg)
	var serr *spec.Error
	require.ErrorAs(t, err, &serr)
	keys := []string{}
	for _, p := range serr.Problems {
		keys = append(keys, p.Key)
	}
	assert.ElementsMatch(t, []string{"clusterbench:zones", "clusterbench:controlPlane.count", "clusterbench:adminCidrs", "clusterbench:network.natGateways"}, keys)
	assert.Len(t, strings.Split(err.Error(), "\n"), 4, "one line per problem")

	// A key that does not read does not hide the rules of the others.
	_, _, err = parse(with(base(spec.AWS, spec.Swarm), "clusterbench:zonez", "3", "clusterbench:controlPlane", `{"count": 2}`))
	require.ErrorAs(t, err, &serr)
	assert.Len(t, serr.Problems, 2, "%v", err)

	// Worker rules do not hide each other either.
	_, _, err = parse(with(base(spec.GCP, spec.Managed), "clusterbench:workers", `{"count": 4, "min": 5, "max": 2}`))
	require.ErrorAs(t, err, &serr)
	keys = nil
	for _, p := range serr.Problems {
		keys = append(keys, p.Key)
	}
	assert.ElementsMatch(t, []string{"clusterbench:workers.count", "clusterbench:workers.min", "clusterbench:workers.max"}, keys)
}

func TestWarnings(t *testing.T) {
	cases := []struct {
		name string
		cfg  map[string]string
		want string
	}{
		{"documentation range", with(base(spec.AWS, spec.Swarm), "clusterbench:adminCidrs", `["203.0.113.0/24"]`), "clusterbench:adminCidrs = 203.0.113.0/24: is a documentation range"},
		{"managed control plane size ignored", with(base(spec.AWS, spec.Managed), "clusterbench:controlPlane", `{"count": 3}`), "clusterbench:controlPlane.count: ignored"},
		{"swarm has no kubernetes", with(base(spec.AWS, spec.Swarm), "clusterbench:kubernetesVersion", "1.35"), "clusterbench:kubernetesVersion = 1.35: ignored"},
		{"swarm settings ignored elsewhere", with(base(spec.GCP, spec.SelfManaged), "clusterbench:swarm", `{"managersRunWorkloads": true}`), "clusterbench:swarm.managersRunWorkloads = true: ignored: only Docker Swarm has managers"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, warnings, err := parse(tc.cfg)
			require.NoError(t, err)
			require.Len(t, warnings, 1)
			assert.Contains(t, warnings[0].String(), tc.want)
		})
	}
}

func TestLayoutCarvesDisjointRanges(t *testing.T) {
	s, _, err := parse(base(spec.AWS, spec.Swarm))
	require.NoError(t, err)
	l := s.NetworkLayout()
	got := []string{}
	for _, p := range append(l.Private, l.Public...) {
		got = append(got, p.String())
	}
	assert.Equal(t, []string{"10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18", "10.0.192.0/20", "10.0.208.0/20", "10.0.224.0/20"}, got)
	g, _, err := parse(base(spec.GCP, spec.Managed))
	require.NoError(t, err)
	gl := g.NetworkLayout()
	assert.Equal(t, []string{"10.0.0.0/18", "10.0.128.0/17", "10.0.64.0/20", "10.0.80.0/28"},
		[]string{gl.Nodes.String(), gl.Pods.String(), gl.Services.String(), gl.Master.String()})
}

// Swarm managers: odd and at most 7 (Docker's advice); each count names why it is refused.
func TestSwarmManagerCounts(t *testing.T) {
	for count := -1; count <= 9; count++ {
		t.Run(fmt.Sprint(count), func(t *testing.T) {
			for _, cloud := range []string{spec.AWS, spec.GCP} {
				s, _, err := parse(with(base(cloud, spec.Swarm), "clusterbench:controlPlane", fmt.Sprintf(`{"count": %d}`, count)))
				switch count {
				case 1, 3, 5, 7:
					require.NoError(t, err)
					assert.Equal(t, count, s.ControlPlane.Count)
				default:
					require.Error(t, err)
					assert.Contains(t, err.Error(), fmt.Sprintf("clusterbench:controlPlane.count = %d: must", count))
				}
			}
		})
	}
}

func TestManagersRunWorkloadsReadsAsObjectOrDottedKey(t *testing.T) {
	obj, warnings, err := parse(with(base(spec.GCP, spec.Swarm), "clusterbench:swarm", `{"managersRunWorkloads": true}`))
	require.NoError(t, err)
	assert.Empty(t, warnings)
	assert.True(t, obj.Swarm.ManagersRunWorkloads)
	dotted, _, err := parse(with(base(spec.GCP, spec.Swarm), "clusterbench:swarm.managersRunWorkloads", "true"))
	require.NoError(t, err)
	assert.Equal(t, obj.Swarm, dotted.Swarm)
}

// Graviton types take the arm64 AMI: the attribute letters after the generation hold a
// "g" (AWS's instance type naming), or the type is the first-generation a1.
func TestEc2GravitonFollowsTheTypeName(t *testing.T) {
	for mt, want := range map[string]bool{
		"t4g.medium": true, "m6g.large": true, "m6gd.xlarge": true, "m7g.large": true, "c7gn.large": true,
		"r7g.2xlarge": true, "im4gn.large": true, "a1.large": true, "m8g.large": true,
		"t3.large": false, "m5.large": false, "m5dn.large": false, "m7i-flex.large": false, "c6in.large": false,
		"m7a.large": false, "u-6tb1.56xlarge": false, "e2-standard-2": false,
	} {
		assert.Equal(t, want, spec.Ec2Graviton(mt), mt)
	}
}

// Accelerated types are refused on EKS only: other orchestrators choose their own images.
func TestAcceleratedWorkersAreRefusedOnEKSOnly(t *testing.T) {
	_, _, err := parse(with(base(spec.AWS, spec.SelfManaged), "clusterbench:workers", `{"machineType": "g5.xlarge"}`))
	assert.NoError(t, err)
	_, _, err = parse(with(base(spec.AWS, spec.Managed), "clusterbench:workers", `{"machineType": "m7g.large"}`))
	assert.NoError(t, err, "Graviton is general purpose")
}
