package cost_test

import (
	"testing"

	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// On the catalog date 2026-11-26, 1.35 is in standard support and 1.33 in extended
// support (since 2026-07-29). Standard: 730 h × $0.10 = $73.00; extended: 730 h ×
// $0.60 = $438.00.
func TestEKSControlPlaneIsStandardOrExtendedByVersionPolicyAndDate(t *testing.T) {
	cases := []struct {
		name, version, policy, catalogDate string
		wantKey                            string
		want                               float64
	}{
		{"standard support version", "1.35", "", "", "aws/us-east-1/eks/control-plane-standard", 73.00},
		{"extended version without a policy pays extended (the API default is EXTENDED)", "1.33", "", "", "aws/us-east-1/eks/control-plane-extended", 438.00},
		{"extended version with policy EXTENDED pays extended", "1.33", "EXTENDED", "", "aws/us-east-1/eks/control-plane-extended", 438.00},
		{"extended version with policy STANDARD pays standard (EKS upgrades it)", "1.33", "STANDARD", "", "aws/us-east-1/eks/control-plane-standard", 73.00},
		{"a later catalog date moves 1.35 into extended support", "1.35", "EXTENDED", "2027-04-01", "aws/us-east-1/eks/control-plane-extended", 438.00},
		{"the same later date with policy STANDARD stays standard", "1.35", "STANDARD", "2027-04-01", "aws/us-east-1/eks/control-plane-standard", 73.00},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := obj{"version": tc.version}
			if tc.policy != "" {
				in["upgradePolicy"] = obj{"supportType": tc.policy}
			}
			est := price(t, inv(res("aws:eks/cluster:Cluster", "eks", in)), func(o *cost.Options) {
				if tc.catalogDate != "" {
					require.NoError(t, o.Catalog.Merge([]byte(`date: "`+tc.catalogDate+`"`), "later.yaml"))
				}
			})
			require.Empty(t, est.Unpriced, reasons(est))
			assert.Equal(t, []string{tc.wantKey}, keys(est))
			assert.InDelta(t, tc.want, est.MonthlyUSD, 0.001)
		})
	}
}

func TestEKSVersionOutsideTheCalendarIsUnpriced(t *testing.T) {
	for version, want := range map[string]string{
		"1.29": "left EKS extended support on 2026-03-23",
		"1.99": "not in the catalog's EKS support calendar: add it under kubernetesSupport in a --prices FILE",
	} {
		est := price(t, inv(res("aws:eks/cluster:Cluster", "eks", obj{"version": version})))
		assert.Empty(t, est.Lines, version)
		require.Len(t, est.Unpriced, 1, version)
		assert.Contains(t, est.Unpriced[0].Reason, want)
	}
}

func workersTemplate(in obj) inventory.Resource {
	base := obj{"instanceType": "t3.large", "blockDeviceMappings": list(obj{"deviceName": "/dev/xvda", "ebs": obj{"volumeSize": 50.0, "volumeType": "gp3"}})}
	for k, v := range in {
		base[k] = v
	}
	return res("aws:ec2/launchTemplate:LaunchTemplate", "workers", base)
}

func subnet(name string, public bool) inventory.Resource {
	return res("aws:ec2/subnet:Subnet", name, obj{"mapPublicIpOnLaunch": public, "availabilityZone": "us-east-1a"})
}

// 3 × t3.large: 3 × 730 h × $0.0832 = $182.208; 3 × 50 GB gp3 × $0.08 = $12.00;
// public IPv4: 3 × 730 h × $0.005 = $10.95.
func TestAutoscalingGroupIsPricedThroughItsLaunchTemplate(t *testing.T) {
	cases := []struct {
		name   string
		lt     inventory.Resource
		subnet inventory.Resource
		wantIP bool
	}{
		{"private subnet: no public address", workersTemplate(nil), subnet("private-a", false), false},
		{"subnet mapping public IPs on launch", workersTemplate(nil), subnet("public-a", true), true},
		{"launch template associating a public IP", workersTemplate(obj{"networkInterfaces": list(obj{"associatePublicIpAddress": "true"})}), subnet("private-a", false), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			group := res("aws:autoscaling/group:Group", "workers", obj{"desiredCapacity": 3.0,
				"launchTemplate": obj{"id": "workers-id"}, "vpcZoneIdentifiers": list(tc.subnet.ID)})
			est := price(t, inv(tc.lt, tc.subnet, group))
			require.Empty(t, est.Unpriced, reasons(est))
			want := map[string]float64{"aws/us-east-1/ec2/t3.large": 182.21, "aws/us-east-1/ebs/gp3": 12.00}
			total := 182.208 + 12.00
			if tc.wantIP {
				want["aws/us-east-1/vpc/public-ipv4"] = 10.95
				total += 10.95
			}
			assert.Equal(t, want, monthlyByKey(est))
			assert.InDelta(t, total, est.MonthlyUSD, 0.005)
		})
	}
}

// In a preview the ids are unknown (nil): the launch template and subnet are found
// through propertyDependencies.
func TestAutoscalingGroupFindsItsTemplateThroughDependenciesInAPreview(t *testing.T) {
	lt, sub := workersTemplate(nil), subnet("public-a", true)
	lt.ID, sub.ID = "", ""
	group := res("aws:autoscaling/group:Group", "workers", obj{"desiredCapacity": 3.0,
		"launchTemplate": obj{"id": nil}, "vpcZoneIdentifiers": list(nil)})
	group.ID = ""
	group.Dependencies = map[string][]string{"launchTemplate": {lt.URN}, "vpcZoneIdentifiers": {sub.URN}}
	est := price(t, inv(lt, sub, group))
	require.Empty(t, est.Unpriced, reasons(est))
	assert.InDelta(t, 182.208+12.00+10.95, est.MonthlyUSD, 0.005)
}

// 2 × m5.large: 2 × 730 × $0.096 = $140.16. Without a launch template disk, EKS gives
// each node 20 GB gp2: 40 GB × $0.10 = $4.00. With one: 2 × 50 GB gp3 × $0.08 = $8.00.
func TestEKSNodeGroupDisksComeFromItsLaunchTemplateOrTheEKSDefault(t *testing.T) {
	lt := res("aws:ec2/launchTemplate:LaunchTemplate", "nodes", obj{"blockDeviceMappings": list(obj{"ebs": obj{"volumeSize": 50.0, "volumeType": "gp3"}})})
	cases := []struct {
		name  string
		extra obj
		want  map[string]float64
	}{
		{"no launch template: 20 GB gp2", obj{}, map[string]float64{"aws/us-east-1/ec2/m5.large": 140.16, "aws/us-east-1/ebs/gp2": 4.00}},
		{"launch template disk", obj{"launchTemplate": obj{"id": "nodes-id", "version": "1"}}, map[string]float64{"aws/us-east-1/ec2/m5.large": 140.16, "aws/us-east-1/ebs/gp3": 8.00}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := obj{"instanceTypes": list("m5.large"), "scalingConfig": obj{"desiredSize": 2.0}, "subnetIds": list("private-a-id")}
			for k, v := range tc.extra {
				in[k] = v
			}
			est := price(t, inv(lt, subnet("private-a", false), res("aws:eks/nodeGroup:NodeGroup", "workers", in)))
			require.Empty(t, est.Unpriced, reasons(est))
			assert.Equal(t, tc.want, monthlyByKey(est))
		})
	}
}

func TestUnknownMachineTypeOrRegionIsUnpricedNeverFree(t *testing.T) {
	lt := workersTemplate(obj{"instanceType": "x9.mega"})
	group := res("aws:autoscaling/group:Group", "workers", obj{"desiredCapacity": 3.0, "launchTemplate": obj{"id": "workers-id"}})
	est := price(t, inv(lt, group))
	assert.NotContains(t, keys(est), "aws/us-east-1/ec2/x9.mega")
	require.Len(t, est.Unpriced, 1)
	assert.Equal(t, "workers", est.Unpriced[0].Resource)
	assert.Contains(t, est.Unpriced[0].Reason, "no catalog entry aws/us-east-1/ec2/x9.mega: add it to a --prices FILE")

	est = price(t, inv(res("aws:ebs/volume:Volume", "data", obj{"size": 10.0, "availabilityZone": "eu-west-1b"})))
	require.Len(t, est.Unpriced, 1)
	assert.Contains(t, est.Unpriced[0].Reason, "no catalog entry aws/eu-west-1/ebs/gp2")
}

func TestGroupWithoutItsLaunchTemplateIsUnpriced(t *testing.T) {
	est := price(t, inv(res("aws:autoscaling/group:Group", "workers", obj{"desiredCapacity": 3.0, "launchTemplate": obj{"id": "elsewhere"}})))
	require.Len(t, est.Unpriced, 1)
	assert.Contains(t, est.Unpriced[0].Reason, "launch template is not in the inventory")
}

// Each case shows its arithmetic; usage figures are the small preset's.
func TestSingleAWSResources(t *testing.T) {
	cases := []struct {
		name string
		r    inventory.Resource
		want map[string]float64
	}{
		{"EBS volume: 100 GB gp3 × $0.08", res("aws:ebs/volume:Volume", "data", obj{"size": 100.0, "type": "gp3"}),
			map[string]float64{"aws/us-east-1/ebs/gp3": 8.00}},
		{"EBS volume without a type is gp2: 10 GB × $0.10", res("aws:ebs/volume:Volume", "data", obj{"size": 10.0}),
			map[string]float64{"aws/us-east-1/ebs/gp2": 1.00}},
		{"NAT gateway: 730 h × $0.045; 50 GB × $0.045", res("aws:ec2/natGateway:NatGateway", "nat", nil),
			map[string]float64{"aws/us-east-1/vpc/nat-gateway": 32.85, "aws/us-east-1/vpc/nat-gateway-data": 2.25}},
		{"EIP: 730 h × $0.005", res("aws:ec2/eip:Eip", "ip", obj{"domain": "vpc"}),
			map[string]float64{"aws/us-east-1/vpc/public-ipv4": 3.65}},
		{"internal NLB: 730 h × $0.0225; 1 NLCU × 730 h × $0.006", res("aws:lb/loadBalancer:LoadBalancer", "api", obj{"loadBalancerType": "network", "internal": true}),
			map[string]float64{"aws/us-east-1/elb/nlb": 16.43, "aws/us-east-1/elb/nlb-capacity": 4.38}},
		{"internet-facing ALB over 2 subnets: 730 h × $0.0225; 730 LCU-h × $0.008; 2 × 730 h × $0.005",
			res("aws:lb/loadBalancer:LoadBalancer", "web", obj{"subnets": list("a", "b")}),
			map[string]float64{"aws/us-east-1/elb/alb": 16.43, "aws/us-east-1/elb/alb-capacity": 5.84, "aws/us-east-1/vpc/public-ipv4": 7.30}},
		{"KMS key: $1 a month", res("aws:kms/key:Key", "secrets", nil), map[string]float64{"aws/us-east-1/kms/key": 1.00}},
		{"log group: 5 GB × $0.50 ingested; 10 GB × $0.03 stored", res("aws:cloudwatch/logGroup:LogGroup", "cluster", obj{"retentionInDays": 30.0}),
			map[string]float64{"aws/us-east-1/cloudwatch/logs-ingest": 2.50, "aws/us-east-1/cloudwatch/logs-storage": 0.30}},
		{"S3 bucket: 50 GB × $0.023", res("aws:s3/bucketV2:BucketV2", "backups", nil), map[string]float64{"aws/us-east-1/s3/standard": 1.15}},
		{"Route 53 zone: $0.50 a month", res("aws:route53/zone:Zone", "internal", obj{"name": "example.internal"}),
			map[string]float64{"aws/global/route53/hosted-zone": 0.50}},
		{"instance: 730 h × $0.0416; 8 GB gp2 root × $0.10", res("aws:ec2/instance:Instance", "bastion", obj{"instanceType": "t3.medium"}),
			map[string]float64{"aws/us-east-1/ec2/t3.medium": 30.37, "aws/us-east-1/ebs/gp2": 0.80}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			est := price(t, inv(tc.r))
			require.Empty(t, est.Unpriced, reasons(est))
			assert.Equal(t, tc.want, monthlyByKey(est))
		})
	}
}

func TestFreeTypesCostNothingAndUnknownTypesAreUnpriced(t *testing.T) {
	est := price(t, inv(res("aws:ec2/vpc:Vpc", "vpc", nil), res("aws:iam/role:Role", "nodes", nil),
		res("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", nil)))
	assert.Empty(t, est.Lines)
	require.Len(t, est.Unpriced, 1)
	assert.Equal(t, "aws:ec2/vpcEndpoint:VpcEndpoint", est.Unpriced[0].Type)
	assert.Contains(t, est.Unpriced[0].Reason, "--prices FILE")
}

// An explicit associatePublicIpAddress overrides the subnet's mapPublicIpOnLaunch, in
// both directions; without one, the subnet decides (730 × $0.005 = $3.65 per address).
func TestExplicitPublicIPSettingOverridesTheSubnet(t *testing.T) {
	public := res("aws:ec2/subnet:Subnet", "public", obj{"mapPublicIpOnLaunch": true})
	private := res("aws:ec2/subnet:Subnet", "private", nil)
	instance := func(subnet string, extra obj) inventory.Resource {
		in := obj{"instanceType": "t3.medium", "subnetId": subnet + "-id"}
		for k, v := range extra {
			in[k] = v
		}
		return res("aws:ec2/instance:Instance", "vm", in)
	}
	cases := []struct {
		name   string
		vm     inventory.Resource
		wantIP float64
	}{
		{"public subnet decides", instance("public", nil), 3.65},
		{"explicit false in a public subnet", instance("public", obj{"associatePublicIpAddress": false}), 0},
		{"explicit true in a private subnet", instance("private", obj{"associatePublicIpAddress": true}), 3.65},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			est := price(t, inv(public, private, tc.vm))
			require.Empty(t, est.Unpriced, reasons(est))
			assert.Equal(t, tc.wantIP, monthlyByKey(est)["aws/us-east-1/vpc/public-ipv4"])
		})
	}
}

// A node group whose launch template sets no disk gets EKS's 20 GB default, not an
// AMI's 8 GB: 2 × 20 GB gp2 × $0.10 = $4.00.
func TestNodeGroupWithoutTemplateDiskGetsTheEKSDefault(t *testing.T) {
	lt := res("aws:ec2/launchTemplate:LaunchTemplate", "lt", obj{"metadataOptions": obj{"httpTokens": "required"}})
	ng := res("aws:eks/nodeGroup:NodeGroup", "ng", obj{"instanceTypes": list("t3.large"),
		"scalingConfig": obj{"desiredSize": 2.0}, "launchTemplate": obj{"id": "lt-id"}})
	est := price(t, inv(lt, ng))
	require.Empty(t, est.Unpriced, reasons(est))
	assert.Equal(t, 4.00, monthlyByKey(est)["aws/us-east-1/ebs/gp2"])
}

// Standard Parameter Store parameters are free; advanced ones $0.05 a month each.
func TestSSMParametersCostOnlyInTheAdvancedTier(t *testing.T) {
	est := price(t, inv(res("aws:ssm/parameter:Parameter", "std", obj{"type": "SecureString"}), res("aws:ssm/parameter:Parameter", "adv", obj{"type": "String", "tier": "Advanced"})))
	require.Empty(t, est.Unpriced, reasons(est))
	assert.InDelta(t, 0.05, est.MonthlyUSD, 0.0001)
}

// gp3 includes 3,000 IOPS and 125 MB/s; above that, $0.005 per IOPS-month and $0.04 per
// MB/s-month. A 100 GB volume at 6,000 IOPS and 250 MB/s: 8.00 + 15.00 + 5.00 = 28.00;
// the same in a launch template run by 2 instances doubles it.
func TestGP3PerformanceAboveTheBaselineIsBilled(t *testing.T) {
	est := price(t, inv(res("aws:ebs/volume:Volume", "fast", obj{"availabilityZone": "us-east-1a", "size": 100, "type": "gp3", "iops": 6000, "throughput": 250}),
		res("aws:ebs/volume:Volume", "baseline", obj{"availabilityZone": "us-east-1a", "size": 100, "type": "gp3", "iops": 3000, "throughput": 125})))
	require.Empty(t, est.Unpriced, reasons(est))
	assert.InDelta(t, 28.00+8.00, est.MonthlyUSD, 0.001)
}

// Spot capacity is never priced as on-demand: the fleet is unpriced, saying why.
func TestSpotCapacityIsUnpricedNotOnDemand(t *testing.T) {
	lt := res("aws:ec2/launchTemplate:LaunchTemplate", "spot-lt", obj{"instanceType": "t3.large", "instanceMarketOptions": obj{"marketType": "spot"}})
	for _, tc := range []struct {
		name string
		rs   []inventory.Resource
	}{
		{"EKS node group capacityType SPOT", []inventory.Resource{res("aws:eks/nodeGroup:NodeGroup", "ng", obj{"capacityType": "SPOT", "scalingConfig": obj{"desiredSize": 2}, "instanceTypes": list("t3.large")})}},
		{"ASG with a spot launch template", []inventory.Resource{lt, res("aws:autoscaling/group:Group", "asg", obj{"desiredCapacity": 2, "launchTemplate": obj{"id": "spot-lt-id"}})}},
		{"ASG mixed instances, default 0% on-demand", []inventory.Resource{res("aws:ec2/launchTemplate:LaunchTemplate", "od-lt", obj{"instanceType": "t3.large"}),
			res("aws:autoscaling/group:Group", "asg", obj{"desiredCapacity": 2, "mixedInstancesPolicy": obj{"launchTemplate": obj{"launchTemplateSpecification": obj{"launchTemplateId": "od-lt-id"}}}})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			est := price(t, inv(tc.rs...))
			require.Len(t, est.Unpriced, 1)
			assert.Contains(t, est.Unpriced[0].Reason, "spot or preemptible capacity")
			assert.Zero(t, est.MonthlyUSD)
		})
	}
}
