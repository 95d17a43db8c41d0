package cost

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/shopspring/decimal"
)

// AWS type tokens the rules read.
const (
	awsLaunchTemplate = "aws:ec2/launchTemplate:LaunchTemplate"
	awsSubnet         = "aws:ec2/subnet:Subnet"
)

// Defaults AWS applies when an input is absent.
const (
	// EKS managed node groups: diskSize defaults to 20 GB (EKS CreateNodegroup API);
	// instanceTypes to t3.medium.
	eksDefaultDiskGB       = 20
	eksDefaultInstanceType = "t3.medium"
	// EC2 without a block device mapping: the AMI's root volume, assumed 8 GB gp2 (the
	// Amazon Linux default).
	amiRootDiskGB = 8
	// gp2 is the EBS CreateVolume default type.
	defaultEBSType = "gp2"
)

func init() {
	register(priceFleet, "aws:eks/nodeGroup:NodeGroup", "aws:autoscaling/group:Group", "aws:ec2/instance:Instance")
	fleetReaders["aws:eks/nodeGroup:NodeGroup"] = eksNodeGroupFleet
	fleetReaders["aws:autoscaling/group:Group"] = autoscalingGroupFleet
	fleetReaders["aws:ec2/instance:Instance"] = instanceFleet
	register(eksCluster, "aws:eks/cluster:Cluster")
	register(ebsVolume, "aws:ebs/volume:Volume")
	register(natGateway, "aws:ec2/natGateway:NatGateway")
	register(elasticIP, "aws:ec2/eip:Eip")
	register(loadBalancer, "aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
	register(kmsKey, "aws:kms/key:Key")
	register(logGroup, "aws:cloudwatch/logGroup:LogGroup")
	register(s3Bucket, "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket")
	register(hostedZone, "aws:route53/zone:Zone")
	register(ssmParameter, "aws:ssm/parameter:Parameter")
	register(awsSnapshots, "aws:ebs/snapshot:Snapshot", "aws:dlm/lifecyclePolicy:LifecyclePolicy")
}

// eksCluster: the control plane's 730 hours at the standard or extended support price.
// Extended support is charged once the version is past end of standard support on the
// catalog date, unless the upgrade policy is STANDARD (EKS then upgrades the cluster
// instead); an absent policy is EXTENDED, the API's default (AWS Containers blog,
// extended support pricing; EKS User Guide, cluster upgrade policy).
func eksCluster(p *pricer, r inventory.Resource) error {
	region, err := p.region(r)
	if err != nil {
		return err
	}
	cat := p.opts.Catalog
	version, note := r.String("version"), ""
	if version == "" {
		versions := cat.EKSVersions()
		if len(versions) == 0 {
			return fmt.Errorf("no version set and the catalog has no EKS support calendar")
		}
		version = versions[len(versions)-1]
		note = fmt.Sprintf("no version set: EKS's default, taken as %s (the newest in the calendar); ", version)
	}
	s, ok := cat.EKSSupport(version)
	if !ok {
		return fmt.Errorf("version %s is not in the catalog's EKS support calendar: add it under kubernetesSupport in a --prices FILE (docs/prices.md)", version)
	}
	policy := r.String("upgradePolicy.supportType")
	item := "control-plane-standard"
	switch s.Status(cat.Date) {
	case catalog.StandardSupport:
		note += fmt.Sprintf("%s in standard support until %s", version, s.EndOfStandardSupport)
	case catalog.ExtendedSupport:
		if policy == "STANDARD" {
			note += fmt.Sprintf("%s left standard support on %s: upgrade policy STANDARD, so EKS upgrades the cluster instead of charging extended support", version, s.EndOfStandardSupport)
			break
		}
		item = "control-plane-extended"
		note += fmt.Sprintf("%s in extended support since %s (upgrade policy %s)", version, s.EndOfStandardSupport, orDefault(policy, "absent: EXTENDED"))
	default:
		return fmt.Errorf("version %s left EKS extended support on %s (catalog date %s): EKS upgrades such a control plane automatically; set a supported version",
			version, s.EndOfExtendedSupport, cat.Date)
	}
	p.add(r, charge{key: key("aws", region, "eks", item), quantity: hours(1), note: note})
	return nil
}

// eksNodeGroupFleet: scalingConfig.desiredSize × instanceTypes[0], the root volume of
// its launch template (else diskSize, default 20 GB gp2), a public IPv4 address per node
// in subnets that map one on launch.
func eksNodeGroupFleet(p *pricer, r inventory.Resource) (fleet, error) {
	n, err := count(r, "scalingConfig.desiredSize")
	if err != nil {
		return fleet{}, err
	}
	lt, hasLT := p.launchTemplate(r, "launchTemplate.id", "launchTemplate.name")
	f, err := p.awsFleet(r, n, lt, hasLT)
	if err != nil {
		return fleet{}, err
	}
	if t := r.String("instanceTypes.0"); t != "" {
		f.machineType = t
	} else if f.machineType == "" {
		f.machineType = eksDefaultInstanceType
	}
	if len(f.disks) == 0 {
		size := eksDefaultDiskGB
		if s, ok := number(r, "diskSize"); ok {
			size = int(s)
		}
		f.disks, f.note = []disk{{sizeGB: size, typ: defaultEBSType}}, "EKS default root volume (no launch template disk)"
	}
	if !f.publicIPExplicit {
		f.publicIP = p.anySubnetMapsPublicIP(r, "subnetIds")
	}
	return f, nil
}

// autoscalingGroupFleet: desiredCapacity (else minSize) × its launch template's
// instance type and volumes; public IPv4 as for node groups (subnets: vpcZoneIdentifiers).
func autoscalingGroupFleet(p *pricer, r inventory.Resource) (fleet, error) {
	n, err := count(r, "desiredCapacity")
	if err != nil {
		if n, err = count(r, "minSize"); err != nil {
			return fleet{}, err
		}
	}
	lt, ok := p.launchTemplate(r, "launchTemplate.id", "launchTemplate.name",
		"mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateId")
	if !ok {
		return fleet{}, fmt.Errorf("its launch template is not in the inventory: cannot tell the instance type")
	}
	f, err := p.awsFleet(r, n, lt, true)
	if err != nil {
		return fleet{}, err
	}
	if f.machineType == "" {
		return fleet{}, fmt.Errorf("launch template %s sets no instanceType", lt.Name)
	}
	if len(f.disks) == 0 {
		f.disks, f.note = []disk{{sizeGB: amiRootDiskGB, typ: defaultEBSType}}, "AMI root volume assumed 8 GB gp2 (the launch template sets no disk)"
	}
	if !f.publicIPExplicit {
		f.publicIP = p.anySubnetMapsPublicIP(r, "vpcZoneIdentifiers")
	}
	return f, nil
}

// instanceFleet: one instance, its root and EBS block devices, a public IPv4 address
// when associatePublicIpAddress or its subnet says so.
func instanceFleet(p *pricer, r inventory.Resource) (fleet, error) {
	lt, hasLT := p.launchTemplate(r, "launchTemplate.id", "launchTemplate.name")
	f, err := p.awsFleet(r, 1, lt, hasLT)
	if err != nil {
		return fleet{}, err
	}
	if t := r.String("instanceType"); t != "" {
		f.machineType = t
	}
	if f.machineType == "" {
		return fleet{}, fmt.Errorf("instanceType is not set or unknown")
	}
	root := disk{sizeGB: amiRootDiskGB, typ: defaultEBSType}
	if size, ok := number(r, "rootBlockDevice.volumeSize"); ok {
		root.sizeGB = int(size)
	}
	root.typ = orDefault(r.String("rootBlockDevice.volumeType"), root.typ)
	if len(f.disks) == 0 {
		f.disks = []disk{root}
	}
	for i := range r.List("ebsBlockDevices") {
		size, _ := number(r, fmt.Sprintf("ebsBlockDevices.%d.volumeSize", i))
		typ := orDefault(r.String(fmt.Sprintf("ebsBlockDevices.%d.volumeType", i)), defaultEBSType)
		f.disks = append(f.disks, disk{sizeGB: int(size), typ: typ})
	}
	// An explicit associatePublicIpAddress (on the instance, else its launch template)
	// overrides the subnet's mapPublicIpOnLaunch.
	if v, set := explicitBool(r, "associatePublicIpAddress"); set {
		f.publicIP = v
	} else if !f.publicIPExplicit {
		f.publicIP = p.anySubnetMapsPublicIP(r, "subnetId")
	}
	return f, nil
}

// awsFleet is the part of a fleet a launch template decides: instance type, volumes,
// public IPv4 on its first network interface.
func (p *pricer) awsFleet(r inventory.Resource, n int, lt inventory.Resource, hasLT bool) (fleet, error) {
	region, err := p.region(r)
	if err != nil {
		return fleet{}, err
	}
	f := fleet{instances: n, cloud: "aws", region: region}
	if !hasLT {
		return f, nil
	}
	f.machineType = lt.String("instanceType")
	for i := range lt.List("blockDeviceMappings") {
		size, ok := number(lt, fmt.Sprintf("blockDeviceMappings.%d.ebs.volumeSize", i))
		if !ok {
			continue
		}
		typ := orDefault(lt.String(fmt.Sprintf("blockDeviceMappings.%d.ebs.volumeType", i)), defaultEBSType)
		iops, _ := number(lt, fmt.Sprintf("blockDeviceMappings.%d.ebs.iops", i))
		throughput, _ := number(lt, fmt.Sprintf("blockDeviceMappings.%d.ebs.throughput", i))
		f.disks = append(f.disks, disk{sizeGB: int(size), typ: typ, iops: int(iops), throughput: int(throughput)})
	}
	// The caller picks the default disk when the template sets none (EKS: 20 GB; an
	// AMI: 8 GB). An explicit public-IP setting overrides the subnets'.
	f.publicIP, f.publicIPExplicit = explicitBool(lt, "networkInterfaces.0.associatePublicIpAddress")
	return f, nil
}

// launchTemplate finds the launch template the first set reference names.
func (p *pricer) launchTemplate(r inventory.Resource, refs ...string) (inventory.Resource, bool) {
	for _, ref := range refs {
		if lt, ok := p.linkedOne(r, ref, awsLaunchTemplate); ok {
			return lt, true
		}
	}
	return inventory.Resource{}, false
}

// anySubnetMapsPublicIP: instances launched in a subnet with mapPublicIpOnLaunch get a
// public IPv4 address (charged since 2024-02-01, AWS News blog).
func (p *pricer) anySubnetMapsPublicIP(r inventory.Resource, prop string) bool {
	for _, s := range p.linked(r, prop, awsSubnet) {
		if truthy(s, "mapPublicIpOnLaunch") {
			return true
		}
	}
	return false
}

// ebsVolume: size × type GB-months, and gp3 performance above its baseline.
func ebsVolume(p *pricer, r inventory.Resource) error {
	size, err := count(r, "size")
	if err != nil {
		return err
	}
	d := disk{sizeGB: size, typ: orDefault(r.String("type"), defaultEBSType)}
	iops, _ := number(r, "iops")
	throughput, _ := number(r, "throughput")
	d.iops, d.throughput = int(iops), int(throughput)
	charges := []charge{{key: "ebs/" + d.typ, quantity: decimal.NewFromInt(int64(size))}}
	for _, c := range gp3Extras(d, 1) {
		c.key = "ebs/" + c.key
		charges = append(charges, c)
	}
	return p.regional(r, charges...)
}

// gp3 includes 3,000 IOPS and 125 MB/s with every volume; provisioned IOPS and
// throughput above that are billed per IOPS-month and per MB/s-month (Amazon EBS
// pricing, "gp3"; docs/prices.md).
const (
	gp3BaselineIOPS       = 3000
	gp3BaselineThroughput = 125
)

// gp3Extras are the charges (keys "gp3-iops", "gp3-throughput") of n gp3 volumes
// provisioned above the baseline; none for other types or at the baseline.
func gp3Extras(d disk, n int) []charge {
	if d.typ != "gp3" {
		return nil
	}
	var out []charge
	if extra := d.iops - gp3BaselineIOPS; extra > 0 {
		out = append(out, charge{key: "gp3-iops", quantity: decimal.NewFromInt(int64(n * extra)),
			note: fmt.Sprintf("%d × %d IOPS above the %d included", n, extra, gp3BaselineIOPS)})
	}
	if extra := d.throughput - gp3BaselineThroughput; extra > 0 {
		out = append(out, charge{key: "gp3-throughput", quantity: decimal.NewFromInt(int64(n * extra)),
			note: fmt.Sprintf("%d × %d MB/s above the %d included", n, extra, gp3BaselineThroughput)})
	}
	return out
}

// natGateway: its hours, plus the usage preset's GB processed.
func natGateway(p *pricer, r inventory.Resource) error {
	return p.regional(r,
		charge{key: "vpc/nat-gateway", quantity: hours(1)},
		charge{key: "vpc/nat-gateway-data", quantity: p.opts.Usage.NATGatewayGBPerMonth, usage: true, note: "usage: natGatewayGBPerMonth"})
}

// elasticIP: a public IPv4 address, in use or idle.
func elasticIP(p *pricer, r inventory.Resource) error {
	return p.regional(r, charge{key: "vpc/public-ipv4", quantity: hours(1)})
}

// loadBalancer: hours and the usage preset's capacity units for a network or
// application load balancer, and an internet-facing one's public IPv4 address per subnet.
func loadBalancer(p *pricer, r inventory.Resource) error {
	kind := map[string]string{"network": "nlb", "application": "alb"}[orDefault(r.String("loadBalancerType"), "application")]
	if kind == "" {
		return fmt.Errorf("load balancer type %q has no pricing rule (network and application do)", r.String("loadBalancerType"))
	}
	charges := []charge{
		{key: "elb/" + kind, quantity: hours(1)},
		{key: "elb/" + kind + "-capacity", quantity: hours(1).Mul(p.opts.Usage.LoadBalancerCapacityUnits), usage: true, note: "usage: loadBalancerCapacityUnits per hour"},
	}
	if !truthy(r, "internal") {
		// One public IPv4 address per subnet, except where a subnet mapping brings an
		// Elastic IP (allocationId): that address is billed as the EIP, once.
		subnets, eips := len(r.List("subnets")), 0
		for i := range r.List("subnetMappings") {
			if _, eip := r.Path(fmt.Sprintf("subnetMappings.%d.allocationId", i)); eip {
				eips++
			} else {
				subnets++
			}
		}
		if subnets == 0 && eips == 0 {
			subnets = 1
		}
		if subnets > 0 {
			charges = append(charges, charge{key: "vpc/public-ipv4", quantity: hours(subnets), note: "internet-facing: one public IPv4 address per subnet"})
		}
	}
	return p.regional(r, charges...)
}

// kmsKey: one customer managed key-month.
func kmsKey(p *pricer, r inventory.Resource) error {
	return p.regional(r, charge{key: "kms/key", quantity: decimal.NewFromInt(1)})
}

// logGroup: the usage preset's GB ingested and GB stored.
func logGroup(p *pricer, r inventory.Resource) error {
	u := p.opts.Usage
	return p.regional(r,
		charge{key: "cloudwatch/logs-ingest", quantity: u.LogIngestGBPerMonth, usage: true, note: "usage: logIngestGBPerMonth"},
		charge{key: "cloudwatch/logs-storage", quantity: u.LogStorageGB, usage: true, note: "usage: logStorageGB"})
}

// s3Bucket: the usage preset's GB in S3 Standard.
func s3Bucket(p *pricer, r inventory.Resource) error {
	return p.regional(r, charge{key: "s3/standard", quantity: p.opts.Usage.ObjectStorageGB, usage: true, note: "usage: objectStorageGB"})
}

// hostedZone: one hosted zone-month (a global price).
func hostedZone(p *pricer, r inventory.Resource) error {
	p.add(r, charge{key: "aws/global/route53/hosted-zone", quantity: decimal.NewFromInt(1)})
	return nil
}

// awsSnapshots: the usage preset's snapshot GB per snapshot or snapshot policy.
func awsSnapshots(p *pricer, r inventory.Resource) error {
	// A snapshot in the archive tier is billed at the archive rate (Amazon EBS pricing,
	// "Snapshots"), the standard tier otherwise.
	item, note := "ebs/snapshot", "usage: snapshotGB"
	if strings.EqualFold(r.String("storageTier"), "archive") {
		item, note = "ebs/snapshot-archive", "usage: snapshotGB, archive tier"
	}
	return p.regional(r, charge{key: item, quantity: p.opts.Usage.SnapshotGB, usage: true, note: note})
}

// regional adds charges whose keys are "<service>/<item>" in the resource's cloud and region.
func (p *pricer) regional(r inventory.Resource, charges ...charge) error {
	region, err := p.region(r)
	if err != nil {
		return err
	}
	for _, c := range charges {
		c.key = cloudOf(r.Type) + "/" + region + "/" + c.key
		p.add(r, c)
	}
	return nil
}

// ssmParameter: Parameter Store's standard parameters (the default tier) cost nothing;
// advanced ones are billed per parameter-month (AWS Systems Manager pricing).
func ssmParameter(p *pricer, r inventory.Resource) error {
	if !strings.EqualFold(r.String("tier"), "Advanced") {
		return nil
	}
	return p.regional(r, charge{key: "ssm/advanced-parameter", quantity: decimal.NewFromInt(1)})
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
