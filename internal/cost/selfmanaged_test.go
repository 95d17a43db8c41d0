package cost_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// selfManagedFleets: three t3.medium control-plane members (groups of one) and three
// t3.large workers, as kops-aws runs them.
func selfManagedFleets() []inventory.Resource {
	rs := awsWorkers(3)
	rs = append(rs, res("aws:ec2/launchTemplate:LaunchTemplate", "members",
		obj{"instanceType": "t3.medium", "blockDeviceMappings": list(obj{"deviceName": "/dev/xvda", "ebs": obj{"volumeSize": 64.0, "volumeType": "gp3"}})}))
	for _, n := range []string{"control-plane-0", "control-plane-1", "control-plane-2"} {
		rs = append(rs, res("aws:autoscaling/group:Group", n, obj{"desiredCapacity": 1.0, "launchTemplate": obj{"id": "members-id"}}))
	}
	return rs
}

// Prometheus on self-managed Kubernetes, the single-replica pieces on a t3.large worker
// (2 vCPU, 8 GiB, $0.0832/h), node-exporter on every node, members included:
//   - the data on the worker's root disk (no CSI driver): 20 GB gp3 × $0.08 = $1.60,
//     already in the disk lines;
//   - prometheus, alertmanager, grafana, operator, kube-state-metrics, events exporter:
//     850m, 2816 MiB; CPU 0.425 > memory 0.3438; 0.425 × 730 = 310.25 h × $0.0832 =
//     $25.8128;
//   - node-exporter, 50m and 64 MiB: workers 0.025 × 3 × 730 = 54.75 h × $0.0832 =
//     $4.5552; members (t3.medium, 2 vCPU, 4 GiB, $0.0416/h) CPU 0.025 > memory
//     0.015625, 54.75 h × $0.0416 = $2.2776.
//
// Total $34.2456 → $34.25, nothing billed beyond the nodes. Datadog: 6 hosts (the members
// are hosts its agent runs on) × $18 = $108.00, all billed.
func TestMonitoringOnSelfManagedKubernetes(t *testing.T) {
	plan := func(o *cost.Options) {
		o.Prometheus = cost.PrometheusPlan{Orchestrator: spec.SelfManaged, VolumeGB: 20, HostType: "t3.large"}
	}
	none := price(t, inv(selfManagedFleets()...), plan)
	prom := price(t, inv(selfManagedFleets()...), plan, func(o *cost.Options) { o.Monitoring = "prometheus" })
	m := prom.Monitoring.Prometheus
	assert.Empty(t, m.Problems)
	assert.Equal(t, 34.25, m.MonthlyUSD)
	assert.Equal(t, 0.0, m.BilledUSD, "the volume is the node's disk, the shares are in the nodes' price")
	assert.Equal(t, none.MonthlyUSD, prom.MonthlyUSD, "nothing joins the bill")
	require.NotEmpty(t, m.Lines)
	assert.Equal(t, "workers", m.Lines[0].Resource, "the data is on a worker's root disk")
	assert.Contains(t, m.Lines[0].Note, "on the hosting node's root disk")
	var memberShares float64
	for _, l := range m.Lines {
		if strings.HasPrefix(l.Resource, "control-plane-") {
			memberShares += l.MonthlyUSD
		}
	}
	assert.InDelta(t, 2.28, memberShares, 0.015, "node-exporter runs on the members too")

	dd := price(t, inv(selfManagedFleets()...), plan, func(o *cost.Options) { o.Monitoring = "datadog" })
	assert.Equal(t, 6, dd.Monitoring.Hosts)
	assert.Equal(t, 108.00, dd.Monitoring.Datadog.BilledUSD)
	assert.InDelta(t, none.MonthlyUSD+108.00, dd.MonthlyUSD, 0.001)
}

// The shipped self-managed stacks with monitoring and the demo, evaluated as compare
// does: everything priced (the Datadog key's store entry included); Datadog bills the
// three members and three workers; Prometheus's data is on the workers' disks, nothing
// billed; the demo names no load balancer (NodePort).
func TestSelfManagedStackIsPricedWithMonitoringAndTheDemo(t *testing.T) {
	for _, c := range []struct{ stack, choice string }{
		{"kops-aws", spec.MonitoringPrometheus}, {"kops-aws", spec.MonitoringDatadog},
		{"kops-gcp", spec.MonitoringPrometheus}, {"kops-gcp", spec.MonitoringDatadog},
	} {
		choice := c.choice
		in, err := stackfile.Read(filepath.Join("..", "..", "stacks", "Pulumi."+c.stack+".yaml"))
		require.NoError(t, err)
		in.Config["clusterbench:monitoring"] = choice
		in.Config["clusterbench:demo"] = "true"
		if choice == spec.MonitoringDatadog {
			in.Config["clusterbench:datadogApiKey"] = "dd-fake-key"
			in.SecretKeys = append(in.SecretKeys, "clusterbench:datadogApiKey")
		}
		s, _, err := spec.Parse(in, spec.Options{})
		require.NoError(t, err, choice)
		res, err := harness.Run(in, program.Run)
		require.NoError(t, err, choice)
		est := price(t, res.Inventory, func(o *cost.Options) {
			o.Monitoring, o.Prometheus, o.Demo = s.Monitoring, cost.PrometheusPlanFor(s), s.Demo
		})
		require.Empty(t, est.Unpriced, "%s %s: %s", c.stack, choice, reasons(est))
		assert.Equal(t, 6, est.Monitoring.Hosts, choice)
		assert.Equal(t, 108.00, est.Monitoring.Datadog.MonthlyUSD, choice)
		assert.Equal(t, 0.0, est.Monitoring.Prometheus.BilledUSD, choice)
		assert.Empty(t, est.Monitoring.Prometheus.Problems, choice)
		for _, e := range est.Excluded {
			assert.NotContains(t, e, "The demo's web tier is a Kubernetes Service of type LoadBalancer", choice)
		}
	}
}
