package faulttolerance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

// Zone-loss verdicts, from best to worst: what losing the worst zone does to the stack.
const (
	// ZoneLossSurvives: whichever zone is lost, the control plane keeps quorum (or the
	// provider's replicas), workers remain and the survivors keep what they depend on.
	ZoneLossSurvives = "survives"
	// ZoneLossDegraded: the control plane and workers survive every zone's loss, but
	// losing a named zone cuts something the surviving zones depend on (egress through
	// the only NAT gateway, the only bastion). Workloads keep running; image pulls,
	// cloud APIs and joins of replacement nodes (or SSH) stop until the zone returns.
	ZoneLossDegraded = "degraded"
	// ZoneLossFails: losing a named zone loses the control plane (quorum, the zonal
	// API) or every worker.
	ZoneLossFails = "fails"
)

// ZoneLossEffect is what losing one zone does beyond the worker capacity it takes: the
// zone, the resource that makes it matter, the verdict it forces and why.
type ZoneLossEffect struct {
	Zone     string `json:"zone"` // "" when the zone is not recorded
	Resource string `json:"resource"`
	Verdict  string `json:"verdict"` // ZoneLossDegraded or ZoneLossFails
	Why      string `json:"why"`
}

// zoneLossVerdict is the worst verdict among the effects (survives without any).
func zoneLossVerdict(effects []ZoneLossEffect) string {
	verdict := ZoneLossSurvives
	for _, e := range effects {
		if e.Verdict == ZoneLossFails {
			return ZoneLossFails
		}
		verdict = ZoneLossDegraded
	}
	return verdict
}

// quorumEffects names every zone whose loss leaves the self-run control plane without
// a majority: exactly the zones that make Quorum say false.
func quorumEffects(memberZones []string, members string) []ZoneLossEffect {
	n := len(memberZones)
	if n == 0 {
		return []ZoneLossEffect{{Resource: "control plane", Verdict: ZoneLossFails,
			Why: "no control-plane member in the inventory"}}
	}
	perZone := map[string]int{}
	for _, z := range memberZones {
		perZone[z]++
	}
	var out []ZoneLossEffect
	for _, z := range sortedKeys(perZone) {
		if left := n - perZone[z]; left < n/2+1 {
			where := z
			if zoneName(z) == "" {
				where = "the zone not recorded"
			}
			out = append(out, ZoneLossEffect{Zone: zoneName(z), Resource: "control plane", Verdict: ZoneLossFails,
				Why: fmt.Sprintf("losing %s takes %d of %d %s: %d left, a majority needs %d", where, perZone[z], n, members, left, n/2+1)})
		}
	}
	return out
}

// workerEffects names the zone whose loss leaves no worker (to the share the capacity
// rounds to): the one holding the most.
func workerEffects(perZone map[string]int, capacityAfter float64) []ZoneLossEffect {
	if capacityAfter > 0 {
		return nil
	}
	t := total(perZone)
	if t == 0 {
		return []ZoneLossEffect{{Resource: "workers", Verdict: ZoneLossFails, Why: "no worker group in the inventory"}}
	}
	worst := ""
	for _, z := range sortedKeys(perZone) {
		if worst == "" || perZone[z] > perZone[worst] {
			worst = z
		}
	}
	why := fmt.Sprintf("all %d workers run in %s: losing it leaves none", t, worst)
	if perZone[worst] < t {
		why = fmt.Sprintf("%d of %d workers run in %s: losing it leaves %d (under 0.5%%)", perZone[worst], t, worst, t-perZone[worst])
	}
	if zoneName(worst) == "" {
		why = strings.ReplaceAll(why, worst, "a zone not recorded")
	}
	return []ZoneLossEffect{{Zone: zoneName(worst), Resource: "workers", Verdict: ZoneLossFails, Why: why}}
}

// natEffects: one NAT gateway that private subnets in several zones route through.
// Losing its zone cuts the egress of the private nodes in every other zone. Cloud NAT
// is a regional managed service and has no such zone.
func natEffects(inv *inventory.Inventory) []ZoneLossEffect {
	nats := inv.OfType("aws:ec2/natGateway:NatGateway")
	privateZones := map[string]bool{}
	for _, sn := range inv.OfType("aws:ec2/subnet:Subnet") {
		if isPrivateSubnet(sn) {
			privateZones[sn.String("availabilityZone")] = true
		}
	}
	if len(nats) != 1 || len(privateZones) < 2 {
		return nil
	}
	nat := nats[0]
	zone := natZone(inv, nat)
	var others []string
	for _, z := range sortedKeys(privateZones) {
		if z != zone {
			others = append(others, z)
		}
	}
	where := "its zone"
	if zone != "" {
		where = zone
	}
	return []ZoneLossEffect{{Zone: zone, Resource: nat.Name, Verdict: ZoneLossDegraded, Why: fmt.Sprintf(
		"the only NAT gateway, in %s: losing %s cuts egress (image pulls, cloud APIs, joins of replacement nodes) for the private subnets of %s; workloads that need none keep running",
		where, where, strings.Join(others, ", "))}}
}

// bastionEffects: a lone bastion is the only way in for SSH; losing its zone loses it.
func bastionEffects(inv *inventory.Inventory) []ZoneLossEffect {
	var bastions []inventory.Resource
	for _, r := range inv.Custom() {
		if role(r) == RoleBastion {
			bastions = append(bastions, r)
		}
	}
	if len(bastions) != 1 {
		return nil
	}
	zone := zoneName(zoneOf(inv, bastions[0]))
	where := "its zone"
	if zone != "" {
		where = zone
	}
	return []ZoneLossEffect{{Zone: zone, Resource: bastions[0].Name, Verdict: ZoneLossDegraded,
		Why: fmt.Sprintf("the only bastion, in %s: the only way in for SSH, lost with it or with %s", where, where)}}
}

// natZone is the zone of a NAT gateway's subnet, by the subnet's id, URN or (in a
// preview, where the id is unknown) the URN the subnetId input was computed from.
func natZone(inv *inventory.Inventory, nat inventory.Resource) string {
	refs := []any{nat.Inputs["subnetId"]}
	for _, urn := range nat.Dependencies["subnetId"] {
		refs = append(refs, urn)
	}
	for _, z := range subnetZones(inv, refs) {
		if z != "" {
			return z
		}
	}
	return ""
}

// zoneName turns the "unknown" bucket of the worker count into "" (not recorded).
func zoneName(z string) string {
	if z == "unknown" {
		return ""
	}
	return z
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ZoneLossAnswer is the short answer every report gives to "does it survive losing a
// zone?": "yes", "no (degraded)" when only the survivors' egress or way in is lost, or
// "no". An assessment without a verdict (built by hand) answers from
// ZoneLossSurvivable.
func ZoneLossAnswer(a *Assessment) string {
	switch {
	case a.ZoneLossSurvivable:
		return "yes"
	case a.ZoneLoss == ZoneLossDegraded:
		return "no (" + ZoneLossDegraded + ")"
	default:
		return "no"
	}
}
