package network

import (
	"fmt"

	"github.com/clusterbench/clusterbench/components/iampolicy"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// eksUnsupportedZoneIDs are the zones EKS refuses control-plane subnets in
// (UnsupportedAvailabilityZoneException; EKS user guide, "View Amazon EKS networking
// requirements for VPC and subnets"). They are excluded by zone ID: a zone's name maps
// to a different physical zone in each account, so us-east-1e is use1-az3 in some
// accounts and not in others.
var eksUnsupportedZoneIDs = []string{"use1-az3", "usw1-az2", "cac1-az3"}

// AwsNetwork is a VPC with one public subnet per zone, one private subnet per zone when
// nodes are private, and NAT gateways as network.natGateways asks.
type AwsNetwork struct {
	pulumi.ResourceState

	// Zones are the availability zones used, in order (plain: they decide placement).
	Zones []string
	VpcID pulumi.IDOutput
	// PublicSubnets and PrivateSubnets are per zone, in Zones order.
	PublicSubnets  []*ec2.Subnet
	PrivateSubnets []*ec2.Subnet

	PublicSubnetIDs  pulumi.StringArrayOutput
	PrivateSubnetIDs pulumi.StringArrayOutput
	// NodeSubnetIDs are where nodes go: private subnets when nodes are private.
	NodeSubnetIDs pulumi.StringArrayOutput
}

// NodeSubnets are the per-zone subnets nodes go in.
func (n *AwsNetwork) NodeSubnets() []*ec2.Subnet {
	if len(n.PrivateSubnets) > 0 {
		return n.PrivateSubnets
	}
	return n.PublicSubnets
}

// NewAwsNetwork builds the VPC.
func NewAwsNetwork(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*AwsNetwork, error) {
	s := args.Spec
	n := &AwsNetwork{}
	if err := ctx.RegisterComponentResource(AwsNetworkType, name, n, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(n)

	var err error
	if n.Zones, err = awsZones(ctx, s); err != nil {
		return nil, err
	}
	layout := s.NetworkLayout()

	vpc, err := ec2.NewVpc(ctx, name, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(s.Network.Cidr),
		EnableDnsHostnames: pulumi.Bool(true), // EKS and private endpoints need DNS hostnames
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               nameTag(name),
	}, parent)
	if err != nil {
		return nil, err
	}
	n.VpcID = vpc.ID()

	// The default security group allows all traffic between its members; manage it with
	// no rules so nothing lands in it by accident (CIS AWS Foundations 5.4).
	if _, err := ec2.NewDefaultSecurityGroup(ctx, name+"-default", &ec2.DefaultSecurityGroupArgs{
		VpcId: vpc.ID(), Tags: nameTag(name + "-default-deny"),
	}, parent); err != nil {
		return nil, err
	}

	// The internet gateway carries the public subnets' traffic (and the NAT gateways').
	igw, err := ec2.NewInternetGateway(ctx, name, &ec2.InternetGatewayArgs{VpcId: vpc.ID(), Tags: nameTag(name)}, parent)
	if err != nil {
		return nil, err
	}
	if err := n.buildPublic(ctx, name, vpc, igw, layout, s, parent); err != nil {
		return nil, err
	}
	nats, err := n.buildNat(ctx, name, s, igw, parent)
	if err != nil {
		return nil, err
	}
	if err := n.buildPrivate(ctx, name, vpc, nats, layout, parent); err != nil {
		return nil, err
	}
	if s.Network.FlowLogs {
		if err := buildFlowLogs(ctx, name, vpc, parent); err != nil {
			return nil, err
		}
	}

	n.PublicSubnetIDs = subnetIDs(n.PublicSubnets)
	n.PrivateSubnetIDs = subnetIDs(n.PrivateSubnets)
	n.NodeSubnetIDs = subnetIDs(n.NodeSubnets())
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":            n.VpcID,
		"zones":            pulumi.ToStringArray(n.Zones),
		"publicSubnetIds":  n.PublicSubnetIDs,
		"privateSubnetIds": n.PrivateSubnetIDs,
		"nodeSubnetIds":    n.NodeSubnetIDs,
	})
}

// awsZones are the region's first available zones that need no opt-in (local and
// wavelength zones do, and lack most instance types). For EKS, only zones whose ID EKS
// accepts and that offer the worker type: EKS cannot run nodes in a subnet whose zone
// lacks their instance type, and a zone name says nothing about the offering (names map
// to physical zones per account), so EC2 is asked (DescribeInstanceTypeOfferings).
func awsZones(ctx *pulumi.Context, s *spec.Spec) ([]string, error) {
	query := &aws.GetAvailabilityZonesArgs{
		State:   pulumi.StringRef("available"),
		Filters: []aws.GetAvailabilityZonesFilter{{Name: "opt-in-status", Values: []string{"opt-in-not-required"}}},
	}
	if s.IsEKS() {
		query.ExcludeZoneIds = eksUnsupportedZoneIDs
	}
	azs, err := aws.GetAvailabilityZones(ctx, query)
	if err != nil {
		return nil, err
	}
	if !s.IsEKS() {
		return firstZones(azs.Names, s.Zones, s.Region, "")
	}
	offers, err := ec2.GetInstanceTypeOfferings(ctx, &ec2.GetInstanceTypeOfferingsArgs{
		LocationType: pulumi.StringRef("availability-zone"),
		Filters:      []ec2.GetInstanceTypeOfferingsFilter{{Name: "instance-type", Values: []string{s.Workers.MachineType}}},
	})
	if err != nil {
		return nil, err
	}
	offered := map[string]bool{}
	for _, zone := range offers.Locations {
		offered[zone] = true
	}
	var names []string
	for _, zone := range azs.Names {
		if offered[zone] {
			names = append(names, zone)
		}
	}
	return firstZones(names, s.Zones, s.Region, s.Workers.MachineType)
}

// buildPublic makes one public subnet per zone routed to the internet gateway. They take
// public IPs on launch only when the nodes themselves are public.
func (n *AwsNetwork) buildPublic(ctx *pulumi.Context, name string, vpc *ec2.Vpc, igw *ec2.InternetGateway,
	layout spec.Layout, s *spec.Spec, parent pulumi.ResourceOption) error {
	rt, err := ec2.NewRouteTable(ctx, name+"-public", &ec2.RouteTableArgs{VpcId: vpc.ID(), Tags: nameTag(name + "-public")}, parent)
	if err != nil {
		return err
	}
	if _, err := ec2.NewRoute(ctx, name+"-public-internet", &ec2.RouteArgs{
		RouteTableId: rt.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: igw.ID(),
	}, parent); err != nil {
		return err
	}
	for i, zone := range n.Zones {
		sn, err := ec2.NewSubnet(ctx, fmt.Sprintf("%s-public-%s", name, zone), &ec2.SubnetArgs{
			VpcId:               vpc.ID(),
			AvailabilityZone:    pulumi.String(zone),
			CidrBlock:           pulumi.String(layout.Public[i].String()),
			MapPublicIpOnLaunch: pulumi.Bool(!s.Network.PrivateNodes),
			// Kubernetes places internet-facing load balancers in subnets with this tag.
			Tags: pulumi.StringMap{"Name": pulumi.String(fmt.Sprintf("%s-public-%s", name, zone)), "kubernetes.io/role/elb": pulumi.String("1")},
		}, parent)
		if err != nil {
			return err
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-public-%s", name, zone), &ec2.RouteTableAssociationArgs{
			SubnetId: sn.ID(), RouteTableId: rt.ID(),
		}, parent); err != nil {
			return err
		}
		n.PublicSubnets = append(n.PublicSubnets, sn)
	}
	return nil
}

// buildNat makes the NAT gateways private subnets route through: one in the first zone
// (single) or one per zone (perZone: kops's "All private subnets will need a NGW, one
// per zone", so a zone outage cannot cut the others' egress). Each has its own EIP.
func (n *AwsNetwork) buildNat(ctx *pulumi.Context, name string, s *spec.Spec, igw *ec2.InternetGateway,
	parent pulumi.ResourceOption) ([]*ec2.NatGateway, error) {
	count := 0
	switch s.Network.NatGateways {
	case spec.NatSingle:
		count = 1
	case spec.NatPerZone:
		count = len(n.Zones)
	}
	var nats []*ec2.NatGateway
	for i := 0; i < count; i++ {
		zone := n.Zones[i]
		eip, err := ec2.NewEip(ctx, fmt.Sprintf("%s-nat-%s", name, zone), &ec2.EipArgs{
			Domain: pulumi.String("vpc"), Tags: nameTag(fmt.Sprintf("%s-nat-%s", name, zone)),
		}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
		if err != nil {
			return nil, err
		}
		nat, err := ec2.NewNatGateway(ctx, fmt.Sprintf("%s-%s", name, zone), &ec2.NatGatewayArgs{
			AllocationId: eip.ID(), SubnetId: n.PublicSubnets[i].ID(), Tags: nameTag(fmt.Sprintf("%s-%s", name, zone)),
		}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
		if err != nil {
			return nil, err
		}
		nats = append(nats, nat)
	}
	return nats, nil
}

// buildPrivate makes one private subnet per zone with its own route table, routed to
// its zone's NAT gateway (or the single one).
func (n *AwsNetwork) buildPrivate(ctx *pulumi.Context, name string, vpc *ec2.Vpc, nats []*ec2.NatGateway,
	layout spec.Layout, parent pulumi.ResourceOption) error {
	for i, zone := range n.Zones {
		if i >= len(layout.Private) {
			break
		}
		zname := fmt.Sprintf("%s-private-%s", name, zone)
		sn, err := ec2.NewSubnet(ctx, zname, &ec2.SubnetArgs{
			VpcId:            vpc.ID(),
			AvailabilityZone: pulumi.String(zone),
			CidrBlock:        pulumi.String(layout.Private[i].String()),
			// Kubernetes places internal load balancers in subnets with this tag.
			Tags: pulumi.StringMap{"Name": pulumi.String(zname), "kubernetes.io/role/internal-elb": pulumi.String("1")},
		}, parent)
		if err != nil {
			return err
		}
		rt, err := ec2.NewRouteTable(ctx, zname, &ec2.RouteTableArgs{VpcId: vpc.ID(), Tags: nameTag(zname)}, parent)
		if err != nil {
			return err
		}
		nat := nats[min(i, len(nats)-1)]
		if _, err := ec2.NewRoute(ctx, zname+"-nat", &ec2.RouteArgs{
			RouteTableId: rt.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"), NatGatewayId: nat.ID(),
		}, parent); err != nil {
			return err
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, zname, &ec2.RouteTableAssociationArgs{
			SubnetId: sn.ID(), RouteTableId: rt.ID(),
		}, parent); err != nil {
			return err
		}
		n.PrivateSubnets = append(n.PrivateSubnets, sn)
	}
	return nil
}

// buildFlowLogs records the VPC's traffic into a CloudWatch log group, written by a role
// that may only write to that group.
func buildFlowLogs(ctx *pulumi.Context, name string, vpc *ec2.Vpc, parent pulumi.ResourceOption) error {
	group, err := cloudwatch.NewLogGroup(ctx, name+"-flow-logs", &cloudwatch.LogGroupArgs{
		RetentionInDays: pulumi.Int(30), Tags: nameTag(name + "-flow-logs"),
	}, parent)
	if err != nil {
		return err
	}
	caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{})
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, name+"-flow-logs", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRoleFromAccount("vpc-flow-logs.amazonaws.com", caller.AccountId)),
	}, parent)
	if err != nil {
		return err
	}
	policy := group.Arn.ApplyT(func(arn string) (string, error) {
		return iampolicy.Document(iampolicy.Statement{
			Effect:   "Allow",
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			Resource: []string{arn, arn + ":*"},
		})
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, name+"-flow-logs", &iam.RolePolicyArgs{Role: role.ID(), Policy: policy}, parent); err != nil {
		return err
	}
	_, err = ec2.NewFlowLog(ctx, name, &ec2.FlowLogArgs{
		VpcId: vpc.ID(), TrafficType: pulumi.String("ALL"),
		LogDestinationType: pulumi.String("cloud-watch-logs"), LogDestination: group.Arn, IamRoleArn: role.Arn,
	}, parent)
	return err
}

func subnetIDs(subnets []*ec2.Subnet) pulumi.StringArrayOutput {
	ids := make(pulumi.StringArray, len(subnets))
	for i, sn := range subnets {
		ids[i] = sn.ID().ToStringOutput()
	}
	return ids.ToStringArrayOutput()
}

func nameTag(name string) pulumi.StringMap {
	return pulumi.StringMap{"Name": pulumi.String(name)}
}
