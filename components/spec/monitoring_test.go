package spec_test

import (
	"fmt"
	"testing"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const apiKey = "clusterbench:datadogApiKey"

func parseSecret(cfg map[string]string, secretKeys ...string) (*spec.Spec, []spec.Problem, error) {
	return spec.Parse(spec.Input{Stack: "test", Config: cfg, SecretKeys: secretKeys}, spec.Options{})
}

func TestMonitoringDefaults(t *testing.T) {
	s, warnings, err := parse(base(spec.AWS, spec.Managed))
	require.NoError(t, err)
	assert.Empty(t, warnings)
	assert.Equal(t, spec.MonitoringNone, s.Monitoring)
	assert.False(t, s.Demo)
	assert.Equal(t, spec.PrometheusSettings{RetentionDays: 15, VolumeGb: 20}, s.Prometheus)
	assert.Equal(t, "datadoghq.com", s.Datadog.Site)
	assert.False(t, s.Datadog.HasAPIKey())
}

func TestDatadogTakesItsKeyAsASecretOnly(t *testing.T) {
	dd := with(base(spec.AWS, spec.Managed), "clusterbench:monitoring", "datadog", apiKey, "0123456789abcdef",
		"clusterbench:datadog", `{"site": "datadoghq.eu"}`, "clusterbench:demo", "true")
	s, _, err := parseSecret(dd, apiKey)
	require.NoError(t, err)
	assert.Equal(t, "0123456789abcdef", s.Datadog.APIKey())
	assert.Equal(t, "datadoghq.eu", s.Datadog.Site)
	assert.True(t, s.Demo)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(verb, *s), "0123456789abcdef", "a printed spec must not show the key (%s)", verb)
	}

	// The same key in clear: refused, naming the key, without echoing the value.
	_, _, err = parseSecret(dd)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "clusterbench:datadogApiKey = (plain text): must be a Pulumi secret")
	assert.NotContains(t, err.Error(), "0123456789abcdef")

	// datadog without the key.
	_, _, err = parse(with(base(spec.GCP, spec.Managed), "clusterbench:monitoring", "datadog"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "clusterbench:datadogApiKey: required with monitoring: datadog")

	// Other keys still refuse to be secrets.
	_, _, err = parseSecret(with(dd, "clusterbench:demo", "[secret]"), apiKey, "clusterbench:demo")
	assert.ErrorContains(t, err, "clusterbench:demo = [secret]: must not be a secret")
}

func TestMonitoringSettingsAreValidated(t *testing.T) {
	prom := with(base(spec.AWS, spec.Managed), "clusterbench:monitoring", "prometheus")
	cases := []struct {
		name string
		cfg  map[string]string
		want string
	}{
		{"retention bounded", with(prom, "clusterbench:prometheus", `{"retentionDays": 0}`), "clusterbench:prometheus.retentionDays = 0: must be between 1 and 365 days"},
		{"volume bounded", with(prom, "clusterbench:prometheus.volumeGb", "5"), "clusterbench:prometheus.volumeGb = 5: must be between 10 and 16384 GB"},
		{"unknown prometheus field", with(prom, "clusterbench:prometheus", `{"replicas": 2}`), "clusterbench:prometheus.replicas: unknown key"},
		{"site is a known site", with(prom, "clusterbench:datadog", `{"site": "example.com"}`), "clusterbench:datadog.site = example.com: must be one of datadoghq.com"},
		{"demo is a boolean", with(prom, "clusterbench:demo", "yes"), "clusterbench:demo = yes: must be true or false"},
		{"swarm monitoring needs managers that run tasks", with(base(spec.AWS, spec.Swarm), "clusterbench:monitoring", "prometheus"),
			"clusterbench:monitoring = prometheus: on Swarm needs swarm.managersRunWorkloads: true"},
		{"node-disk data fits the root disk", with(base(spec.GCP, spec.SelfManaged), "clusterbench:monitoring", "prometheus", "clusterbench:prometheus.volumeGb", "40"),
			"clusterbench:prometheus.volumeGb = 40: must leave 20 GB of workers.diskGb (50) to the system and images"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := parse(tc.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	s, _, err := parse(with(base(spec.AWS, spec.Swarm), "clusterbench:monitoring", "prometheus",
		"clusterbench:swarm", `{"managersRunWorkloads": true}`, "clusterbench:prometheus", `{"retentionDays": 30, "volumeGb": 100}`,
		"clusterbench:workers.diskGb", "120"))
	require.NoError(t, err)
	assert.Equal(t, spec.PrometheusSettings{RetentionDays: 30, VolumeGb: 100}, s.Prometheus)
}

// Self-managed clusters deploy both choices and the demo (the init member's bootstrap
// installs them); Datadog still needs its key there.
func TestSelfManagedDeploysMonitoringAndTheDemo(t *testing.T) {
	for _, cloud := range []string{spec.AWS, spec.GCP} {
		s, warnings, err := parse(with(base(cloud, spec.SelfManaged), "clusterbench:monitoring", "prometheus", "clusterbench:demo", "true"))
		require.NoError(t, err, cloud)
		assert.Empty(t, warnings, cloud)
		assert.Equal(t, spec.MonitoringPrometheus, s.Monitoring)
		assert.True(t, s.Demo)

		dd := with(base(cloud, spec.SelfManaged), "clusterbench:monitoring", "datadog", "clusterbench:demo", "true")
		_, _, err = parse(dd)
		require.Error(t, err, cloud)
		assert.Contains(t, err.Error(), "clusterbench:datadogApiKey: required with monitoring: datadog")
		s, _, err = parseSecret(with(dd, apiKey, "0123456789abcdef"), apiKey)
		require.NoError(t, err, cloud)
		assert.Equal(t, spec.MonitoringDatadog, s.Monitoring)
	}
}

func TestSettingsOfTheOtherChoiceAreIgnoredWithAWarning(t *testing.T) {
	_, warnings, err := parseSecret(with(base(spec.AWS, spec.Managed), "clusterbench:monitoring", "prometheus", apiKey, "k"), apiKey)
	require.NoError(t, err)
	require.Len(t, warnings, 1)
	assert.Equal(t, "clusterbench:datadogApiKey: ignored: monitoring is prometheus", warnings[0].String())
	_, warnings, err = parse(with(base(spec.AWS, spec.Managed), "clusterbench:prometheus.volumeGb", "80"))
	require.NoError(t, err)
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0].String(), "clusterbench:prometheus.volumeGb: ignored: monitoring is none")
}
