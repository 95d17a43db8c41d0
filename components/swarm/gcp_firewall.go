package swarm

import (
	"fmt"
	"strconv"

	"github.com/clusterbench/clusterbench/components/monitoring"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Firewall priorities (lower wins). The network's baseline allows all TCP and UDP
// inside its ranges at the default 1000; for the swarm's nodes that is narrowed to
// exactly Docker's ports: the swarm's allows sit above a deny of everything else, and
// the deny of the Docker API above them all.
const (
	priorityDockerAPIDeny = 700
	prioritySwarmAllow    = 800
	priorityInternalDeny  = 900
)

// gcpRule is one firewall rule.
type gcpRule struct {
	name        string
	priority    int
	deny        bool
	protocols   []protocolPorts
	sourceRange []string
	sourceTags  []string
	targetTags  []string
}

// firewall: the rules that apply to the swarm's nodes (by network tag). SSH from
// adminCidrs is the network's baseline rule (network-ssh-admin).
func (b *gcpBuilder) firewall() error {
	for _, r := range b.gcpRules() {
		args := &compute.FirewallArgs{
			Network: b.args.Network.NetworkID, Direction: pulumi.String("INGRESS"), Priority: pulumi.Int(r.priority),
			SourceRanges: pulumi.ToStringArray(r.sourceRange), SourceTags: pulumi.ToStringArray(r.sourceTags),
			TargetTags: pulumi.ToStringArray(r.targetTags),
		}
		var allows compute.FirewallAllowArray
		var denies compute.FirewallDenyArray
		for _, p := range r.protocols {
			if r.deny {
				denies = append(denies, compute.FirewallDenyArgs{Protocol: pulumi.String(p.protocol), Ports: p.portsInput()})
			} else {
				allows = append(allows, compute.FirewallAllowArgs{Protocol: pulumi.String(p.protocol), Ports: p.portsInput()})
			}
		}
		if r.deny {
			args.Denies = denies
		} else {
			args.Allows = allows
		}
		if _, err := compute.NewFirewall(b.ctx, b.name+"-"+r.name, args, b.parent); err != nil {
			return err
		}
	}
	return nil
}

func (b *gcpBuilder) gcpRules() []gcpRule {
	layout := b.s.NetworkLayout()
	internal := []string{layout.Nodes.String(), layout.Pods.String()}
	node := []string{b.nodeTag}
	published := make([]string, len(PublishedPorts))
	for i, p := range PublishedPorts {
		published[i] = strconv.Itoa(p)
	}
	rules := []gcpRule{
		// The Docker API is never reachable, whatever else allows.
		{name: "deny-docker-api", priority: priorityDockerAPIDeny, deny: true, sourceRange: []string{"0.0.0.0/0"}, targetTags: node,
			protocols: []protocolPorts{allow("tcp", fmt.Sprintf("%d-%d", dockerAPIFirst, dockerAPILast))}},
		// Raft and the cluster API reach managers from the swarm's own nodes only.
		{name: "manage", priority: prioritySwarmAllow, sourceTags: node, targetTags: []string{b.managerTag},
			protocols: []protocolPorts{allow("tcp", strconv.Itoa(portManagement))}},
		// Gossip, VXLAN and IPsec ESP (encrypted overlays) between every node.
		{name: "overlay", priority: prioritySwarmAllow, sourceTags: node, targetTags: node,
			protocols: []protocolPorts{
				allow("tcp", strconv.Itoa(portGossip)),
				allow("udp", strconv.Itoa(portGossip), strconv.Itoa(portVxlan)),
				allow("esp"),
			}},
		// The load balancer passes clients' addresses through: published ports from
		// adminCidrs reach the workers' routing mesh.
		{name: "published", priority: prioritySwarmAllow, sourceRange: b.s.AdminCidrs, targetTags: []string{b.workerTag},
			protocols: []protocolPorts{allow("tcp", published...)}},
		// Everything else the network's baseline allows inside its ranges is closed to
		// the swarm's nodes.
		{name: "deny-internal", priority: priorityInternalDeny, deny: true, sourceRange: internal, targetTags: node,
			protocols: []protocolPorts{allow("tcp"), allow("udp")}},
	}
	// Prometheus on the managers scrapes dockerd's metrics on every node's private address.
	if b.s.Monitoring == spec.MonitoringPrometheus {
		rules = append(rules, gcpRule{name: "dockerd-metrics", priority: prioritySwarmAllow, sourceTags: []string{b.managerTag}, targetTags: node,
			protocols: []protocolPorts{allow("tcp", strconv.Itoa(monitoring.DockerdMetricsPort))}})
	}
	return rules
}

// protocolPorts is one protocol of a rule and its ports (none: every port).
type protocolPorts struct {
	protocol string
	ports    []string
}

func allow(protocol string, ports ...string) protocolPorts {
	return protocolPorts{protocol: protocol, ports: ports}
}

func (p protocolPorts) portsInput() pulumi.StringArrayInput {
	if len(p.ports) == 0 {
		return nil
	}
	return pulumi.ToStringArray(p.ports)
}
