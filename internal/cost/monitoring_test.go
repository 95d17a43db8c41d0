package cost_test

import (
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// swarmFleets: three t3.medium managers (groups of one) and three t3.large workers.
func swarmFleets() []inventory.Resource {
	rs := awsWorkers(3)
	rs = append(rs, res("aws:ec2/launchTemplate:LaunchTemplate", "managers",
		obj{"instanceType": "t3.medium", "blockDeviceMappings": list(obj{"deviceName": "/dev/xvda", "ebs": obj{"volumeSize": 50.0, "volumeType": "gp3"}})}))
	for _, n := range []string{"manager-1", "manager-2", "manager-3"} {
		rs = append(rs, res("aws:autoscaling/group:Group", n, obj{"desiredCapacity": 1.0, "launchTemplate": obj{"id": "managers-id"}}))
	}
	return rs
}

func eksPlan(o *cost.Options) {
	o.Prometheus = cost.PrometheusPlan{Orchestrator: spec.Managed, VolumeGB: 20, HostType: "t3.large"}
}

// Datadog: 3 hosts × $18 on demand = $54.00, × $15 annual = $45.00; all of it billed.
func TestDatadogIsPricedPerHostFromTheUsageBillingTerm(t *testing.T) {
	none := price(t, inv(awsWorkers(3)...), eksPlan)
	dd := price(t, inv(awsWorkers(3)...), eksPlan, func(o *cost.Options) { o.Monitoring = "datadog" })
	require.NotNil(t, dd.Monitoring)
	assert.Equal(t, 3, dd.Monitoring.Hosts)
	assert.Equal(t, 54.00, dd.Monitoring.Datadog.MonthlyUSD)
	assert.Equal(t, 54.00, dd.Monitoring.Datadog.BilledUSD)
	assert.Equal(t, 54.00, monthlyByKey(dd)["datadog/global/infrastructure-pro/host-on-demand"])
	assert.InDelta(t, none.MonthlyUSD+54.00, dd.MonthlyUSD, 0.001, "the fees join the bill")
	assert.Equal(t, none.Monitoring.Datadog, dd.Monitoring.Datadog, "priced alike whichever is configured")

	annual := price(t, inv(awsWorkers(3)...), eksPlan, func(o *cost.Options) {
		o.Monitoring = "datadog"
		u := *o.Usage
		u.DatadogBilling = catalog.DatadogAnnual
		o.Usage = &u
	})
	assert.Equal(t, 45.00, annual.Monitoring.Datadog.MonthlyUSD)
	assert.Equal(t, 45.00, monthlyByKey(annual)["datadog/global/infrastructure-pro/host-annual"])
}

// Prometheus on EKS, 3 × t3.large (2 vCPU, 8 GiB, $0.0832/h):
//   - volume: 20 GB gp3 × $0.08 = $1.60, billed (a persistent volume);
//   - prometheus, alertmanager, grafana, operator, kube-state-metrics, events exporter:
//     850m CPU, 2816 MiB; CPU share 850/2000 = 0.425 > memory 2816/8192 = 0.3438;
//     0.425 × 730 h = 310.25 h × $0.0832 = $25.8128;
//   - node-exporter on each node: 50m/2000 = 0.025 > 64/8192; 0.025 × 3 × 730 = 54.75 h
//     × $0.0832 = $4.5552.
//
// Total $1.60 + $25.8128 + $4.5552 = $31.968 → $31.97, of which $1.60 is billed.
func TestPrometheusOnManagedKubernetesIsItsVolumeAndItsShareOfNodes(t *testing.T) {
	none := price(t, inv(awsWorkers(3)...), eksPlan)
	prom := price(t, inv(awsWorkers(3)...), eksPlan, func(o *cost.Options) { o.Monitoring = "prometheus" })
	m := prom.Monitoring.Prometheus
	assert.Empty(t, m.Problems)
	require.Len(t, m.Lines, 3)
	assert.Equal(t, 1.60, m.Lines[0].MonthlyUSD)
	assert.Equal(t, "aws/us-east-1/ebs/gp3", m.Lines[0].PriceKey)
	assert.Equal(t, 310.25, m.Lines[1].Quantity)
	assert.Equal(t, 25.81, m.Lines[1].MonthlyUSD)
	assert.Contains(t, m.Lines[1].Note, "850m CPU and 2816 MiB requested of 2 vCPU and 8 GiB = 42.5% (CPU)")
	assert.Equal(t, 54.75, m.Lines[2].Quantity)
	assert.Equal(t, 4.56, m.Lines[2].MonthlyUSD)
	assert.Equal(t, 31.97, m.MonthlyUSD)
	assert.Equal(t, 1.60, m.BilledUSD)
	assert.InDelta(t, none.MonthlyUSD+1.60, prom.MonthlyUSD, 0.001, "only the volume joins the bill: node shares are in the nodes' price")
	assert.Equal(t, 54.00, prom.Monitoring.Datadog.MonthlyUSD, "the other choice is priced too")
	assert.Equal(t, "prometheus", prom.Monitoring.Configured)
}

// Prometheus on Swarm: pinned to the t3.medium managers (2 vCPU, 4 GiB, $0.0416/h).
//   - prometheus, alertmanager, grafana: 650m, 2432 MiB; memory 2432/4096 = 0.59375 →
//     0.5938 > CPU 0.325; 0.5938 × 730 = 433.474 h × $0.0416 = $18.0325184;
//   - node-exporter and cAdvisor per node: 150m, 192 MiB; CPU 0.075 on both types;
//     managers 0.075 × 3 × 730 = 164.25 h × $0.0416 = $6.8328; workers 164.25 h ×
//     $0.0832 = $13.6656;
//   - the data on a manager's root disk: 20 GB gp3 × $0.08 = $1.60, already in the disk
//     lines.
//
// Total $40.1309184 → $40.13, nothing billed beyond the nodes.
func TestPrometheusOnSwarmReservesManagerCapacityAndDisk(t *testing.T) {
	none := price(t, inv(swarmFleets()...))
	prom := price(t, inv(swarmFleets()...), func(o *cost.Options) {
		o.Monitoring = "prometheus"
		o.Prometheus = cost.PrometheusPlan{Orchestrator: spec.Swarm, VolumeGB: 20, HostType: "t3.medium"}
	})
	m := prom.Monitoring.Prometheus
	assert.Empty(t, m.Problems)
	assert.Equal(t, 40.13, m.MonthlyUSD)
	assert.Equal(t, 0.0, m.BilledUSD)
	assert.Equal(t, none.MonthlyUSD, prom.MonthlyUSD, "nothing joins the bill")
	assert.Equal(t, 6, prom.Monitoring.Hosts)
	assert.Equal(t, 108.00, prom.Monitoring.Datadog.MonthlyUSD, "6 hosts × $18: managers are hosts too")
	var central cost.Line
	for _, l := range m.Lines {
		if l.Resource == "manager-1" && l.Quantity == 433.474 {
			central = l
		}
	}
	assert.Equal(t, 18.03, central.MonthlyUSD, "the single-replica pieces sit on one manager")
	assert.Contains(t, central.Note, "(memory)")
}

// A machine type the catalog cannot describe is a problem of the comparison, never $0.
func TestPrometheusShareOfAnUndescribedTypeIsAProblem(t *testing.T) {
	rs := []inventory.Resource{workersTemplate(obj{"instanceType": "zz9.large"}),
		res("aws:autoscaling/group:Group", "workers", obj{"desiredCapacity": 3.0, "launchTemplate": obj{"id": "workers-id"}})}
	est := price(t, inv(rs...))
	assert.NotEmpty(t, est.Monitoring.Prometheus.Problems)
}

// The demo's LoadBalancer Service on Kubernetes is a run-time cost the estimate names.
func TestTheDemosLoadBalancerIsNamedAsExcluded(t *testing.T) {
	const sentence = "The demo's web tier is a Kubernetes Service of type LoadBalancer"
	has := func(est cost.Estimate) bool {
		for _, e := range est.Excluded {
			if strings.HasPrefix(e, sentence) {
				return true
			}
		}
		return false
	}
	assert.True(t, has(price(t, inv(awsWorkers(3)...), eksPlan, func(o *cost.Options) { o.Demo = true })))
	assert.False(t, has(price(t, inv(awsWorkers(3)...), eksPlan)))
	assert.False(t, has(price(t, inv(swarmFleets()...), func(o *cost.Options) {
		o.Demo, o.Prometheus = true, cost.PrometheusPlan{Orchestrator: spec.Swarm, VolumeGB: 20}
	})), "Swarm publishes the demo through the stack's own, priced load balancer")
	assert.False(t, has(price(t, inv(awsWorkers(3)...), func(o *cost.Options) {
		o.Demo, o.Prometheus = true, cost.PrometheusPlan{Orchestrator: spec.SelfManaged, VolumeGB: 20}
	})), "a self-managed cluster exposes the demo as a NodePort Service: no load balancer")
}

// BenchmarkPriceWithMonitoringComparison prices six fleets with both monitoring choices
// (every estimate carries the comparison).
func BenchmarkPriceWithMonitoringComparison(b *testing.B) {
	opts := options(b)
	opts.Monitoring = "prometheus"
	opts.Prometheus = cost.PrometheusPlan{Orchestrator: spec.Swarm, VolumeGB: 20, HostType: "t3.medium"}
	i := inv(swarmFleets()...)
	b.ReportAllocs()
	for b.Loop() {
		cost.Price(i, opts)
	}
}
