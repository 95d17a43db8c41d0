package swarm

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Overlay networks never take addresses from the VPC's range: Docker's default pool
// (10.0.0.0/8) holds 10.0.0.0/16.
func TestOverlayAddressPoolAvoidsTheNetwork(t *testing.T) {
	for cidr, want := range map[string]string{
		"10.0.0.0/16":    "10.128.0.0/12",
		"10.130.0.0/16":  "172.24.0.0/14",
		"10.0.0.0/8":     "172.24.0.0/14",
		"172.24.0.0/16":  "10.128.0.0/12",
		"192.168.0.0/16": "10.128.0.0/12",
	} {
		assert.Equal(t, want, overlayAddressPool(cidr), cidr)
	}
}
