package doctor

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

const (
	eksCluster  = "aws:eks/cluster:Cluster"
	gkeCluster  = "gcp:container/cluster:Cluster"
	gkeNodePool = "gcp:container/nodePool:NodePool"
)

var controlPlaneRef = Ref{Name: "control plane"}

// isSwarm tells a Docker Swarm stack: a Swarm component, or boot scripts that init or
// join a swarm.
func (s *Subject) isSwarm() bool {
	inv := s.Inventory
	for _, c := range inv.Components() {
		if strings.HasPrefix(c.Type, "clusterbench:swarm:") {
			return true
		}
	}
	for _, l := range launchers(inv) {
		if isSwarmScript(s.script(l)) {
			return true
		}
	}
	return false
}

// memberWord names the members: swarm managers or etcd members.
func (s *Subject) memberWord() string {
	if s.isSwarm() {
		return "swarm managers"
	}
	return "etcd members"
}

// noMembers is the skip of member checks: a managed control plane, or none recorded.
func noMembers(inv *inventory.Inventory) []Result {
	if len(inv.OfType(eksCluster))+len(inv.OfType(gkeCluster)) > 0 {
		return skip("the provider runs the control plane: there are no members of yours to judge")
	}
	return skip("no control-plane members in the inventory (no group or instance carries the clusterbench/role control-plane tag or label)")
}

// memberZones are the members' zones, or false when a zone is unknown.
func memberZones(inv *inventory.Inventory) ([]string, bool) {
	zones := faulttolerance.MemberZones(inv)
	for _, z := range zones {
		if z == "unknown" || z == "" {
			return zones, false
		}
	}
	return zones, true
}

func checkControlPlaneOdd(s *Subject) []Result {
	zones := faulttolerance.MemberZones(s.Inventory)
	n := len(zones)
	if n == 0 {
		return noMembers(s.Inventory)
	}
	word := s.memberWord()
	if n%2 == 0 {
		return []Result{trip(controlPlaneRef, "%d %s: a majority is %d, so it tolerates %d failure(s), no more than %d members would", n, word, n/2+1, (n-1)/2, n-1)}
	}
	return []Result{pass(controlPlaneRef, "%d %s: tolerates %d failure(s)", n, word, (n-1)/2)}
}

func checkControlPlaneSize(s *Subject) []Result {
	n := len(faulttolerance.MemberZones(s.Inventory))
	if n == 0 {
		return noMembers(s.Inventory)
	}
	word, limit := s.memberWord(), 5
	if word == "swarm managers" {
		limit = 7
	}
	if n > limit {
		return []Result{trip(controlPlaneRef, "%d %s, more than %d: every write waits for a majority of them, and more members add replication latency, not safety", n, word, limit)}
	}
	return []Result{pass(controlPlaneRef, "%d %s (at most %d)", n, word, limit)}
}

// clusterZones are the zones the stack's nodes and private subnets use.
func clusterZones(inv *inventory.Inventory) map[string]bool {
	out := map[string]bool{}
	for _, g := range faulttolerance.WorkerGroups(inv) {
		for _, z := range g.Zones {
			out[z] = true
		}
	}
	for _, z := range faulttolerance.MemberZones(inv) {
		out[z] = true
	}
	delete(out, "")
	delete(out, "unknown")
	return out
}

func checkControlPlaneOneZone(s *Subject) []Result {
	zones, known := memberZones(s.Inventory)
	if len(zones) == 0 {
		return noMembers(s.Inventory)
	}
	if !known {
		return skip("a member's zone is not recorded (unknown in this document)")
	}
	distinct := distinctSorted(zones)
	all := clusterZones(s.Inventory)
	if len(zones) >= 2 && len(distinct) == 1 && len(all) > 1 {
		return []Result{trip(controlPlaneRef, "all %d %s are in %s while the cluster spans %d zones", len(zones), s.memberWord(), distinct[0], len(all))}
	}
	return []Result{pass(controlPlaneRef, "%d %s over %s", len(zones), s.memberWord(), strings.Join(distinct, ", "))}
}

func checkControlPlaneZoneLoss(s *Subject) []Result {
	zones, known := memberZones(s.Inventory)
	if len(zones) == 0 {
		return noMembers(s.Inventory)
	}
	if !known {
		return skip("a member's zone is not recorded (unknown in this document)")
	}
	_, survives := faulttolerance.Quorum(zones)
	perZone := map[string]int{}
	for _, z := range zones {
		perZone[z]++
	}
	worst, most := "", 0
	for _, z := range distinctSorted(zones) {
		if perZone[z] > most {
			worst, most = z, perZone[z]
		}
	}
	n := len(zones)
	if !survives {
		return []Result{trip(controlPlaneRef, "losing %s takes %d of %d %s: %d remain, a majority needs %d", worst, most, n, s.memberWord(), n-most, n/2+1)}
	}
	return []Result{pass(controlPlaneRef, "losing %s (the zone with the most, %d) leaves %d of %d: a majority", worst, most, n-most, n)}
}

func checkSingleNAT(s *Subject) []Result {
	inv := s.Inventory
	nats := inv.OfType("aws:ec2/natGateway:NatGateway")
	var out []Result
	if len(nats) > 0 {
		for _, p := range faulttolerance.NetworkSinglePointsOfFailure(inv) {
			for _, n := range nats {
				if n.Name == p.Resource {
					out = append(out, trip(refOf(n), "%s", p.Why))
				}
			}
		}
		if len(out) == 0 {
			out = append(out, pass(Ref{Name: "NAT gateways"}, "%d NAT gateway(s); no private subnets of other zones depend on a single one", len(nats)))
		}
	}
	for _, n := range inv.OfType("gcp:compute/routerNat:RouterNat") {
		out = append(out, pass(refOf(n), "Cloud NAT is a regional managed service, not a gateway in one zone"))
	}
	if len(out) == 0 {
		return skip("no NAT gateway or Cloud NAT in the inventory")
	}
	return out
}

func checkWorkersMinimum(s *Subject) []Result {
	groups := faulttolerance.WorkerGroups(s.Inventory)
	if len(groups) == 0 {
		return skip("no worker group (node group, autoscaling group, node pool, instance group) in the inventory")
	}
	total := 0
	var names []string
	for _, g := range groups {
		total += g.Desired
		names = append(names, g.Resource.Name)
	}
	ref := Ref{Name: "workers (" + strings.Join(names, ", ") + ")"}
	if total < 2 {
		return []Result{trip(ref, "%d worker(s) in total: losing one stops every workload", total)}
	}
	return []Result{pass(ref, "%d workers in total", total)}
}

// minimum is a worker group's minimum size (in total), and whether it is known.
func minimum(inv *inventory.Inventory, g faulttolerance.WorkerGroup) (int, bool) {
	r := g.Resource
	switch r.Type {
	case "aws:eks/nodeGroup:NodeGroup":
		n, ok := r.Number("scalingConfig.minSize")
		return int(n), ok
	case "aws:autoscaling/group:Group":
		n, ok := r.Number("minSize")
		return int(n), ok
	case gkeNodePool:
		if n, ok := r.Number("autoscaling.totalMinNodeCount"); ok {
			return int(n), true
		}
		if n, ok := r.Number("autoscaling.minNodeCount"); ok {
			return int(n) * len(g.Zones), true
		}
		return g.Desired, true
	default: // instance groups: an autoscaler's minimum, else the target size
		for _, typ := range []string{"gcp:compute/regionAutoscaler:RegionAutoscaler", "gcp:compute/autoscaler:Autoscaler"} {
			for _, a := range inv.OfType(typ) {
				for _, t := range linked(inv, a, "target", r.Type) {
					if key(t) == key(r) {
						n, ok := a.Number("autoscalingPolicy.minReplicas")
						return int(n), ok
					}
				}
			}
		}
		return g.Desired, true
	}
}

func checkWorkersZoneLossAtMin(s *Subject) []Result {
	inv := s.Inventory
	groups := faulttolerance.WorkerGroups(inv)
	if len(groups) == 0 {
		return skip("no worker group in the inventory")
	}
	var out []Result
	for _, g := range groups {
		ref := refOf(g.Resource)
		min, ok := minimum(inv, g)
		zones := distinctSorted(g.Zones)
		if !ok || len(zones) == 0 || contains(zones, "") {
			out = append(out, Result{outcome: skipped, Resource: ref, Detail: "its minimum size or zones are not recorded"})
			continue
		}
		perZone := map[string]int{}
		faulttolerance.Spread(perZone, min, g.Zones)
		worst, most := "", 0
		for _, z := range zones {
			if perZone[z] > most {
				worst, most = z, perZone[z]
			}
		}
		switch {
		case len(zones) < 2:
			out = append(out, trip(ref, "all its workers are in %s: losing that zone loses every worker, and replacements have nowhere else to go", zones[0]))
		case min-most < 1:
			out = append(out, trip(ref, "at its minimum of %d over %d zones, losing %s leaves no worker until replacements boot", min, len(zones), worst))
		default:
			out = append(out, pass(ref, "at its minimum of %d over %d zones, losing %s leaves %d; the group replaces the rest in the other zones", min, len(zones), worst, min-most))
		}
	}
	return out
}

func checkZonalControlPlane(s *Subject) []Result {
	var out []Result
	for _, c := range s.Inventory.OfType(gkeCluster) {
		loc := c.String("location")
		switch {
		case loc == "":
			out = append(out, Result{outcome: skipped, Resource: refOf(c), Detail: "its location is not recorded"})
		case inventory.IsGCPZone(loc):
			out = append(out, trip(refOf(c), "zonal cluster in %s: one control-plane replica; a zone outage or an upgrade takes the API away (99.5%% SLA)", loc))
		default:
			out = append(out, pass(refOf(c), "regional cluster in %s: control-plane replicas in three zones (99.95%% SLA)", loc))
		}
	}
	for _, c := range s.Inventory.OfType(eksCluster) {
		out = append(out, pass(refOf(c), "EKS runs its control plane across three zones of the region"))
	}
	if len(out) == 0 {
		return skip("no managed cluster (EKS, GKE) in the inventory")
	}
	return out
}

func checkManagersDrained(s *Subject) []Result {
	var out []Result
	for _, l := range launchers(s.Inventory) {
		sc := s.script(l)
		if !isControlPlane(l) || !isSwarmScript(sc) {
			continue
		}
		v, ok := setting(sc, "CB_MANAGERS_RUN_WORKLOADS")
		switch {
		case !ok:
			out = append(out, Result{outcome: skipped, Resource: refOf(l), Detail: "its boot script records no drain setting"})
		case v == "true":
			out = append(out, trip(refOf(l), "managers stay schedulable (CB_MANAGERS_RUN_WORKLOADS=true): tasks compete with Raft"))
		default:
			out = append(out, pass(refOf(l), "the manager drains itself of tasks"))
		}
	}
	if len(out) == 0 {
		return skip("no Swarm manager in the inventory (no control-plane launcher whose boot script inits or joins a swarm)")
	}
	return out
}

// eksVersions judges each EKS cluster's version with judge.
func eksVersions(s *Subject, judge func(c inventory.Resource, row kubeversion.Support, status kubeversion.Status, date time.Time) Result) []Result {
	clusters := s.Inventory.OfType(eksCluster)
	if len(clusters) == 0 {
		return skip("no EKS cluster in the inventory")
	}
	if s.Calendar == nil {
		return skip("no support calendar to judge versions with")
	}
	date, err := time.Parse(time.DateOnly, s.Calendar.Date)
	if err != nil {
		return skip("the support calendar's date %q is not YYYY-MM-DD", s.Calendar.Date)
	}
	var out []Result
	for _, c := range clusters {
		v := c.String("version")
		row, ok := s.Calendar.Lookup(v)
		switch {
		case v == "":
			out = append(out, Result{outcome: skipped, Resource: refOf(c), Detail: "its version is not set or unknown (EKS then picks its default)"})
		case !ok:
			out = append(out, Result{outcome: skipped, Resource: refOf(c), Detail: fmt.Sprintf("version %s is not in the support calendar (dated %s)", v, s.Calendar.Date)})
		default:
			out = append(out, judge(c, row, s.Calendar.StatusOf(v), date))
		}
	}
	return out
}

func checkEKSVersionSupported(s *Subject) []Result {
	return eksVersions(s, func(c inventory.Resource, row kubeversion.Support, status kubeversion.Status, date time.Time) Result {
		if status == kubeversion.OutOfSupport {
			return trip(refOf(c), "Kubernetes %s left extended support on %s (judged on %s): EKS upgrades it automatically", row.Version, row.EndOfExtendedSupport, date.Format(time.DateOnly))
		}
		return pass(refOf(c), "Kubernetes %s is in %s support on %s", row.Version, status, date.Format(time.DateOnly))
	})
}

// supportWindowDays is how close the end of standard support may come before doctor warns.
const supportWindowDays = 90

func checkEKSSupportWindow(s *Subject) []Result {
	return eksVersions(s, func(c inventory.Resource, row kubeversion.Support, status kubeversion.Status, date time.Time) Result {
		on := date.Format(time.DateOnly)
		switch status {
		case kubeversion.ExtendedSupport, kubeversion.OutOfSupport:
			return trip(refOf(c), "Kubernetes %s left standard support on %s (judged on %s): extended support bills $0.60 an hour instead of $0.10", row.Version, row.EndOfStandardSupport, on)
		}
		end, err := time.Parse(time.DateOnly, row.EndOfStandardSupport)
		if err != nil {
			return Result{outcome: skipped, Resource: refOf(c), Detail: "the calendar's end of standard support is not a date"}
		}
		days := int(end.Sub(date).Hours() / 24)
		if days <= supportWindowDays {
			return trip(refOf(c), "standard support for Kubernetes %s ends on %s, %d days after %s (within %d)", row.Version, row.EndOfStandardSupport, days, on, supportWindowDays)
		}
		return pass(refOf(c), "standard support for Kubernetes %s lasts until %s, %d days after %s", row.Version, row.EndOfStandardSupport, days, on)
	})
}

// eksRefusedZoneIDs are the zone IDs where EKS refuses control-plane subnets (Amazon EKS
// User Guide, "Cluster VPC and subnet requirements").
var eksRefusedZoneIDs = []string{"use1-az3", "usw1-az2", "cac1-az3"}

func checkEKSZoneIDs(s *Subject) []Result {
	inv := s.Inventory
	clusters := inv.OfType(eksCluster)
	if len(clusters) == 0 {
		return skip("no EKS cluster in the inventory")
	}
	var out []Result
	for _, c := range clusters {
		subnets := linked(inv, c, "vpcConfig.subnetIds", "aws:ec2/subnet:Subnet")
		var names []string
		judged := 0
		for _, sn := range subnets {
			id := sn.String("availabilityZoneId")
			if id == "" {
				names = append(names, sn.String("availabilityZone"))
				continue
			}
			judged++
			if contains(eksRefusedZoneIDs, id) {
				out = append(out, trip(refOf(sn), "subnet in zone ID %s, where EKS refuses control-plane subnets", id))
			} else {
				out = append(out, pass(refOf(sn), "zone ID %s", id))
			}
		}
		if judged == 0 {
			out = append(out, Result{outcome: skipped, Resource: refOf(c), Detail: fmt.Sprintf("its subnets record zone names (%s), which map to zone IDs differently in each account; only a subnet's availabilityZoneId can be judged", strings.Join(distinctSorted(names), ", "))})
		}
	}
	return out
}

func distinctSorted(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

func checkDeletionProtection(s *Subject) []Result {
	if s.Spec == nil {
		return skip("needs the stack file's clusterbench:deletionProtection (a Pulumi document records protection only on some resources)")
	}
	ref := Ref{Name: "clusterbench:deletionProtection"}
	if !s.Spec.DeletionProtection {
		return []Result{trip(ref, "false: one mistaken pulumi destroy or replacement deletes the cluster and its load balancers")}
	}
	return []Result{pass(ref, "true: GKE's deletion protection, the load balancers' own, Pulumi's protect on the EKS cluster")}
}
