package monitoring

import (
	_ "embed"
	"fmt"

	"github.com/clusterbench/clusterbench/components/spec"
)

// Chart is a Helm chart pinned to one version.
type Chart struct {
	Name, Repo, Version string
}

// The charts every Kubernetes stack installs, pinned here and nowhere else: the managed
// clusters' Helm releases and the self-managed bootstrap (CB_MONITORING_CHART) read them.
// Both were the newest release in their chart repositories' sources on 2026-08-21
// (prometheus-community/helm-charts tag kube-prometheus-stack-88.5.3, DataDog/helm-charts
// charts/datadog 3.240.0), and every value key set below was checked against those
// versions' values.yaml; no chart registry is reachable from here to install them.
var (
	KubePrometheusStack = Chart{Name: "kube-prometheus-stack", Repo: "https://prometheus-community.github.io/helm-charts", Version: "88.5.3"}
	DatadogAgent        = Chart{Name: "datadog", Repo: "https://helm.datadoghq.com", Version: "3.240.0"}
)

// HelmCLI is a pinned Helm release: its version and the sha256 of its linux-amd64
// tarball (get.helm.sh/helm-<version>-linux-amd64.tar.gz), which the self-managed init
// member checks before it installs the binary (CB_HELM_VERSION, CB_HELM_SHA256).
type HelmCLI struct {
	Version, SHA256 string
}

// Helm is the Helm CLI the self-managed clusters' init member installs the charts with.
// The SHA-256 of helm-v3.19.0-linux-amd64.tar.gz is the one the Helm project published
// with the release (its release notes, 2025-09-11) and that independent build files pin
// (cert-manager's makefile-modules among them); the release server is not reachable from
// here to download the tarball itself. make test-kubeadm-live builds the same version
// from its Go module.
var Helm = HelmCLI{Version: "v3.19.0", SHA256: "a7f81ce08007091b86d8bd696eb4d86b8d0f2e1b9f6c714be62f82f96a594496"}

// Kubernetes namespaces and names the charts and secrets use.
const (
	Namespace         = "monitoring"
	DatadogSecretName = "datadog-api-key"
	DatadogSecretKey  = "api-key"
	PrometheusRelease = "kube-prometheus-stack"
	DatadogRelease    = "datadog"
)

// DemoManifests is the demo service on Kubernetes (kubernetes/demo.yaml): make
// test-kubeadm-live dry-runs the same file against a real API server. DemoObjects
// decodes it for a stack.
//
//go:embed kubernetes/demo.yaml
var DemoManifests string

// requests renders one workload's requests as chart values.
func requests(orchestrator, name string) map[string]any {
	w, ok := WorkloadNamed(orchestrator, name)
	if !ok {
		panic("monitoring: no workload " + name)
	}
	return map[string]any{"requests": map[string]any{"cpu": w.Requests.CPU(), "memory": w.Requests.Memory()}}
}

// StorageClass is the class Prometheus's volume is claimed from on managed clusters:
// clusterbench-gp3 (an encrypted gp3 class the EKS stack creates: EKS's default gp2 class
// is unencrypted) or GKE's standard-rwo (pd-balanced, encrypted by Google).
func StorageClass(cloud string) string {
	if cloud == spec.AWS {
		return "clusterbench-gp3"
	}
	return "standard-rwo"
}

// PrometheusValues are kube-prometheus-stack's values for a stack: retention and storage
// from the spec, every piece's requests from PrometheusWorkloads, and only the
// control-plane targets Prometheus can reach switched on.
func PrometheusValues(s *spec.Spec) map[string]any {
	o := s.Orchestrator
	storage := map[string]any{"volumeClaimTemplate": map[string]any{"spec": map[string]any{
		"storageClassName": StorageClass(s.Cloud),
		"accessModes":      []any{"ReadWriteOnce"},
		"resources":        map[string]any{"requests": map[string]any{"storage": fmt.Sprintf("%dGi", s.Prometheus.VolumeGb)}},
	}}}
	if VolumeOnNodeDisk(o) {
		// No CSI driver on self-managed clusters: the data stays on the node's disk.
		storage = map[string]any{"emptyDir": map[string]any{"sizeLimit": fmt.Sprintf("%dGi", s.Prometheus.VolumeGb)}}
	}
	values := map[string]any{
		"prometheus": map[string]any{"prometheusSpec": map[string]any{
			"retention":               fmt.Sprintf("%dd", s.Prometheus.RetentionDays),
			"retentionSize":           fmt.Sprintf("%dGB", s.Prometheus.VolumeGb*9/10),
			"resources":               requests(o, "prometheus"),
			"storageSpec":             storage,
			"additionalScrapeConfigs": []any{eventsScrapeConfig()},
		}},
		"additionalPrometheusRulesMap": map[string]any{"clusterbench-kubernetes-events": eventsAlertRules()},
		"alertmanager":                 map[string]any{"alertmanagerSpec": map[string]any{"resources": requests(o, "alertmanager")}},
		"grafana":                      map[string]any{"resources": requests(o, "grafana")},
		"prometheusOperator":           map[string]any{"resources": requests(o, "prometheus-operator")},
		"kube-state-metrics":           map[string]any{"resources": requests(o, "kube-state-metrics")},
		"prometheus-node-exporter":     map[string]any{"resources": requests(o, "node-exporter")},
		// etcd is off everywhere. A managed control plane does not expose it. On a
		// self-managed (kubeadm) cluster it serves metrics on 127.0.0.1:2381 only
		// (kubeadm's listen-metrics-urls), and the firewall keeps workers, where
		// Prometheus runs, off every etcd port (selfmanaged.EtcdPortRanges): scraping it
		// would only raise TargetDown alerts.
		"kubeEtcd": map[string]any{"enabled": false},
		// A managed control plane does not expose the scheduler or the controller manager
		// either. kubeadm binds both to 127.0.0.1 (their secure ports 10259 and 10257), as
		// the CIS Kubernetes Benchmark asks (1.3.7, 1.4.2: --bind-address=127.0.0.1), and
		// the bootstrap keeps it so: Prometheus, on a worker, cannot reach them, and
		// scraping would only raise TargetDown alerts. The API server's own metrics (on by
		// default) cover the control plane's requests and latency; binding the two to the
		// node's address (and switching these on) is the operator's call.
		"kubeScheduler":         map[string]any{"enabled": false},
		"kubeControllerManager": map[string]any{"enabled": false},
	}
	if o == spec.SelfManaged {
		// kubeadm's kube-proxy serves its metrics on 127.0.0.1:10249 (metricsBindAddress):
		// out of Prometheus's reach. Managed stays as it was (the chart's default).
		values["kubeProxy"] = map[string]any{"enabled": false}
	}
	return values
}

// DatadogValues are the datadog chart's values: the key from the Kubernetes Secret (never
// in the values), the site, the cluster agent and event collection on.
func DatadogValues(s *spec.Spec) map[string]any {
	dd := map[string]any{
		"site":                 s.Datadog.Site,
		"apiKeyExistingSecret": DatadogSecretName,
		"clusterName":          s.Stack,
		"collectEvents":        true,
		"leaderElection":       true,
		"kubeStateMetricsCore": map[string]any{"enabled": true},
		"tags":                 []any{"clusterbench_stack:" + s.Stack},
	}
	values := map[string]any{
		"datadog":      dd,
		"clusterAgent": map[string]any{"enabled": true, "replicas": 2, "pdb": map[string]any{"create": true}},
	}
	if s.Orchestrator == spec.SelfManaged {
		// kubeadm's kubelets serve a self-signed certificate (no serverTLSBootstrap), which
		// the agent cannot verify (Datadog's control-plane guide for kubeadm sets
		// tlsVerify false too); the connection stays TLS.
		dd["kubelet"] = map[string]any{"tlsVerify": false}
		// The control-plane members are hosts Datadog bills (the cost engine counts them):
		// the node agent runs on them too, through kubeadm's control-plane taint.
		values["agents"] = map[string]any{"tolerations": []any{map[string]any{
			"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule",
		}}}
	}
	return values
}

// The events exporter's names: its Service (Prometheus scrapes it), its port, and the
// counter it keeps (Alloy's stage.metrics names it prefix + name, adding nothing).
const (
	EventsExporterService = "events-exporter"
	EventsExporterPort    = 12345
	WarningEventsMetric   = "clusterbench_kubernetes_warning_events_total"
)

// EventsExporterConfig is the events exporter's Grafana Alloy configuration: every core/v1
// Event of the cluster becomes a logfmt line (loki.source.kubernetes_events); the
// Normal ones are dropped, and each Warning one increments WarningEventsMetric with its
// namespace, involved object kind and reason as labels (never the object's name or the
// message: the series stay few). A series no event has touched for 15 minutes is
// removed, which resolves its alert. Nothing is forwarded anywhere: the metric is the
// product.
func EventsExporterConfig() string {
	return `loki.source.kubernetes_events "cluster" {
  job_name   = "kubernetes-events"
  log_format = "logfmt"
  forward_to = [loki.process.warnings.receiver]
}

loki.process "warnings" {
  stage.logfmt {
    mapping = { "type" = "", "kind" = "", "reason" = "" }
  }
  stage.drop {
    source              = "type"
    expression          = "^(Normal)?$"
    drop_counter_reason = "not_a_warning"
  }
  stage.labels {
    values = { "kind" = "", "reason" = "" }
  }
  stage.metrics {
    metric.counter {
      name              = "kubernetes_warning_events_total"
      prefix            = "clusterbench_"
      description       = "Warning events of the cluster, by namespace, involved object kind and reason"
      match_all         = true
      action            = "inc"
      max_idle_duration = "15m"
    }
  }
  forward_to = []
}
`
}

// eventsScrapeConfig is Prometheus's job for the events exporter (kube-prometheus-stack's
// additionalScrapeConfigs: no ServiceMonitor object, so the manifests need none of the
// chart's CRDs), keeping only the exporter's counter.
func eventsScrapeConfig() map[string]any {
	return map[string]any{
		"job_name": "events-exporter",
		"static_configs": []any{map[string]any{
			"targets": []any{fmt.Sprintf("%s.%s.svc:%d", EventsExporterService, Namespace, EventsExporterPort)},
		}},
		"metric_relabel_configs": []any{map[string]any{
			"source_labels": []any{"__name__"}, "regex": WarningEventsMetric, "action": "keep",
		}},
	}
}

// eventsAlertRules is the rule that turns Warning events into an alert
// (additionalPrometheusRulesMap, which the chart renders as a PrometheusRule): it fires
// on the first Warning event of a namespace, kind and reason and resolves 15 minutes
// after the last one (the exporter drops a series that long after its last event; a
// series is born at 1, so increase() would miss the first event).
func eventsAlertRules() map[string]any {
	return map[string]any{"groups": []any{map[string]any{
		"name": "clusterbench-kubernetes-events",
		"rules": []any{map[string]any{
			"alert":  "KubernetesWarningEvent",
			"expr":   fmt.Sprintf("sum by (namespace, kind, reason) (%s) > 0", WarningEventsMetric),
			"labels": map[string]any{"severity": "warning"},
			"annotations": map[string]any{
				"summary":     "Warning events {{ $labels.reason }} on {{ $labels.kind }} objects in namespace {{ $labels.namespace }}",
				"description": "{{ $value }} Warning events {{ $labels.reason }} on {{ $labels.kind }} objects in namespace {{ $labels.namespace }} since the first of them, the last less than 15 minutes ago: kubectl get events -n {{ $labels.namespace }} --field-selector type=Warning,reason={{ $labels.reason }}",
			},
		}},
	}}}
}
