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
	Prometheus         PrometheusSettings
	Datadog            DatadogSettings
	// Demo deploys the two-tier demo service spread over nodes and zones.
	Demo  bool
	Swarm SwarmSettings
}

// Monitoring choices (clusterbench:monitoring).
const (
	MonitoringNone       = "none"
	MonitoringPrometheus = "prometheus"
	MonitoringDatadog    = "datadog"
)

// PrometheusSettings size Prometheus (the prometheus object).
type PrometheusSettings struct {
	// RetentionDays is how long Prometheus keeps samples.
	RetentionDays int
	// VolumeGb is the persistent volume its time-series database lives on.
	VolumeGb int
}

// DatadogSettings configure the Datadog agent (the datadog object and datadogApiKey).
type DatadogSettings struct {
	// Site is the Datadog site the agent reports to (datadoghq.com, datadoghq.eu…).
	Site string
	// apiKey returns clusterbench:datadogApiKey, a Pulumi secret. A function, not a
	// string: fmt prints a function as an address, so a spec dumped with %v or %#v never
	// shows the key, and it never reaches a log, an output or an inventory in clear.
	apiKey func() string
}

// APIKey is the Datadog API key as the stack file holds it (offline: a placeholder).
// Callers wrap it in pulumi.ToSecret before it enters any resource.
func (d DatadogSettings) APIKey() string {
	if d.apiKey == nil {
		return ""
	}
	return d.apiKey()
}

// HasAPIKey reports whether the stack sets clusterbench:datadogApiKey.
func (d DatadogSettings) HasAPIKey() bool { return d.APIKey() != "" }

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

// PrometheusHostType is the machine type Prometheus, Alertmanager and Grafana run on:
// the managers' on Swarm (pinned there: they read the swarm's API), else the workers'.
func (s *Spec) PrometheusHostType() string {
	if s.Orchestrator == Swarm {
		return s.ControlPlane.MachineType
	}
	return s.Workers.MachineType
}

// ZonalControlPlane reports a GKE cluster whose control plane lives in one zone.
func (s *Spec) ZonalControlPlane() bool {
	return s.IsGKE() && s.ControlPlane.Availability == Zonal
}
