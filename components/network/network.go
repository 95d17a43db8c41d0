// Package network builds the network every cluster sits in: a VPC with per-zone subnets
// and NAT on AWS (aws.go), a custom-mode VPC network with one regional subnetwork, Cloud
// NAT and a baseline firewall on GCP (gcp.go). Subnet ranges come from
// spec.NetworkLayout, the same carving validation checks capacity against.
package network

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/components/spec"
)

// Type tokens (renaming one needs pulumi.Aliases).
const (
	AwsNetworkType = "clusterbench:network:AwsNetwork"
	GcpNetworkType = "clusterbench:network:GcpNetwork"
)

// Args configure a network. Everything that decides which resources exist is a plain
// value of the validated spec.
type Args struct {
	Spec *spec.Spec
}

// firstZones returns the first n zone names, or an error naming what the region offers
// (of machineType, when the zones were chosen for it).
func firstZones(names []string, n int, region, machineType string) ([]string, error) {
	if len(names) < n {
		return nil, &ZoneShortageError{Region: region, Want: n, Have: names, MachineType: machineType}
	}
	return append([]string(nil), names[:n]...), nil
}

// ZoneShortageError: the region has fewer usable zones than clusterbench:zones asks.
type ZoneShortageError struct {
	Region string
	Want   int
	Have   []string
	// MachineType, when set, is the worker type every zone had to offer.
	MachineType string
}

func (e *ZoneShortageError) Error() string {
	what := "available zones"
	if e.MachineType != "" {
		what = "available zones that offer " + e.MachineType
	}
	return fmt.Sprintf("clusterbench:zones = %d: region %s has %d %s (%s)", e.Want, e.Region, len(e.Have), what, strings.Join(e.Have, ", "))
}
