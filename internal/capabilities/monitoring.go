package capabilities

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/components/monitoring"
	"github.com/clusterbench/clusterbench/components/spec"
)

// helmReleaseType is the Pulumi Kubernetes provider's Helm release: how EKS and GKE
// stacks install their monitoring (clusterbench:kubeaddons:Addons).
const helmReleaseType = "kubernetes:helm.sh/v3:Release"

// deployedMonitoring says what monitoring the stack itself deploys, read from what it
// registers: the Helm releases on EKS and GKE, the rendered CB_MONITORING setting and
// the stack file the Swarm bootstrap deploys, or the chart the self-managed members'
// bootstrap installs (CB_MONITORING_CHART). "" when it deploys none.
func (st *stack) deployedMonitoring() (choice, what string) {
	for _, r := range st.inv.OfType(helmReleaseType) {
		switch r.String("chart") {
		case monitoring.KubePrometheusStack.Name:
			return spec.MonitoringPrometheus, fmt.Sprintf("metrics and alerts: %s %s (Prometheus, Alertmanager, Grafana, node-exporter), a Helm release this stack deploys; you operate it",
				monitoring.KubePrometheusStack.Name, r.String("version"))
		case monitoring.DatadogAgent.Name:
			return spec.MonitoringDatadog, fmt.Sprintf("metrics, logs and events to Datadog: the %s chart %s (node agents and the cluster agent), a Helm release this stack deploys",
				monitoring.DatadogAgent.Name, r.String("version"))
		}
	}
	if st.bootstrap == kubernetesBootstrap {
		return st.kubeadmMonitoring()
	}
	if st.bootstrap != swarmBootstrap || st.setting("CB_MONITORING_STACK", manager) == "" {
		return "", ""
	}
	switch st.setting("CB_MONITORING", manager, worker) {
	case spec.MonitoringPrometheus:
		return spec.MonitoringPrometheus, "metrics and alerts: Prometheus, Alertmanager and Grafana on the managers, node-exporter and cAdvisor on every node (a stack the first manager deploys); you operate it"
	case spec.MonitoringDatadog:
		return spec.MonitoringDatadog, "metrics, logs and events to Datadog: the agent as a global service on every node (a stack the first manager deploys), its API key a Swarm secret from the store"
	}
	return "", ""
}

// kubeadmMonitoring reads the chart the self-managed init member installs: the members'
// CB_MONITORING and CB_MONITORING_CHART ("<repository> <chart> <version>").
func (st *stack) kubeadmMonitoring() (choice, what string) {
	chart := strings.Fields(st.setting("CB_MONITORING_CHART", cp))
	if len(chart) != 3 {
		return "", ""
	}
	name, version := chart[1], chart[2]
	switch st.setting("CB_MONITORING", cp) {
	case spec.MonitoringPrometheus:
		return spec.MonitoringPrometheus, fmt.Sprintf("metrics and alerts: %s %s (Prometheus, Alertmanager, Grafana, node-exporter) and an events exporter, which the init member installs with Helm once the API is up; you operate it", name, version)
	case spec.MonitoringDatadog:
		return spec.MonitoringDatadog, fmt.Sprintf("metrics and events to Datadog: the %s chart %s (node agents, members included, and the cluster agent), which the init member installs with Helm once the API is up, its API key a Kubernetes Secret from the store", name, version)
	}
	return "", ""
}
