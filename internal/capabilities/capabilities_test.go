package capabilities_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/components/monitoring"
	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/capabilities"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// evaluated is one stack run through the real program under the mock harness, the way
// `compare` runs it: its inventory and spec.
type evaluated struct {
	inv  *inventory.Inventory
	spec *spec.Spec
}

// evaluate runs a shipped stack with config overrides (key, value pairs; structured
// values as JSON text, as the Pulumi CLI hands them over).
func evaluate(t *testing.T, stack string, overrides ...string) evaluated {
	t.Helper()
	return evaluateWith(t, harness.Options{}, stack, overrides...)
}

// evaluateWith is evaluate standing for another creation or caller.
func evaluateWith(t *testing.T, opts harness.Options, stack string, overrides ...string) evaluated {
	t.Helper()
	in, err := stackfile.Read(filepath.Join("..", "..", "stacks", "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	for i := 0; i+1 < len(overrides); i += 2 {
		if overrides[i+1] == "" {
			delete(in.Config, overrides[i])
			continue
		}
		in.Config[overrides[i]] = overrides[i+1]
		if overrides[i] == "clusterbench:datadogApiKey" { // the one key that must be a Pulumi secret
			in.SecretKeys = append(in.SecretKeys, overrides[i])
		}
	}
	s, _, err := spec.Parse(in, program.SpecOptions())
	require.NoError(t, err, "%s %v", stack, overrides)
	res, err := harness.RunWith(in, program.Run, opts)
	require.NoError(t, err, "%s %v", stack, overrides)
	return evaluated{inv: res.Inventory, spec: s}
}

func calendar(t *testing.T) *kubeversion.Calendar {
	t.Helper()
	cal, err := kubeversion.Default()
	require.NoError(t, err)
	return cal
}

func assess(t *testing.T, e evaluated) capabilities.Set {
	t.Helper()
	return capabilities.Assess(e.inv, e.spec, calendar(t))
}

// cell picks one row of a set by its JSON name.
func cell(t *testing.T, set capabilities.Set, id string) capabilities.Capability {
	t.Helper()
	for _, r := range set.Rows() {
		if r.ID == id {
			return r.Capability
		}
	}
	t.Fatalf("no row %s", id)
	return capabilities.Capability{}
}

// text is a cell's value and details, for matching.
func text(c capabilities.Capability) string {
	return c.Value + "\n" + strings.Join(c.Details, "\n")
}

// For every row, a spec variant of a shipped stack — one key changed — changes the cell,
// through the real program: the cells come from what the program registered.
func TestEverySpecVariantChangesItsCell(t *testing.T) {
	cases := []struct {
		row       string
		stack     string
		overrides []string
		// before and after are in the cell of the stack as shipped and of the variant;
		// each is absent from the other (before "": only after is new).
		before, after string
		// status of the variant's cell ("" when the same as before).
		status string
	}{
		{"applicationDefinition", "kops-aws", []string{"clusterbench:orchestrator", "swarm", "clusterbench:kubernetesVersion", ""},
			"Kubernetes 1.35 manifests", "Compose files deployed with docker stack deploy", ""},
		{"applicationDefinition", "eks", []string{"clusterbench:kubernetesVersion", "1.33"},
			"Kubernetes 1.35", "Kubernetes 1.33", ""},
		{"podScaling", "kops-gcp", []string{"clusterbench:orchestrator", "swarm", "clusterbench:kubernetesVersion", ""},
			"no metrics-server", "no service autoscaling", capabilities.None},
		{"podScaling", "gke", []string{"clusterbench:orchestrator", "selfmanaged", "clusterbench:controlPlane", `{"count": 3}`},
			"GKE runs metrics-server", "kubeadm and the bootstrap deploy no metrics-server", capabilities.Yours},
		{"nodeScaling", "kops-gcp", []string{"clusterbench:workers", `{"count": 3, "max": 9}`},
			"workers 3–6", "workers 3–9", ""},
		{"nodeScaling", "eks", []string{"clusterbench:workers", `{"count": 3, "max": 3}`},
			"no autoscaler deployed", "the node group's size is fixed", ""},
		{"nodeScaling", "gke", []string{"clusterbench:workers", `{"count": 3, "max": 12}`},
			"3–6 nodes in total", "3–12 nodes in total", ""},
		{"applicationHA", "kops-aws", []string{"clusterbench:zones", "1"},
			"workers in 3 zones", "workers in 1 zone", ""},
		{"applicationHA", "swarm-aws", []string{"clusterbench:swarm", `{"managersRunWorkloads": true}`},
			"managers are drained", "managers run services too", ""},
		{"loadBalancing", "kops-aws", []string{"clusterbench:orchestrator", "swarm", "clusterbench:kubernetesVersion", ""},
			"TCP 6443 → the Kubernetes API servers", "TCP 80 → the workers", capabilities.Deployed},
		{"serviceDiscovery", "eks", []string{"clusterbench:orchestrator", "swarm", "clusterbench:kubernetesVersion", ""},
			"CoreDNS (EKS add-on)", "Docker's embedded DNS", capabilities.Deployed},
		{"secretsAtRest", "eks", []string{"clusterbench:orchestrator", "selfmanaged"},
			"envelope-encrypted with this stack's KMS key", "Secrets encrypted by the API server with secretbox", capabilities.Deployed},
		{"secretsAtRest", "kops-gcp", []string{"clusterbench:orchestrator", "swarm", "clusterbench:kubernetesVersion", ""},
			"secretbox", "Raft log encrypted, with autolock", ""},
		{"networkPolicy", "eks", []string{"clusterbench:orchestrator", "selfmanaged"},
			"vpc-cni add-on runs without enableNetworkPolicy", "enforced by Calico", capabilities.Deployed},
		{"networkPolicy", "kops-aws", []string{"clusterbench:orchestrator", "swarm", "clusterbench:kubernetesVersion", ""},
			"enforced by Calico", "no network policy", capabilities.None},
		{"accessControl", "eks", []string{"clusterbench:adminPrincipals", `["arn:aws:iam::123456789012:role/platform"]`},
			"1 access entry with cluster-admin", "2 access entries with cluster-admin", ""},
		{"accessControl", "eks", []string{"clusterbench:adminPrincipals", `["arn:aws:iam::123456789012:role/platform"]`},
			"adminPrincipals: none listed", "adminPrincipals: 1 principal listed, each with its cluster-admin entry", ""},
		{"accessControl", "swarm-gcp", []string{"clusterbench:controlPlane", `{"count": 5}`},
			"each of the 3 managers", "each of the 5 managers", ""},
		{"accessControl", "kops-gcp", []string{"clusterbench:orchestrator", "managed", "clusterbench:controlPlane", ""},
			"no cloud IAM mapping", "Google Cloud IAM", capabilities.Provided},
		{"upgrades", "eks", []string{"clusterbench:kubernetesVersion", "1.32"},
			"1.35: in standard support", "1.32: in extended support", ""},
		{"upgrades", "kops-aws", []string{"clusterbench:kubernetesVersion", "1.34"},
			"kubectl 1.35 from pkgs.k8s.io", "kubectl 1.34 from pkgs.k8s.io", ""},
		{"observability", "swarm-aws", []string{"clusterbench:monitoring", "datadog", "clusterbench:datadogApiKey", "fake-key-for-tests",
			"clusterbench:swarm", `{"managersRunWorkloads": true}`},
			"no metrics or log shipping", "the agent as a global service on every node", capabilities.Deployed},
		{"observability", "swarm-gcp", []string{"clusterbench:monitoring", "prometheus", "clusterbench:swarm", `{"managersRunWorkloads": true}`},
			"clusterbench:monitoring = none", "clusterbench:monitoring = prometheus: deployed by this stack", capabilities.Deployed},
		{"observability", "eks", []string{"clusterbench:monitoring", "prometheus"},
			"clusterbench:monitoring = none", "kube-prometheus-stack " + monitoring.KubePrometheusStack.Version, ""},
		{"observability", "gke", []string{"clusterbench:monitoring", "datadog", "clusterbench:datadogApiKey", "fake-key-for-tests"},
			"clusterbench:monitoring = none", "the datadog chart " + monitoring.DatadogAgent.Version + " (node agents and the cluster agent)", ""},
		{"observability", "kops-aws", []string{"clusterbench:network", `{"flowLogs": true}`},
			"", "VPC flow logs to CloudWatch", ""},
		{"observability", "kops-aws", []string{"clusterbench:monitoring", "prometheus"},
			"clusterbench:monitoring = none", "kube-prometheus-stack " + monitoring.KubePrometheusStack.Version + " (Prometheus, Alertmanager, Grafana, node-exporter) and an events exporter, which the init member installs with Helm", ""},
		{"observability", "kops-gcp", []string{"clusterbench:monitoring", "datadog", "clusterbench:datadogApiKey", "fake-key-for-tests"},
			"no metrics or log shipping", "clusterbench:monitoring = datadog: deployed by this stack", ""},
		{"loadBalancing", "kops-gcp", []string{"clusterbench:demo", "true"},
			"", "clusterbench:demo: its web tier is a NodePort Service the init member applies", ""},
	}
	for _, tc := range cases {
		t.Run(tc.row+"/"+tc.stack+"/"+strings.Join(tc.overrides, "="), func(t *testing.T) {
			t.Parallel()
			before := cell(t, assess(t, evaluate(t, tc.stack)), tc.row)
			after := cell(t, assess(t, evaluate(t, tc.stack, tc.overrides...)), tc.row)
			assert.Contains(t, text(after), tc.after)
			assert.NotContains(t, text(before), tc.after)
			if tc.before != "" { // "": the variant adds to the cell, nothing leaves it
				assert.Contains(t, text(before), tc.before)
				assert.NotContains(t, text(after), tc.before)
			}
			if tc.status != "" {
				assert.NotEqual(t, before.Status, after.Status, "the status changes too")
				assert.Equal(t, tc.status, after.Status)
			}
		})
	}
}
