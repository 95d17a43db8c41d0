package capabilities

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// Reading of the groups and load balancers that self-managed and Swarm stacks deploy.

// groupScaling is the node-autoscaling cell of a cluster whose nodes are ASGs or MIGs:
// the workers' bounds and whatever scales them (a scaling policy, a MIG autoscaler).
func (st *stack) groupScaling(orchestrator string) Capability {
	lo, desired, hi := st.workerBounds()
	var scalers []string
	for _, g := range st.workerGroups {
		for _, p := range st.asgPolicies(g) {
			scalers = append(scalers, "scaling policy "+orDefault(p.String("policyType"), "SimpleScaling")+" on "+g.Name)
		}
		if a, ok := st.migAutoscaler(g); ok {
			if t, ok := a.Number("autoscalingPolicy.cpuUtilization.target"); ok {
				scalers = append(scalers, fmt.Sprintf("MIG autoscaler on CPU (target %s%%)", strconv.FormatFloat(t*100, 'f', -1, 64)))
			} else {
				scalers = append(scalers, "MIG autoscaler "+a.Name)
			}
		}
	}
	workers := fmt.Sprintf("workers %s over %s", bounds(lo, desired, hi), st.zonesText())
	var note string
	switch orchestrator {
	case swarmBootstrap:
		note = "Swarm has no node autoscaling: new workers join at boot (the bootstrap), but running tasks are not moved onto them (docker service update --force)"
	default:
		note = "no Kubernetes cluster autoscaler is deployed: nothing adds nodes for pending pods"
	}
	if len(scalers) > 0 {
		return capability(Deployed, strings.Join(scalers, "; ")+": "+workers+", on VM load", note)
	}
	if lo == hi {
		return capability(Yours, "none: "+workers, note)
	}
	return capability(Yours, "no autoscaler deployed: "+workers+"; the group stays at its size until you change it", note)
}

// loadBalancers describes the load balancers the stack deploys: scheme, ports and what
// they send traffic to (the role of the groups behind them).
func (st *stack) loadBalancers() []string {
	var out []string
	for _, lb := range st.inv.OfType(awsLBType) {
		scheme := "internet-facing"
		if lb.Bool("internal") {
			scheme = "internal"
		}
		for _, l := range st.inv.OfType(awsListenerType) {
			if !st.links(l, "loadBalancerArn", lb) {
				continue
			}
			tg := l.String("defaultActions.0.targetGroupArn")
			var roles []string
			for _, g := range append(slices.Clone(st.memberGroups), st.workerGroups...) {
				if slices.Contains(sortedStrings(g.List("targetGroupArns")), tg) {
					roles = append(roles, roleOf(g))
				}
			}
			out = append(out, fmt.Sprintf("this stack's %s %s load balancer: %s %d → %s", scheme, orDefault(lb.String("loadBalancerType"), "application"),
				orDefault(l.String("protocol"), "TCP"), num(l, "port"), fronts(num(l, "port"), roles)))
		}
	}
	for _, fr := range st.inv.OfType(gcpForwardingRule) {
		scheme := strings.ToLower(orDefault(fr.String("loadBalancingScheme"), "EXTERNAL"))
		ports := fr.String("portRange")
		if ps := sortedStrings(fr.List("ports")); len(ps) > 0 {
			ports = strings.Join(ps, ",")
		}
		var roles []string
		if target := fr.String("target"); target != "" {
			for _, g := range st.workerGroups {
				for _, pool := range sortedStrings(g.List("targetPools")) {
					if pool == target {
						roles = append(roles, roleOf(g))
					}
				}
			}
		}
		port, _ := strconv.Atoi(strings.Split(ports, ",")[0])
		out = append(out, fmt.Sprintf("this stack's %s forwarding rule: %s %s → %s", scheme, orDefault(fr.String("ipProtocol"), "TCP"), ports, fronts(port, roles)))
	}
	return out
}

// fronts names what a load balancer sends traffic to.
func fronts(port int, roles []string) string {
	roles = slices.Compact(roles)
	switch {
	case len(roles) == 1 && roles[0] == faulttolerance.RoleControlPlane && port == apiPort:
		return "the Kubernetes API servers (control-plane members), not applications"
	case len(roles) == 1 && roles[0] == faulttolerance.RoleControlPlane:
		return "the control-plane members"
	case len(roles) > 0:
		return "the " + strings.Join(roles, " and ") + "s (published services)"
	case port == apiPort:
		return "the Kubernetes API servers (control-plane members), not applications"
	}
	return "its backend service"
}

// apiPort is kube-apiserver's port (components/selfmanaged.APIPort).
const apiPort = 6443

// awsAdmits reports whether any AWS ingress rule of the stack admits a TCP port (a TCP
// range holding it, or all traffic).
func (st *stack) awsAdmits(port int) bool {
	for _, r := range st.inv.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		switch r.String("ipProtocol") {
		case "-1":
			return true
		case "tcp", "6":
			if num(r, "fromPort") <= port && port <= num(r, "toPort") {
				return true
			}
		}
	}
	return false
}

// swarmDeniesDocker: a GCE firewall rule denies the Docker API ports.
func (st *stack) swarmDeniesDocker() bool {
	for _, fw := range st.inv.OfType(gcpFirewallType) {
		for _, d := range fw.List("denies") {
			m, _ := d.(map[string]any)
			for _, p := range sortedStrings(anyList(m["ports"])) {
				if p == "2375-2376" || p == "2375" {
					return true
				}
			}
		}
	}
	return false
}

func anyList(v any) []any {
	l, _ := v.([]any)
	return l
}

// members counts the control-plane groups' instances (members, managers).
func (st *stack) members() int {
	n := 0
	for _, g := range st.memberGroups {
		if g.Type == asgType {
			n += num(g, "desiredCapacity")
		} else {
			n += num(g, "targetSize")
		}
	}
	return n
}

// allEncrypted tells whether every volume of a type the stack creates is encrypted (GCE
// disks always are).
func allEncrypted(vols []inventory.Resource) bool {
	for _, v := range vols {
		if !v.Bool("encrypted") {
			return false
		}
	}
	return len(vols) > 0
}
