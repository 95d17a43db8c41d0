package monitoring_test

import (
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/monitoring"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func webService(t *testing.T, objs []monitoring.Object) map[string]any {
	t.Helper()
	for _, o := range objs {
		if o["kind"] == "Service" && o["metadata"].(map[string]any)["name"] == "web" {
			return o["spec"].(map[string]any)
		}
	}
	t.Fatal("no Service web")
	return nil
}

// Managed clusters keep the web tier's LoadBalancer and admit adminCidrs only; a
// self-managed cluster, with no cloud controller manager, gets a NodePort Service.
func TestDemoWebTierPerOrchestrator(t *testing.T) {
	objs, err := monitoring.DemoObjects(&spec.Spec{Orchestrator: spec.Managed, AdminCidrs: []string{"198.51.100.0/24"}})
	require.NoError(t, err)
	require.Equal(t, "Namespace", objs[0]["kind"])
	web := webService(t, objs)
	assert.Equal(t, "LoadBalancer", web["type"])
	assert.Equal(t, []any{"198.51.100.0/24"}, web["loadBalancerSourceRanges"])

	objs, err = monitoring.DemoObjects(&spec.Spec{Orchestrator: spec.SelfManaged, AdminCidrs: []string{"198.51.100.0/24"}})
	require.NoError(t, err)
	web = webService(t, objs)
	assert.Equal(t, "NodePort", web["type"])
	assert.NotContains(t, web, "loadBalancerSourceRanges")
	labels := objs[0]["metadata"].(map[string]any)["labels"].(map[string]any)
	assert.Equal(t, "clusterbench", labels[monitoring.ManagedByLabel], "the bootstrap deletes the demo by this label")
	assert.Equal(t, "restricted", labels["pod-security.kubernetes.io/enforce"])
}

// The events exporter is events-exporter.yaml with the requests the cost engine prices
// and the configuration that counts Warning events, restricted like the demo's pods,
// reachable by Prometheus only, every object labelled for the self-managed bootstrap.
func TestEventsExporterObjects(t *testing.T) {
	for _, o := range []string{spec.Managed, spec.SelfManaged} {
		objs, err := monitoring.EventsExporterObjects(o)
		require.NoError(t, err)
		w, ok := monitoring.WorkloadNamed(o, "events-exporter")
		require.True(t, ok)
		var kinds []string
		for _, obj := range objs {
			kinds = append(kinds, obj["kind"].(string))
			meta := obj["metadata"].(map[string]any)
			assert.Equal(t, "clusterbench", meta["labels"].(map[string]any)[monitoring.ManagedByLabel], obj["kind"])
			switch obj["kind"] {
			case "ConfigMap":
				assert.Equal(t, monitoring.EventsExporterConfig(), obj["data"].(map[string]any)["config.alloy"])
			case "Deployment":
				pod := obj["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
				assert.Equal(t, "events-exporter", pod["serviceAccountName"])
				assert.Equal(t, map[string]any{"runAsNonRoot": true, "runAsUser": 473, "runAsGroup": 473, "fsGroup": 473, "seccompProfile": map[string]any{"type": "RuntimeDefault"}}, pod["securityContext"])
				c := pod["containers"].([]any)[0].(map[string]any)
				assert.Regexp(t, `^docker\.io/grafana/alloy:v\d+\.\d+\.\d+$`, c["image"], "pinned")
				assert.Contains(t, c["args"], "/etc/alloy/config.alloy")
				assert.Contains(t, c["args"], "--disable-reporting", "no usage reports leave the cluster")
				assert.Equal(t, map[string]any{"requests": map[string]any{"cpu": w.Requests.CPU(), "memory": w.Requests.Memory()}}, c["resources"])
				assert.Equal(t, map[string]any{"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": map[string]any{"drop": []any{"ALL"}}}, c["securityContext"])
			case "ClusterRole":
				rules := obj["rules"].([]any)
				require.Len(t, rules, 1)
				assert.Equal(t, []any{"get", "list", "watch"}, rules[0].(map[string]any)["verbs"], "read events only")
				assert.Equal(t, []any{"events"}, rules[0].(map[string]any)["resources"])
			case "Service":
				port := obj["spec"].(map[string]any)["ports"].([]any)[0].(map[string]any)
				assert.Equal(t, monitoring.EventsExporterPort, port["port"], "the port Prometheus's scrape job names")
				assert.Equal(t, monitoring.EventsExporterService, obj["metadata"].(map[string]any)["name"])
			case "NetworkPolicy":
				from := obj["spec"].(map[string]any)["ingress"].([]any)[0].(map[string]any)["from"].([]any)
				assert.Equal(t, map[string]any{"podSelector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "prometheus"}}}, from[0], "only Prometheus's pods")
			}
		}
		assert.Equal(t, []string{"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment", "Service", "NetworkPolicy"}, kinds)
	}
}

// Self-managed values differ from managed ones where kubeadm differs: etcd, kube-proxy,
// the scheduler and the controller manager are not scraped (their metrics stay on
// 127.0.0.1, as CIS asks for the last two); the data stays on the node's disk; Datadog skips kubelet TLS verification
// and tolerates the control-plane taint. Managed values keep the chart's kube-proxy.
func TestValuesPerOrchestrator(t *testing.T) {
	base := spec.Spec{Stack: "s", Cloud: spec.AWS, Prometheus: spec.PrometheusSettings{RetentionDays: 15, VolumeGb: 20}, Datadog: spec.DatadogSettings{Site: "datadoghq.com"}}
	managed, self := base, base
	managed.Orchestrator, self.Orchestrator = spec.Managed, spec.SelfManaged
	enabled := func(v map[string]any, k string) any { return v[k].(map[string]any)["enabled"] }

	m := monitoring.PrometheusValues(&managed)
	assert.Equal(t, false, enabled(m, "kubeEtcd"))
	assert.Equal(t, false, enabled(m, "kubeScheduler"))
	assert.Equal(t, false, enabled(m, "kubeControllerManager"))
	assert.NotContains(t, m, "kubeProxy")

	sm := monitoring.PrometheusValues(&self)
	assert.Equal(t, false, enabled(sm, "kubeEtcd"))
	assert.Equal(t, false, enabled(sm, "kubeProxy"))
	assert.Equal(t, false, enabled(sm, "kubeScheduler"), "kubeadm keeps it on 127.0.0.1 (CIS 1.4.2)")
	assert.Equal(t, false, enabled(sm, "kubeControllerManager"), "kubeadm keeps it on 127.0.0.1 (CIS 1.3.7)")
	storage := sm["prometheus"].(map[string]any)["prometheusSpec"].(map[string]any)["storageSpec"].(map[string]any)
	assert.Equal(t, map[string]any{"emptyDir": map[string]any{"sizeLimit": "20Gi"}}, storage)

	assert.NotContains(t, monitoring.DatadogValues(&managed), "agents")
	dd := monitoring.DatadogValues(&self)
	assert.Equal(t, map[string]any{"tlsVerify": false}, dd["datadog"].(map[string]any)["kubelet"])
	tol := dd["agents"].(map[string]any)["tolerations"].([]any)
	assert.Equal(t, "node-role.kubernetes.io/control-plane", tol[0].(map[string]any)["key"])
}

// The members' settings: exactly the contract's names per choice, no secret, the values
// compact JSON with sorted keys, the manifests multi-document YAML.
func TestSelfManagedMemberSettings(t *testing.T) {
	s := spec.Spec{Stack: "s", Cloud: spec.GCP, Orchestrator: spec.SelfManaged, Monitoring: spec.MonitoringNone, AdminCidrs: []string{"198.51.100.0/24"},
		Prometheus: spec.PrometheusSettings{RetentionDays: 15, VolumeGb: 20}, Datadog: spec.DatadogSettings{Site: "datadoghq.eu"}}
	none, err := monitoring.SelfManagedMemberSettings(&s)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"CB_MONITORING": "none", "CB_DEMO": "false"}, none)

	s.Monitoring, s.Demo = spec.MonitoringDatadog, true
	dd, err := monitoring.SelfManagedMemberSettings(&s)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"CB_MONITORING", "CB_DEMO", "CB_HELM_VERSION", "CB_HELM_SHA256", "CB_MONITORING_CHART",
		"CB_MONITORING_RELEASE", "CB_MONITORING_VALUES", "CB_DEMO_MANIFESTS"}, keysOf(dd))
	assert.Equal(t, "https://helm.datadoghq.com datadog "+monitoring.DatadogAgent.Version, dd["CB_MONITORING_CHART"])
	assert.True(t, strings.HasPrefix(dd["CB_MONITORING_VALUES"], `{"agents":{`), "keys sorted: %s", dd["CB_MONITORING_VALUES"])
	assert.NotContains(t, dd["CB_MONITORING_VALUES"], " ", "compact")
	assert.Contains(t, dd["CB_MONITORING_VALUES"], `"site":"datadoghq.eu"`)
	assert.True(t, strings.HasPrefix(dd["CB_DEMO_MANIFESTS"], "apiVersion: v1\nkind: Namespace\n"), "the Namespace first")
	assert.Equal(t, 7, strings.Count(dd["CB_DEMO_MANIFESTS"], "\n---\n")+1, "seven objects (a Namespace, two Deployments, two Services, two PDBs), one document each")

	s.Monitoring = spec.MonitoringPrometheus
	prom, err := monitoring.SelfManagedMemberSettings(&s)
	require.NoError(t, err)
	assert.Equal(t, monitoring.PrometheusRelease, prom["CB_MONITORING_RELEASE"])
	assert.Equal(t, 7, strings.Count(prom["CB_MONITORING_MANIFESTS"], "\n---\n")+1, "the events exporter's seven objects")
}

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
