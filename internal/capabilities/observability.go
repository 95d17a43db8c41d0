package capabilities

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/scripts"
)

// observability says what the stack ships logs and metrics to, from its inventory (log
// groups, cluster logging settings, flow logs) and its bootstrap, and what
// the monitoring the stack deploys (clusterbench:monitoring: Helm releases on EKS/GKE,
// the chart the init member installs on self-managed clusters, a stack on Swarm).
func observability(st *stack) Capability {
	var status, value string
	var details []string
	deployed, what := st.deployedMonitoring()
	switch {
	case st.eks != nil:
		types := sortedStrings(st.eks.List("enabledClusterLogTypes"))
		if len(types) == 0 {
			status, value = Yours, "no control-plane logs: enabledClusterLogTypes is empty"
			break
		}
		status, value = Provided, "control-plane logs ("+strings.Join(types, ", ")+") to CloudWatch"
		for _, g := range st.inv.OfType(logGroupType) {
			if strings.HasPrefix(g.String("name"), "/aws/eks/") {
				details = append(details, fmt.Sprintf("kept %d days", num(g, "retentionInDays")))
			}
		}
		if _, ok := st.addon("amazon-cloudwatch-observability"); ok {
			details = append(details, "node and pod metrics and logs: CloudWatch Container Insights (EKS add-on)")
		} else if deployed == "" {
			details = append(details, "no node or pod metrics pipeline (the CloudWatch observability add-on is not installed)")
		}
	case st.gke != nil:
		logging, monitoring := st.gke.String("loggingService"), st.gke.String("monitoringService")
		switch {
		case logging == "none" && monitoring == "none":
			status, value = Yours, "Cloud Logging and Cloud Monitoring are off (loggingService and monitoringService none)"
		default:
			status, value = Provided, "Cloud Logging and Cloud Monitoring: system and workload logs, system metrics (GKE's defaults)"
			if logging == "none" {
				value = "Cloud Monitoring only: loggingService none"
			}
		}
	case st.bootstrap == kubernetesBootstrap:
		facts := scripts.KubernetesFacts
		status, value = Deployed, fmt.Sprintf("API server audit log on each member (%s, %d days)", facts.AuditLogPath, facts.AuditLogMaxAgeDays)
		if deployed == "" {
			details = append(details, "no metrics or log shipping: container logs stay on each node")
		} else {
			details = append(details, "container logs stay on each node")
		}
	case st.bootstrap == swarmBootstrap && deployed != "":
		status, value = Deployed, what
		what = ""
		details = append(details, "container logs stay on each node (docker service logs)")
	case st.bootstrap == swarmBootstrap:
		status, value = Yours, "container logs on each node only (docker service logs); no metrics or log shipping"
	default:
		status, value = Yours, "unknown"
	}
	if len(st.inv.OfType(flowLogType)) > 0 {
		details = append(details, "VPC flow logs to CloudWatch")
	}
	for _, sn := range st.inv.OfType(gcpSubnetType) {
		if _, ok := sn.Path("logConfig"); ok {
			details = append(details, "subnetwork flow logs")
			break
		}
	}
	if what != "" {
		if status == Yours {
			status, value = Deployed, what
		} else {
			details = append(details, what)
		}
	}
	switch {
	case deployed != "":
		details = append(details, fmt.Sprintf("clusterbench:monitoring = %s: deployed by this stack", deployed))
	case st.s.Monitoring == spec.MonitoringPrometheus || st.s.Monitoring == spec.MonitoringDatadog:
		details = append(details, fmt.Sprintf("clusterbench:monitoring = %s: priced, but not installed by this program (install it yourself)", st.s.Monitoring))
	default:
		details = append(details, "clusterbench:monitoring = "+orDefault(st.s.Monitoring, "none"))
	}
	return capability(status, value, details...)
}
