package awsmodel

import (
	"fmt"

	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Protocol numbers the rules name.
const (
	allProtocols = "-1"
	ipip         = "4" // Calico's IP-in-IP encapsulation
)

// portRange is an inclusive range of ports; {0, 0} with allProtocols or ipip means no ports.
type portRange struct{ from, to int }

// NodeToControlPlaneTCP are the TCP ports a worker may open on a control-plane member:
// every port except etcd's (selfmanaged.EtcdPortRanges), as kops allows node → master
// in pkg/model/firewall.go. Calico's BGP (179) is inside the first range.
func NodeToControlPlaneTCP() []portRange {
	var out []portRange
	from := 1
	for _, r := range selfmanaged.EtcdPortRanges {
		out = append(out, portRange{from, r[0] - 1})
		from = r[1] + 1
	}
	return append(out, portRange{from, 65535})
}

// firewall: one security group per role (control plane, nodes, API load balancer).
func (b *builder) firewall() error {
	var err error
	sg := func(role, why string) (*ec2.SecurityGroup, error) {
		return ec2.NewSecurityGroup(b.ctx, b.name+"-"+role, &ec2.SecurityGroupArgs{
			VpcId: b.args.Network.VpcID, Description: pulumi.String(why), Tags: b.tags(b.cluster + "-" + role),
		}, b.parent)
	}
	if b.controlPlaneSG, err = sg("control-plane", "Control-plane members of "+b.cluster); err != nil {
		return err
	}
	if b.nodeSG, err = sg("nodes", "Worker nodes of "+b.cluster); err != nil {
		return err
	}
	if b.apiSG, err = sg("api", "Kubernetes API load balancer of "+b.cluster); err != nil {
		return err
	}
	steps := []func() error{b.controlPlaneRules, b.nodeRules, b.apiRules, b.adminSSH, b.egress}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// ingress adds one ingress rule; source is a security group or a CIDR.
func (b *builder) ingress(name string, to *ec2.SecurityGroup, protocol string, ports portRange, fromSG *ec2.SecurityGroup, fromCidr string) error {
	args := &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: to.ID(), IpProtocol: pulumi.String(protocol), Description: pulumi.String(name),
	}
	if protocol != allProtocols && protocol != ipip {
		args.FromPort, args.ToPort = pulumi.Int(ports.from), pulumi.Int(ports.to)
	}
	if fromSG != nil {
		args.ReferencedSecurityGroupId = fromSG.ID()
	} else {
		args.CidrIpv4 = pulumi.String(fromCidr)
	}
	_, err := vpc.NewSecurityGroupIngressRule(b.ctx, b.name+"-"+name, args, b.parent)
	return err
}

// controlPlaneRules: what reaches the control-plane members.
func (b *builder) controlPlaneRules() error {
	cp, nodes := b.controlPlaneSG, b.nodeSG
	// Allow full traffic between control-plane members: etcd peers, API servers.
	if err := b.ingress("cp-from-cp-all", cp, allProtocols, portRange{}, cp, ""); err != nil {
		return err
	}
	// Allow nodes every TCP port of the control plane except etcd's: a worker never
	// reaches etcd, which holds every secret of the cluster.
	for _, r := range NodeToControlPlaneTCP() {
		if err := b.ingress(fmt.Sprintf("cp-from-nodes-tcp-%d-%d", r.from, r.to), cp, "tcp", r, nodes, ""); err != nil {
			return err
		}
	}
	// Allow nodes all UDP (DNS, Calico VXLAN if chosen) and IP-in-IP (Calico's pod network).
	if err := b.ingress("cp-from-nodes-udp", cp, "udp", portRange{1, 65535}, nodes, ""); err != nil {
		return err
	}
	if err := b.ingress("cp-from-nodes-ipip", cp, ipip, portRange{}, nodes, ""); err != nil {
		return err
	}
	// The API reaches the members only through the load balancer, which sees the
	// clients (client IP preservation is off, see api_loadbalancer.go).
	return b.ingress("cp-from-api-lb", cp, "tcp", portRange{selfmanaged.APIPort, selfmanaged.APIPort}, b.apiSG, "")
}

// nodeRules: what reaches the workers.
func (b *builder) nodeRules() error {
	// Allow full traffic between nodes (pod network, kubelet, services).
	if err := b.ingress("nodes-from-nodes-all", b.nodeSG, allProtocols, portRange{}, b.nodeSG, ""); err != nil {
		return err
	}
	// Allow full traffic from the control plane to nodes (kubelet, webhooks, pod network).
	return b.ingress("nodes-from-cp-all", b.nodeSG, allProtocols, portRange{}, b.controlPlaneSG, "")
}

// apiRules: the load balancer's own group answers the API port to admins and to the
// cluster, and sends only to the members' API port.
func (b *builder) apiRules() error {
	api := portRange{selfmanaged.APIPort, selfmanaged.APIPort}
	for i, cidr := range b.s.AdminCidrs {
		if err := b.ingress(fmt.Sprintf("api-from-admin-%d", i), b.apiSG, "tcp", api, nil, cidr); err != nil {
			return err
		}
	}
	if err := b.ingress("api-from-cp", b.apiSG, "tcp", api, b.controlPlaneSG, ""); err != nil {
		return err
	}
	if err := b.ingress("api-from-nodes", b.apiSG, "tcp", api, b.nodeSG, ""); err != nil {
		return err
	}
	_, err := vpc.NewSecurityGroupEgressRule(b.ctx, b.name+"-api-to-cp", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: b.apiSG.ID(), IpProtocol: pulumi.String("tcp"),
		FromPort: pulumi.Int(selfmanaged.APIPort), ToPort: pulumi.Int(selfmanaged.APIPort),
		ReferencedSecurityGroupId: b.controlPlaneSG.ID(), Description: pulumi.String("forward and health-check the API"),
	}, b.parent)
	return err
}

// adminSSH: SSH only from adminCidrs, to every node.
func (b *builder) adminSSH() error {
	for i, cidr := range b.s.AdminCidrs {
		if err := b.ingress(fmt.Sprintf("cp-ssh-admin-%d", i), b.controlPlaneSG, "tcp", portRange{22, 22}, nil, cidr); err != nil {
			return err
		}
		if err := b.ingress(fmt.Sprintf("nodes-ssh-admin-%d", i), b.nodeSG, "tcp", portRange{22, 22}, nil, cidr); err != nil {
			return err
		}
	}
	return nil
}

// egress: nodes reach package mirrors, registries and the cloud's APIs (through NAT
// when private).
func (b *builder) egress() error {
	for i, sg := range []*ec2.SecurityGroup{b.controlPlaneSG, b.nodeSG} {
		role := []string{"control-plane", "nodes"}[i]
		if _, err := vpc.NewSecurityGroupEgressRule(b.ctx, b.name+"-"+role+"-egress", &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: sg.ID(), IpProtocol: pulumi.String(allProtocols), CidrIpv4: pulumi.String("0.0.0.0/0"),
			Description: pulumi.String("outbound"),
		}, b.parent); err != nil {
			return err
		}
	}
	return nil
}
