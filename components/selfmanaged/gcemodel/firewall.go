package gcemodel

import (
	"fmt"
	"strconv"

	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Priorities: the etcd deny sits above every allow of the network (default 1000), and
// only the members' own rule sits above it.
const (
	priorityMembers  = 800
	priorityEtcdDeny = 900
	priorityDefault  = 1000
)

// healthCheckRanges are the probe ranges of internal passthrough load balancers (Cloud
// Load Balancing docs, "Health check probe IP ranges"); the API's is internal.
var healthCheckRanges = []string{"35.191.0.0/16", "130.211.0.0/22"}

// firewall mirrors the AWS security groups with rules keyed on the nodes' service
// accounts (which, unlike network tags, only the accounts' admins can change). The
// network's baseline (components/network) already allows TCP, UDP and ICMP inside its
// ranges and SSH from adminCidrs; these rules add the cluster's own and shut etcd off
// from everything but the members.
func (b *builder) firewall() error {
	cp, nodes := b.controlPlaneSA.Email, b.nodeSA.Email
	etcd := etcdPorts()
	rules := []struct {
		name     string
		priority int
		args     compute.FirewallArgs
	}{
		// Allow full traffic between control-plane members: etcd peers, API servers.
		{"cp-from-cp-all", priorityMembers, compute.FirewallArgs{
			SourceServiceAccounts: pulumi.StringArray{cp}, TargetServiceAccounts: pulumi.StringArray{cp},
			Allows: compute.FirewallAllowArray{&compute.FirewallAllowArgs{Protocol: pulumi.String("all")}},
		}},
		// Deny etcd to everyone else, whatever a lower-priority rule allows: no worker
		// (nor pod, nor anything else in the network) reaches etcd.
		{"deny-etcd", priorityEtcdDeny, compute.FirewallArgs{
			SourceRanges: pulumi.StringArray{pulumi.String("0.0.0.0/0")}, TargetServiceAccounts: pulumi.StringArray{cp},
			Denies: compute.FirewallDenyArray{&compute.FirewallDenyArgs{Protocol: pulumi.String("tcp"), Ports: pulumi.ToStringArray(etcd)}},
		}},
		// Allow nodes every TCP port of the control plane except etcd's, all UDP.
		{"cp-from-nodes", priorityDefault, compute.FirewallArgs{
			SourceServiceAccounts: pulumi.StringArray{nodes}, TargetServiceAccounts: pulumi.StringArray{cp},
			Allows: compute.FirewallAllowArray{
				&compute.FirewallAllowArgs{Protocol: pulumi.String("tcp"), Ports: pulumi.ToStringArray(nodeToControlPlaneTCP())},
				&compute.FirewallAllowArgs{Protocol: pulumi.String("udp")},
			},
		}},
		// Allow full traffic to nodes from nodes and from the control plane.
		{"nodes-from-cluster", priorityDefault, compute.FirewallArgs{
			SourceServiceAccounts: pulumi.StringArray{cp, nodes}, TargetServiceAccounts: pulumi.StringArray{nodes},
			Allows: compute.FirewallAllowArray{&compute.FirewallAllowArgs{Protocol: pulumi.String("all")}},
		}},
		// Calico's IP-in-IP between every node of the cluster.
		{"ipip", priorityDefault, compute.FirewallArgs{
			SourceServiceAccounts: pulumi.StringArray{cp, nodes}, TargetServiceAccounts: pulumi.StringArray{cp, nodes},
			Allows: compute.FirewallAllowArray{&compute.FirewallAllowArgs{Protocol: pulumi.String("ipip")}},
		}},
		// The API from adminCidrs (a passthrough load balancer keeps the client's address).
		{"api-from-admin", priorityDefault, compute.FirewallArgs{
			SourceRanges: pulumi.ToStringArray(b.s.AdminCidrs), TargetServiceAccounts: pulumi.StringArray{cp},
			Allows: compute.FirewallAllowArray{apiPort()},
		}},
		// The load balancer's health checks.
		{"api-health-checks", priorityDefault, compute.FirewallArgs{
			SourceRanges: pulumi.ToStringArray(healthCheckRanges), TargetServiceAccounts: pulumi.StringArray{cp},
			Allows: compute.FirewallAllowArray{apiPort()},
		}},
	}
	for _, r := range rules {
		args := r.args
		args.Network = b.args.Network.NetworkID
		args.Direction = pulumi.String("INGRESS")
		args.Priority = pulumi.Int(r.priority)
		args.Description = pulumi.String(r.name + " (" + b.cluster + ")")
		if _, err := compute.NewFirewall(b.ctx, b.name+"-"+r.name, &args, b.parent); err != nil {
			return err
		}
	}
	return nil
}

func apiPort() *compute.FirewallAllowArgs {
	return &compute.FirewallAllowArgs{Protocol: pulumi.String("tcp"), Ports: pulumi.StringArray{pulumi.String(strconv.Itoa(selfmanaged.APIPort))}}
}

// etcdPorts are selfmanaged.EtcdPortRanges as firewall port ranges.
func etcdPorts() []string {
	var out []string
	for _, r := range selfmanaged.EtcdPortRanges {
		out = append(out, fmt.Sprintf("%d-%d", r[0], r[1]))
	}
	return out
}

// nodeToControlPlaneTCP is every TCP port but etcd's, as firewall port ranges (kops
// pkg/model/firewall.go opens node → master the same way).
func nodeToControlPlaneTCP() []string {
	var out []string
	from := 1
	for _, r := range selfmanaged.EtcdPortRanges {
		out = append(out, fmt.Sprintf("%d-%d", from, r[0]-1))
		from = r[1] + 1
	}
	return append(out, fmt.Sprintf("%d-65535", from))
}
