package selfmanaged_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/monitoring"
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/secretstore"
	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/scripts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// fakeDatadogKey is clusterbench:datadogApiKey in these tests: it must appear nowhere but
// as a secret.
const fakeDatadogKey = "dd-fake-key-0123456789abcdef"

// addonPrefixes are the settings of the monitoring and demo contract
// (monitoring.SelfManagedMemberSettings), besides CB_MONITORING and CB_DEMO themselves.
var addonPrefixes = []string{"CB_MONITORING_", "CB_DEMO_", "CB_HELM_"}

func isAddonSetting(name string) bool {
	if name == "CB_MONITORING" || name == "CB_DEMO" {
		return true
	}
	for _, p := range addonPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// withAddons is a shipped stack with a monitoring choice and the demo on or off.
func withAddons(t *testing.T, name, choice string, demo bool) spec.Input {
	t.Helper()
	in := stack(t, name, "clusterbench:monitoring", choice, "clusterbench:demo", fmt.Sprint(demo))
	if choice == spec.MonitoringDatadog {
		in.Config["clusterbench:datadogApiKey"] = fakeDatadogKey
		in.SecretKeys = append(in.SecretKeys, "clusterbench:datadogApiKey")
	}
	return in
}

// templates: the members' and the workers' rendered scripts of a self-managed run.
func templates(t *testing.T, name string, res *result) (members map[string]string, workers string) {
	t.Helper()
	suffix := map[string]string{"kops-aws": "-lt", "kops-gcp": "-tpl"}[name]
	members = map[string]string{}
	for tpl, script := range res.scripts {
		switch {
		case tpl == "cluster-workers"+suffix:
			workers = script
		case strings.HasPrefix(tpl, "cluster-control-plane-") && strings.HasSuffix(tpl, suffix):
			members[strings.TrimSuffix(strings.TrimPrefix(tpl, "cluster-"), suffix)] = script
		}
	}
	require.Len(t, members, 3, "%s: one template per member", name)
	require.NotEmpty(t, workers, "%s: the workers' template", name)
	return members, workers
}

func addonSettings(script string) map[string]string {
	out := map[string]string{}
	for k, v := range selfmanaged.ParseSettings(script) {
		if isAddonSetting(k) {
			out[k] = v
		}
	}
	return out
}

// Every self-managed stack × monitoring choice × demo: each member carries exactly the
// contract's settings, with the pinned chart, its values and the manifests; workers carry
// only what every node carries.
func TestSelfManagedAddonSettingsPerChoice(t *testing.T) {
	for _, name := range []string{"kops-aws", "kops-gcp"} {
		for _, choice := range []string{spec.MonitoringNone, spec.MonitoringPrometheus, spec.MonitoringDatadog} {
			for _, demo := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/demo=%v", name, choice, demo), func(t *testing.T) {
					res := run(t, withAddons(t, name, choice, demo))
					members, workers := templates(t, name, res)
					want := []string{"CB_DEMO", "CB_MONITORING"}
					if choice != spec.MonitoringNone {
						want = append(want, "CB_HELM_SHA256", "CB_HELM_VERSION", "CB_MONITORING_CHART", "CB_MONITORING_RELEASE", "CB_MONITORING_VALUES")
					}
					if choice == spec.MonitoringPrometheus {
						want = append(want, "CB_MONITORING_MANIFESTS")
					}
					if demo {
						want = append(want, "CB_DEMO_MANIFESTS")
					}
					sort.Strings(want)
					var first map[string]string
					for member, script := range members {
						got := addonSettings(script)
						assert.Equal(t, want, selfmanaged.SortedKeys(got), member)
						if first == nil {
							first = got
						}
						assert.Equal(t, first, got, "%s: every member carries the same settings (any of them may win the init lock)", member)
					}
					assert.Equal(t, choice, first["CB_MONITORING"])
					assert.Equal(t, fmt.Sprint(demo), first["CB_DEMO"])
					checkAddonValues(t, name, choice, demo, first)
					for k := range selfmanaged.ParseSettings(workers) {
						assert.False(t, isAddonSetting(k), "workers carry no %s", k)
					}
				})
			}
		}
	}
}

func checkAddonValues(t *testing.T, name, choice string, demo bool, got map[string]string) {
	t.Helper()
	switch choice {
	case spec.MonitoringPrometheus:
		c := monitoring.KubePrometheusStack
		assert.Equal(t, c.Repo+" "+c.Name+" "+c.Version, got["CB_MONITORING_CHART"])
		assert.Equal(t, monitoring.PrometheusRelease, got["CB_MONITORING_RELEASE"])
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(got["CB_MONITORING_VALUES"]), &v))
		at := func(path ...string) any {
			var cur any = v
			for _, p := range path {
				cur = cur.(map[string]any)[p]
			}
			return cur
		}
		assert.Equal(t, false, at("kubeEtcd", "enabled"), "etcd's metrics are on 127.0.0.1 and workers may not reach etcd")
		assert.Equal(t, false, at("kubeProxy", "enabled"), "kube-proxy's metrics are on 127.0.0.1")
		assert.Equal(t, false, at("kubeScheduler", "enabled"), "kubeadm binds the scheduler to 127.0.0.1 (CIS 1.4.2)")
		assert.Equal(t, false, at("kubeControllerManager", "enabled"), "kubeadm binds the controller manager to 127.0.0.1 (CIS 1.3.7)")
		assert.Equal(t, "20Gi", at("prometheus", "prometheusSpec", "storageSpec", "emptyDir", "sizeLimit"), "no CSI driver: the node's disk")
		assert.Equal(t, "15d", at("prometheus", "prometheusSpec", "retention"))
		assert.Equal(t, "500m", at("prometheus", "prometheusSpec", "resources", "requests", "cpu"))
		objs := decodeYAML(t, got["CB_MONITORING_MANIFESTS"])
		var kinds []string
		for _, o := range objs {
			kinds = append(kinds, o["kind"].(string))
			labels := o["metadata"].(map[string]any)["labels"].(map[string]any)
			assert.Equal(t, "clusterbench", labels[monitoring.ManagedByLabel], "%s carries the label the bootstrap deletes by", o["kind"])
		}
		assert.Equal(t, []string{"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment", "Service", "NetworkPolicy"}, kinds)
		assert.Contains(t, got["CB_MONITORING_MANIFESTS"], "loki.source.kubernetes_events", "the ConfigMap holds EventsExporterConfig")
		assert.Contains(t, got["CB_MONITORING_VALUES"], `"alert":"KubernetesWarningEvent"`, "the chart renders the events' alert rule")
		assert.Contains(t, got["CB_MONITORING_MANIFESTS"], "cpu: 50m", "the exporter's requests")
	case spec.MonitoringDatadog:
		c := monitoring.DatadogAgent
		assert.Equal(t, c.Repo+" "+c.Name+" "+c.Version, got["CB_MONITORING_CHART"])
		assert.Equal(t, monitoring.DatadogRelease, got["CB_MONITORING_RELEASE"])
		assert.Contains(t, got["CB_MONITORING_VALUES"], `"apiKeyExistingSecret":"datadog-api-key"`)
		assert.Contains(t, got["CB_MONITORING_VALUES"], `"tlsVerify":false`)
		assert.Contains(t, got["CB_MONITORING_VALUES"], `"node-role.kubernetes.io/control-plane"`, "the agent runs on the members Datadog bills")
	}
	if choice != spec.MonitoringNone {
		assert.Equal(t, monitoring.Helm.Version, got["CB_HELM_VERSION"])
		assert.Equal(t, monitoring.Helm.SHA256, got["CB_HELM_SHA256"])
	}
	if demo {
		objs := decodeYAML(t, got["CB_DEMO_MANIFESTS"])
		require.Equal(t, "Namespace", objs[0]["kind"], "the Namespace first")
		assert.Equal(t, "clusterbench", objs[0]["metadata"].(map[string]any)["labels"].(map[string]any)[monitoring.ManagedByLabel])
		web := 0
		for _, o := range objs {
			if o["kind"] == "Service" && o["metadata"].(map[string]any)["name"] == "web" {
				web++
				svc := o["spec"].(map[string]any)
				assert.Equal(t, "NodePort", svc["type"], "%s: no cloud controller manager, so no LoadBalancer Service", name)
				assert.NotContains(t, svc, "loadBalancerSourceRanges")
			}
		}
		assert.Equal(t, 1, web)
	}
}

func decodeYAML(t *testing.T, docs string) []map[string]any {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(docs))
	var out []map[string]any
	for {
		var o map[string]any
		if err := dec.Decode(&o); err != nil {
			require.Equal(t, "EOF", err.Error())
			break
		}
		out = append(out, o)
	}
	require.NotEmpty(t, out)
	return out
}

// The Datadog key is a secret from the stack file to the store: never in user data, an
// output or the inventory (which shows [secret]); only the control plane reads it, and
// no node may overwrite it.
func TestSelfManagedDatadogKeyStaysSecret(t *testing.T) {
	for _, name := range []string{"kops-aws", "kops-gcp"} {
		t.Run(name, func(t *testing.T) {
			res := run(t, withAddons(t, name, spec.MonitoringDatadog, true))
			for tpl, script := range res.scripts {
				assert.NotContains(t, script, fakeDatadogKey, tpl)
			}
			exports, err := json.Marshal(res.exports)
			require.NoError(t, err)
			assert.NotContains(t, string(exports), fakeDatadogKey)
			blob, err := json.Marshal(res.inv.Resources)
			require.NoError(t, err)
			assert.NotContains(t, string(blob), fakeDatadogKey)
			if name == "kops-aws" {
				checkAwsDatadogKey(t, res.inv)
			} else {
				checkGcpDatadogKey(t, res.inv)
			}
		})
	}
}

func checkAwsDatadogKey(t *testing.T, inv *inventory.Inventory) {
	t.Helper()
	path := awsStorePath + "/" + secretstore.DatadogAPIKey
	params := inv.OfType("aws:ssm/parameter:Parameter")
	require.Len(t, params, 1, "Pulumi writes the Datadog key, no other parameter")
	p := params[0]
	assert.Equal(t, path, p.String("name"))
	assert.Equal(t, "SecureString", p.String("type"))
	assert.Equal(t, inventory.SecretPlaceholder, p.String("value"))
	arn := "arn:aws:ssm:us-east-1:123456789012:parameter" + path
	pathArn := awsStoreArn + "*"
	policies := awsPolicies(t, inv)
	var cpReads, cpWrites bool
	for _, s := range policies["cluster-control-plane"] {
		res := list(s.Resource)
		for _, a := range list(s.Action) {
			covers := slicesContain(res, arn) || slicesContain(res, pathArn)
			if a == "ssm:GetParameter" && covers {
				cpReads = true
			}
			if a == "ssm:PutParameter" && covers {
				cpWrites = true
			}
		}
	}
	assert.True(t, cpReads, "the control plane reads the key")
	assert.False(t, cpWrites, "no member may overwrite the key")
	for _, s := range policies["cluster-nodes"] {
		for _, r := range list(s.Resource) {
			assert.NotContains(t, []string{arn, pathArn}, r, "workers never read the key")
		}
	}
	for _, g := range inv.OfType("aws:autoscaling/group:Group") {
		assert.Contains(t, g.DependsOn, p.URN, "%s boots once the key exists", g.Name)
	}
}

func checkGcpDatadogKey(t *testing.T, inv *inventory.Inventory) {
	t.Helper()
	id := gcpStorePath + "-" + secretstore.DatadogAPIKey
	var found bool
	for _, s := range inv.OfType("gcp:secretmanager/secret:Secret") {
		found = found || s.String("secretId") == id
	}
	assert.True(t, found, "secret %s", id)
	versions := inv.OfType("gcp:secretmanager/secretVersion:SecretVersion")
	require.Len(t, versions, 1, "Pulumi adds the Datadog key's version, no other")
	assert.Equal(t, inventory.SecretPlaceholder, versions[0].String("secretData"))
	cpSA := "serviceAccount:" + accountEmail(t, inv, "cluster-control-plane")
	var grants []string
	for _, g := range inv.OfType("gcp:secretmanager/secretIamMember:SecretIamMember") {
		if g.String("secretId") == id {
			grants = append(grants, g.String("member")+" "+g.String("role"))
		}
	}
	assert.Equal(t, []string{cpSA + " roles/secretmanager.secretAccessor"}, grants, "the control plane reads it; nobody adds versions")
	members := 0
	for _, g := range inv.OfType("gcp:compute/instanceGroupManager:InstanceGroupManager") {
		if strings.Contains(g.Name, "control-plane-") {
			members++
			assert.Contains(t, g.DependsOn, versions[0].URN, "%s boots once the key exists", g.Name)
		}
	}
	assert.Equal(t, 3, members)
}

// Every member's user data fits EC2's 16 KB once gzipped, with the largest settings
// (prometheus and the demo); the sizes are logged for the record.
func TestSelfManagedUserDataFitsWithAddons(t *testing.T) {
	for _, choice := range []string{spec.MonitoringNone, spec.MonitoringPrometheus, spec.MonitoringDatadog} {
		res := run(t, withAddons(t, "kops-aws", choice, choice != spec.MonitoringNone))
		members, workers := templates(t, "kops-aws", res)
		for member, script := range members {
			encoded, err := nodegroup.EncodeAwsUserData(script)
			require.NoError(t, err, member)
			raw, err := base64.StdEncoding.DecodeString(encoded)
			require.NoError(t, err)
			assert.Less(t, len(raw), nodegroup.MaxAwsUserData, member)
			if member == "control-plane-0" {
				t.Logf("monitoring=%s demo=%v: member user data %d bytes rendered, %d gzipped (limit %d)",
					choice, choice != spec.MonitoringNone, len(script), len(raw), nodegroup.MaxAwsUserData)
			}
		}
		encoded, err := nodegroup.EncodeAwsUserData(workers)
		require.NoError(t, err)
		raw, _ := base64.StdEncoding.DecodeString(encoded)
		if choice == spec.MonitoringNone {
			t.Logf("workers: %d bytes rendered, %d gzipped", len(workers), len(raw))
		}
	}
}

// The lead's live test (scripts/kubernetes/live) applies what a kops-aws member carries:
// its monitoring, demo and Helm settings, as the bootstrap exports them. The committed
// files are the program's rendering; UPDATE_GOLDEN=1 rewrites them.
func TestSelfManagedAddonGoldenEnv(t *testing.T) {
	for _, choice := range []string{spec.MonitoringPrometheus, spec.MonitoringDatadog} {
		t.Run(choice, func(t *testing.T) {
			res := run(t, withAddons(t, "kops-aws", choice, true))
			members, _ := templates(t, "kops-aws", res)
			got := renderEnv(t, addonSettings(members["control-plane-0"]))
			file := filepath.Join("..", "..", "scripts", "kubernetes", "live", "addons-"+choice+".env")
			if os.Getenv("UPDATE_GOLDEN") == "1" {
				require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
			}
			want, err := os.ReadFile(file)
			require.NoError(t, err, "run with UPDATE_GOLDEN=1 to write it")
			assert.Equal(t, string(want), got, "%s is stale: run with UPDATE_GOLDEN=1", file)
			assert.NotContains(t, got, fakeDatadogKey)
		})
	}
}

// renderEnv writes settings as `export NAME='value'` lines, sorted, quoted exactly as the
// bootstrap's user data quotes them (scripts.Render).
func renderEnv(t *testing.T, settings map[string]string) string {
	t.Helper()
	out, err := scripts.Render("#!/bin/sh\n", settings)
	require.NoError(t, err)
	_, rest, _ := strings.Cut(out, "\n") // the shebang
	_, rest, _ = strings.Cut(rest, "\n") // Render's header comment
	require.True(t, strings.HasPrefix(rest, "export CB_"), rest)
	return rest
}
