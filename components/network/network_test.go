package network_test

import (
	"fmt"
	"net/netip"
	"sync"
	"testing"

	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type variant struct {
	cloud        string
	zones        int
	nat          string
	privateNodes bool
}

func (v variant) String() string {
	return fmt.Sprintf("%s/%dz/%s/private=%v", v.cloud, v.zones, v.nat, v.privateNodes)
}

func (v variant) input() spec.Input {
	cfg := map[string]string{
		"clusterbench:cloud": v.cloud, "clusterbench:orchestrator": spec.Swarm,
		"clusterbench:zones":      fmt.Sprint(v.zones),
		"clusterbench:adminCidrs": `["198.18.0.0/24"]`,
		"clusterbench:network":    fmt.Sprintf(`{"natGateways": %q, "privateNodes": %v}`, v.nat, v.privateNodes),
		"aws:region":              "us-east-1", "gcp:region": "us-central1", "gcp:project": "demo",
	}
	return spec.Input{Stack: "net", Config: cfg}
}

// build runs a program that builds only the network of the variant.
func build(t *testing.T, v variant) (*inventory.Inventory, error) {
	t.Helper()
	res, err := harness.Run(v.input(), func(ctx *pulumi.Context) error {
		in, _ := spec.InputFrom(ctx)
		s, _, err := spec.Parse(in, spec.Options{})
		if err != nil {
			return err
		}
		if s.Cloud == spec.AWS {
			_, err = network.NewAwsNetwork(ctx, "net", &network.Args{Spec: s})
		} else {
			_, err = network.NewGcpNetwork(ctx, "net", &network.Args{Spec: s})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return res.Inventory, nil
}

const (
	subnet = "aws:ec2/subnet:Subnet"
	nat    = "aws:ec2/natGateway:NatGateway"
	eip    = "aws:ec2/eip:Eip"
	rt     = "aws:ec2/routeTable:RouteTable"
	rta    = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	route  = "aws:ec2/route:Route"
)

// Counts by type token for every zones × natGateways × topology combination; the
// combinations validation refuses (private without NAT, public with NAT) say so.
func TestAwsNetworkCounts(t *testing.T) {
	for _, zones := range []int{1, 3} {
		for _, natMode := range []string{spec.NatNone, spec.NatSingle, spec.NatPerZone} {
			for _, private := range []bool{true, false} {
				v := variant{spec.AWS, zones, natMode, private}
				t.Run(v.String(), func(t *testing.T) {
					inv, err := build(t, v)
					if private == (natMode == spec.NatNone) {
						require.Error(t, err)
						assert.Contains(t, err.Error(), "clusterbench:network.natGateways = "+natMode)
						return
					}
					require.NoError(t, err)
					nats := map[string]int{spec.NatNone: 0, spec.NatSingle: 1, spec.NatPerZone: zones}[natMode]
					privateSubnets := 0
					if private {
						privateSubnets = zones
					}
					got := inventory.CountByType(inv.Custom())
					want := map[string]int{
						"aws:ec2/vpc:Vpc": 1, "aws:ec2/internetGateway:InternetGateway": 1,
						"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
						subnet: zones + privateSubnets, nat: nats, eip: nats,
						rt: 1 + privateSubnets, rta: zones + privateSubnets, route: 1 + privateSubnets,
					}
					for typ, n := range want {
						assert.Equal(t, n, got[typ], typ)
					}
					assert.Equal(t, sum(want), len(inv.Custom()), "no other resources")
					assertParented(t, inv, network.AwsNetworkType)
				})
			}
		}
	}
}

func TestGcpNetworkCounts(t *testing.T) {
	for _, zones := range []int{1, 3} {
		for _, natMode := range []string{spec.NatSingle, spec.NatPerZone} {
			v := variant{spec.GCP, zones, natMode, true}
			t.Run(v.String(), func(t *testing.T) {
				inv, err := build(t, v)
				require.NoError(t, err)
				got := inventory.CountByType(inv.Custom())
				// single and perZone both mean one regional Cloud NAT (DESIGN.md).
				assert.Equal(t, map[string]int{
					"gcp:compute/network:Network": 1, "gcp:compute/subnetwork:Subnetwork": 1,
					"gcp:compute/router:Router": 1, "gcp:compute/routerNat:RouterNat": 1,
					"gcp:compute/firewall:Firewall": 2,
				}, got)
				assertParented(t, inv, network.GcpNetworkType)
			})
		}
	}
	inv, err := build(t, variant{spec.GCP, 3, spec.NatNone, false})
	require.NoError(t, err)
	assert.Zero(t, inventory.CountByType(inv.Custom())["gcp:compute/routerNat:RouterNat"], "public nodes need no Cloud NAT")
}

func TestAwsSubnetsLandInDistinctZonesWithDisjointRanges(t *testing.T) {
	inv, err := build(t, variant{spec.AWS, 3, spec.NatPerZone, true})
	require.NoError(t, err)
	zonesByKind := map[string]map[string]bool{}
	var prefixes []netip.Prefix
	for _, sn := range inv.OfType(subnet) {
		kind := "public"
		if sn.Inputs["tags"].(map[string]any)["kubernetes.io/role/internal-elb"] != nil {
			kind = "private"
		}
		if zonesByKind[kind] == nil {
			zonesByKind[kind] = map[string]bool{}
		}
		zonesByKind[kind][sn.String("availabilityZone")] = true
		prefixes = append(prefixes, netip.MustParsePrefix(sn.String("cidrBlock")))
	}
	assert.Len(t, zonesByKind["public"], 3)
	assert.Len(t, zonesByKind["private"], 3)
	assertDisjoint(t, prefixes)
	for _, p := range prefixes {
		assert.True(t, netip.MustParsePrefix("10.0.0.0/16").Contains(p.Addr()), p)
	}
}

func TestGcpRangesAreDisjoint(t *testing.T) {
	inv, err := build(t, variant{spec.GCP, 3, spec.NatPerZone, true})
	require.NoError(t, err)
	sn := inv.OfType("gcp:compute/subnetwork:Subnetwork")[0]
	prefixes := []netip.Prefix{netip.MustParsePrefix(sn.String("ipCidrRange"))}
	for _, r := range sn.List("secondaryIpRanges") {
		prefixes = append(prefixes, netip.MustParsePrefix(r.(map[string]any)["ipCidrRange"].(string)))
	}
	assert.Len(t, prefixes, 3)
	assertDisjoint(t, prefixes)
}

// Nothing opens SSH (or anything) to the internet: no firewall source, no NACL.
func TestNothingOpensSshToTheInternet(t *testing.T) {
	for _, v := range []variant{{spec.AWS, 3, spec.NatPerZone, true}, {spec.AWS, 1, spec.NatNone, false}, {spec.GCP, 3, spec.NatPerZone, true}} {
		inv, err := build(t, v)
		require.NoError(t, err)
		for _, r := range inv.Custom() {
			assert.NotEqual(t, "aws:ec2/networkAclRule:NetworkAclRule", r.Type)
			for _, src := range r.List("sourceRanges") {
				assert.NotEqual(t, "0.0.0.0/0", src, "%s %s", r.Type, r.Name)
			}
			for _, ing := range r.List("ingress") {
				assert.NotContains(t, ing.(map[string]any)["cidrBlocks"], "0.0.0.0/0", r.Name)
			}
		}
		for _, fw := range inv.OfType("gcp:compute/firewall:Firewall") {
			if fw.Name == "net-ssh-admin" {
				assert.Equal(t, []any{"198.18.0.0/24"}, fw.List("sourceRanges"))
			}
		}
	}
}

func TestFlowLogsAreOptional(t *testing.T) {
	v := variant{spec.AWS, 2, spec.NatSingle, true}
	in := v.input()
	in.Config["clusterbench:network"] = `{"natGateways": "single", "flowLogs": true}`
	res, err := harness.Run(in, func(ctx *pulumi.Context) error {
		s, _, err := spec.Parse(in, spec.Options{})
		require.NoError(t, err)
		_, err = network.NewAwsNetwork(ctx, "net", &network.Args{Spec: s})
		return err
	})
	require.NoError(t, err)
	got := inventory.CountByType(res.Inventory.Custom())
	assert.Equal(t, 1, got["aws:ec2/flowLog:FlowLog"])
	assert.Equal(t, 1, got["aws:cloudwatch/logGroup:LogGroup"])
	assert.Equal(t, 30.0, res.Inventory.OfType("aws:cloudwatch/logGroup:LogGroup")[0].Inputs["retentionInDays"])
	trust := res.Inventory.OfType("aws:iam/role:Role")[0].String("assumeRolePolicy")
	assert.Contains(t, trust, `"aws:SourceAccount":"123456789012"`, "only this account's flow logs may use the role")
}

// Two networks in one program never collide.
func TestTwoNetworksInOneProgram(t *testing.T) {
	in := variant{spec.AWS, 3, spec.NatPerZone, true}.input()
	_, err := harness.Run(in, func(ctx *pulumi.Context) error {
		s, _, err := spec.Parse(in, spec.Options{})
		require.NoError(t, err)
		if _, err := network.NewAwsNetwork(ctx, "a", &network.Args{Spec: s}); err != nil {
			return err
		}
		_, err = network.NewAwsNetwork(ctx, "b", &network.Args{Spec: s})
		return err
	})
	require.NoError(t, err)
}

func assertParented(t *testing.T, inv *inventory.Inventory, component string) {
	t.Helper()
	for _, r := range inv.Custom() {
		assert.Equal(t, component, r.Parent, "%s %s has the component as parent", r.Type, r.Name)
	}
}

func assertDisjoint(t *testing.T, ps []netip.Prefix) {
	t.Helper()
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			assert.False(t, ps[i].Overlaps(ps[j]), "%s overlaps %s", ps[i], ps[j])
		}
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

const (
	getZones    = "aws:index/getAvailabilityZones:getAvailabilityZones"
	getOffering = "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings"
)

// invokeLog answers invokes from the harness's fixture, or from its own answers, and
// keeps their arguments.
type invokeLog struct {
	*harness.Recorder
	answers map[string]resource.PropertyMap
	mu      sync.Mutex
	calls   map[string]resource.PropertyMap
}

func (l *invokeLog) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	l.mu.Lock()
	l.calls[args.Token] = args.Args
	l.mu.Unlock()
	if a, ok := l.answers[args.Token]; ok {
		return a, nil
	}
	return l.Recorder.Call(args)
}

// buildLogged builds the network of an orchestrator in us-east-1 and returns its zones
// and the arguments of each invoke.
func buildLogged(t *testing.T, orchestrator string, config map[string]string, answers map[string]resource.PropertyMap) ([]string, map[string]resource.PropertyMap, error) {
	t.Helper()
	in := variant{spec.AWS, 3, spec.NatPerZone, true}.input()
	in.Config["clusterbench:orchestrator"] = orchestrator
	for k, v := range config {
		in.Config[k] = v
	}
	s, _, err := spec.Parse(in, spec.Options{})
	require.NoError(t, err)
	log := &invokeLog{Recorder: harness.NewRecorder(harness.Project, in.Stack, map[string]string{"aws": "us-east-1"}, ""),
		answers: answers, calls: map[string]resource.PropertyMap{}}
	var zones []string
	err = pulumi.RunErr(func(ctx *pulumi.Context) error {
		n, err := network.NewAwsNetwork(ctx, "net", &network.Args{Spec: s})
		if n != nil {
			zones = n.Zones
		}
		return err
	}, pulumi.WithMocks(harness.Project, in.Stack, log))
	return zones, log.calls, err
}

// zoneQuery returns the zones chosen and the arguments of the availability-zone lookup.
func zoneQuery(t *testing.T, orchestrator, region string) (resource.PropertyMap, []string) {
	t.Helper()
	zones, calls, err := buildLogged(t, orchestrator, map[string]string{"aws:region": region}, nil)
	require.NoError(t, err)
	require.Contains(t, calls, getZones)
	return calls[getZones], zones
}

// EKS refuses control-plane subnets in zone IDs use1-az3, usw1-az2 and cac1-az3
// (UnsupportedAvailabilityZoneException). Zone names map to different physical zones
// per account, so they are excluded by ID in the lookup itself; other orchestrators
// may use every zone.
func TestEksZonesExcludeTheZoneIDsEKSRefuses(t *testing.T) {
	refused := []any{"use1-az3", "usw1-az2", "cac1-az3"}
	args, zones := zoneQuery(t, spec.Managed, "us-east-1")
	require.True(t, args.HasValue("excludeZoneIds"), "EKS asks for zones without the refused IDs: %v", args)
	assert.Equal(t, refused, args["excludeZoneIds"].Mappable())
	assert.Equal(t, "available", args["state"].StringValue())
	assert.Equal(t, []string{"us-east-1a", "us-east-1b", "us-east-1c"}, zones)

	args, _ = zoneQuery(t, spec.Swarm, "us-east-1")
	assert.False(t, args.HasValue("excludeZoneIds"), "swarm nodes may use every zone")

	// The harness answers by token, not by arguments: its answer must itself be one the
	// exclusion allows, or the tests would place EKS where AWS refuses it.
	answer, err := harness.NewRecorder(harness.Project, "net", map[string]string{"aws": "us-east-1"}, "").
		Call(pulumi.MockCallArgs{Token: getZones})
	require.NoError(t, err)
	ids := answer["zoneIds"].Mappable().([]any)
	assert.Len(t, ids, len(answer["names"].Mappable().([]any)), "one zone ID per name")
	for _, id := range refused {
		assert.NotContains(t, ids, id)
	}
}

// EKS nodes go only to zones that offer the worker type, as EC2 answers for it (a zone
// name says nothing about the physical zone behind it). Other orchestrators do not ask.
func TestEksZonesOfferTheWorkerType(t *testing.T) {
	offering := func(zones ...string) map[string]resource.PropertyMap {
		return map[string]resource.PropertyMap{getOffering: resource.NewPropertyMapFromMap(map[string]any{
			"id": "us-east-1", "locations": zones,
		})}
	}
	workers := map[string]string{"clusterbench:workers": `{"machineType": "m7g.large"}`}
	zones, calls, err := buildLogged(t, spec.Managed, workers, offering("us-east-1a", "us-east-1c", "us-east-1d", "us-east-1f"))
	require.NoError(t, err)
	assert.Equal(t, []string{"us-east-1a", "us-east-1c", "us-east-1d"}, zones, "us-east-1b lacks m7g.large")
	require.Contains(t, calls, getOffering)
	assert.Equal(t, "availability-zone", calls[getOffering]["locationType"].StringValue())
	assert.Equal(t, []any{map[string]any{"name": "instance-type", "values": []any{"m7g.large"}}}, calls[getOffering]["filters"].Mappable())

	_, _, err = buildLogged(t, spec.Managed, workers, offering("us-east-1a", "us-east-1b"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "clusterbench:zones = 3: region us-east-1 has 2 available zones that offer m7g.large (us-east-1a, us-east-1b)")

	// (m5.large: Swarm nodes boot an amd64 image, so validation refuses Graviton types.)
	zones, calls, err = buildLogged(t, spec.Swarm, map[string]string{"clusterbench:workers": `{"machineType": "m5.large"}`}, offering("us-east-1a"))
	require.NoError(t, err)
	assert.NotContains(t, calls, getOffering)
	assert.Equal(t, []string{"us-east-1a", "us-east-1b", "us-east-1c"}, zones)
}
