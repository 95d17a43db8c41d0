// Package spec is the typed, validated stack configuration: every `clusterbench:` key of
// DESIGN.md's contract table, its default (defined once, in parse.go) and its rules
// (validate.go). Parse reports every problem at once, before any resource exists.
package spec

// Namespace is the config namespace of the project's own keys.
const Namespace = "clusterbench"

// Clouds and orchestrators.
const (
	AWS = "aws"
	GCP = "gcp"

	Managed     = "managed"
	SelfManaged = "selfmanaged"
	Swarm       = "swarm"
)

// NAT gateway modes (network.natGateways).
const (
	NatNone    = "none"
	NatSingle  = "single"
	NatPerZone = "perZone"
)

// Control-plane availability (controlPlane.availability, GKE only).
const (
	Regional = "regional"
	Zonal    = "zonal"
)

// Spec is one stack's validated configuration.
type Spec struct {
	Stack        string
	Cloud        string
	Orchestrator string
	// Region is aws:region or gcp:region; Project is gcp:project.
	Region  string
	Project string

	Zones              int
	AdminCidrs         []string
	ControlPlane       ControlPlane
	Workers            Workers
	Network            Network
	Endpoint           Endpoint
	AdminPrincipals    []string
	DeletionProtection bool
	KubernetesVersion  string
	Monitoring         string
	Swarm              SwarmSettings
}

// ControlPlane sizes the control plane (etcd members, swarm managers; ignored by
// managed clusters, whose control plane the provider runs).
type ControlPlane struct {
	Count        int
	MachineType  string
	Availability string
}

// Workers are totals across all zones.
type Workers struct {
	Count, Min, Max int
	MachineType     string
	DiskGb          int
}

// Network is the VPC / VPC network layout.
type Network struct {
	Cidr         string
	PrivateNodes bool
	NatGateways  string
	FlowLogs     bool
}

// SwarmSettings hold what only Docker Swarm has (the swarm object).
type SwarmSettings struct {
	// ManagersRunWorkloads leaves managers schedulable; by default they are drained, so a
	// busy task cannot starve raft (Docker's swarm admin guide).
	ManagersRunWorkloads bool
}

// Endpoint is the managed clusters' API endpoint.
type Endpoint struct {
	Public bool
}

// IsEKS and friends name the combinations the components build.
func (s *Spec) IsEKS() bool { return s.Cloud == AWS && s.Orchestrator == Managed }

// IsGKE reports a managed cluster on GCP.
func (s *Spec) IsGKE() bool { return s.Cloud == GCP && s.Orchestrator == Managed }

// ZonalControlPlane reports a GKE cluster whose control plane lives in one zone.
func (s *Spec) ZonalControlPlane() bool {
	return s.IsGKE() && s.ControlPlane.Availability == Zonal
}
