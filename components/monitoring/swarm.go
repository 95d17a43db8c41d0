package monitoring

import (
	"embed"
	"strconv"

	"github.com/clusterbench/clusterbench/components/spec"
)

// SwarmFiles are the Swarm stack files and the files they reference, as they are in the
// repository (make test-swarm deploys the same files).
//
//go:embed swarm/*.yml
var SwarmFiles embed.FS

// SwarmFile returns one embedded file (swarm/<name>).
func SwarmFile(name string) string {
	b, err := SwarmFiles.ReadFile("swarm/" + name)
	if err != nil {
		panic("monitoring: no embedded swarm file " + name) // a build without the file is broken
	}
	return string(b)
}

// SwarmSettings are the bootstrap settings every Swarm node takes from the spec: the
// choices (workers read CB_MONITORING for dockerd's metrics address) and the stacks'
// variables.
func SwarmSettings(s *spec.Spec) map[string]string {
	out := map[string]string{
		"CB_MONITORING": s.Monitoring,
		"CB_DEMO":       strconv.FormatBool(s.Demo),
	}
	switch s.Monitoring {
	case spec.MonitoringPrometheus:
		out["CB_PROMETHEUS_RETENTION_DAYS"] = strconv.Itoa(s.Prometheus.RetentionDays)
		out["CB_PROMETHEUS_VOLUME_GB"] = strconv.Itoa(s.Prometheus.VolumeGb)
	case spec.MonitoringDatadog:
		out["CB_DATADOG_SITE"] = s.Datadog.Site
	}
	return out
}

// SwarmManagerSettings are what only managers carry: the stack files the init manager
// deploys. Never the Datadog key: the nodes read it from the store.
func SwarmManagerSettings(s *spec.Spec) map[string]string {
	out := map[string]string{}
	switch s.Monitoring {
	case spec.MonitoringPrometheus:
		out["CB_MONITORING_STACK"] = SwarmFile("prometheus.yml")
		out["CB_PROMETHEUS_CONFIG"] = SwarmFile("prometheus-config.yml")
		out["CB_PROMETHEUS_RULES"] = SwarmFile("prometheus-rules.yml")
	case spec.MonitoringDatadog:
		out["CB_MONITORING_STACK"] = SwarmFile("datadog.yml")
	}
	if s.Demo {
		out["CB_DEMO_STACK"] = SwarmFile("demo.yml")
	}
	return out
}

// DockerdMetricsPort is where dockerd serves its metrics (daemon.json metrics-addr, on
// the node's private address) when Prometheus scrapes it.
const DockerdMetricsPort = 9323
