package kubeaddons_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/monitoring"
	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	release   = "kubernetes:helm.sh/v3:Release"
	k8sSecret = "kubernetes:core/v1:Secret"
	fakeKey   = "dd-fake-key-fedcba9876543210"
)

func run(t *testing.T, name, choice string, demo bool) *inventory.Inventory {
	t.Helper()
	in, err := stackfile.Read(filepath.Join("..", "..", "stacks", "Pulumi."+name+".yaml"))
	require.NoError(t, err)
	in.Config["clusterbench:monitoring"] = choice
	in.Config["clusterbench:demo"] = fmt.Sprint(demo)
	if choice == spec.MonitoringDatadog {
		in.Config["clusterbench:datadogApiKey"] = fakeKey
		in.SecretKeys = append(in.SecretKeys, "clusterbench:datadogApiKey")
	}
	res, err := harness.Run(in, program.Run)
	require.NoError(t, err)
	return res.Inventory
}

func typesOf(inv *inventory.Inventory) map[string]int {
	out := map[string]int{}
	for _, r := range inv.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") || strings.HasPrefix(r.Type, "clusterbench:kubeaddons") {
			out[r.Type]++
		}
	}
	return out
}

// Every managed stack × monitoring choice × demo registers exactly its add-ons.
func TestManagedAddonsPerChoice(t *testing.T) {
	for _, name := range []string{"eks", "gke"} {
		for _, choice := range []string{spec.MonitoringNone, spec.MonitoringPrometheus, spec.MonitoringDatadog} {
			for _, demo := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/demo=%v", name, choice, demo), func(t *testing.T) {
					inv := run(t, name, choice, demo)
					got := typesOf(inv)
					want := map[string]int{}
					if choice != spec.MonitoringNone || demo {
						want["clusterbench:kubeaddons:Addons"] = 1
					}
					switch choice {
					case spec.MonitoringPrometheus:
						want["kubernetes:core/v1:Namespace"]++
						want[release] = 1
						// The events exporter: one ConfigGroup of events-exporter.yaml's objects.
						want["kubernetes:yaml:ConfigGroup"]++
						want["kubernetes:core/v1:ServiceAccount"] = 1
						want["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"] = 1
						want["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"] = 1
						want["kubernetes:core/v1:ConfigMap"] = 1
						want["kubernetes:apps/v1:Deployment"] = 1
						want["kubernetes:core/v1:Service"] = 1
						want["kubernetes:networking.k8s.io/v1:NetworkPolicy"] = 1
						if name == "eks" {
							want["kubernetes:storage.k8s.io/v1:StorageClass"] = 1
						}
					case spec.MonitoringDatadog:
						want["kubernetes:core/v1:Namespace"]++
						want[release] = 1
						want[k8sSecret] = 1
					}
					if demo {
						want["kubernetes:yaml:ConfigGroup"] += 2
						want["kubernetes:core/v1:Namespace"]++
						want["kubernetes:apps/v1:Deployment"] += 2
						want["kubernetes:core/v1:Service"] += 2
						want["kubernetes:policy/v1:PodDisruptionBudget"] = 2
					}
					assert.Equal(t, want, got)
				})
			}
		}
	}
}

func TestChartsArePinnedAndValuesSet(t *testing.T) {
	prom := run(t, "eks", spec.MonitoringPrometheus, false)
	rels := prom.OfType(release)
	require.Len(t, rels, 1)
	r := rels[0]
	assert.Equal(t, monitoring.KubePrometheusStack.Name, r.String("chart"))
	assert.Equal(t, monitoring.KubePrometheusStack.Version, r.String("version"))
	assert.Equal(t, monitoring.KubePrometheusStack.Repo, r.String("repositoryOpts.repo"))
	assert.Equal(t, "15d", r.String("values.prometheus.prometheusSpec.retention"))
	assert.Equal(t, "20Gi", r.String("values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage"))
	assert.Equal(t, "clusterbench-gp3", r.String("values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName"))
	assert.Equal(t, "500m", r.String("values.prometheus.prometheusSpec.resources.requests.cpu"))
	assert.Equal(t, "2048Mi", r.String("values.prometheus.prometheusSpec.resources.requests.memory"))
	for _, hidden := range []string{"kubeEtcd", "kubeScheduler", "kubeControllerManager"} {
		v, ok := r.Path("values." + hidden + ".enabled")
		require.True(t, ok, hidden)
		assert.Equal(t, false, v, "%s: a managed control plane hides it", hidden)
	}
	sc := prom.OfType("kubernetes:storage.k8s.io/v1:StorageClass")
	require.Len(t, sc, 1)
	assert.Equal(t, "true", sc[0].String("parameters.encrypted"))

	gke := run(t, "gke", spec.MonitoringPrometheus, false)
	assert.Equal(t, "standard-rwo", gke.OfType(release)[0].String("values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName"))

	dd := run(t, "gke", spec.MonitoringDatadog, false)
	d := dd.OfType(release)[0]
	assert.Equal(t, monitoring.DatadogAgent.Version, d.String("version"))
	assert.Equal(t, "datadog-api-key", d.String("values.datadog.apiKeyExistingSecret"))
	assert.Equal(t, "datadoghq.com", d.String("values.datadog.site"))
	assert.Equal(t, true, mustPath(t, d, "values.clusterAgent.enabled"))
	assert.Equal(t, true, mustPath(t, d, "values.datadog.collectEvents"))
}

func mustPath(t *testing.T, r inventory.Resource, path string) any {
	t.Helper()
	v, ok := r.Path(path)
	require.True(t, ok, path)
	return v
}

// The key is a secret from the stack file to the Kubernetes Secret, and nowhere in clear.
func TestDatadogKeyStaysSecret(t *testing.T) {
	for _, name := range []string{"eks", "gke"} {
		inv := run(t, name, spec.MonitoringDatadog, true)
		secrets := inv.OfType(k8sSecret)
		require.Len(t, secrets, 1)
		assert.Equal(t, inventory.SecretPlaceholder, secrets[0].String("stringData"), "the whole stringData is a secret")
		blob, err := json.Marshal(inv.Resources)
		require.NoError(t, err)
		assert.NotContains(t, string(blob), fakeKey, name)
	}
}

// The demo's web tier on a managed cluster: a LoadBalancer Service admitting adminCidrs
// only, as registered (not only as monitoring.DemoObjects returns it).
func TestDemoLoadBalancerAdmitsAdminCidrsOnly(t *testing.T) {
	inv := run(t, "gke", spec.MonitoringNone, true)
	var web *inventory.Resource
	for _, r := range inv.OfType("kubernetes:core/v1:Service") {
		if r.String("metadata.name") == "web" {
			r := r
			web = &r
		}
	}
	require.NotNil(t, web)
	assert.Equal(t, "LoadBalancer", web.String("spec.type"))
	assert.Equal(t, []any{"203.0.113.0/24"}, web.List("spec.loadBalancerSourceRanges"))
}

// The events exporter registered on a managed cluster is events-exporter.yaml with its
// requests and configuration filled in, after the chart (its alerts go to Alertmanager).
func TestEventsExporterIsTheSharedManifest(t *testing.T) {
	inv := run(t, "eks", spec.MonitoringPrometheus, false)
	deps := inv.OfType("kubernetes:apps/v1:Deployment")
	require.Len(t, deps, 1)
	d := deps[0]
	w, ok := monitoring.WorkloadNamed(spec.Managed, "events-exporter")
	require.True(t, ok)
	assert.Equal(t, w.Requests.CPU(), d.String("spec.template.spec.containers.0.resources.requests.cpu"))
	assert.Equal(t, w.Requests.Memory(), d.String("spec.template.spec.containers.0.resources.requests.memory"))
	assert.Equal(t, "clusterbench", mustPath(t, d, "metadata.labels").(map[string]any)[monitoring.ManagedByLabel])
	cms := inv.OfType("kubernetes:core/v1:ConfigMap")
	require.Len(t, cms, 1)
	assert.Equal(t, monitoring.EventsExporterConfig(), mustPath(t, cms[0], "data").(map[string]any)["config.alloy"])
}
