package diagram

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

type epKind int

const (
	epGroup    epKind = iota // a group of machines
	epExternal               // an address range outside the network
	epLB                     // an AWS load balancer with security groups
	epPlane                  // a managed control plane's private endpoint
)

// endpoint is one end of the traffic the rules allow.
type endpoint struct {
	kind  epKind
	node  string // the node drawn for it
	hub   string // the node its edges are drawn from when all its peers agree
	g     *group
	cidrs []string
	sgs   []string
	// healthChecks marks the provider's health checkers: they probe the backends
	// directly, never through the load balancer.
	healthChecks bool
}

// evaluator tells what the recorded rules let through.
type evaluator interface {
	allowed(src, dst *endpoint) (Traffic, []string)
	externalCIDRs() [][]string
}

type builder struct {
	inv          *inventory.Inventory
	opts         Options
	res          *resolver
	g            *Graph
	cloud        string
	orchestrator string
	groups       []*group
	eval         evaluator
	aws          *awsRules
	internal     []string // the network's own address ranges
	externals    []*endpoint
	lbs          []*endpoint
	plane        string // the managed control plane's node
	cpHub        string // the self-run control plane's node
	labels       labeler
	roles        map[string]string // node id → role, for labels
}

func newBuilder(inv *inventory.Inventory, opts Options) *builder {
	b := &builder{inv: inv, opts: opts, res: newResolver(inv), roles: map[string]string{}}
	stack := opts.Stack
	if stack == "" {
		stack = inv.Stack
	}
	b.g = &Graph{Stack: stack}
	for _, r := range inv.Custom() {
		switch cloud, _, _ := strings.Cut(r.Type, ":"); cloud {
		case "aws", "gcp":
			if b.cloud == "" {
				b.cloud = cloud
			}
		}
	}
	b.orchestrator = orchestratorOf(inv, b.res)
	return b
}

// orchestratorOf reads the orchestrator from the program's components, else from what
// the inventory holds.
func orchestratorOf(inv *inventory.Inventory, res *resolver) string {
	for _, c := range inv.Components() {
		for _, o := range []string{"managed", "selfmanaged", "swarm"} {
			if strings.HasPrefix(c.Type, "clusterbench:"+o+":") {
				return o
			}
		}
	}
	if len(res.of(tEKS, tGKE)) > 0 {
		return "managed"
	}
	return "selfmanaged"
}

func (b *builder) build() {
	b.findGroups()
	b.describe()
	published := b.publishedPorts()
	b.labels = newLabeler(b.orchestrator, published)
	if b.cloud == "aws" {
		b.aws = newAWSRules(b.res)
		b.eval = b.aws
	} else {
		b.eval = newGCPRules(b.res)
	}
	b.controlPlane()
	b.workers()
	b.storage()
	b.loadBalancers()
	b.nats()
	b.externalSources()
	b.trafficEdges()
	b.forwardEdges()
	b.managedEdges()
	b.egressEdges()
	b.discovery()
	b.mergeBothWays()
}

// describe sets the title, region, network and zones.
func (b *builder) describe() {
	g := b.g
	g.Cloud, g.Orchestrator = b.cloud, b.orchestrator
	for _, grp := range b.groups {
		for _, z := range grp.zones {
			g.Zones = appendUnique(g.Zones, z)
		}
	}
	g.Region = b.opts.Region
	if g.Region == "" && len(g.Zones) > 0 {
		g.Region = regionOfZone(g.Zones[0])
	}
	what := map[string]string{"selfmanaged": "self-managed Kubernetes (kubeadm)", "swarm": "Docker Swarm"}[b.orchestrator]
	switch {
	case len(b.res.of(tEKS)) > 0:
		what = "Amazon EKS"
	case len(b.res.of(tGKE)) > 0:
		what = "Google Kubernetes Engine"
	}
	g.Title = fmt.Sprintf("%s: %s on %s", g.Stack, what, strings.ToUpper(b.cloud))
	if g.Region != "" {
		g.Title += " (" + g.Region + ")"
	}
	for _, v := range b.res.of(tVPC) {
		b.internal = appendUnique(b.internal, v.String("cidrBlock"))
		g.Network = "VPC " + v.String("cidrBlock")
	}
	for _, sn := range b.res.of(tSubnetwork) {
		g.Network = "VPC network, subnet " + sn.String("ipCidrRange")
	}
	for _, sn := range b.res.of(tSubnet, tSubnetwork) {
		b.internal = appendUnique(b.internal, sn.String("cidrBlock"))
		b.internal = appendUnique(b.internal, sn.String("ipCidrRange"))
		for _, sec := range sn.List("secondaryIpRanges") {
			if m, ok := sec.(map[string]any); ok {
				s, _ := m["ipCidrRange"].(string)
				b.internal = appendUnique(b.internal, s)
			}
		}
	}
}

// regionOfZone drops a zone's letter ("us-east-1a" → "us-east-1", "us-central1-a" →
// "us-central1").
func regionOfZone(z string) string {
	if i := strings.LastIndex(z, "-"); i > 0 && len(z)-i == 2 {
		return z[:i]
	}
	return strings.TrimRight(z, "abcdefghijklmnopqrstuvwxyz")
}

func (b *builder) addNode(n Node, role string) {
	b.g.Nodes = append(b.g.Nodes, n)
	b.roles[n.ID] = role
}

func (b *builder) addEdge(e Edge) {
	b.g.Edges = append(b.g.Edges, e)
}

// Roles nodes play in labels.
const (
	roleCP       = "cp"
	rolePlane    = "plane"
	roleWorkers  = "worker"
	roleLB       = "lb"
	roleExternal = "external"
	roleOther    = "other"
)

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// controlPlane draws the provider's control plane, or the members you run.
func (b *builder) controlPlane() {
	if eks := b.res.of(tEKS); len(eks) > 0 {
		c := eks[0]
		b.plane = nodeID("plane", c.Name)
		b.addNode(Node{ID: b.plane, Kind: KindManagedPlane, Provider: true, Title: "EKS control plane (run by AWS)",
			Details: b.planeDetails("API servers and etcd in AWS's account", "Kubernetes "+c.String("version"))}, rolePlane)
		return
	}
	if gke := b.res.of(tGKE); len(gke) > 0 {
		c := gke[0]
		where := "regional: replicas in 3 zones"
		if loc := c.String("location"); inventory.IsGCPZone(loc) {
			where = "zonal: one replica in " + loc
		}
		version := c.String("minMasterVersion")
		if version != "" {
			version = "Kubernetes " + version + " or later (release channel)"
		}
		b.plane = nodeID("plane", c.Name)
		b.addNode(Node{ID: b.plane, Kind: KindManagedPlane, Provider: true, Title: "GKE control plane (run by Google)",
			Details: b.planeDetails(where, version)}, rolePlane)
		return
	}
	var members []*group
	for _, g := range b.groups {
		if g.role == faulttolerance.RoleControlPlane {
			members = append(members, g)
		}
	}
	if len(members) == 0 {
		return
	}
	n := 0
	for _, m := range members {
		n += max(m.count, 1)
	}
	b.cpHub = "control_plane"
	hub := Node{ID: b.cpHub, Kind: KindControlPlane}
	if b.orchestrator == "swarm" {
		hub.Title = "Swarm managers (you run them)"
		hub.Details = []string{plural(n, "manager", "managers") + ", Raft consensus", fmt.Sprintf("tolerates %s", plural((n-1)/2, "manager failure", "manager failures"))}
	} else {
		hub.Title = "Kubernetes control plane (you run it)"
		hub.Details = []string{plural(n, "member", "members") + ": API server, scheduler, controller manager, etcd", fmt.Sprintf("tolerates %s", plural((n-1)/2, "member failure", "member failures"))}
	}
	b.addNode(hub, roleCP)
	for _, m := range members {
		m.node = nodeID("m", m.name())
		details := []string{machineLine(m)}
		if m.rootDisk != "" {
			details = append(details, m.rootDisk)
		}
		if b.orchestrator == "swarm" {
			details = append(details, "Raft state: /var/lib/docker/swarm on its root disk")
		}
		b.addNode(Node{ID: m.node, Kind: KindMember, Title: m.name(), Details: details, Zone: first(m.zones)}, roleCP)
		b.addEdge(Edge{From: b.cpHub, To: m.node, Kind: EdgeMember})
	}
}

func (b *builder) planeDetails(where, version string) []string {
	out := []string{where}
	if version != "" {
		out = append(out, version)
	}
	sla := "no SLA"
	if b.opts.SLA != "" {
		sla = "SLA " + b.opts.SLA
	}
	return append(out, fmt.Sprintf("%s, tolerates %s", sla, plural(b.opts.FailuresTolerated, "failure", "failures")))
}

func machineLine(g *group) string {
	if g.count > 1 {
		return fmt.Sprintf("%d × %s", g.count, orUnknown(g.machine))
	}
	return orUnknown(g.machine)
}

func orUnknown(s string) string {
	if s == "" {
		return "machine type unknown"
	}
	return s
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// workers draws each worker (and bastion) group and its machines in each zone.
func (b *builder) workers() {
	for _, g := range b.groups {
		if g.role == faulttolerance.RoleControlPlane {
			continue
		}
		g.node = nodeID("g", g.name())
		kind, title := KindWorkerGroup, "workers: "+g.name()
		if g.role == faulttolerance.RoleBastion {
			kind, title = KindBastion, "bastion: "+g.name()
		}
		details := []string{fmt.Sprintf("%d × %s (min %d, max %d)", g.count, orUnknown(g.machine), g.min, g.max)}
		if g.rootDisk != "" {
			details = append(details, g.rootDisk)
		}
		if len(g.zones) > 1 {
			details = append(details, "spread over "+plural(len(g.zones), "zone", "zones"))
		}
		b.addNode(Node{ID: g.node, Kind: kind, Title: title, Details: details}, roleWorkers)
		for _, z := range g.zones {
			share := nodeID("w", g.name()+"-"+z)
			b.addNode(Node{ID: share, Kind: KindWorkers, Zone: z, Title: fmt.Sprintf("%d × %s", g.perZone[z], orUnknown(g.machine)),
				Details: []string{g.name() + " in " + z}}, roleWorkers)
			b.addEdge(Edge{From: g.node, To: share, Kind: EdgeMember})
		}
	}
}

// storage draws the volumes and buckets and who writes to them.
func (b *builder) storage() {
	for _, v := range b.res.of(tEBSVolume, tGCEDisk) {
		zone := v.String("availabilityZone")
		if zone == "" {
			zone = v.String("zone")
		}
		member := v.String("tags.clusterbench/etcd-member")
		if member == "" {
			member = v.String("labels.clusterbench-etcd-member")
		}
		title := v.Name
		if member != "" {
			title = "etcd volume: " + v.Name
		}
		size, _ := v.Number("size")
		detail := fmt.Sprintf("%d GB %s", int(size), lastSegment(v.String("type")))
		if v.Bool("encrypted") {
			detail += ", encrypted"
		}
		id := nodeID("vol", v.Name)
		b.addNode(Node{ID: id, Kind: KindVolume, Title: title, Details: []string{detail}, Zone: zone}, roleOther)
		for _, g := range b.groups {
			if member != "" && g.etcdMember == member && g.node != "" {
				b.addEdge(Edge{From: g.node, To: id, Kind: EdgeData, Label: "etcd data"})
			}
		}
	}
	for _, bucket := range b.res.of(tS3Bucket, tS3BucketOld, tGCSBucket) {
		id := nodeID("bucket", bucket.Name)
		kind := "S3 bucket"
		if bucket.Type == tGCSBucket {
			kind = "Cloud Storage bucket"
		}
		details := []string{kind}
		if bucket.Bool("versioning.enabled") || bucket.Type != tGCSBucket && b.s3Versioned(bucket) {
			details = append(details, "versioned")
		}
		b.addNode(Node{ID: id, Kind: KindBucket, Title: bucket.Name, Details: details}, roleOther)
		for hub, actions := range b.bucketWriters(bucket) {
			b.addEdge(Edge{From: hub, To: id, Kind: EdgeData, Label: strings.Join(actions, ", ")})
		}
	}
}

func (b *builder) s3Versioned(bucket inventory.Resource) bool {
	for _, v := range b.res.of("aws:s3/bucketVersioningV2:BucketVersioningV2") {
		if refs := b.res.refs(v, "bucket", bucket.Type); len(refs) > 0 && refs[0].Name == bucket.Name {
			return v.String("versioningConfiguration.status") == "Enabled"
		}
	}
	return false
}

// hubOf is the node a group's edges are drawn from.
func (b *builder) hubOf(g *group) string {
	if g.role == faulttolerance.RoleControlPlane && b.cpHub != "" {
		return b.cpHub
	}
	return g.node
}

// bucketWriters finds the groups whose identity the bucket's access is granted to: an
// IAM role policy naming the bucket (AWS), a bucket IAM member or binding naming the
// group's service account (GCP). It maps the group's hub to what it may do.
func (b *builder) bucketWriters(bucket inventory.Resource) map[string][]string {
	out := map[string][]string{}
	add := func(hub string, actions ...string) {
		for _, a := range actions {
			out[hub] = appendUnique(out[hub], a)
		}
	}
	if bucket.Type == tGCSBucket {
		for _, m := range b.res.of(tGCSIAMMember, tGCSIAMBinding) {
			if refs := b.res.refs(m, "bucket", tGCSBucket); len(refs) == 0 || refs[0].Name != bucket.Name {
				continue
			}
			members := append(inventory.Strings(m.List("members")), m.String("member"))
			for _, g := range b.groups {
				if g.sa != "" && slices.Contains(members, "serviceAccount:"+g.sa) {
					add(b.hubOf(g), m.String("role"))
				}
			}
		}
		return out
	}
	for _, g := range b.groups {
		for _, p := range b.rolePolicies(g) {
			for _, action := range policyActionsOn(p.String("policy"), bucket) {
				add(b.hubOf(g), action)
			}
		}
	}
	return out
}

// rolePolicies are the inline policies of the role a group's instance profile carries.
func (b *builder) rolePolicies(g *group) []inventory.Resource {
	if g.template.Type != tLaunchTpl {
		return nil
	}
	profile, ok := b.res.ref(g.template, "iamInstanceProfile.name", tInstProfile)
	if !ok {
		profile, ok = b.res.ref(g.template, "iamInstanceProfile.arn", tInstProfile)
	}
	if !ok {
		return nil
	}
	role, ok := b.res.ref(profile, "role", tIAMRole)
	if !ok {
		return nil
	}
	var out []inventory.Resource
	for _, p := range b.res.of(tRolePolicy) {
		if r, ok := b.res.ref(p, "role", tIAMRole); ok && r.Name == role.Name {
			out = append(out, p)
		}
	}
	return out
}

func lastSegment(s string) string { return s[strings.LastIndex(s, "/")+1:] }
