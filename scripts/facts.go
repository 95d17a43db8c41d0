package scripts

// KubernetesFacts is what scripts/kubernetes/bootstrap.sh configures whatever its
// settings. Reports take these from here (the settings tell the rest); a test renders
// the bootstrap's dry run and checks every fact against the files kubeadm would read, so
// a change to the bootstrap that is not made here fails the tests.
var KubernetesFacts = KubernetesBootstrapFacts{
	Authorization:       "Node,RBAC",
	AdmissionPlugins:    "NodeRestriction",
	SecretsProvider:     "secretbox",
	EncryptedResources:  []string{"secrets"},
	AuditLogPath:        "/var/log/kubernetes/audit/audit.log",
	AuditLogMaxAgeDays:  30,
	ZoneLabel:           "topology.kubernetes.io/zone",
	KubeletAnonymousOff: true,
}

// KubernetesBootstrapFacts describe the API server, kubelet and node configuration the
// Kubernetes bootstrap renders for kubeadm.
type KubernetesBootstrapFacts struct {
	// Authorization is the API server's --authorization-mode.
	Authorization string
	// AdmissionPlugins is --enable-admission-plugins.
	AdmissionPlugins string
	// SecretsProvider is the EncryptionConfiguration's first provider (the one that
	// writes), for EncryptedResources; its key is generated once and kept in the store.
	SecretsProvider    string
	EncryptedResources []string
	// AuditLogPath and AuditLogMaxAgeDays: the API server's audit log on each member.
	AuditLogPath       string
	AuditLogMaxAgeDays int
	// ZoneLabel is the node label every node registers with, set to CB_ZONE.
	ZoneLabel string
	// KubeletAnonymousOff: the kubelet refuses anonymous requests.
	KubeletAnonymousOff bool
}

// SwarmFacts is what scripts/swarm/bootstrap.sh sets up whatever its settings (a test
// runs the script's own definitions to check them).
var SwarmFacts = SwarmBootstrapFacts{ZoneLabel: "zone", Overlay: "cb-overlay"}

// SwarmBootstrapFacts describe the Swarm bootstrap.
type SwarmBootstrapFacts struct {
	// ZoneLabel is the engine and node label that carries the node's zone
	// (placement preferences spread over node.labels.<ZoneLabel>).
	ZoneLabel string
	// Overlay is the attachable overlay network the first manager creates, encrypted
	// (IPsec between nodes).
	Overlay string
}
