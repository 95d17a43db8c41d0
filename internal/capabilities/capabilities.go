// Package capabilities says what each stack can do for the applications it runs — how
// they are defined, scaled, balanced, found, protected and upgraded — from what the stack
// actually deploys: its recorded inventory (the cluster's inputs, add-ons, groups, load
// balancers, keys) and the settings its node bootstraps are rendered with. Nothing here
// reads a stack's name or fixes a sentence per orchestrator: turn Dataplane V2 off, change
// the CNI or autolock, and the cell changes. docs/capabilities.md names each row's source.
package capabilities

import (
	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// Statuses: who provides a capability.
const (
	// Provided: the cloud provider runs it for you (EKS, GKE).
	Provided = "provided"
	// Deployed: this stack deploys it (its program or its node bootstrap); you operate it.
	Deployed = "deployed"
	// Yours: the orchestrator can do it, but this stack does not set it up: you install or
	// configure it.
	Yours = "yours"
	// None: the orchestrator has no such capability.
	None = "none"
)

// Capability is one cell: who provides it, what it is, and the facts behind it.
type Capability struct {
	Status  string   `json:"status"`
	Value   string   `json:"value"`
	Details []string `json:"details"`
}

// Set is one stack's capabilities, one field per row in report order.
type Set struct {
	ApplicationDefinition Capability `json:"applicationDefinition"`
	PodScaling            Capability `json:"podScaling"`
	NodeScaling           Capability `json:"nodeScaling"`
	ApplicationHA         Capability `json:"applicationHA"`
	LoadBalancing         Capability `json:"loadBalancing"`
	ServiceDiscovery      Capability `json:"serviceDiscovery"`
	SecretsAtRest         Capability `json:"secretsAtRest"`
	NetworkPolicy         Capability `json:"networkPolicy"`
	AccessControl         Capability `json:"accessControl"`
	Upgrades              Capability `json:"upgrades"`
	Observability         Capability `json:"observability"`
}

// Row is one capability with its label, as the reports show it.
type Row struct {
	ID, Label string
	Capability
}

// Rows lists the set's capabilities in report order.
func (s *Set) Rows() []Row {
	return []Row{
		{"applicationDefinition", "Application definition", s.ApplicationDefinition},
		{"podScaling", "Pod autoscaling", s.PodScaling},
		{"nodeScaling", "Node autoscaling", s.NodeScaling},
		{"applicationHA", "Application availability", s.ApplicationHA},
		{"loadBalancing", "Load balancing", s.LoadBalancing},
		{"serviceDiscovery", "Service discovery", s.ServiceDiscovery},
		{"secretsAtRest", "Secrets at rest", s.SecretsAtRest},
		{"networkPolicy", "Network policy", s.NetworkPolicy},
		{"accessControl", "Access control", s.AccessControl},
		{"upgrades", "Upgrades", s.Upgrades},
		{"observability", "Observability", s.Observability},
	}
}

// StatusText is how a status reads in a report cell.
func StatusText(status string) string {
	switch status {
	case Provided:
		return "provided by the cloud"
	case Deployed:
		return "deployed by this stack"
	case Yours:
		return "up to you"
	case None:
		return "not in this orchestrator"
	}
	return status
}

// Assess derives one evaluated stack's capabilities from its inventory and spec; cal is
// the support calendar EKS versions are judged on (the price catalog's, so a --prices
// file's rows count).
func Assess(inv *inventory.Inventory, s *spec.Spec, cal *kubeversion.Calendar) Set {
	st := read(inv, s, cal)
	var k kind
	switch {
	case st.eks != nil:
		k = eksKind{st}
	case st.gke != nil:
		k = gkeKind{st}
	case st.bootstrap == kubernetesBootstrap:
		k = kubeadmKind{st}
	case st.bootstrap == swarmBootstrap:
		k = swarmKind{st}
	default:
		return unknown()
	}
	return Set{
		ApplicationDefinition: k.applicationDefinition(),
		PodScaling:            k.podScaling(),
		NodeScaling:           k.nodeScaling(),
		ApplicationHA:         k.applicationHA(),
		LoadBalancing:         k.loadBalancing(),
		ServiceDiscovery:      k.serviceDiscovery(),
		SecretsAtRest:         k.secretsAtRest(),
		NetworkPolicy:         k.networkPolicy(),
		AccessControl:         k.accessControl(),
		Upgrades:              k.upgrades(),
		Observability:         observability(st),
	}
}

// kind derives the rows of one kind of cluster, as recognised from its inventory.
type kind interface {
	applicationDefinition() Capability
	podScaling() Capability
	nodeScaling() Capability
	applicationHA() Capability
	loadBalancing() Capability
	serviceDiscovery() Capability
	secretsAtRest() Capability
	networkPolicy() Capability
	accessControl() Capability
	upgrades() Capability
}

// unknown is the set of an inventory that holds no cluster this package recognises.
func unknown() Set {
	c := Capability{Status: Yours, Value: "unknown: the inventory holds no cluster this report recognises", Details: []string{}}
	return Set{c, c, c, c, c, c, c, c, c, c, c}
}

func capability(status, value string, details ...string) Capability {
	if details == nil {
		details = []string{}
	}
	return Capability{Status: status, Value: value, Details: details}
}
