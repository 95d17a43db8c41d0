package monitoring

import (
	"encoding/json"
	"strconv"

	"github.com/clusterbench/clusterbench/components/spec"
)

// SelfManagedMemberSettings are the bootstrap settings the control-plane members of a
// self-managed (kubeadm) cluster carry for clusterbench:monitoring and clusterbench:demo;
// workers carry none of them. Once the API is up, the member that ran kubeadm init
// installs the pinned Helm CLI, the pinned chart with these values and the extra
// manifests, and applies the demo, with the admin kubeconfig it already has: the
// kubeconfig never leaves the cluster for this.
//
//   - CB_MONITORING (none|prometheus|datadog) and CB_DEMO (true|false): always.
//   - With monitoring: CB_HELM_VERSION and CB_HELM_SHA256 (Helm); CB_MONITORING_CHART,
//     "<repository> <chart> <version>"; CB_MONITORING_RELEASE; CB_MONITORING_VALUES, the
//     chart values as compact JSON (keys sorted); with prometheus, CB_MONITORING_MANIFESTS,
//     the events exporter as multi-document YAML.
//   - With the demo: CB_DEMO_MANIFESTS, the demo as multi-document YAML, the Namespace
//     first, its web tier a NodePort Service (DemoObjects).
//
// Never the Datadog key: the init member reads it from the cluster's store, which only
// the control-plane members may read, into the Kubernetes Secret DatadogSecretName.
func SelfManagedMemberSettings(s *spec.Spec) (map[string]string, error) {
	out := map[string]string{
		"CB_MONITORING": s.Monitoring,
		"CB_DEMO":       strconv.FormatBool(s.Demo),
	}
	var (
		chart   Chart
		release string
		values  map[string]any
		extra   []Object
	)
	switch s.Monitoring {
	case spec.MonitoringPrometheus:
		chart, release, values = KubePrometheusStack, PrometheusRelease, PrometheusValues(s)
		objs, err := EventsExporterObjects(s.Orchestrator)
		if err != nil {
			return nil, err
		}
		extra = objs
	case spec.MonitoringDatadog:
		chart, release, values = DatadogAgent, DatadogRelease, DatadogValues(s)
	}
	if values != nil {
		js, err := json.Marshal(values) // encoding/json sorts map keys
		if err != nil {
			return nil, err
		}
		out["CB_HELM_VERSION"] = Helm.Version
		out["CB_HELM_SHA256"] = Helm.SHA256
		out["CB_MONITORING_CHART"] = chart.Repo + " " + chart.Name + " " + chart.Version
		out["CB_MONITORING_RELEASE"] = release
		out["CB_MONITORING_VALUES"] = string(js)
	}
	if len(extra) > 0 {
		docs, err := YAMLDocuments(extra)
		if err != nil {
			return nil, err
		}
		out["CB_MONITORING_MANIFESTS"] = docs
	}
	if s.Demo {
		objs, err := DemoObjects(s)
		if err != nil {
			return nil, err
		}
		docs, err := YAMLDocuments(objs)
		if err != nil {
			return nil, err
		}
		out["CB_DEMO_MANIFESTS"] = docs
	}
	return out, nil
}
