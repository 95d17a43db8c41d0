package faulttolerance

import (
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// WorkersPerZone counts the workers an inventory runs in each zone, the way Assess does
// (groups spread their instances evenly over their zones; control-plane members and
// bastions are not workers). A group whose zones cannot be read counts under "unknown".
func WorkersPerZone(inv *inventory.Inventory) map[string]int {
	return workerZones(inv)
}

// EvenSpread places n instances over zones the way the groups do (and the way Assess
// counts them): evenly, the first zones taking the remainder.
func EvenSpread(n int, zones []string) map[string]int {
	perZone := map[string]int{}
	Spread(perZone, n, zones)
	return perZone
}

// WorkersAfterZoneLoss is the workers left after losing the zone that holds the most.
func WorkersAfterZoneLoss(perZone map[string]int) int {
	most := 0
	for _, n := range perZone {
		most = max(most, n)
	}
	return total(perZone) - most
}

// Workers is the total of a per-zone count.
func Workers(perZone map[string]int) int { return total(perZone) }
