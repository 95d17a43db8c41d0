package monitoring_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/monitoring"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

type stackFile struct {
	Services map[string]struct {
		Image  string `yaml:"image"`
		Deploy struct {
			Mode      string `yaml:"mode"`
			Replicas  int    `yaml:"replicas"`
			Placement struct {
				Constraints []string            `yaml:"constraints"`
				Preferences []map[string]string `yaml:"preferences"`
				MaxPerNode  int                 `yaml:"max_replicas_per_node"`
			} `yaml:"placement"`
			Resources struct {
				Reservations struct {
					CPUs   string `yaml:"cpus"`
					Memory string `yaml:"memory"`
				} `yaml:"reservations"`
			} `yaml:"resources"`
		} `yaml:"deploy"`
		Secrets []struct {
			Source string `yaml:"source"`
		} `yaml:"secrets"`
		Environment map[string]string `yaml:"environment"`
	} `yaml:"services"`
	Networks map[string]struct {
		Driver     string            `yaml:"driver"`
		DriverOpts map[string]string `yaml:"driver_opts"`
	} `yaml:"networks"`
}

func readStack(t *testing.T, name string) stackFile {
	t.Helper()
	var f stackFile
	require.NoError(t, yaml.Unmarshal([]byte(monitoring.SwarmFile(name)), &f), name)
	require.NotEmpty(t, f.Services, name)
	return f
}

// pinned: an image names a version (a tag with a digit), never latest; the demo's
// image may be overridden (CB_DEMO_IMAGE) but defaults to a pinned one.
var pinned = regexp.MustCompile(`^(\$\{CB_DEMO_IMAGE:-)?[a-z0-9./-]+:v?\d+\.\d+(\.\d+)?(-[a-z0-9]+)?\}?$`)

func TestSwarmStackFilesPinTheirImagesAndEncryptTheirOverlays(t *testing.T) {
	for _, name := range []string{"prometheus.yml", "datadog.yml", "demo.yml"} {
		f := readStack(t, name)
		for svc, s := range f.Services {
			assert.Regexp(t, pinned, s.Image, "%s: %s", name, svc)
		}
		for net, n := range f.Networks {
			assert.Equal(t, "overlay", n.Driver, "%s: %s", name, net)
			assert.Contains(t, n.DriverOpts, "encrypted", "%s: %s is an encrypted overlay", name, net)
		}
	}
}

// The reservations in the Prometheus stack file are the requests the cost engine prices.
func TestSwarmReservationsAreTheRequestsDefinedOnce(t *testing.T) {
	f := readStack(t, "prometheus.yml")
	workloads := monitoring.PrometheusWorkloads(spec.Swarm)
	require.Len(t, f.Services, len(workloads))
	for _, w := range workloads {
		s, ok := f.Services[w.Name]
		require.True(t, ok, "the stack runs %s", w.Name)
		cpus, err := strconv.ParseFloat(s.Deploy.Resources.Reservations.CPUs, 64)
		require.NoError(t, err)
		assert.Equal(t, w.Requests.MilliCPU, int(cpus*1000+0.5), w.Name)
		assert.Equal(t, fmt.Sprintf("%dM", w.Requests.MemoryMiB), s.Deploy.Resources.Reservations.Memory, w.Name)
		if w.PerNode {
			assert.Equal(t, "global", s.Deploy.Mode, "%s runs on every node", w.Name)
		} else {
			assert.Equal(t, []string{"node.role == manager"}, s.Deploy.Placement.Constraints, "%s is pinned to managers", w.Name)
		}
	}
	assert.Contains(t, monitoring.SwarmFile("prometheus-config.yml"), "dockerswarm_sd_configs:")
}

func TestDatadogStackTakesTheKeyFromASwarmSecretOnly(t *testing.T) {
	f := readStack(t, "datadog.yml")
	agent := f.Services["agent"]
	assert.Equal(t, "global", agent.Deploy.Mode)
	require.Len(t, agent.Secrets, 1)
	assert.Equal(t, "datadog_api_key", agent.Secrets[0].Source)
	assert.Equal(t, "ENC[file@/run/secrets/datadog_api_key]", agent.Environment["DD_API_KEY"])
	assert.Equal(t, "${CB_DATADOG_SITE:-datadoghq.com}", agent.Environment["DD_SITE"])
}

func TestDemoSpreadsTwoTiersOverZones(t *testing.T) {
	f := readStack(t, "demo.yml")
	for _, tier := range []string{"web", "backend"} {
		s := f.Services[tier]
		assert.GreaterOrEqual(t, s.Deploy.Replicas, 3, tier)
		assert.Equal(t, []map[string]string{{"spread": "node.labels.zone"}}, s.Deploy.Placement.Preferences, tier)
	}
	assert.Contains(t, monitoring.SwarmFile("demo.yml"), "nslookup -type=a backend 127.0.0.11", "the web tier calls the backend by its service name")
}

func TestSwarmSettingsCarryNoSecret(t *testing.T) {
	for _, choice := range []string{spec.MonitoringPrometheus, spec.MonitoringDatadog} {
		s := &spec.Spec{Orchestrator: spec.Swarm, Monitoring: choice, Demo: true,
			Prometheus: spec.PrometheusSettings{RetentionDays: 30, VolumeGb: 40}, Datadog: spec.DatadogSettings{Site: "datadoghq.eu"}}
		all := monitoring.SwarmSettings(s)
		for k, v := range monitoring.SwarmManagerSettings(s) {
			all[k] = v
		}
		for k, v := range all {
			assert.NotContains(t, strings.ToLower(k), "key", k)
			assert.NotContains(t, v, "[secret]", k)
		}
		if choice == spec.MonitoringPrometheus {
			assert.Equal(t, "30", all["CB_PROMETHEUS_RETENTION_DAYS"])
			assert.Equal(t, "40", all["CB_PROMETHEUS_VOLUME_GB"])
		} else {
			assert.Equal(t, "datadoghq.eu", all["CB_DATADOG_SITE"])
		}
	}
}
