// Package swarm builds Docker Swarm on EC2 (aws*.go) and GCE (gcp*.go), on the network
// components and the shared node groups, with the same file names for both clouds:
// firewall, iam (roles, service accounts and the token store), loadbalancer, and the
// component itself with its instance groups.
//
// Managers: controlPlane.count (1, 3, 5 or 7), each its own group of exactly one pinned to
// one zone (a lost manager comes back in its zone), spread round robin over the zones so
// that losing any one zone leaves a raft quorum whenever the zone count allows (Docker's
// swarm admin guide: 3 → 1-1-1, 5 → 2-2-1, 7 → 3-2-2). Workers: one group over the
// zones. Every node runs scripts/swarm/bootstrap.sh; join tokens and the autolock key
// never pass through Pulumi: the first manager writes them to the store (SSM Parameter
// Store SecureStrings / Secret Manager secrets), which only the right role may read.
package swarm

import (
	"net"
	"strconv"

	"github.com/clusterbench/clusterbench/components/monitoring"
	"github.com/clusterbench/clusterbench/components/secretstore"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/scripts"
)

// Type tokens (renaming one needs pulumi.Aliases).
const (
	AwsSwarmType = "clusterbench:swarm:AwsSwarm"
	GcpSwarmType = "clusterbench:swarm:GcpSwarm"
)

// Swarm's ports (Docker docs, "Use overlay networks" and the swarm admin guide). The
// Docker API (2375/2376) is never opened: the nodes talk through the swarm ports only.
const (
	portManagement = 2377 // TCP, to managers: raft and the cluster API
	portGossip     = 7946 // TCP and UDP, between all nodes: container network discovery
	portVxlan      = 4789 // UDP, between all nodes: overlay network traffic
	portSSH        = 22
	// DockerAPIPorts are the daemon's TCP ports, which nothing may reach.
	dockerAPIFirst, dockerAPILast = 2375, 2376
)

// PublishedPorts are the service ports the load balancer forwards to the workers
// (Swarm's routing mesh takes them to the tasks). They are reachable only from
// adminCidrs: a public service is a deliberate change, not a default.
var PublishedPorts = []int{80}

// Keys of the token store. The bootstrap script appends them to CB_STORE_PATH
// (AWS: "<path>/<key>"; GCP: secret "<path>-<key>").
const (
	KeyLock         = "lock"          // taken by the one node that runs `swarm init`
	KeyManagerToken = "manager-token" // join token for managers
	KeyWorkerToken  = "worker-token"  // join token for workers
	KeyUnlockKey    = "unlock-key"    // autolock key: a restarted manager unlocks with it
	KeyManagerAddrs = "manager-addrs" // where joining nodes find a manager
	// KeyDatadogAPIKey holds clusterbench:datadogApiKey: Pulumi writes it (a secret),
	// managers only read it, and the init manager turns it into a Swarm secret.
	KeyDatadogAPIKey = secretstore.DatadogAPIKey
)

// StoreKeys are every key of a swarm's store; managers read and write all of them.
var StoreKeys = []string{KeyLock, KeyManagerToken, KeyWorkerToken, KeyUnlockKey, KeyManagerAddrs}

// WorkerKeys are the only keys a worker may read: never the manager token or the unlock
// key, so a compromised worker cannot promote itself or decrypt the raft log.
var WorkerKeys = []string{KeyWorkerToken, KeyManagerAddrs}

// Roles as the bootstrap script's CB_ROLE names them.
const (
	RoleManager = "manager"
	RoleWorker  = "worker"
)

// managerRootDiskGB: a drained manager keeps only the raft log and its snapshots; a
// manager that runs workloads gets the workers' disk.
const managerRootDiskGB = 30

// ManagerZones places count managers over zones round robin, in order: manager i goes to
// zone i mod len(zones). Over three zones 3 → 1-1-1, 5 → 2-2-1, 7 → 3-2-2, so no zone
// holds a majority and losing any one leaves a quorum; over fewer zones it is the most
// even spread there is. Adding managers never moves the existing ones.
func ManagerZones(count int, zones []string) []string {
	if len(zones) == 0 {
		return nil
	}
	out := make([]string, count)
	for i := range out {
		out[i] = zones[i%len(zones)]
	}
	return out
}

// bootstrapSettings are the CB_ settings every node of one swarm shares; userData adds
// the role and the zone.
type bootstrapSettings map[string]string

// userData renders the bootstrap script for one role. zone is the manager's zone; a
// worker group spans zones, so its nodes read their zone from the instance metadata
// (CB_ZONE empty). Managers also carry the stack files the init manager deploys.
func userData(s *spec.Spec, common bootstrapSettings, role, zone string) (string, error) {
	settings := map[string]string{"CB_ROLE": role, "CB_ZONE": zone}
	for k, v := range common {
		settings[k] = v
	}
	if role == RoleManager {
		for k, v := range monitoring.SwarmManagerSettings(s) {
			settings[k] = v
		}
	}
	return scripts.Render(scripts.SwarmBootstrap, settings)
}

// awsSettings: the tokens are SecureString parameters under storePath in the region.
func awsSettings(s *spec.Spec, storePath string) bootstrapSettings {
	return commonSettings(s, "ssm", storePath, "CB_REGION", s.Region)
}

// gcpSettings: the tokens are Secret Manager secrets <storePath>-<key> in the project.
func gcpSettings(s *spec.Spec, storePath string) bootstrapSettings {
	return commonSettings(s, "gcp-secret", storePath, "CB_PROJECT", s.Project)
}

// commonSettings are the settings of every node of a swarm; the stack files reach the
// managers only (managerSettings).
func commonSettings(s *spec.Spec, store, storePath, cloudKey, cloudValue string) bootstrapSettings {
	settings := bootstrapSettings{
		"CB_STORE":                  store,
		"CB_STORE_PATH":             storePath,
		cloudKey:                    cloudValue,
		"CB_MANAGERS_RUN_WORKLOADS": strconv.FormatBool(s.Swarm.ManagersRunWorkloads),
		"CB_INSTALL":                "true", // the images are plain Debian: install docker.io
		"CB_AUTOLOCK":               "true", // managers' Raft keys stay locked after a restart
		"CB_ADDR_POOL":              overlayAddressPool(s.Network.Cidr),
	}
	for k, v := range monitoring.SwarmSettings(s) {
		settings[k] = v
	}
	return settings
}

// overlayPools are the address pools swarm may carve overlay networks from, in order of
// preference. Docker's default pool is 10.0.0.0/8, which holds every default VPC range
// (10.0.0.0/16): an overlay subnet equal to a VPC subnet makes the nodes route their own
// peers into the overlay (Docker docs, "swarm init --default-addr-pool").
var overlayPools = []string{"10.128.0.0/12", "172.24.0.0/14", "192.168.128.0/17"}

// overlayAddressPool is the first pool that does not overlap the network's range (the
// spec validated the CIDR; the last pool is the fallback for a network overlapping all).
func overlayAddressPool(networkCidr string) string {
	_, vpc, err := net.ParseCIDR(networkCidr)
	if err != nil {
		return overlayPools[0]
	}
	for _, p := range overlayPools {
		_, pool, _ := net.ParseCIDR(p)
		if !vpc.Contains(pool.IP) && !pool.Contains(vpc.IP) {
			return p
		}
	}
	return overlayPools[len(overlayPools)-1]
}

// managerDiskGB is a manager's root disk.
func managerDiskGB(managersRunWorkloads bool, workersDiskGB int) int {
	if managersRunWorkloads {
		return workersDiskGB
	}
	return managerRootDiskGB
}
