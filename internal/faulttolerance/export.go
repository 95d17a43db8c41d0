package faulttolerance

import "github.com/clusterbench/clusterbench/internal/inventory"

// WorkerZones counts a stack's workers per zone from the groups that run them (desired
// sizes, spread the way the clouds spread groups); other reports read it from here.
func WorkerZones(inv *inventory.Inventory) map[string]int { return workerZones(inv) }
