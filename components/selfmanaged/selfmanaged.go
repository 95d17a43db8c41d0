// Package selfmanaged holds what the self-managed, kops-style Kubernetes components share
// on both clouds: where the control-plane members go, what their etcd volumes are, which
// keys the bootstrap keeps in the cloud's secret store, and how the bootstrap's settings
// are rendered into user data. The clouds' resources are built by awsmodel
// (clusterbench:selfmanaged:AwsCluster) and gcemodel (clusterbench:selfmanaged:GcpCluster),
// one file per concern with the same file names in both, as kops lays out
// pkg/model/awsmodel and pkg/model/gcemodel.
package selfmanaged

import (
	"fmt"
	"sort"
	"strings"

	"github.com/clusterbench/clusterbench/components/monitoring"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/scripts"
)

// Type tokens (renaming one needs pulumi.Aliases).
const (
	AwsClusterType = "clusterbench:selfmanaged:AwsCluster"
	GcpClusterType = "clusterbench:selfmanaged:GcpCluster"
)

// Sizes kops uses (pkg/model/defaults/volumes.go): control-plane root volumes of 64 GB, etcd volumes
// of 20 GB. Workers take the spec's workers.diskGb.
const (
	ControlPlaneRootGB = 64
	EtcdVolumeGB       = 20
)

// APIPort is the port kube-apiserver listens on and the load balancer forwards.
const APIPort = 6443

// EtcdPortRanges are the etcd ports no worker may reach: kubeadm's stacked etcd listens
// on 2379 (clients), 2380 (peers) and 2381 (metrics); kops's etcd-manager serves the
// main and events clusters' clients on 4001 and 4002. kops opens node → control plane
// on every TCP port except these (pkg/model/firewall.go).
var EtcdPortRanges = [][2]int{{2379, 2381}, {4001, 4002}}

// EtcdVolumes are the etcd data volumes of every member. kops keeps two per member,
// etcd-main and etcd-events (pkg/model/master_volumes.go), because it runs two etcd
// clusters; kubeadm runs one stacked etcd cluster, and the bootstrap
// (scripts/kubernetes/bootstrap.sh) mounts only "main": an events volume would be paid
// for and never used. A second cluster would need its own static pod, certificates and
// --etcd-servers-overrides.
var EtcdVolumes = []string{"main"}

// Store keys the bootstrap keeps in the cloud's secret store (SSM SecureString
// parameters, Secret Manager secrets). LockKey is created once, conditionally, by the
// member that runs kubeadm init; StoreKeys are the join material it publishes; each
// member also publishes its etcd client URL under EtcdEndpointKey(member).
const LockKey = "lock"

var (
	StoreKeys = []string{"join-token", "ca-cert-hash", "certificate-key", "encryption-key"}
	// WorkerStoreKeys are the only keys a worker may read: a worker never sees the
	// certificate key (which would let it join as control plane) or the encryption key.
	WorkerStoreKeys = []string{"join-token", "ca-cert-hash"}
)

// EtcdEndpointKey is where a member publishes its etcd client URL.
func EtcdEndpointKey(member string) string { return "etcd-" + member }

// MemberNames is CB_CONTROL_PLANE_MEMBERS: every member's name, comma-separated.
func MemberNames(members []Member) string {
	names := make([]string, len(members))
	for i, m := range members {
		names[i] = m.Name
	}
	return strings.Join(names, ",")
}

// AdminKubeconfigKey is where the member that ran kubeadm init publishes
// /etc/kubernetes/admin.conf, for the operators: no node reads it back, and it is the
// only way to hand it over that needs neither SSH keys nor a network path to private
// nodes. The stacks export the command that fetches it.
const AdminKubeconfigKey = "admin-kubeconfig"

// Default pod and service ranges where the network has none of its own (AWS): kops's
// defaults, inside 100.64.0.0/10 (RFC 6598), so they never overlap a VPC's range.
const (
	DefaultPodCidr     = "100.96.0.0/11"
	DefaultServiceCidr = "100.64.0.0/13"
)

// Member is one control-plane member: one group of exactly one instance, pinned to Zone.
type Member struct {
	Index int
	// Name is the member's stable name: the etcd member name, the volume tag, the
	// group's resource name suffix. A replacement instance keeps it.
	Name string
	Zone string
}

// Members places count members round-robin over the zones (kops: one instance group per
// member, each in its own zone in turn), so 3 over 3 is 1-1-1 and 5 over 3 is 2-2-1.
func Members(count int, zones []string) []Member {
	out := make([]Member, count)
	for i := range out {
		out[i] = Member{Index: i, Name: fmt.Sprintf("control-plane-%d", i), Zone: zones[i%len(zones)]}
	}
	return out
}

// ClusterName is the cluster's name: the stack and the component, so two stacks in one
// account never share volumes, tags or parameters.
func ClusterName(stack, name string) string { return stack + "-" + name }

// Settings are the bootstrap's CB_* settings known while the program runs; the ones that
// come from resources (endpoint, volumes, bucket, the store path) are added by UserData.
type Settings map[string]string

// CNI is the pod network the bootstrap applies (CB_CNI): Calico, which enforces
// NetworkPolicy. It is rendered into every node's user data, so what a stack runs can be
// read back from its inventory (internal/capabilities).
const CNI = "calico"

// Bootstrap settings every role shares. The store path (CB_STORE_PATH) is not one: it
// names the network, so UserData takes it as an input.
func Bootstrap(cloud, role, cluster, version, podCidr, serviceCidr, store string) Settings {
	return Settings{
		"CB_CLOUD": cloud, "CB_ROLE": role, "CB_CLUSTER_NAME": cluster,
		"CB_KUBERNETES_VERSION": version, "CB_POD_CIDR": podCidr, "CB_SERVICE_CIDR": serviceCidr,
		"CB_STORE": store, "CB_INSTALL": "true", "CB_CNI": CNI,
	}
}

// With returns a copy with more settings.
func (s Settings) With(kv ...string) Settings {
	out := Settings{}
	for k, v := range s {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// EtcdVolumeSetting renders CB_ETCD_VOLUMES: "main=<id>,events=<id>" in EtcdVolumes order.
func EtcdVolumeSetting(ids map[string]string) string {
	parts := make([]string, 0, len(ids))
	for _, v := range EtcdVolumes {
		if id, ok := ids[v]; ok {
			parts = append(parts, v+"="+id)
		}
	}
	return strings.Join(parts, ",")
}

// ParseSettings reads back the CB_* exports of a rendered script (tests, and anyone
// checking a node's user data): name → value, quotes removed.
func ParseSettings(script string) map[string]string { return scripts.ParseSettings(script) }

// SortedKeys lists a map's keys in order (deterministic resource registration).
func SortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// WithAddons adds a control-plane member's settings for clusterbench:monitoring and
// clusterbench:demo (monitoring.SelfManagedMemberSettings): the init member installs
// them once the API is up. Workers never carry them.
func (s Settings) WithAddons(sp *spec.Spec) (Settings, error) {
	addons, err := monitoring.SelfManagedMemberSettings(sp)
	if err != nil {
		return nil, err
	}
	out := s.With()
	for k, v := range addons {
		out[k] = v
	}
	return out, nil
}

// DatadogKeyDescription describes the store entry of the Datadog API key.
const DatadogKeyDescription = "Datadog API key of the cluster's agent (clusterbench:datadogApiKey); only the control-plane members read it"
