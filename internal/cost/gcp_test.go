package cost_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func gke(name, location string, extra obj) inventory.Resource {
	in := obj{"location": location, "removeDefaultNodePool": true, "initialNodeCount": 1.0}
	for k, v := range extra {
		in[k] = v
	}
	return res("gcp:container/cluster:Cluster", name, in)
}

// Fee: 730 h × $0.10 = $73.00. The $74.40 credit is capped at the fee: −$73.00.
func TestGKEFreeTierCreditsOnlyOneZonalClusterAndOnlyWithTheOption(t *testing.T) {
	cases := []struct {
		name     string
		clusters []inventory.Resource
		freeTier bool
		want     float64
	}{
		{"zonal cluster with the free tier: fee minus the capped credit", []inventory.Resource{gke("c", "us-central1-a", nil)}, true, 0},
		{"zonal cluster without the option", []inventory.Resource{gke("c", "us-central1-a", nil)}, false, 73.00},
		// (a regional cluster with no node pool runs nothing in its zones: no inter-zone traffic)
		{"regional cluster: no credit", []inventory.Resource{gke("c", "us-central1", nil)}, true, 73.00},
		{"two zonal clusters: one credit per billing account", []inventory.Resource{gke("a", "us-central1-a", nil), gke("b", "us-central1-b", nil)}, true, 73.00},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			est := price(t, inv(tc.clusters...), func(o *cost.Options) { o.GKEFreeTier = tc.freeTier })
			require.Empty(t, est.Unpriced, reasons(est))
			assert.InDelta(t, tc.want, est.MonthlyUSD, 0.001)
			for _, l := range est.Lines {
				if l.PriceKey == "gcp/global/gke/free-tier-credit" {
					assert.Equal(t, -73.00, l.MonthlyUSD, "a credit is a negative line")
				}
			}
		})
	}
}

// e2-standard-2 nodes: n × 730 h × $0.0670114; 100 GB pd-balanced boot disk each
// (n × 100 × $0.10); an external IPv4 each (n × 730 × $0.005) unless nodes are private;
// 100 GB of inter-zone traffic ($1.00) when the nodes span several zones.
func TestNodePoolNodesAreCountPerZoneTimesZones(t *testing.T) {
	private := obj{"privateClusterConfig": obj{"enablePrivateNodes": true}}
	cases := []struct {
		name    string
		cluster inventory.Resource
		pool    obj
		nodes   int
		public  bool
	}{
		{"regional cluster: 3 zones", gke("gke", "us-central1", private), obj{"nodeCount": 2.0}, 6, false},
		{"zonal cluster: 1 zone", gke("gke", "us-central1-a", private), obj{"nodeCount": 2.0}, 2, false},
		{"pool nodeLocations win", gke("gke", "us-central1", private), obj{"nodeCount": 2.0, "nodeLocations": list("us-central1-a", "us-central1-b")}, 4, false},
		{"cluster nodeLocations", gke("gke", "us-central1", obj{"nodeLocations": list("us-central1-a", "us-central1-f"), "privateClusterConfig": obj{"enablePrivateNodes": true}}), obj{"initialNodeCount": 1.0}, 2, false},
		{"public nodes get external IPs", gke("gke", "us-central1", nil), obj{"nodeCount": 1.0}, 3, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.pool["cluster"] = "gke"
			tc.pool["nodeConfig"] = obj{"machineType": "e2-standard-2"}
			est := price(t, inv(tc.cluster, res("gcp:container/nodePool:NodePool", "pool", tc.pool)))
			require.Empty(t, est.Unpriced, reasons(est))
			n := float64(tc.nodes)
			want := 73.00 + n*730*0.0670114 + n*100*0.10
			if tc.public {
				want += n * 730 * 0.005
			}
			if tc.nodes != 2 || tc.cluster.String("location") != "us-central1-a" {
				want += 100 * 0.01 // nodes in several zones: inter-zone traffic (small preset)
			}
			assert.InDelta(t, want, est.MonthlyUSD, 0.005)
			assert.Equal(t, tc.public, monthlyByKey(est)["gcp/us-central1/vpc/external-ipv4"] > 0)
		})
	}
}

// A kept default pool is priced: 1 node per zone × 3 zones of e2-medium (GKE default):
// 3 × 730 × $0.0335057 = $73.377; 3 × 100 GB pd-balanced = $30.00; 3 external IPs $10.95;
// 100 GB inter-zone traffic $1.00 (a regional cluster spans three zones).
func TestGKEDefaultNodePoolIsPricedUnlessRemoved(t *testing.T) {
	est := price(t, inv(res("gcp:container/cluster:Cluster", "gke", obj{"location": "us-central1"})))
	assert.InDelta(t, 73.00+73.377483+30.00+10.95+1.00, est.MonthlyUSD, 0.005)
}

func managers(size float64, tpl obj) (inventory.Resource, inventory.Resource) {
	in := obj{"machineType": "e2-medium", "disks": list(obj{"boot": true, "diskSizeGb": 30.0, "diskType": "pd-balanced"})}
	for k, v := range tpl {
		in[k] = v
	}
	template := res("gcp:compute/instanceTemplate:InstanceTemplate", "managers", in)
	group := res("gcp:compute/instanceGroupManager:InstanceGroupManager", "managers-a", obj{"zone": "us-central1-a", "targetSize": size,
		"versions": list(obj{"instanceTemplate": "https://www.googleapis.com/compute/v1/projects/demo/global/instanceTemplates/managers"})})
	return template, group
}

// 3 × e2-medium: 3 × 730 × $0.0335057 = $73.377; 3 × 30 GB pd-balanced = $9.00;
// with an access config, 3 external IPs: 3 × 730 × $0.005 = $10.95.
func TestInstanceGroupIsPricedThroughItsTemplate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tpl    obj
		public bool
	}{
		{"no access config: private", obj{"networkInterfaces": list(obj{"network": "default"})}, false},
		{"access config: external IP", obj{"networkInterfaces": list(obj{"network": "default", "accessConfigs": list(obj{})})}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tpl, group := managers(3, tc.tpl)
			est := price(t, inv(tpl, group))
			require.Empty(t, est.Unpriced, reasons(est))
			want := 73.377483 + 9.00
			if tc.public {
				want += 10.95
			}
			assert.InDelta(t, want, est.MonthlyUSD, 0.005)
		})
	}
}

// Cloud Load Balancing bills the first five forwarding rules of a project and region as
// one minimum charge ($0.025/h in all), each rule after five $0.01/h; global rules are
// counted apart. 7 regional rules: 730 h × $0.025 = $18.25, then 2 × 730 h × $0.01 =
// $14.60; 2 global rules: one more minimum charge, $18.25.
func TestForwardingRulesShareOneMinimumChargePerRegion(t *testing.T) {
	var rules []inventory.Resource
	for i := 1; i <= 7; i++ {
		rules = append(rules, res("gcp:compute/forwardingRule:ForwardingRule", fmt.Sprintf("rule-%d", i), obj{"region": "us-central1"}))
	}
	est := price(t, inv(rules...))
	assert.Equal(t, map[string]float64{"gcp/us-central1/lb/forwarding-rule-first-5": 18.25, "gcp/us-central1/lb/forwarding-rule-extra": 14.60}, monthlyByKey(est))
	assert.InDelta(t, 32.85, est.MonthlyUSD, 0.001)

	for i := 1; i <= 2; i++ {
		rules = append(rules, res("gcp:compute/globalForwardingRule:GlobalForwardingRule", fmt.Sprintf("global-%d", i), obj{}))
	}
	est = price(t, inv(rules...))
	assert.InDelta(t, 32.85+18.25, est.MonthlyUSD, 0.001)
}

// Cloud NAT with AUTO_ONLY allocates its own external IPs, billed like any in-use
// address: one per 64,512 ports, each VM reserving minPortsPerVm (64 by default). A NAT
// with MANUAL_ONLY is billed through its address resources, never twice.
func TestCloudNATPricesTheAddressesItAllocates(t *testing.T) {
	vm := func(name string) inventory.Resource {
		return res("gcp:compute/instance:Instance", name, obj{"zone": "us-central1-a", "machineType": "e2-medium", "networkInterfaces": list(obj{"network": "default"})})
	}
	for _, tc := range []struct {
		name string
		nat  obj
		ips  float64
	}{
		{"auto, default ports: one IP", obj{"region": "us-central1", "natIpAllocateOption": "AUTO_ONLY"}, 1},
		{"auto, 32768 ports per VM, 3 VMs: two IPs", obj{"region": "us-central1", "natIpAllocateOption": "AUTO_ONLY", "minPortsPerVm": 32768}, 2},
		{"manual: priced through its addresses", obj{"region": "us-central1", "natIpAllocateOption": "MANUAL_ONLY"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			est := price(t, inv(vm("a"), vm("b"), vm("c"), res("gcp:compute/routerNat:RouterNat", "nat", tc.nat)))
			require.Empty(t, est.Unpriced, reasons(est))
			assert.InDelta(t, tc.ips*730*0.005, monthlyByKey(est)["gcp/us-central1/vpc/external-ipv4"], 0.001)
		})
	}
}

// Cloud NAT bills $0.0014 per VM-hour up to 32 VMs and a flat $0.044/h above (not 32 ×
// $0.0014 = $0.0448): 40 private VMs cost 730 × $0.044 = $32.12; 32 VMs cost 32 × 730 ×
// $0.0014 = $32.704; the public group's 2 VMs are not served. Data: 150 GB × $0.045.
func TestCloudNATChargesPerPrivateVMThenAFlatRate(t *testing.T) {
	publicTpl := res("gcp:compute/instanceTemplate:InstanceTemplate", "edge", obj{"machineType": "e2-medium",
		"networkInterfaces": list(obj{"accessConfigs": list(obj{})})})
	edge := res("gcp:compute/instanceGroupManager:InstanceGroupManager", "edge", obj{"targetSize": 2.0, "versions": list(obj{"instanceTemplate": "edge-id"})})
	nat := res("gcp:compute/routerNat:RouterNat", "nat", obj{"region": "us-central1", "natIpAllocateOption": "MANUAL_ONLY"})
	with := func(n float64) []inventory.Resource {
		tpl, group := managers(n, nil)
		return []inventory.Resource{tpl, group, publicTpl, edge, nat}
	}
	for _, tc := range []struct {
		name        string
		rs          []inventory.Resource
		perVM, flat float64
	}{
		{"40 private VMs: the flat rate", with(40), 0, 730 * 0.044},
		{"32 private VMs: per VM", with(32), 32 * 730 * 0.0014, 0},
		{"2 public VMs only: none served", []inventory.Resource{publicTpl, edge, nat}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			est := price(t, inv(tc.rs...))
			require.Empty(t, est.Unpriced, reasons(est))
			byKey := monthlyByKey(est)
			assert.InDelta(t, tc.perVM, byKey["gcp/us-central1/cloudnat/gateway-vm"], 0.005)
			assert.InDelta(t, tc.flat, byKey["gcp/us-central1/cloudnat/gateway-flat"], 0.005)
			assert.InDelta(t, 6.75, byKey["gcp/us-central1/cloudnat/data"], 0.001)
		})
	}
}

func TestSingleGCPResources(t *testing.T) {
	cases := []struct {
		name string
		r    inventory.Resource
		want map[string]float64
	}{
		{"pd-ssd disk named by type URL: 20 GB × $0.17", res("gcp:compute/disk:Disk", "etcd", obj{"size": 20.0, "type": "projects/p/zones/us-central1-a/diskTypes/pd-ssd", "zone": "us-central1-a"}),
			map[string]float64{"gcp/us-central1/pd/pd-ssd": 3.40}},
		{"external address used by nothing: 730 h × $0.01", res("gcp:compute/address:Address", "api", nil), map[string]float64{"gcp/us-central1/vpc/external-ipv4-unused": 7.30}},
		{"internal address is free", res("gcp:compute/address:Address", "ilb", obj{"addressType": "INTERNAL"}), map[string]float64{}},
		{"bucket: 50 GB × $0.020", res("gcp:storage/bucket:Bucket", "backups", obj{"location": "US-CENTRAL1"}), map[string]float64{"gcp/us-central1/gcs/standard": 1.00}},
		{"instance: 730 h × $0.097118; 10 GB pd-standard boot × $0.04", res("gcp:compute/instance:Instance", "vm", obj{"machineType": "n2-standard-2", "zone": "us-central1-b"}),
			map[string]float64{"gcp/us-central1/gce/n2-standard-2": 70.90, "gcp/us-central1/pd/pd-standard": 0.40}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			est := price(t, inv(tc.r))
			require.Empty(t, est.Unpriced, reasons(est))
			assert.Equal(t, tc.want, monthlyByKey(est))
		})
	}
}

func TestMultiRegionBucketIsUnpricedWithItsKey(t *testing.T) {
	est := price(t, inv(res("gcp:storage/bucket:Bucket", "logs", obj{"location": "US"})))
	require.Len(t, est.Unpriced, 1)
	assert.Contains(t, est.Unpriced[0].Reason, "gcp/us/gcs/standard")
}

// A Secret Manager secret holds one active version once the bootstrap writes it: $0.06.
func TestSecretManagerSecretsPayForOneActiveVersion(t *testing.T) {
	est := price(t, inv(res("gcp:secretmanager/secret:Secret", "join-token", obj{"secretId": "s"}), res("gcp:secretmanager/secret:Secret", "ca-hash", obj{"secretId": "t"})))
	require.Empty(t, est.Unpriced, reasons(est))
	assert.InDelta(t, 0.12, est.MonthlyUSD, 0.0001)
}

// A version Pulumi writes (the Datadog API key) is the one its secret's line prices:
// $0.06 for both, not unpriced and not twice.
func TestASecretVersionPulumiWritesIsItsSecretsOneVersion(t *testing.T) {
	est := price(t, inv(res("gcp:secretmanager/secret:Secret", "datadog-api-key", obj{"secretId": "s"}),
		res("gcp:secretmanager/secretVersion:SecretVersion", "datadog-api-key", obj{"secretData": "[secret]"})))
	require.Empty(t, est.Unpriced, reasons(est))
	assert.InDelta(t, 0.06, est.MonthlyUSD, 0.0001)
}

// A Cloud KMS key: one active SOFTWARE key version, $0.06 a month (Cloud KMS pricing);
// its key ring is free. An HSM key is not in the catalog: unpriced, with the reason.
func TestKMSKeysPayPerActiveVersion(t *testing.T) {
	est := price(t, inv(res("gcp:kms/keyRing:KeyRing", "ring", obj{"location": "us-central1"}),
		res("gcp:kms/cryptoKey:CryptoKey", "key", obj{"keyRing": "projects/p/locations/us-central1/keyRings/ring", "rotationPeriod": "7776000s"})))
	require.Empty(t, est.Unpriced, reasons(est))
	assert.InDelta(t, 0.06, est.MonthlyUSD, 0.0001)
	require.Len(t, est.Lines, 1)
	assert.Contains(t, est.Lines[0].Note, "rotation every 7776000s adds one")

	hsm := price(t, inv(res("gcp:kms/cryptoKey:CryptoKey", "key", obj{"versionTemplate": obj{"protectionLevel": "HSM"}})))
	require.Len(t, hsm.Unpriced, 1)
	assert.Contains(t, hsm.Unpriced[0].Reason, "protection level HSM is not priced")
}

// Spot GKE pools and Autopilot compute are listed as unpriced, with the reason.
func TestGKESpotPoolsAndAutopilotComputeAreUnpriced(t *testing.T) {
	pool := res("gcp:container/nodePool:NodePool", "spot", obj{"location": "us-central1-a", "nodeCount": 2, "nodeConfig": obj{"machineType": "e2-standard-2", "spot": true}})
	est := price(t, inv(pool))
	require.Len(t, est.Unpriced, 1)
	assert.Contains(t, est.Unpriced[0].Reason, "spot or preemptible")

	autopilot := res("gcp:container/cluster:Cluster", "ap", obj{"location": "us-central1", "enableAutopilot": true})
	est = price(t, inv(autopilot))
	require.Len(t, est.Unpriced, 1)
	assert.Contains(t, est.Unpriced[0].Reason, "Autopilot compute")
	assert.InDelta(t, 73.0, monthlyByKey(est)["gcp/global/gke/cluster-management"], 0.001, "the cluster fee is still priced")
}

// A regional GKE cluster that keeps no node pool of its own runs nothing in its zones:
// alone, it causes no inter-zone traffic.
func TestRegionalGKEClusterWithoutNodesHasNoInterZoneTraffic(t *testing.T) {
	cluster := res("gcp:container/cluster:Cluster", "gke", obj{"location": "us-central1", "removeDefaultNodePool": true, "initialNodeCount": 1})
	est := price(t, inv(cluster))
	assert.InDelta(t, 73.0, est.MonthlyUSD, 0.001)
	assert.NotContains(t, monthlyByKey(est), "gcp/us-central1/vpc/inter-zone-data")
}

// A template that attaches an existing disk (an etcd disk) is not charged for it: the
// disk resource is. 20 GB pd-ssd × $0.17 = $3.40, once.
func TestAttachedDisksArePricedOnceThroughTheirResource(t *testing.T) {
	tpl, group := managers(1, obj{"disks": list(
		obj{"boot": true, "diskSizeGb": 30.0, "diskType": "pd-balanced"},
		obj{"source": "projects/demo/zones/us-central1-a/disks/etcd-0", "deviceName": "etcd-main"})})
	etcd := res("gcp:compute/disk:Disk", "etcd-0", obj{"zone": "us-central1-a", "size": 20, "type": "pd-ssd"})
	est := price(t, inv(tpl, group, etcd))
	require.Empty(t, est.Unpriced, reasons(est))
	byKey := monthlyByKey(est)
	assert.InDelta(t, 3.40, byKey["gcp/us-central1/pd/pd-ssd"], 0.001)
	assert.InDelta(t, 3.00, byKey["gcp/us-central1/pd/pd-balanced"], 0.001)
	assert.NotContains(t, byKey, "gcp/us-central1/pd/pd-standard", "no phantom default disk")
}

// One address, one line: a reserved address a VM uses is billed on the address at the
// in-use rate and not again on the VM; one a forwarding rule uses costs nothing beyond the
// rule; an internet-facing NLB whose subnet mappings bring EIPs pays for the EIPs only.
func TestAddressesAreBilledOnce(t *testing.T) {
	addr := res("gcp:compute/address:Address", "static", obj{"region": "us-central1"})
	vm := res("gcp:compute/instance:Instance", "vm", obj{"zone": "us-central1-a", "machineType": "e2-medium",
		"networkInterfaces": list(obj{"accessConfigs": list(obj{"natIp": "static-id"})})})
	est := price(t, inv(addr, vm))
	require.Empty(t, est.Unpriced, reasons(est))
	assert.InDelta(t, 3.65, monthlyByKey(est)["gcp/us-central1/vpc/external-ipv4"], 0.001, "in use by a VM: once, on the address")

	rule := res("gcp:compute/forwardingRule:ForwardingRule", "rule", obj{"region": "us-central1", "ipAddress": "static-id"})
	est = price(t, inv(addr, rule))
	assert.NotContains(t, monthlyByKey(est), "gcp/us-central1/vpc/external-ipv4")
	assert.NotContains(t, monthlyByKey(est), "gcp/us-central1/vpc/external-ipv4-unused")

	eip := res("aws:ec2/eip:Eip", "eip", obj{"domain": "vpc"})
	nlb := res("aws:lb/loadBalancer:LoadBalancer", "nlb", obj{"region": "us-east-1", "loadBalancerType": "network",
		"subnetMappings": list(obj{"subnetId": "a", "allocationId": "eip-id"}, obj{"subnetId": "b"})})
	est = price(t, inv(eip, nlb))
	require.Empty(t, est.Unpriced, reasons(est))
	assert.InDelta(t, 2*3.65, monthlyByKey(est)["aws/us-east-1/vpc/public-ipv4"], 0.001, "the EIP, and one address for the mapping without one")
}

// Snapshots are priced in the storage class they are configured for: 50 GB (small
// preset) standard at $0.05 = $2.50, archive at $0.019 (GCE) = $0.95 and $0.0125 (EBS) = $0.625.
func TestSnapshotsArePricedInTheirStorageClass(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    inventory.Resource
		want float64
	}{
		{"GCE standard", res("gcp:compute/snapshot:Snapshot", "s", obj{"region": "us-central1"}), 2.50},
		{"GCE archive", res("gcp:compute/snapshot:Snapshot", "s", obj{"region": "us-central1", "snapshotType": "ARCHIVE"}), 0.95},
		{"EBS standard", res("aws:ebs/snapshot:Snapshot", "s", obj{"region": "us-east-1"}), 2.50},
		{"EBS archive", res("aws:ebs/snapshot:Snapshot", "s", obj{"region": "us-east-1", "storageTier": "archive"}), 0.625},
	} {
		t.Run(tc.name, func(t *testing.T) {
			est := price(t, inv(tc.r))
			require.Empty(t, est.Unpriced, reasons(est))
			assert.InDelta(t, tc.want, est.MonthlyUSD, 0.006)
		})
	}
}

// An N2 machine's line says its sustained-use discount is not applied; an E2 line does not
// (E2 earns none).
func TestSustainedUseDiscountIsNamedOnTheLine(t *testing.T) {
	for typ, says := range map[string]bool{"n2-standard-2": true, "e2-medium": false} {
		vm := res("gcp:compute/instance:Instance", "vm", obj{"zone": "us-central1-a", "machineType": typ, "networkInterfaces": list(obj{})})
		est := price(t, inv(vm))
		require.Empty(t, est.Unpriced, reasons(est))
		found := false
		for _, l := range est.Lines {
			found = found || strings.Contains(l.Note, "sustained-use discount")
		}
		assert.Equal(t, says, found, typ)
	}
}
