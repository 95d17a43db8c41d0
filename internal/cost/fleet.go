package cost

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/shopspring/decimal"
)

// fleet is a set of identical virtual machines one resource runs: an autoscaling group,
// an EKS node group, a GKE node pool, a managed instance group, a single instance.
type fleet struct {
	instances   int
	cloud       string
	region      string
	machineType string
	// disks are each instance's volumes.
	disks    []disk
	publicIP bool
	// publicIPExplicit: publicIP comes from an explicit associatePublicIpAddress, which
	// overrides the subnets' mapPublicIpOnLaunch.
	publicIPExplicit bool
	// note says what the fleet assumed (a default disk).
	note string
}

type disk struct {
	sizeGB int
	typ    string
	// iops and throughput (MB/s) as provisioned; gp3 bills what exceeds its baseline.
	iops, throughput int
}

// The services of a fleet's prices, per cloud.
var fleetServices = map[string]struct{ compute, disk, publicIP string }{
	"aws": {compute: "ec2", disk: "ebs", publicIP: "vpc/public-ipv4"},
	"gcp": {compute: "gce", disk: "pd", publicIP: "vpc/external-ipv4"},
}

// fleetOf reads the fleet a resource runs (ok false for a type that runs none).
func (p *pricer) fleetOf(r inventory.Resource) (f fleet, ok bool, err error) {
	read, ok := fleetReaders[r.Type]
	if !ok {
		return fleet{}, false, nil
	}
	f, err = read(p, r)
	return f, true, err
}

// fleetOutsideRule reads a fleet outside a rule (monitoring's host count): an
// implausible input, which stops the resource's pricing inside a rule, is an error here
// too instead of a panic; the resource is then among the unpriced and counts no hosts.
func (p *pricer) fleetOutsideRule(r inventory.Resource) (f fleet, ok bool, err error) {
	defer func() {
		if v := recover(); v != nil {
			bad, isBad := v.(implausible)
			if !isBad {
				panic(v)
			}
			f, ok, err = fleet{}, true, bad
		}
	}()
	return p.fleetOf(r)
}

// fleetReaders read fleets, one per type (aws.go, gcp.go).
var fleetReaders = map[string]func(p *pricer, r inventory.Resource) (fleet, error){}

// priceFleet is the rule of every fleet type: machine hours, disks, public IPv4
// addresses (Datadog's host fees are monitoring lines: monitoring.go).
func priceFleet(p *pricer, r inventory.Resource) error {
	f, _, err := p.fleetOf(r)
	if err != nil {
		return err
	}
	if why := p.spotCapacity(r); why != "" {
		// Spot prices move hourly and the catalog holds on-demand list prices only:
		// pricing spot as on-demand would overstate it silently (issue 12, item 4).
		return fmt.Errorf("spot or preemptible capacity (%s): the catalog has on-demand list prices only and spot prices change hourly; add a dated spot entry under the machine type's key in a --prices FILE to price it", why)
	}
	svc := fleetServices[f.cloud]
	note := fmt.Sprintf("%d × %s", f.instances, f.machineType)
	if f.cloud == "gcp" && earnsSustainedUse(f.machineType) {
		note += "; list price: the sustained-use discount this family earns (up to 20-30% for a full month) is not applied"
	}
	p.add(r, charge{key: key(f.cloud, f.region, svc.compute, f.machineType), quantity: hours(f.instances), note: note})
	for _, d := range f.disks {
		if d.sizeGB == 0 {
			continue
		}
		p.add(r, charge{key: key(f.cloud, f.region, svc.disk, d.typ), quantity: decimal.NewFromInt(int64(f.instances * d.sizeGB)),
			note: diskNote(f, d)})
		if f.cloud == "aws" {
			for _, c := range gp3Extras(d, f.instances) {
				c.key = key(f.cloud, f.region, svc.disk, c.key)
				p.add(r, c)
			}
		}
	}
	if f.publicIP {
		p.add(r, charge{key: f.cloud + "/" + f.region + "/" + svc.publicIP, quantity: hours(f.instances),
			note: "one public IPv4 address per instance"})
	}
	return nil
}

func diskNote(f fleet, d disk) string {
	note := fmt.Sprintf("%d × %d GB %s", f.instances, d.sizeGB, d.typ)
	if f.note != "" {
		note += "; " + f.note
	}
	return note
}

// privateGCPVMs counts the GCE VMs and GKE nodes of the inventory without an external IP:
// the VMs a Cloud NAT gateway serves.
func (p *pricer) privateGCPVMs() int {
	n := 0
	for _, r := range p.inv.Custom() {
		f, ok, err := p.fleetOf(r)
		if ok && err == nil && f.cloud == "gcp" && !f.publicIP {
			n += f.instances
		}
	}
	return n
}

// spotCapacity says why a fleet runs on spot or preemptible capacity ("" for on-demand):
// EKS capacityType SPOT, spot market options on an instance or its launch template, an
// autoscaling group whose mixed-instances policy buys spot above its on-demand base, a
// GKE pool's spot/preemptible nodes, a GCE VM or template's SPOT provisioning model.
func (p *pricer) spotCapacity(r inventory.Resource) string {
	lt, hasLT := p.launchTemplate(r, "launchTemplate.id", "launchTemplate.name",
		"mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateId")
	tpl, hasTpl := p.linkedOne(r, "versions.0.instanceTemplate", instanceTemplate)
	switch {
	case strings.EqualFold(r.String("capacityType"), "SPOT"):
		return "capacityType SPOT"
	case strings.EqualFold(r.String("instanceMarketOptions.marketType"), "spot"),
		hasLT && strings.EqualFold(lt.String("instanceMarketOptions.marketType"), "spot"):
		return "instanceMarketOptions.marketType spot"
	case mixedSpot(r):
		return "mixedInstancesPolicy buys spot above its on-demand base"
	case truthy(r, "nodeConfig.spot"), truthy(r, "nodeConfig.preemptible"):
		return "nodeConfig spot/preemptible"
	case gceSpot(r), hasTpl && gceSpot(tpl):
		return "scheduling: SPOT or preemptible"
	}
	return ""
}

func mixedSpot(r inventory.Resource) bool {
	if _, ok := r.Path("mixedInstancesPolicy"); !ok {
		return false
	}
	pct, set := number(r, "mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity")
	return !set || pct < 100 // the API's default is 0: all spot above the base
}

func gceSpot(r inventory.Resource) bool {
	return truthy(r, "scheduling.preemptible") || strings.EqualFold(r.String("scheduling.provisioningModel"), "SPOT")
}

// earnsSustainedUse: GCE's N1, N2, N2D, C2 and M1/M2 machines earn sustained-use discounts
// automatically; E2, T2D, N4, C3 and later families do not (Compute Engine docs,
// "Sustained use discounts").
func earnsSustainedUse(machineType string) bool {
	for _, family := range []string{"n1-", "n2-", "n2d-", "c2-", "c2d-", "m1-", "m2-"} {
		if strings.HasPrefix(machineType, family) {
			return true
		}
	}
	return false
}
