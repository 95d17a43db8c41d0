package report

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/clusterbench/clusterbench/internal/capabilities"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
)

// sampleComparison has one stack of each kind a report must show: an evaluated AWS stack
// with cost lines and a fault-tolerance assessment (no single point of failure: a nil
// list), an evaluated GCP stack without an SLA and with a credit and an unpriced item, a
// stack whose program is not built yet, and one whose program failed.
func sampleComparison() *Comparison {
	sla := "99.95%"
	return &Comparison{
		PriceCatalog: CatalogInfo{Version: "2026.08", Date: "2026-08-01", Regions: []string{"us-east-1", "us-central1"}},
		Usage:        "small",
		Stacks: []Stack{
			{
				Stack: "eks", Status: StatusOK, Cloud: "aws", Orchestrator: "managed", Region: "us-east-1", Zones: 3,
				Resources: Resources{Total: 42, ByType: map[string]int{"aws:eks/cluster:Cluster": 1},
					Components: map[string]int{"clusterbench:managed:EksCluster": 1, "clusterbench:network:AwsNetwork": 1}},
				MonthlyCostUSD: 1234.56,
				CostBreakdown: []cost.Line{
					{Resource: "eks-cluster", Type: "aws:eks/cluster:Cluster", Component: "clusterbench:managed:EksCluster",
						Quantity: 730, Unit: "hours", UnitPriceUSD: 0.10, MonthlyUSD: 73},
					{Resource: "eks-workers", Type: "aws:eks/nodeGroup:NodeGroup", Component: "clusterbench:managed:EksCluster",
						Quantity: 2190, Unit: "hours", UnitPriceUSD: 0.0832, MonthlyUSD: 182.208},
					{Resource: "eks-nat-a", Type: "aws:ec2/natGateway:NatGateway", Component: "clusterbench:network:AwsNetwork",
						Quantity: 100, Unit: "GB", UnitPriceUSD: 0.045, MonthlyUSD: 4.5, UsageBased: true},
				},
				Excluded: []string{"load balancers and volumes that Kubernetes creates at run time"},
				Monitoring: &cost.MonitoringComparison{
					Configured: "prometheus", Hosts: 3,
					Prometheus: cost.MonitoringChoice{Choice: "prometheus", MonthlyUSD: 31.97, BilledUSD: 1.60},
					Datadog:    cost.MonitoringChoice{Choice: "datadog", MonthlyUSD: 54, BilledUSD: 54},
				},
				FaultTolerance: &faulttolerance.Assessment{
					ControlPlaneManagedBy: "provider", ControlPlaneFailuresTolerated: 1, ZoneLossSurvivable: true, ZoneLoss: faulttolerance.ZoneLossSurvives,
					WorkerCapacityAfterZoneLoss: 0.67, SLA: &sla,
					OperationalDuties: []string{"node group AMI upgrades after each control-plane upgrade"},
				},
				Capabilities: sampleCapabilities(capabilities.Provided, "EKS"),
			},
			{
				Stack: "swarm-gcp", Status: StatusOK, Cloud: "gcp", Orchestrator: "swarm", Region: "us-central1", Zones: 1,
				Resources:      Resources{Total: 17, ByType: map[string]int{"gcp:compute/instance:Instance": 6}},
				MonthlyCostUSD: 99.5,
				CostBreakdown: []cost.Line{
					{Resource: "swarm-managers", Type: "gcp:compute/instanceGroupManager:InstanceGroupManager",
						Quantity: 2190, Unit: "hours", UnitPriceUSD: 0.0335057, MonthlyUSD: 73.38},
					{Resource: "free-tier", Type: "gcp:container/cluster:Cluster", Quantity: 1, Unit: "months",
						UnitPriceUSD: -74.40, MonthlyUSD: -74.40},
				},
				Unpriced: []cost.Unpriced{{Resource: "swarm-backups", Type: "gcp:storage/bucket:Bucket", Reason: "no price for key gcs/standard/us-central1"}},
				Excluded: []string{"load balancers and volumes that Kubernetes creates at run time", "data transfer to the internet"},
				Monitoring: &cost.MonitoringComparison{
					Configured: "none", Hosts: 6,
					Prometheus: cost.MonitoringChoice{Choice: "prometheus", MonthlyUSD: 40.13},
					Datadog:    cost.MonitoringChoice{Choice: "datadog", MonthlyUSD: 108, BilledUSD: 108},
				},
				FaultTolerance: &faulttolerance.Assessment{
					ControlPlaneManagedBy: "you", ControlPlaneMembers: 3, ControlPlaneFailuresTolerated: 1,
					WorkerCapacityAfterZoneLoss: 0, ZoneLoss: faulttolerance.ZoneLossFails,
					ZoneLossEffects: []faulttolerance.ZoneLossEffect{{Zone: "us-central1-a", Resource: "workers", Verdict: faulttolerance.ZoneLossFails,
						Why: "all 3 workers run in us-central1-a: losing it leaves none"}},
					SinglePointsOfFailure: []faulttolerance.SinglePointOfFailure{
						{Resource: "swarm-nat", Why: "the only zone holds every node"},
					},
					OperationalDuties: []string{"swarm raft backups", "Docker Engine upgrades on every node"},
				},
				Capabilities: sampleCapabilities(capabilities.Deployed, "Swarm"),
			},
			{Stack: "kops-aws", Status: StatusNotAvailable, Cloud: "aws", Orchestrator: "selfmanaged",
				Error: "selfmanaged on aws: not built yet"},
			{Stack: "broken", Status: StatusError, Error: "stacks/Pulumi.broken.yaml: clusterbench:zones: 9 is not 1-3"},
		},
	}
}

// render renders the sample (or c) in one format, failing the test on error.
func render(t *testing.T, c *Comparison, format string) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, c, format))
	return buf.String()
}
