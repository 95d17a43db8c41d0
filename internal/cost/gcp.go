package cost

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/shopspring/decimal"
)

// GCP type tokens the rules read.
const (
	gkeCluster       = "gcp:container/cluster:Cluster"
	instanceTemplate = "gcp:compute/instanceTemplate:InstanceTemplate"
)

// Defaults GCP applies when an input is absent.
const (
	// GKE nodes: e2-medium with a 100 GB pd-balanced boot disk (GKE node pool defaults).
	gkeDefaultMachineType = "e2-medium"
	gkeDefaultDiskGB      = 100
	gkeDefaultDiskType    = "pd-balanced"
	// GCE boot disks from an image: 10 GB pd-standard unless set (Compute Engine defaults).
	gceDefaultDiskGB   = 10
	gceDefaultDiskType = "pd-standard"
	// A regional GKE cluster puts nodes in three zones unless nodeLocations says otherwise.
	gkeRegionalZones = 3
	// Cloud NAT charges per VM up to 32 VMs, a flat rate above (Cloud NAT pricing page).
	cloudNATMaxVMs = 32
	// The first 5 forwarding rules of a region share one minimum charge (Cloud Load Balancing pricing).
	forwardingRulesFirstTier = 5
	// Cloud NAT: ports each NAT IP offers, and the default minimum ports per VM (Cloud
	// NAT docs, "Ports and addresses").
	cloudNATPortsPerIP        = 64512
	cloudNATDefaultPortsPerVM = 64
)

func init() {
	register(priceFleet, "gcp:container/nodePool:NodePool", "gcp:compute/instanceGroupManager:InstanceGroupManager",
		"gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "gcp:compute/instance:Instance")
	fleetReaders["gcp:container/nodePool:NodePool"] = nodePoolFleet
	fleetReaders["gcp:compute/instanceGroupManager:InstanceGroupManager"] = instanceGroupFleet
	fleetReaders["gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"] = instanceGroupFleet
	fleetReaders["gcp:compute/instance:Instance"] = gceInstanceFleet
	fleetReaders[gkeCluster] = defaultNodePoolFleet
	register(gkeClusterFee, gkeCluster)
	register(persistentDisk, "gcp:compute/disk:Disk", "gcp:compute/regionDisk:RegionDisk")
	register(cloudNAT, "gcp:compute/routerNat:RouterNat")
	register(forwardingRule, "gcp:compute/forwardingRule:ForwardingRule", "gcp:compute/globalForwardingRule:GlobalForwardingRule")
	register(externalAddress, "gcp:compute/address:Address", "gcp:compute/globalAddress:GlobalAddress")
	register(storageBucket, "gcp:storage/bucket:Bucket")
	register(secretManagerSecret, "gcp:secretmanager/secret:Secret")
	register(kmsCryptoKey, "gcp:kms/cryptoKey:CryptoKey")
	register(gcpSnapshots, "gcp:compute/snapshot:Snapshot", "gcp:compute/resourcePolicy:ResourcePolicy")
}

// gkeClusterFee: the cluster management fee for 730 hours; with the free tier, a credit
// for the first zonal or Autopilot cluster (not regional), capped at the fee (GKE
// pricing page). A default node pool that is kept is priced like a node pool.
func gkeClusterFee(p *pricer, r inventory.Resource) error {
	const feeKey, creditKey = "gcp/global/gke/cluster-management", "gcp/global/gke/free-tier-credit"
	fee, ok := p.opts.Catalog.Price(feeKey)
	if !ok {
		return fmt.Errorf("%s", missingKey(feeKey))
	}
	p.addLine(r, charge{key: feeKey, quantity: hours(1)}, fee.Unit, fee.USD)
	eligible := inventory.IsGCPZone(r.String("location")) || truthy(r, "enableAutopilot")
	if p.opts.GKEFreeTier && eligible && !p.gkeCreditUsed {
		p.gkeCreditUsed = true
		credit, ok := p.opts.Catalog.Price(creditKey)
		if !ok {
			return fmt.Errorf("%s", missingKey(creditKey))
		}
		capped := decimal.Min(credit.USD, hours(1).Mul(fee.USD))
		p.addLine(r, charge{key: creditKey, quantity: decimal.NewFromInt(1),
			note: fmt.Sprintf("GKE free tier: $%s per billing account and month, capped at the fee", credit.USD.StringFixed(2))},
			credit.Unit, capped.Neg())
	}
	if truthy(r, "enableAutopilot") {
		// Autopilot bills the pods' vCPU, memory and storage requests, not nodes (GKE
		// pricing, "Autopilot"): the document says nothing of the pods, so the compute
		// is listed as unpriced, never a silent $0 (issue 12, item 5).
		p.unprice(r, "Autopilot compute: the pods' vCPU and memory requests are billed per hour, and a Pulumi document does not hold them; only the cluster fee is priced")
	}
	if f, _ := defaultNodePoolFleet(p, r); f.instances > 0 {
		return priceFleet(p, r)
	}
	return nil
}

// defaultNodePoolFleet is the node pool a GKE cluster keeps unless removeDefaultNodePool
// (or Autopilot, or explicit nodePools): initialNodeCount per zone.
func defaultNodePoolFleet(p *pricer, r inventory.Resource) (fleet, error) {
	if truthy(r, "removeDefaultNodePool") || truthy(r, "enableAutopilot") || len(r.List("nodePools")) > 0 {
		return fleet{cloud: "gcp"}, nil
	}
	perZone := 1
	if n, ok := number(r, "initialNodeCount"); ok {
		perZone = int(n)
	}
	f, err := p.gkeNodes(r, r, perZone*gkeZones(r, r))
	f.note = "the cluster's default node pool"
	return f, err
}

// nodePoolFleet: nodeCount (else initialNodeCount) per zone × its zones (nodeLocations
// of the pool, else of its cluster, else 1 for a zonal and 3 for a regional cluster).
func nodePoolFleet(p *pricer, r inventory.Resource) (fleet, error) {
	cluster, _ := p.linkedOne(r, "cluster", gkeCluster)
	perZone, ok := number(r, "nodeCount")
	if !ok {
		perZone, ok = number(r, "initialNodeCount")
	}
	if !ok {
		if total, set := number(r, "autoscaling.totalMinNodeCount"); set {
			return p.gkeNodes(r, cluster, int(total))
		}
		return fleet{}, fmt.Errorf("nodeCount and initialNodeCount are not set or unknown: cannot tell how many nodes run")
	}
	return p.gkeNodes(r, cluster, int(perZone)*gkeZones(r, cluster))
}

// gkeZones is how many zones a pool's nodes spread over.
func gkeZones(pool, cluster inventory.Resource) int {
	location := cluster.String("location")
	if location == "" {
		location = pool.String("location")
	}
	if n := len(pool.List("nodeLocations")); n > 0 {
		return n
	}
	if zones := inventory.Strings(cluster.List("nodeLocations")); len(zones) > 0 {
		// A zonal cluster's nodeLocations leave out its own zone, where nodes run too.
		if inventory.IsGCPZone(location) && !slices.Contains(zones, location) {
			return len(zones) + 1
		}
		return len(zones)
	}
	if inventory.IsGCPZone(location) {
		return 1
	}
	return gkeRegionalZones
}

// gkeNodes is n nodes of a pool's nodeConfig; each has an external IPv4 address unless
// the cluster (or the pool) has private nodes.
func (p *pricer) gkeNodes(pool, cluster inventory.Resource, n int) (fleet, error) {
	region, err := p.region(pool)
	if err != nil {
		return fleet{}, err
	}
	size := gkeDefaultDiskGB
	if s, ok := number(pool, "nodeConfig.diskSizeGb"); ok {
		size = int(s)
	}
	private := truthy(cluster, "privateClusterConfig.enablePrivateNodes") || truthy(pool, "networkConfig.enablePrivateNodes")
	return fleet{
		instances: n, cloud: "gcp", region: region,
		machineType: orDefault(pool.String("nodeConfig.machineType"), gkeDefaultMachineType),
		disks:       []disk{{sizeGB: size, typ: orDefault(pool.String("nodeConfig.diskType"), gkeDefaultDiskType)}},
		publicIP:    !private,
	}, nil
}

// instanceGroupFleet: targetSize × its instance template (versions[0].instanceTemplate).
func instanceGroupFleet(p *pricer, r inventory.Resource) (fleet, error) {
	n, err := count(r, "targetSize")
	if err != nil {
		return fleet{}, err
	}
	tpl, ok := p.linkedOne(r, "versions.0.instanceTemplate", instanceTemplate)
	if !ok {
		tpl, ok = p.linkedOne(r, "instanceTemplate", instanceTemplate)
	}
	if !ok {
		return fleet{}, fmt.Errorf("its instance template is not in the inventory: cannot tell the machine type")
	}
	var disks []disk
	for i := range tpl.List("disks") {
		// An existing disk the template attaches (source) is a disk resource of its
		// own, priced there: pricing it again here would count it twice.
		if _, attached := tpl.Path(fmt.Sprintf("disks.%d.source", i)); attached {
			continue
		}
		disks = append(disks, gceDisk(tpl, fmt.Sprintf("disks.%d.diskSizeGb", i), fmt.Sprintf("disks.%d.diskType", i)))
	}
	return p.gceFleet(r, tpl, n, disks)
}

// gceInstanceFleet: one VM, its boot disk.
func gceInstanceFleet(p *pricer, r inventory.Resource) (fleet, error) {
	boot := gceDisk(r, "bootDisk.initializeParams.size", "bootDisk.initializeParams.type")
	return p.gceFleet(r, r, 1, []disk{boot})
}

// gceFleet is n VMs of a machine type and network interfaces read from def (the
// instance or its template); an access config is an external IPv4 address.
func (p *pricer) gceFleet(r, def inventory.Resource, n int, disks []disk) (fleet, error) {
	region, err := p.region(r)
	if err != nil {
		return fleet{}, err
	}
	machineType := lastSegment(def.String("machineType"))
	if machineType == "" {
		return fleet{}, fmt.Errorf("machineType of %s is not set or unknown", def.Name)
	}
	// An access config is an ephemeral external address, billed with the VM; one that
	// names a reserved address (natIp) is billed on that address, once.
	public := false
	for i := range def.List("networkInterfaces") {
		for j := range def.List(fmt.Sprintf("networkInterfaces.%d.accessConfigs", i)) {
			if _, reserved := def.Path(fmt.Sprintf("networkInterfaces.%d.accessConfigs.%d.natIp", i, j)); !reserved {
				public = true
			}
		}
	}
	return fleet{instances: n, cloud: "gcp", region: region, machineType: machineType, disks: disks, publicIP: public}, nil
}

func gceDisk(r inventory.Resource, sizePath, typePath string) disk {
	d := disk{sizeGB: gceDefaultDiskGB, typ: gceDefaultDiskType}
	if s, ok := number(r, sizePath); ok {
		d.sizeGB = int(s)
	}
	d.typ = orDefault(lastSegment(r.String(typePath)), d.typ)
	return d
}

// persistentDisk: size × type GB-months.
func persistentDisk(p *pricer, r inventory.Resource) error {
	size, err := count(r, "size")
	if err != nil {
		return err
	}
	typ := orDefault(lastSegment(r.String("type")), gceDefaultDiskType)
	return p.regional(r, charge{key: "pd/" + typ, quantity: decimal.NewFromInt(int64(size))})
}

// cloudNAT: one VM-hour per VM it serves (every GCE VM and GKE node of the inventory
// without an external IP) up to 32 VMs, one flat rate above (Cloud NAT pricing), plus the usage preset's GB processed, plus the
// external IPv4 addresses it allocates itself (natIpAllocateOption AUTO_ONLY, each billed
// like any in-use external address: Cloud NAT pricing page, "NAT IP addresses"). Each
// NAT IP offers 64,512 source ports and every VM reserves minPortsPerVm of them (64 by
// default), so the count is ceil(VMs × ports / 64,512), at least one. Addresses a NAT
// takes by hand (MANUAL_ONLY) are priced as the address resources they are, never here.
func cloudNAT(p *pricer, r inventory.Resource) error {
	vms := p.privateGCPVMs()
	gateway := charge{key: "cloudnat/gateway-vm", quantity: hours(vms), note: fmt.Sprintf("VMs without an external IP: %d", vms)}
	if vms > cloudNATMaxVMs {
		// Above 32 VMs the gateway is one flat hourly rate, not 32 × the per-VM rate.
		gateway = charge{key: "cloudnat/gateway-flat", quantity: hours(1),
			note: fmt.Sprintf("VMs without an external IP: %d: above %d, one flat hourly rate", vms, cloudNATMaxVMs)}
	}
	charges := []charge{
		gateway,
		{key: "cloudnat/data", quantity: p.opts.Usage.CloudNATGBPerMonth, usage: true, note: "usage: cloudNatGBPerMonth"},
	}
	if strings.EqualFold(orDefault(r.String("natIpAllocateOption"), "AUTO_ONLY"), "AUTO_ONLY") {
		ports := cloudNATDefaultPortsPerVM
		if n, ok := number(r, "minPortsPerVm"); ok && n > 0 {
			ports = int(n)
		}
		ips := max(1, (vms*ports+cloudNATPortsPerIP-1)/cloudNATPortsPerIP)
		charges = append(charges, charge{key: "vpc/external-ipv4", quantity: hours(ips),
			note: fmt.Sprintf("auto-allocated NAT IPs: %d (%d VMs × %d ports each, 64,512 ports per IP)", ips, vms, ports)})
	}
	return p.regional(r, charges...)
}

// forwardingRule: Cloud Load Balancing bills forwarding rules per project and region:
// the first five together are one flat minimum charge ($0.025/h in all, not each), each
// rule beyond five $0.01/h (Cloud Load Balancing pricing page, "Forwarding rules";
// docs/prices.md). Global rules are counted apart from each region's. The first rule of
// a group carries the minimum charge; the next four are covered by it.
func forwardingRule(p *pricer, r inventory.Resource) error {
	region, err := p.region(r)
	if err != nil {
		return err
	}
	scope := region
	if r.Type == "gcp:compute/globalForwardingRule:GlobalForwardingRule" {
		scope = "global"
	}
	group := orDefault(r.String("project"), "the provider's project") + "/" + scope
	p.forwardingRules[group]++
	switch n := p.forwardingRules[group]; {
	case n == 1:
		return p.regional(r, charge{key: "lb/forwarding-rule-first-5", quantity: hours(1),
			note: fmt.Sprintf("minimum charge for up to %d forwarding rules (%s): covers this rule and the next %d", forwardingRulesFirstTier, scope, forwardingRulesFirstTier-1)})
	case n <= forwardingRulesFirstTier:
		return nil // covered by the group's minimum charge
	default:
		return p.regional(r, charge{key: "lb/forwarding-rule-extra", quantity: hours(1),
			note: fmt.Sprintf("forwarding rule %d (%s): beyond the first %d", n, scope, forwardingRulesFirstTier)})
	}
}

// externalAddress: a reserved external IPv4 address, billed by what uses it (VPC network
// pricing, "IP addresses"): one a forwarding rule uses costs nothing beyond the rule;
// one a VM or a Cloud NAT uses is the in-use rate, charged here once (the VM's own line
// leaves it out); one nothing uses is the higher reserved-but-unused rate. Internal
// addresses are free.
func externalAddress(p *pricer, r inventory.Resource) error {
	if strings.EqualFold(r.String("addressType"), "INTERNAL") {
		return nil
	}
	switch p.addressUse(r) {
	case "forwarding rule":
		return nil
	case "":
		return p.regional(r, charge{key: "vpc/external-ipv4-unused", quantity: hours(1), note: "reserved, used by nothing in the stack"})
	}
	return p.regional(r, charge{key: "vpc/external-ipv4", quantity: hours(1)})
}

// addressUse names what uses an address ("" for nothing): a forwarding rule's
// ipAddress, a VM's or template's natIP, a Cloud NAT's natIps.
func (p *pricer) addressUse(addr inventory.Resource) string {
	uses := []struct{ typ, prop, what string }{
		{"gcp:compute/forwardingRule:ForwardingRule", "ipAddress", "forwarding rule"},
		{"gcp:compute/globalForwardingRule:GlobalForwardingRule", "ipAddress", "forwarding rule"},
		{"gcp:compute/routerNat:RouterNat", "natIps", "Cloud NAT"},
	}
	for _, u := range uses {
		for _, user := range p.inv.OfType(u.typ) {
			for _, linked := range p.linked(user, u.prop, addr.Type) {
				if linked.URN == addr.URN {
					return u.what
				}
			}
		}
	}
	for _, typ := range []string{"gcp:compute/instance:Instance", instanceTemplate} {
		for _, vm := range p.inv.OfType(typ) {
			for i := range vm.List("networkInterfaces") {
				for j := range vm.List(fmt.Sprintf("networkInterfaces.%d.accessConfigs", i)) {
					for _, linked := range p.linked(vm, fmt.Sprintf("networkInterfaces.%d.accessConfigs.%d.natIp", i, j), addr.Type) {
						if linked.URN == addr.URN {
							return "VM"
						}
					}
				}
			}
		}
	}
	return ""
}

// storageBucket: the usage preset's GB in the bucket's storage class.
func storageBucket(p *pricer, r inventory.Resource) error {
	class := strings.ToLower(orDefault(r.String("storageClass"), "STANDARD"))
	return p.regional(r, charge{key: "gcs/" + class, quantity: p.opts.Usage.ObjectStorageGB, usage: true, note: "usage: objectStorageGB"})
}

// gcpSnapshots: the usage preset's snapshot GB per snapshot or snapshot schedule (a
// resource policy without a snapshot schedule costs nothing).
func gcpSnapshots(p *pricer, r inventory.Resource) error {
	if _, isPolicy := r.Path("snapshotSchedulePolicy"); r.Type == "gcp:compute/resourcePolicy:ResourcePolicy" && !isPolicy {
		return nil
	}
	// An ARCHIVE snapshot is billed at the archive rate (Compute Engine disk pricing,
	// "Snapshots"), a STANDARD one otherwise.
	item, note := "pd/snapshot", "usage: snapshotGB"
	if strings.EqualFold(r.String("snapshotType"), "ARCHIVE") {
		item, note = "pd/snapshot-archive", "usage: snapshotGB, archive snapshot"
	}
	return p.regional(r, charge{key: item, quantity: p.opts.Usage.SnapshotGB, usage: true, note: note})
}

// secretManagerSecret: Secret Manager bills active secret versions per month (Secret
// Manager pricing). A secret's value is written at run time (the bootstrap stores join
// material), so one active version per secret is assumed, and the line says so; access
// operations ($0.03 per 10,000) are left out: a bootstrap reads a secret a few times.
func secretManagerSecret(p *pricer, r inventory.Resource) error {
	const key = "gcp/global/secretmanager/secret-version"
	if _, ok := p.opts.Catalog.Price(key); !ok {
		return fmt.Errorf("%s", missingKey(key))
	}
	p.add(r, charge{key: key, quantity: decimal.NewFromInt(1), note: "one active version assumed (written at run time)"})
	return nil
}

// kmsCryptoKey: Cloud KMS bills each active key version per month; a SOFTWARE key (the
// default protection level) at the catalog's price. One version is priced: a rotating
// key adds one per rotation period while the old ones stay enabled to decrypt what they
// wrapped, and key operations are billed per 10,000 (both in the line's note). HSM and
// external keys are priced differently and not in the catalog.
func kmsCryptoKey(p *pricer, r inventory.Resource) error {
	const key = "gcp/global/kms/software-key-version"
	if level := r.String("versionTemplate.protectionLevel"); level != "" && level != "SOFTWARE" {
		return fmt.Errorf("protection level %s is not priced (the catalog has SOFTWARE key versions only)", level)
	}
	if _, ok := p.opts.Catalog.Price(key); !ok {
		return fmt.Errorf("%s", missingKey(key))
	}
	note := "one active key version; each rotation adds one while old versions stay enabled; key operations ($0.03 per 10,000) not included"
	if period := r.String("rotationPeriod"); period != "" {
		note = fmt.Sprintf("one active key version; rotation every %s adds one while old versions stay enabled; key operations ($0.03 per 10,000) not included", period)
	}
	p.add(r, charge{key: key, quantity: decimal.NewFromInt(1), note: note})
	return nil
}
