package swarm

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/components/monitoring"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// awsRule is one security group rule: from a security group or from a CIDR.
type awsRule struct {
	name     string
	group    *ec2.SecurityGroup
	protocol string // "tcp", "udp", or an IP protocol number ("50" is ESP)
	port     int    // 0 for protocols without ports
	fromSG   *ec2.SecurityGroup
	fromCidr string
	why      string
}

// firewall: four security groups, one rule per resource (so each is its own line in the
// inventory and in `pulumi preview`).
//   - cluster: every node; overlay traffic between nodes, SSH from adminCidrs, egress.
//   - managers: the management port from the cluster's nodes.
//   - workers: the published ports from the load balancer.
//   - load balancer: the published ports from adminCidrs, and on to the workers.
//
// Nothing opens the Docker API (2375/2376); nothing but egress uses 0.0.0.0/0.
func (b *awsBuilder) firewall() error {
	var err error
	groups := []struct {
		sg   **ec2.SecurityGroup
		role string
		why  string
	}{
		{&b.clusterSG, "cluster", "Swarm nodes: overlay traffic between nodes, SSH from adminCidrs"},
		{&b.managersSG, "managers", "Swarm managers: the management port from the cluster's nodes"},
		{&b.workersSG, "workers", "Swarm workers: published ports from the load balancer"},
		{&b.lbSG, "lb", "Swarm load balancer: published ports from adminCidrs"},
	}
	for _, g := range groups {
		gname := fmt.Sprintf("%s-%s", b.name, g.role)
		if *g.sg, err = ec2.NewSecurityGroup(b.ctx, gname, &ec2.SecurityGroupArgs{
			VpcId: b.args.Network.VpcID, Description: pulumi.String(g.why), Tags: pulumi.StringMap{"Name": pulumi.String(gname)},
		}, b.parent); err != nil {
			return err
		}
	}
	for _, r := range b.awsRules() {
		args := &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: r.group.ID(), IpProtocol: pulumi.String(r.protocol), Description: pulumi.String(r.why),
		}
		if r.port != 0 {
			args.FromPort, args.ToPort = pulumi.Int(r.port), pulumi.Int(r.port)
		}
		if r.fromSG != nil {
			args.ReferencedSecurityGroupId = r.fromSG.ID()
		} else {
			args.CidrIpv4 = pulumi.String(r.fromCidr)
		}
		if _, err := vpc.NewSecurityGroupIngressRule(b.ctx, b.name+"-"+r.name, args, b.parent); err != nil {
			return err
		}
	}
	// Nodes reach the SSM API, the Debian mirrors and image registries (through NAT when
	// private).
	if _, err := vpc.NewSecurityGroupEgressRule(b.ctx, b.name+"-cluster-egress", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: b.clusterSG.ID(), IpProtocol: pulumi.String("-1"), CidrIpv4: pulumi.String("0.0.0.0/0"),
		Description: pulumi.String("egress to the cloud APIs, package mirrors and registries"),
	}, b.parent); err != nil {
		return err
	}
	// The load balancer sends published-port traffic (and its health checks) on to the
	// workers only.
	for _, port := range PublishedPorts {
		if _, err := vpc.NewSecurityGroupEgressRule(b.ctx, fmt.Sprintf("%s-lb-to-workers-%d", b.name, port), &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: b.lbSG.ID(), IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(port), ToPort: pulumi.Int(port),
			ReferencedSecurityGroupId: b.workersSG.ID(), Description: pulumi.String("published port to the workers"),
		}, b.parent); err != nil {
			return err
		}
	}
	return nil
}

// awsRules are the ingress rules, in the order of Docker's port list.
func (b *awsBuilder) awsRules() []awsRule {
	cluster := b.clusterSG
	rules := []awsRule{
		// Raft and the cluster API reach managers from the swarm's own nodes only.
		{name: "manage", group: b.managersSG, protocol: "tcp", port: portManagement, fromSG: cluster, why: "swarm management (raft) from cluster nodes"},
		// Container network discovery between every node.
		{name: "gossip-tcp", group: cluster, protocol: "tcp", port: portGossip, fromSG: cluster, why: "swarm gossip (TCP) between cluster nodes"},
		{name: "gossip-udp", group: cluster, protocol: "udp", port: portGossip, fromSG: cluster, why: "swarm gossip (UDP) between cluster nodes"},
		// Overlay network traffic (VXLAN) between every node.
		{name: "vxlan", group: cluster, protocol: "udp", port: portVxlan, fromSG: cluster, why: "overlay network (VXLAN) between cluster nodes"},
		// Encrypted overlay networks carry VXLAN in IPsec ESP.
		{name: "esp", group: cluster, protocol: "50", fromSG: cluster, why: "encrypted overlay (IPsec ESP) between cluster nodes"},
	}
	// Prometheus on the managers scrapes dockerd's metrics on every node's private address.
	if b.s.Monitoring == spec.MonitoringPrometheus {
		rules = append(rules, awsRule{name: "dockerd-metrics", group: cluster, protocol: "tcp", port: monitoring.DockerdMetricsPort, fromSG: b.managersSG, why: "dockerd metrics to Prometheus on the managers"})
	}
	// The routing mesh takes published ports from the load balancer to the tasks.
	for _, port := range PublishedPorts {
		rules = append(rules, awsRule{name: fmt.Sprintf("published-%d", port), group: b.workersSG, protocol: "tcp", port: port, fromSG: b.lbSG, why: "published service port from the load balancer"})
	}
	for _, cidr := range b.s.AdminCidrs {
		rules = append(rules, awsRule{name: "ssh-" + cidrName(cidr), group: cluster, protocol: "tcp", port: portSSH, fromCidr: cidr, why: "SSH from adminCidrs"})
		for _, port := range PublishedPorts {
			rules = append(rules, awsRule{name: fmt.Sprintf("lb-%d-%s", port, cidrName(cidr)), group: b.lbSG, protocol: "tcp", port: port, fromCidr: cidr, why: "published service port from adminCidrs"})
		}
	}
	return rules
}

// cidrName makes a CIDR part of a resource name (203.0.113.0/24 → 203-0-113-0-24), so
// reordering adminCidrs replaces nothing.
func cidrName(cidr string) string {
	return strings.NewReplacer(".", "-", "/", "-").Replace(cidr)
}
