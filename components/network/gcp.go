package network

import (
	"sort"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Secondary range names of the subnetwork (GKE's ipAllocationPolicy refers to them).
const (
	PodsRangeName     = "pods"
	ServicesRangeName = "services"
)

// GcpNetwork is a custom-mode VPC network with one regional subnetwork (secondary ranges
// for pods and services), Cloud NAT when nodes are private, and a baseline firewall.
type GcpNetwork struct {
	pulumi.ResourceState

	// Zones are the region's zones used, in order (plain: they decide placement).
	Zones           []string
	NetworkID       pulumi.IDOutput
	NetworkSelfLink pulumi.StringOutput
	// NetworkName is the name Pulumi picked for the network, anew on every creation:
	// resources GCP names by a fixed id derive theirs from it (gcpname.Unique).
	NetworkName        pulumi.StringOutput
	SubnetworkID       pulumi.IDOutput
	SubnetworkSelfLink pulumi.StringOutput
}

// NewGcpNetwork builds the network.
func NewGcpNetwork(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*GcpNetwork, error) {
	s := args.Spec
	n := &GcpNetwork{}
	if err := ctx.RegisterComponentResource(GcpNetworkType, name, n, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(n)

	zones, err := compute.GetZones(ctx, &compute.GetZonesArgs{
		Region: pulumi.StringRef(s.Region), Project: pulumi.StringRef(s.Project), Status: pulumi.StringRef("UP"),
	})
	if err != nil {
		return nil, err
	}
	names := append([]string(nil), zones.Names...)
	sort.Strings(names)
	if n.Zones, err = firstZones(names, s.Zones, s.Region, ""); err != nil {
		return nil, err
	}
	layout := s.NetworkLayout()

	// Custom mode: no auto-created /20 in every region, only the subnetwork below.
	network, err := compute.NewNetwork(ctx, name, &compute.NetworkArgs{
		AutoCreateSubnetworks: pulumi.Bool(false), RoutingMode: pulumi.String("REGIONAL"),
	}, parent)
	if err != nil {
		return nil, err
	}
	n.NetworkID, n.NetworkSelfLink, n.NetworkName = network.ID(), network.SelfLink, network.Name

	subnetArgs := &compute.SubnetworkArgs{
		Network: network.ID(), Region: pulumi.String(s.Region), IpCidrRange: pulumi.String(layout.Nodes.String()),
		// Private nodes reach Google APIs (image pulls, logging) without external IPs.
		PrivateIpGoogleAccess: pulumi.Bool(true),
		SecondaryIpRanges: compute.SubnetworkSecondaryIpRangeArray{
			compute.SubnetworkSecondaryIpRangeArgs{RangeName: pulumi.String(PodsRangeName), IpCidrRange: pulumi.String(layout.Pods.String())},
			compute.SubnetworkSecondaryIpRangeArgs{RangeName: pulumi.String(ServicesRangeName), IpCidrRange: pulumi.String(layout.Services.String())},
		},
	}
	if s.Network.FlowLogs {
		subnetArgs.LogConfig = compute.SubnetworkLogConfigArgs{
			AggregationInterval: pulumi.String("INTERVAL_5_SEC"), FlowSampling: pulumi.Float64(0.5),
			Metadata: pulumi.String("INCLUDE_ALL_METADATA"),
		}
	}
	subnet, err := compute.NewSubnetwork(ctx, name, subnetArgs, parent)
	if err != nil {
		return nil, err
	}
	n.SubnetworkID, n.SubnetworkSelfLink = subnet.ID(), subnet.SelfLink

	if s.Network.PrivateNodes && s.Network.NatGateways != spec.NatNone {
		if err := buildCloudNat(ctx, name, s, network, subnet, parent); err != nil {
			return nil, err
		}
	}
	if err := buildBaselineFirewall(ctx, name, s, network, layout, parent); err != nil {
		return nil, err
	}
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{
		"zones":              pulumi.ToStringArray(n.Zones),
		"networkId":          n.NetworkID,
		"networkSelfLink":    n.NetworkSelfLink,
		"subnetworkId":       n.SubnetworkID,
		"subnetworkSelfLink": n.SubnetworkSelfLink,
	})
}

// buildCloudNat gives private nodes egress. Cloud NAT is a regional managed service: one
// per region serves every zone, so natGateways single and perZone both mean one, and it
// is not a single point of failure.
func buildCloudNat(ctx *pulumi.Context, name string, s *spec.Spec, network *compute.Network,
	subnet *compute.Subnetwork, parent pulumi.ResourceOption) error {
	router, err := compute.NewRouter(ctx, name, &compute.RouterArgs{Network: network.ID(), Region: pulumi.String(s.Region)}, parent)
	if err != nil {
		return err
	}
	_, err = compute.NewRouterNat(ctx, name, &compute.RouterNatArgs{
		Router: router.Name, Region: pulumi.String(s.Region),
		NatIpAllocateOption:           pulumi.String("AUTO_ONLY"),
		SourceSubnetworkIpRangesToNat: pulumi.String("LIST_OF_SUBNETWORKS"),
		Subnetworks: compute.RouterNatSubnetworkArray{compute.RouterNatSubnetworkArgs{
			Name: subnet.ID(), SourceIpRangesToNats: pulumi.ToStringArray([]string{"ALL_IP_RANGES"}),
		}},
		LogConfig: compute.RouterNatLogConfigArgs{Enable: pulumi.Bool(true), Filter: pulumi.String("ERRORS_ONLY")},
	}, parent)
	return err
}

// buildBaselineFirewall allows traffic within the cluster's own ranges and SSH only from
// adminCidrs; everything else stays denied by the network's implied deny-ingress rule.
func buildBaselineFirewall(ctx *pulumi.Context, name string, s *spec.Spec, network *compute.Network,
	layout spec.Layout, parent pulumi.ResourceOption) error {
	if _, err := compute.NewFirewall(ctx, name+"-internal", &compute.FirewallArgs{
		Network: network.ID(), Direction: pulumi.String("INGRESS"),
		// Nodes and pods send packets; service ClusterIPs never are a source.
		SourceRanges: pulumi.ToStringArray([]string{layout.Nodes.String(), layout.Pods.String()}),
		Allows: compute.FirewallAllowArray{
			compute.FirewallAllowArgs{Protocol: pulumi.String("tcp")},
			compute.FirewallAllowArgs{Protocol: pulumi.String("udp")},
			compute.FirewallAllowArgs{Protocol: pulumi.String("icmp")},
		},
	}, parent); err != nil {
		return err
	}
	_, err := compute.NewFirewall(ctx, name+"-ssh-admin", &compute.FirewallArgs{
		Network: network.ID(), Direction: pulumi.String("INGRESS"),
		SourceRanges: pulumi.ToStringArray(s.AdminCidrs),
		Allows:       compute.FirewallAllowArray{compute.FirewallAllowArgs{Protocol: pulumi.String("tcp"), Ports: pulumi.ToStringArray([]string{"22"})}},
	}, parent)
	return err
}
