package capabilities_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/internal/capabilities"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/scripts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What no spec key changes is still read from the inventory: these tests change what a
// stack's program recorded (an input of the cluster, an add-on, a bootstrap setting) the
// way another program version or a hand edit would, and see the cell follow.

// edit changes the inputs of every resource of a type in a copy of the inventory. An
// input it rewrites or removes loses its recorded dependencies: a value written by hand
// comes from no other resource.
func edit(t *testing.T, e evaluated, typ string, change func(in map[string]any)) evaluated {
	t.Helper()
	inv := &inventory.Inventory{Stack: e.inv.Stack, Resources: append([]inventory.Resource{}, e.inv.Resources...)}
	found := false
	for i, r := range inv.Resources {
		if r.Type != typ {
			continue
		}
		in := map[string]any{}
		for k, v := range r.Inputs {
			in[k] = v
		}
		change(in)
		deps := map[string][]string{}
		for k, urns := range r.Dependencies {
			if v, ok := in[k]; ok && reflect.DeepEqual(v, r.Inputs[k]) {
				deps[k] = urns
			}
		}
		inv.Resources[i].Inputs = in
		inv.Resources[i].Dependencies = deps
		found = true
	}
	require.True(t, found, "no %s in the inventory", typ)
	return evaluated{inv: inv, spec: e.spec}
}

// add appends a resource to a copy of the inventory.
func add(e evaluated, r inventory.Resource) evaluated {
	inv := &inventory.Inventory{Stack: e.inv.Stack, Resources: append(append([]inventory.Resource{}, e.inv.Resources...), r)}
	return evaluated{inv: inv, spec: e.spec}
}

// resetting renders every node's bootstrap again with one setting changed, as the
// program would if it rendered that value (EC2 user data gzipped, GCE startup scripts
// plain).
func resetting(t *testing.T, e evaluated, name, value string) evaluated {
	t.Helper()
	out := e
	for _, typ := range []string{"aws:ec2/launchTemplate:LaunchTemplate", "gcp:compute/instanceTemplate:InstanceTemplate"} {
		if len(e.inv.OfType(typ)) == 0 {
			continue
		}
		out = edit(t, out, typ, func(in map[string]any) {
			key := "metadataStartupScript"
			script, _ := in[key].(string)
			if typ == "aws:ec2/launchTemplate:LaunchTemplate" {
				key = "userData"
				var err error
				script, err = nodegroup.DecodeAwsUserData(in[key].(string))
				require.NoError(t, err)
			}
			which, settings := scripts.Identify(script)
			require.NotEmpty(t, which, "the recorded script is a rendered bootstrap")
			settings[name] = value
			body := scripts.KubernetesBootstrap
			if which == scripts.Swarm {
				body = scripts.SwarmBootstrap
			}
			rendered, err := scripts.Render(body, settings)
			require.NoError(t, err)
			if typ == "aws:ec2/launchTemplate:LaunchTemplate" {
				rendered, err = nodegroup.EncodeAwsUserData(rendered)
				require.NoError(t, err)
			}
			in[key] = rendered
		})
	}
	return out
}

func TestGKEDataplaneV2DecidesNetworkPolicyAndLoadBalancing(t *testing.T) {
	gke := evaluate(t, "gke")
	on := assess(t, gke)
	assert.Equal(t, capabilities.Provided, on.NetworkPolicy.Status)
	assert.Contains(t, on.NetworkPolicy.Value, "Dataplane V2")
	assert.Contains(t, on.LoadBalancing.Value, "in place of kube-proxy")

	legacy := assess(t, edit(t, gke, "gcp:container/cluster:Cluster", func(in map[string]any) { in["datapathProvider"] = "LEGACY_DATAPATH" }))
	assert.Equal(t, capabilities.Yours, legacy.NetworkPolicy.Status)
	assert.Contains(t, legacy.NetworkPolicy.Value, "not enforced")
	assert.Contains(t, legacy.LoadBalancing.Value, "kube-proxy (GKE's legacy dataplane)")

	calico := assess(t, edit(t, gke, "gcp:container/cluster:Cluster", func(in map[string]any) {
		in["datapathProvider"] = "LEGACY_DATAPATH"
		in["networkPolicy"] = map[string]any{"enabled": true, "provider": "CALICO"}
	}))
	assert.Equal(t, capabilities.Provided, calico.NetworkPolicy.Status)
	assert.Contains(t, calico.NetworkPolicy.Value, "Calico network policy add-on")
}

// GKE's application-layer secrets encryption comes from the recorded databaseEncryption
// input, whichever program version sets it; the shipped program sets it with a key of its
// own that rotates.
func TestGKEApplicationLayerEncryptionFollowsDatabaseEncryption(t *testing.T) {
	gke := evaluate(t, "gke")
	on := assess(t, gke).SecretsAtRest
	assert.Equal(t, capabilities.Provided, on.Status)
	assert.Equal(t, "application-layer encryption of Secrets with this stack's Cloud KMS key", on.Value)
	assert.Equal(t, []string{"the key (cluster-secrets) rotates every 90 days"}, on.Details)

	unrotated := assess(t, edit(t, gke, "gcp:kms/cryptoKey:CryptoKey", func(in map[string]any) { delete(in, "rotationPeriod") })).SecretsAtRest
	assert.Equal(t, []string{"the key (cluster-secrets) does not rotate"}, unrotated.Details)

	key := "projects/p/locations/us-central1/keyRings/r/cryptoKeys/gke-secrets"
	foreign := assess(t, edit(t, gke, "gcp:container/cluster:Cluster", func(in map[string]any) {
		in["databaseEncryption"] = map[string]any{"state": "ENCRYPTED", "keyName": key}
	})).SecretsAtRest
	assert.Equal(t, capabilities.Provided, foreign.Status)
	assert.Equal(t, "application-layer encryption of Secrets with a Cloud KMS key", foreign.Value)
	assert.Equal(t, []string{"key " + key + " (not one this stack creates)"}, foreign.Details)

	decrypted := assess(t, edit(t, gke, "gcp:container/cluster:Cluster", func(in map[string]any) {
		in["databaseEncryption"] = map[string]any{"state": "DECRYPTED"}
	})).SecretsAtRest
	assert.Equal(t, capabilities.Yours, decrypted.Status)
	assert.Contains(t, decrypted.Value, "application-layer encryption of Secrets is off")
	unset := assess(t, edit(t, gke, "gcp:container/cluster:Cluster", func(in map[string]any) { delete(in, "databaseEncryption") })).SecretsAtRest
	assert.Equal(t, decrypted, unset)
}

func TestGKEWithoutAReleaseChannelLeavesUpgradesToYou(t *testing.T) {
	gke := evaluate(t, "gke")
	assert.Equal(t, capabilities.Provided, assess(t, gke).Upgrades.Status)
	static := assess(t, edit(t, gke, "gcp:container/cluster:Cluster", func(in map[string]any) {
		in["releaseChannel"] = map[string]any{"channel": "UNSPECIFIED"}
	})).Upgrades
	assert.Equal(t, capabilities.Yours, static.Status)
	assert.Contains(t, static.Value, "no release channel")
}

// The EKS node group's desired size is left to an autoscaler only where the program
// recorded ignoreChanges on it.
func TestEKSDesiredSizeOwnershipIsTheRecordedOption(t *testing.T) {
	eks := evaluate(t, "eks")
	const owned = "pulumi up leaves the desired size alone (ignoreChanges), so an autoscaler can own it"
	assert.Contains(t, assess(t, eks).NodeScaling.Details, owned)
	inv := &inventory.Inventory{Stack: eks.inv.Stack, Resources: append([]inventory.Resource{}, eks.inv.Resources...)}
	for i, r := range inv.Resources {
		if r.Type == "aws:eks/nodeGroup:NodeGroup" {
			inv.Resources[i].IgnoreChanges = nil
		}
	}
	assert.NotContains(t, assess(t, evaluated{inv: inv, spec: eks.spec}).NodeScaling.Details, owned)
}

func TestEKSAddOnsDecideMetricsAndNetworkPolicy(t *testing.T) {
	eks := evaluate(t, "eks")
	base := assess(t, eks)
	assert.Equal(t, capabilities.Yours, base.PodScaling.Status)
	assert.Equal(t, capabilities.Yours, base.NetworkPolicy.Status)

	withMetrics := assess(t, add(eks, inventory.Resource{Type: "aws:eks/addon:Addon", Name: "cluster-metrics-server",
		Inputs: map[string]any{"addonName": "metrics-server", "clusterName": "eks-cluster"}}))
	assert.Equal(t, capabilities.Deployed, withMetrics.PodScaling.Status)
	assert.Contains(t, withMetrics.PodScaling.Value, "metrics-server runs as an EKS add-on")

	insights := assess(t, add(eks, inventory.Resource{Type: "aws:eks/addon:Addon", Name: "cluster-observability",
		Inputs: map[string]any{"addonName": "amazon-cloudwatch-observability", "clusterName": "eks-cluster"}}))
	assert.Contains(t, insights.Observability.Details, "node and pod metrics and logs: CloudWatch Container Insights (EKS add-on)")
	assert.NotContains(t, text(base.Observability), "Container Insights")

	policies := assess(t, edit(t, eks, "aws:eks/addon:Addon", func(in map[string]any) {
		if in["addonName"] == "vpc-cni" {
			in["configurationValues"] = `{"enableNetworkPolicy": "true"}`
		}
	}))
	assert.Equal(t, capabilities.Provided, policies.NetworkPolicy.Status)
	assert.Contains(t, policies.NetworkPolicy.Value, "network policy agent")
}

// The CNI the kubeadm bootstrap applies is its CB_CNI setting, as rendered into the
// nodes' user data.
func TestKubeadmCNIIsTheRenderedSetting(t *testing.T) {
	for _, stack := range []string{"kops-aws", "kops-gcp"} {
		t.Run(stack, func(t *testing.T) {
			e := evaluate(t, stack)
			assert.Equal(t, capabilities.Deployed, assess(t, e).NetworkPolicy.Status)
			none := assess(t, resetting(t, e, "CB_CNI", "none")).NetworkPolicy
			assert.Equal(t, capabilities.Yours, none.Status)
			assert.Contains(t, none.Value, "no CNI applied by the bootstrap")
			other := assess(t, resetting(t, e, "CB_CNI", "flannel")).NetworkPolicy
			assert.Contains(t, other.Value, "CNI flannel")
		})
	}
}

// Autolock is the Swarm bootstrap's CB_AUTOLOCK setting, as rendered into user data.
func TestSwarmAutolockIsTheRenderedSetting(t *testing.T) {
	for _, stack := range []string{"swarm-aws", "swarm-gcp"} {
		t.Run(stack, func(t *testing.T) {
			e := evaluate(t, stack)
			on := assess(t, e).SecretsAtRest
			assert.Contains(t, on.Value, "with autolock")
			off := assess(t, resetting(t, e, "CB_AUTOLOCK", "false")).SecretsAtRest
			assert.Contains(t, off.Value, "autolock is off")
			assert.NotEqual(t, on, off)
		})
	}
}

// A scaling policy on the worker group is a deployed autoscaler, whether it names the
// group by id or by the name AWS picked from the group's namePrefix; a policy on another
// group is not.
func TestAScalingPolicyOnTheWorkersIsAnAutoscaler(t *testing.T) {
	e := evaluate(t, "kops-aws")
	assert.Equal(t, capabilities.Yours, assess(t, e).NodeScaling.Status)
	var workers inventory.Resource
	for _, g := range e.inv.OfType("aws:autoscaling/group:Group") {
		if g.Name == "cluster-workers" {
			workers = g
		}
	}
	require.NotEmpty(t, workers.ID)
	policy := func(group string) capabilities.Capability {
		return assess(t, add(e, inventory.Resource{Type: "aws:autoscaling/policy:Policy", Name: "cpu",
			Inputs: map[string]any{"autoscalingGroupName": group, "policyType": "TargetTrackingScaling"}})).NodeScaling
	}
	for _, group := range []string{workers.ID, harness.PrefixedName("cluster-workers", "cluster-workers-")} {
		scaled := policy(group)
		assert.Equal(t, capabilities.Deployed, scaled.Status, group)
		assert.Contains(t, scaled.Value, "scaling policy TargetTrackingScaling on cluster-workers", group)
	}
	for _, group := range []string{harness.PrefixedName("cluster-control-plane-0", "cluster-control-plane-0-"), "cluster-workers-by-hand"} {
		assert.Equal(t, capabilities.Yours, policy(group).Status, group)
	}
}

// The GCE workers' autoscaler names its MIG by the self link of the name the provider
// picked (no name input): the cell reads the autoscaler's bounds, found through the
// target's recorded dependency or, where none is recorded, by the picked name's form;
// an autoscaler that targets another group leaves the workers fixed.
func TestTheMIGAutoscalerIsFoundByThePickedName(t *testing.T) {
	e := evaluate(t, "kops-gcp")
	scaled := assess(t, e).NodeScaling
	assert.Equal(t, capabilities.Deployed, scaled.Status)
	assert.Contains(t, scaled.Value, "MIG autoscaler on CPU (target 70%): workers 3–6 (now 3) over 3 zones")
	undocumented := &inventory.Inventory{Stack: e.inv.Stack, Resources: append([]inventory.Resource{}, e.inv.Resources...)}
	for i := range undocumented.Resources {
		undocumented.Resources[i].Dependencies = nil
	}
	assert.Equal(t, scaled, assess(t, evaluated{inv: undocumented, spec: e.spec}).NodeScaling, "by the picked name alone")
	// A preview records the target as unknown (nil): the dependency alone links them.
	preview := &inventory.Inventory{Stack: e.inv.Stack, Resources: append([]inventory.Resource{}, e.inv.Resources...)}
	for i, r := range preview.Resources {
		if r.Type == "gcp:compute/regionAutoscaler:RegionAutoscaler" {
			require.NotEmpty(t, r.Dependencies["target"])
			in := map[string]any{}
			for k, v := range r.Inputs {
				in[k] = v
			}
			in["target"] = nil
			preview.Resources[i].Inputs = in
		}
	}
	assert.Equal(t, scaled, assess(t, evaluated{inv: preview, spec: e.spec}).NodeScaling, "by the dependency alone")
	autoscalers := e.inv.OfType("gcp:compute/regionAutoscaler:RegionAutoscaler")
	require.Len(t, autoscalers, 1)
	assert.True(t, strings.HasSuffix(autoscalers[0].String("target"), "/regionInstanceGroupManagers/"+harness.AutoName("cluster-workers")),
		"the premise: the target is the self link of the picked name, %s", autoscalers[0].String("target"))

	elsewhere := assess(t, edit(t, e, "gcp:compute/regionAutoscaler:RegionAutoscaler", func(in map[string]any) {
		in["target"] = "https://www.googleapis.com/compute/v1/projects/clusterbench-demo/regionInstanceGroupManagers/" + harness.AutoName("cluster-other")
	})).NodeScaling
	assert.Equal(t, capabilities.Yours, elsewhere.Status)
	assert.Contains(t, elsewhere.Value, "none: workers fixed at 3 over 3 zones")
}

// User data that is not exactly a rendered bootstrap (edited by hand, another version)
// is not taken for one: the report says it does not know rather than guess.
func TestAnEditedBootstrapIsNotRecognised(t *testing.T) {
	e := evaluate(t, "swarm-gcp")
	edited := assess(t, edit(t, e, "gcp:compute/instanceTemplate:InstanceTemplate", func(in map[string]any) {
		in["metadataStartupScript"] = in["metadataStartupScript"].(string) + "\necho patched\n"
	}))
	for _, r := range edited.Rows() {
		assert.Contains(t, r.Value, "unknown", r.ID)
	}
}

// Nothing reads the stack's name: the same configuration under another name gives the
// same capabilities.
func TestTheStackNameDoesNotMatter(t *testing.T) {
	e := evaluate(t, "swarm-aws")
	renamed := *e.spec
	renamed.Stack = "something-else"
	inv := &inventory.Inventory{Stack: "something-else", Resources: e.inv.Resources, Outputs: e.inv.Outputs}
	assert.Equal(t, assess(t, e), assess(t, evaluated{inv: inv, spec: &renamed}))
}
