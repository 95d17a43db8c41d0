// Package monitoring is what the stacks deploy for clusterbench:monitoring and
// clusterbench:demo, defined once: the workloads and the resources they request (the
// chart values, the Swarm stack files and the cost engine all read them from here), the
// pinned chart versions and images, and the Swarm stack files (embedded).
package monitoring

import (
	"fmt"
	"sort"

	"github.com/clusterbench/clusterbench/components/spec"
)

// Requests are what one workload's replica asks the scheduler for.
type Requests struct {
	MilliCPU  int
	MemoryMiB int
}

// Add sums requests.
func (r Requests) Add(o Requests) Requests {
	return Requests{MilliCPU: r.MilliCPU + o.MilliCPU, MemoryMiB: r.MemoryMiB + o.MemoryMiB}
}

// CPU is the request in Kubernetes quantity form ("500m").
func (r Requests) CPU() string { return fmt.Sprintf("%dm", r.MilliCPU) }

// Memory is the request in Kubernetes quantity form ("2048Mi").
func (r Requests) Memory() string { return fmt.Sprintf("%dMi", r.MemoryMiB) }

// Workload is one piece of the Prometheus stack.
type Workload struct {
	Name     string
	Requests Requests
	// PerNode workloads run one replica on every node (a DaemonSet, a global service);
	// the others run once, on one node.
	PerNode bool
}

// The requests of each piece, set in the chart values and the Swarm stack file alike.
var (
	prometheus   = Workload{Name: "prometheus", Requests: Requests{MilliCPU: 500, MemoryMiB: 2048}}
	alertmanager = Workload{Name: "alertmanager", Requests: Requests{MilliCPU: 50, MemoryMiB: 128}}
	grafana      = Workload{Name: "grafana", Requests: Requests{MilliCPU: 100, MemoryMiB: 256}}
	operator     = Workload{Name: "prometheus-operator", Requests: Requests{MilliCPU: 100, MemoryMiB: 128}}
	stateMetrics = Workload{Name: "kube-state-metrics", Requests: Requests{MilliCPU: 50, MemoryMiB: 128}}
	eventsExport = Workload{Name: "events-exporter", Requests: Requests{MilliCPU: 50, MemoryMiB: 128}}
	nodeExporter = Workload{Name: "node-exporter", Requests: Requests{MilliCPU: 50, MemoryMiB: 64}, PerNode: true}
	cadvisor     = Workload{Name: "cadvisor", Requests: Requests{MilliCPU: 100, MemoryMiB: 128}, PerNode: true}
)

// PrometheusWorkloads are the pieces an orchestrator runs for monitoring: prometheus.
// Kubernetes runs kube-prometheus-stack (operator, kube-state-metrics, node-exporter;
// the kubelet's cAdvisor needs no exporter) and an events exporter; Swarm runs
// Prometheus, Alertmanager and Grafana with node-exporter and cAdvisor on every node.
func PrometheusWorkloads(orchestrator string) []Workload {
	if orchestrator == spec.Swarm {
		return []Workload{prometheus, alertmanager, grafana, nodeExporter, cadvisor}
	}
	return []Workload{prometheus, alertmanager, grafana, operator, stateMetrics, eventsExport, nodeExporter}
}

// Totals sums the requests of the pieces that run once and of those that run per node.
func Totals(ws []Workload) (once, perNode Requests) {
	for _, w := range ws {
		if w.PerNode {
			perNode = perNode.Add(w.Requests)
		} else {
			once = once.Add(w.Requests)
		}
	}
	return once, perNode
}

// Workload returns one piece by name (for the chart values and stack files).
func WorkloadNamed(orchestrator, name string) (Workload, bool) {
	for _, w := range PrometheusWorkloads(orchestrator) {
		if w.Name == name {
			return w, true
		}
	}
	return Workload{}, false
}

// VolumeOnNodeDisk reports where Prometheus keeps its data: on Kubernetes a persistent
// volume the cluster's storage class creates (EKS: an encrypted gp3 EBS volume through
// the EBS CSI driver; GKE: a pd-balanced disk); self-managed clusters have no CSI driver
// and Swarm no volume driver, so there it lives on the hosting node's root disk, capped
// by size-based retention.
func VolumeOnNodeDisk(orchestrator string) bool { return orchestrator != spec.Managed }

// Names lists workload names, sorted (for notes).
func Names(ws []Workload) []string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		out = append(out, w.Name)
	}
	sort.Strings(out)
	return out
}
