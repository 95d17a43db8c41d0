package swarm_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	ssmParameter  = "aws:ssm/parameter:Parameter"
	secretVersion = "gcp:secretmanager/secretVersion:SecretVersion"
	gcpFirewall   = "gcp:compute/firewall:Firewall"
	fakeKey       = "dd-fake-key-0123456789abcdef"
)

// monitored is a shipped swarm stack with monitoring (managers run workloads, as Swarm
// monitoring requires), the demo, and for datadog the key as a secret.
func monitored(t *testing.T, name, choice string, demo bool) spec.Input {
	in := stack(t, name, "clusterbench:monitoring", choice, "clusterbench:swarm", `{"managersRunWorkloads": true}`,
		"clusterbench:demo", fmt.Sprint(demo))
	if choice == spec.MonitoringDatadog {
		in.Config["clusterbench:"+spec.SecretDatadogAPIKey] = fakeKey
		in.SecretKeys = append(in.SecretKeys, "clusterbench:"+spec.SecretDatadogAPIKey)
	}
	return in
}

// scriptsOf returns every node's rendered bootstrap, by template name.
func scriptsOf(t *testing.T, inv *inventory.Inventory) map[string]string {
	out := map[string]string{}
	for _, lt := range inv.OfType(launchTmpl) {
		raw, err := nodegroup.DecodeAwsUserData(lt.String("userData"))
		require.NoError(t, err, lt.Name)
		out[lt.Name] = string(raw)
	}
	for _, tpl := range inv.OfType(instanceTmpl) {
		out[tpl.Name] = tpl.String("metadataStartupScript")
	}
	return out
}

func TestSwarmMonitoringAndDemoReachTheNodesForEveryChoice(t *testing.T) {
	for _, name := range []string{"swarm-aws", "swarm-gcp"} {
		for _, choice := range []string{spec.MonitoringNone, spec.MonitoringPrometheus, spec.MonitoringDatadog} {
			for _, demo := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/demo=%v", name, choice, demo), func(t *testing.T) {
					in := stack(t, name, "clusterbench:demo", fmt.Sprint(demo))
					if choice != spec.MonitoringNone {
						in = monitored(t, name, choice, demo)
					}
					inv := run(t, in).Inventory
					scripts := scriptsOf(t, inv)
					require.NotEmpty(t, scripts)
					for tpl, script := range scripts {
						manager := strings.Contains(tpl, "manager")
						assert.Contains(t, script, fmt.Sprintf("export CB_MONITORING='%s'\n", choice), tpl)
						assert.Contains(t, script, fmt.Sprintf("export CB_DEMO='%v'\n", demo), tpl)
						assert.Equal(t, manager && choice == spec.MonitoringPrometheus, strings.Contains(script, "image: prom/prometheus:v3.5.0"), "%s: the Prometheus stack reaches managers only", tpl)
						assert.Equal(t, manager && choice == spec.MonitoringPrometheus, strings.Contains(script, "dockerswarm_sd_configs:"), tpl)
						assert.Equal(t, manager && choice == spec.MonitoringDatadog, strings.Contains(script, "image: gcr.io/datadoghq/agent:7.81.1"), tpl)
						assert.Equal(t, manager && demo, strings.Contains(script, "spread: node.labels.zone"), "%s: the demo stack reaches managers only", tpl)
						assert.NotContains(t, script, fakeKey, "%s: the Datadog key never travels in user data", tpl)
					}
					// Nothing anywhere holds the key in clear.
					blob, err := json.Marshal(inv.Resources)
					require.NoError(t, err)
					assert.NotContains(t, string(blob), fakeKey)
				})
			}
		}
	}
}

func TestDatadogKeyIsAStoreSecretOnlyManagersRead(t *testing.T) {
	aws := run(t, monitored(t, "swarm-aws", spec.MonitoringDatadog, false)).Inventory
	params := aws.OfType(ssmParameter)
	require.Len(t, params, 1)
	assert.Equal(t, "SecureString", params[0].String("type"))
	assert.Equal(t, inventory.SecretPlaceholder, params[0].String("value"), "a Pulumi secret")
	assert.Equal(t, "/clusterbench/swarm-aws/swarm/network-id/datadog-api-key", params[0].String("name"))
	arn := "arn:aws:ssm:us-east-1:123456789012:parameter/clusterbench/swarm-aws/swarm/network-id/datadog-api-key"
	var managerPolicy, workerPolicy string
	for _, rp := range aws.OfType(rolePolicy) {
		switch {
		case strings.Contains(rp.Name, "manager"):
			managerPolicy = rp.String("policy")
		case strings.Contains(rp.Name, "worker"):
			workerPolicy = rp.String("policy")
		}
	}
	assert.Contains(t, managerPolicy, `{"Sid":"SwarmStoreRead","Effect":"Allow","Action":["ssm:GetParameter"],"Resource":["`+arn+`"]}`, "read, never write")
	assert.NotContains(t, workerPolicy, "datadog-api-key")

	gcp := run(t, monitored(t, "swarm-gcp", spec.MonitoringDatadog, false)).Inventory
	versions := gcp.OfType(secretVersion)
	require.Len(t, versions, 1)
	assert.Equal(t, inventory.SecretPlaceholder, versions[0].String("secretData"))
	key := named(t, gcp, secret, "swarm-datadog-api-key")
	assert.Equal(t, "swarm-gcp-swarm-datadog-api-key", key.String("secretId"))
	grants := 0
	for _, g := range gcp.OfType(secretIAM) {
		if strings.Contains(g.Name, "datadog-api-key") {
			grants++
			assert.Equal(t, "roles/secretmanager.secretAccessor", g.String("role"))
			assert.Contains(t, g.Name, "manager")
		}
	}
	assert.Equal(t, 1, grants, "managers read the key; nobody else")

	// Without datadog there is no key anywhere.
	none := run(t, stack(t, "swarm-aws")).Inventory
	assert.Empty(t, none.OfType(ssmParameter))
}

func TestPrometheusOpensDockerdMetricsFromManagersOnly(t *testing.T) {
	aws := run(t, monitored(t, "swarm-aws", spec.MonitoringPrometheus, false)).Inventory
	rule := named(t, aws, sgIngress, "swarm-dockerd-metrics")
	assert.Equal(t, 9323.0, rule.Inputs["fromPort"])
	assert.Equal(t, 9323.0, rule.Inputs["toPort"])
	assert.Equal(t, "swarm-managers-id", rule.String("referencedSecurityGroupId"))
	assert.Equal(t, "swarm-cluster-id", rule.String("securityGroupId"))
	assert.Empty(t, rule.String("cidrIpv4"))

	gcp := run(t, monitored(t, "swarm-gcp", spec.MonitoringPrometheus, false)).Inventory
	fw := named(t, gcp, gcpFirewall, "swarm-dockerd-metrics")
	assert.Equal(t, []any{"swarm-manager"}, fw.List("sourceTags"))
	assert.Equal(t, 800.0, fw.Inputs["priority"], "above the swarm's deny of other internal traffic (900)")

	for _, name := range []string{"swarm-aws", "swarm-gcp"} {
		for _, r := range run(t, stack(t, name)).Inventory.Resources {
			assert.NotContains(t, r.Name, "dockerd-metrics", "no metrics port without Prometheus")
		}
	}
}
