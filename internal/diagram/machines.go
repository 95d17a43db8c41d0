package diagram

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// Type tokens the diagram reads.
const (
	tASG          = "aws:autoscaling/group:Group"
	tInstance     = "aws:ec2/instance:Instance"
	tLaunchTpl    = "aws:ec2/launchTemplate:LaunchTemplate"
	tSubnet       = "aws:ec2/subnet:Subnet"
	tEKS          = "aws:eks/cluster:Cluster"
	tEKSNodeGroup = "aws:eks/nodeGroup:NodeGroup"
	tEKSAddon     = "aws:eks/addon:Addon"
	tGKE          = "gcp:container/cluster:Cluster"
	tGKEPool      = "gcp:container/nodePool:NodePool"
	tIGM          = "gcp:compute/instanceGroupManager:InstanceGroupManager"
	tRIGM         = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"
	tGCEInstance  = "gcp:compute/instance:Instance"
	tInstanceTpl  = "gcp:compute/instanceTemplate:InstanceTemplate"
	tRegionTpl    = "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"
	tAutoscaler   = "gcp:compute/autoscaler:Autoscaler"
	tRAutoscaler  = "gcp:compute/regionAutoscaler:RegionAutoscaler"
	tSubnetwork   = "gcp:compute/subnetwork:Subnetwork"
	tVPC          = "aws:ec2/vpc:Vpc"
)

// group is one set of machines the program registers: an autoscaling group, a managed
// instance group, a node group or pool, or a single instance.
type group struct {
	res      inventory.Resource
	role     string // faulttolerance.RoleControlPlane, RoleBastion, or "worker"
	zones    []string
	perZone  map[string]int
	count    int
	min, max int
	machine  string
	rootDisk string
	template inventory.Resource
	// AWS: the security groups (resource names) its machines are in.
	sgs []string
	// GCP: network tags and service account of its machines.
	tags []string
	sa   string
	// cidrs are the address ranges its machines take addresses from.
	cidrs []string
	// node is the node that stands for the group (a member, or a worker group).
	node string
	// etcdMember is the member name its etcd volume is tagged with.
	etcdMember string
}

func (g *group) name() string { return g.res.Name }

// groups finds every group of machines, in registration order.
func (b *builder) findGroups() {
	for _, r := range b.inv.Custom() {
		var g *group
		switch r.Type {
		case tASG:
			g = b.awsGroup(r)
		case tInstance:
			g = b.awsInstance(r)
		case tEKSNodeGroup:
			g = b.eksNodeGroup(r)
		case tGKEPool:
			g = b.gkePool(r)
		case tIGM, tRIGM:
			g = b.gcpGroup(r)
		case tGCEInstance:
			g = b.gceInstance(r)
		default:
			continue
		}
		g.res = r
		if g.role == "" {
			g.role = faulttolerance.Role(r)
		}
		if g.role == "" && g.template.Type != "" {
			g.role = faulttolerance.Role(g.template)
		}
		if g.role != faulttolerance.RoleControlPlane && g.role != faulttolerance.RoleBastion {
			g.role = roleWorker
		}
		g.perZone = spread(g.count, g.zones)
		b.groups = append(b.groups, g)
	}
}

const roleWorker = "worker"

func (b *builder) awsGroup(r inventory.Resource) *group {
	g := &group{}
	g.count = intOf(r, "desiredCapacity")
	g.min, g.max = intOf(r, "minSize"), intOf(r, "maxSize")
	if g.count == 0 {
		g.count = g.min
	}
	for _, sn := range b.res.refs(r, "vpcZoneIdentifiers", tSubnet) {
		g.zones = appendUnique(g.zones, sn.String("availabilityZone"))
		g.cidrs = appendUnique(g.cidrs, sn.String("cidrBlock"))
	}
	if len(g.zones) == 0 {
		g.zones = inventory.Strings(r.List("availabilityZones"))
	}
	if lt, ok := b.res.ref(r, "launchTemplate.id", tLaunchTpl); ok {
		b.awsTemplate(g, lt)
	} else if lt, ok := b.res.ref(r, "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateId", tLaunchTpl); ok {
		b.awsTemplate(g, lt)
	}
	g.etcdMember = listTag(r, "clusterbench/etcd-member")
	return g
}

func (b *builder) awsTemplate(g *group, lt inventory.Resource) {
	g.template = lt
	g.machine = lt.String("instanceType")
	if size, ok := lt.Number("blockDeviceMappings.0.ebs.volumeSize"); ok {
		g.rootDisk = fmt.Sprintf("%d GB %s root", int(size), lt.String("blockDeviceMappings.0.ebs.volumeType"))
	}
	for _, sg := range b.res.refs(lt, "vpcSecurityGroupIds", tSG) {
		g.sgs = appendUnique(g.sgs, sg.Name)
	}
	for _, sg := range b.res.refs(lt, "networkInterfaces.0.securityGroups", tSG) {
		g.sgs = appendUnique(g.sgs, sg.Name)
	}
}

func (b *builder) awsInstance(r inventory.Resource) *group {
	g := &group{count: 1, min: 1, max: 1, machine: r.String("instanceType")}
	if sn, ok := b.res.ref(r, "subnetId", tSubnet); ok {
		g.zones = []string{sn.String("availabilityZone")}
		g.cidrs = []string{sn.String("cidrBlock")}
	} else if z := r.String("availabilityZone"); z != "" {
		g.zones = []string{z}
	}
	for _, sg := range b.res.refs(r, "vpcSecurityGroupIds", tSG) {
		g.sgs = appendUnique(g.sgs, sg.Name)
	}
	return g
}

func (b *builder) eksNodeGroup(r inventory.Resource) *group {
	g := &group{role: roleWorker}
	g.count = intOf(r, "scalingConfig.desiredSize")
	g.min, g.max = intOf(r, "scalingConfig.minSize"), intOf(r, "scalingConfig.maxSize")
	for _, sn := range b.res.refs(r, "subnetIds", tSubnet) {
		g.zones = appendUnique(g.zones, sn.String("availabilityZone"))
		g.cidrs = appendUnique(g.cidrs, sn.String("cidrBlock"))
	}
	if types := inventory.Strings(r.List("instanceTypes")); len(types) > 0 {
		g.machine = strings.Join(types, "/")
	}
	if lt, ok := b.res.ref(r, "launchTemplate.id", tLaunchTpl); ok {
		machine := g.machine
		b.awsTemplate(g, lt)
		if machine != "" {
			g.machine = machine
		}
	}
	return g
}

func (b *builder) gkePool(r inventory.Resource) *group {
	g := &group{role: roleWorker}
	g.zones = inventory.Strings(r.List("nodeLocations"))
	if len(g.zones) == 0 {
		if c, ok := b.res.ref(r, "cluster", tGKE); ok {
			g.zones = inventory.Strings(c.List("nodeLocations"))
		}
	}
	if len(g.zones) == 0 {
		if loc := r.String("location"); inventory.IsGCPZone(loc) {
			g.zones = []string{loc}
		}
	}
	perZone := intOf(r, "initialNodeCount")
	if n := intOf(r, "nodeCount"); n > 0 {
		perZone = n
	}
	zones := max(len(g.zones), 1)
	g.count = perZone * zones
	g.min, g.max = intOf(r, "autoscaling.totalMinNodeCount"), intOf(r, "autoscaling.totalMaxNodeCount")
	if g.max == 0 {
		g.min, g.max = intOf(r, "autoscaling.minNodeCount")*zones, intOf(r, "autoscaling.maxNodeCount")*zones
	}
	if g.max == 0 {
		g.min, g.max = g.count, g.count
	}
	g.machine = r.String("nodeConfig.machineType")
	if size, ok := r.Number("nodeConfig.diskSizeGb"); ok {
		g.rootDisk = fmt.Sprintf("%d GB %s root", int(size), r.String("nodeConfig.diskType"))
	}
	g.sa = r.String("nodeConfig.serviceAccount")
	g.tags = inventory.Strings(r.List("nodeConfig.tags"))
	g.cidrs = b.gcpSubnetRanges(inventory.Resource{})
	return g
}

func (b *builder) gcpGroup(r inventory.Resource) *group {
	g := &group{}
	g.count = intOf(r, "targetSize")
	g.min, g.max = g.count, g.count
	if z := r.String("zone"); z != "" {
		g.zones = []string{z}
	} else {
		g.zones = inventory.Strings(r.List("distributionPolicyZones"))
	}
	for _, a := range b.res.of(tAutoscaler, tRAutoscaler) {
		if refs := b.res.refs(a, "target", r.Type); len(refs) > 0 && refs[0].Name == r.Name {
			g.min, g.max = intOf(a, "autoscalingPolicy.minReplicas"), intOf(a, "autoscalingPolicy.maxReplicas")
		}
	}
	if tpl, ok := b.res.ref(r, "versions.0.instanceTemplate", tInstanceTpl, tRegionTpl); ok {
		g.template = tpl
		b.gcpTemplate(g, tpl)
	}
	g.etcdMember = r.String("allInstancesConfig.labels.clusterbench-etcd-member")
	return g
}

func (b *builder) gcpTemplate(g *group, tpl inventory.Resource) {
	g.machine = tpl.String("machineType")
	for _, d := range tpl.List("disks") {
		if m, ok := d.(map[string]any); ok && m["boot"] == true {
			if size, ok := m["diskSizeGb"].(float64); ok {
				g.rootDisk = fmt.Sprintf("%d GB %v root", int(size), m["diskType"])
			}
		}
	}
	g.tags = inventory.Strings(tpl.List("tags"))
	g.sa = tpl.String("serviceAccount.email")
	g.cidrs = b.gcpSubnetRanges(tpl)
}

func (b *builder) gceInstance(r inventory.Resource) *group {
	g := &group{count: 1, min: 1, max: 1}
	if z := r.String("zone"); z != "" {
		g.zones = []string{z}
	}
	b.gcpTemplate(g, r)
	g.template = inventory.Resource{}
	return g
}

// gcpSubnetRanges are the primary ranges of the subnetworks a template's interfaces use
// (every subnetwork's when it names none the diagram can find).
func (b *builder) gcpSubnetRanges(tpl inventory.Resource) []string {
	var out []string
	if tpl.Type != "" {
		for _, sn := range b.res.refs(tpl, "networkInterfaces.0.subnetwork", tSubnetwork) {
			out = appendUnique(out, sn.String("ipCidrRange"))
		}
	}
	if len(out) == 0 {
		for _, sn := range b.res.of(tSubnetwork) {
			out = appendUnique(out, sn.String("ipCidrRange"))
		}
	}
	return out
}

// spread puts a group's machines in its zones the way the clouds do: evenly, the first
// zones taking the remainder.
func spread(n int, zones []string) map[string]int {
	out := map[string]int{}
	if len(zones) == 0 {
		return out
	}
	for i, z := range zones {
		out[z] = n / len(zones)
		if i < n%len(zones) {
			out[z]++
		}
	}
	return out
}

func intOf(r inventory.Resource, path string) int {
	n, _ := r.Number(path)
	return int(n)
}

// listTag reads a tag an autoscaling group writes as a list of {key, value}.
func listTag(r inventory.Resource, key string) string {
	for _, t := range r.List("tags") {
		if m, ok := t.(map[string]any); ok && m["key"] == key {
			v, _ := m["value"].(string)
			return v
		}
	}
	return r.String("tags." + key)
}

func appendUnique(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
