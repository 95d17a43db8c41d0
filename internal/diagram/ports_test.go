package diagram

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTrafficAlgebra(t *testing.T) {
	nodesToCP := protocolTraffic("tcp", 1, 2378, true).
		Union(protocolTraffic("tcp", 2382, 4000, true)).
		Union(protocolTraffic("tcp", 4003, 65535, true)).
		Union(protocolTraffic("udp", 0, 0, false)).
		Union(protocolTraffic("4", 0, 0, false))
	assert.Equal(t, "TCP 1-2378,2382-4000,4003-65535; UDP; IPIP", nodesToCP.String())
	assert.True(t, nodesToCP.Contains("tcp", 6443, 6443))
	assert.False(t, nodesToCP.Contains("tcp", 2379, 2380), "etcd is left out")
	assert.False(t, nodesToCP.Contains("esp", 0, 0))

	all := protocolTraffic("-1", 0, 0, false)
	deny := protocolTraffic("tcp", 2379, 2381, true)
	left := all.Minus(deny)
	assert.False(t, left.Contains("tcp", 2380, 2380))
	assert.True(t, left.Contains("tcp", 2378, 2378))
	assert.True(t, left.Contains("icmp", 0, 0))
	assert.True(t, all.Equal(left.Union(deny)))
	assert.True(t, left.Intersect(deny).Empty())
	assert.Equal(t, "TCP 80", protocolTraffic("6", 80, 80, true).String())
	assert.True(t, protocolTraffic("tcp", 90, 80, true).Empty(), "a reversed range is nothing")
}

func TestLabelsNameServicesAndWhatElse(t *testing.T) {
	k8s := newLabeler("selfmanaged", nil)
	nodesToCP := protocolTraffic("tcp", 1, 2378, true).Union(protocolTraffic("tcp", 2382, 4000, true)).
		Union(protocolTraffic("tcp", 4003, 65535, true)).Union(protocolTraffic("udp", 0, 0, false)).
		Union(protocolTraffic("ipip", 0, 0, false))
	assert.Equal(t, "6443 API, 179 BGP, IPIP\n+ all TCP except 2379-2381, 4001-4002;\nall UDP", k8s.label(nodesToCP, roleWorkers, roleCP))
	assert.Equal(t, "all traffic, incl. 6443 API,\n2379-2380 etcd, 10250 kubelet,\n179 BGP, IPIP", k8s.label(allTraffic(), roleCP, roleCP))
	assert.Equal(t, "22 SSH", k8s.label(protocolTraffic("tcp", 22, 22, true), roleExternal, roleCP))
	assert.Equal(t, "TCP 8080", k8s.label(protocolTraffic("tcp", 8080, 8080, true), roleExternal, roleCP))

	swarm := newLabeler("swarm", []service{{"published", protoTCP, 80, 80, nil, []string{roleLB, roleWorkers}}})
	overlay := protocolTraffic("tcp", 7946, 7946, true).Union(protocolTraffic("udp", 7946, 7946, true)).
		Union(protocolTraffic("udp", 4789, 4789, true)).Union(protocolTraffic("esp", 0, 0, false))
	assert.Equal(t, "7946 gossip (TCP+UDP),\n4789/udp VXLAN overlay,\nESP (encrypted overlay)", swarm.label(overlay, roleWorkers, roleWorkers))
	assert.Equal(t, "80 published", swarm.label(protocolTraffic("tcp", 80, 80, true), roleExternal, roleLB))
	assert.Empty(t, swarm.label(Traffic{}, roleWorkers, roleCP))
}
