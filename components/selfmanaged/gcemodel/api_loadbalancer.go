package gcemodel

import (
	"strconv"

	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// apiScheme: the API load balancer is internal; self-managed nodes are always private
// (validation refuses public ones: they could not reach an external load balancer that
// admits only adminCidrs).
const apiScheme = "INTERNAL"

// apiAddress reserves the API's address before any member boots: it is the
// controlPlaneEndpoint in every certificate and kubeconfig, and must outlive a
// replaced forwarding rule (kops reserves one for its API load balancer too).
func (b *builder) apiAddress() error {
	args := &compute.AddressArgs{
		Project: pulumi.String(b.s.Project), Region: pulumi.String(b.s.Region),
		AddressType: pulumi.String(apiScheme), Labels: b.labels(),
		Description: pulumi.String("Kubernetes API of " + b.cluster),
		Subnetwork:  b.args.Network.SubnetworkID,
	}
	var err error
	b.address, err = compute.NewAddress(b.ctx, b.name+"-api", args, b.parent)
	return err
}

// apiLoadBalancer: a passthrough network load balancer on the API port (a regional
// backend service over the members' zonal groups, a TCP health check on the API, a
// forwarding rule on the reserved address), as kops builds its internal API load
// balancer (pkg/model/gcemodel/api_loadbalancer.go). The firewall admits adminCidrs and
// the health checks; the client's address reaches the members unchanged. A member
// that sends to the load balancer's address is answered by itself (Cloud Load
// Balancing docs, internal passthrough: "test from backend VMs"): a joining member
// must reach the API through another member until its own answers. GCE has no
// deletion protection for forwarding rules, so deletionProtection protects it in
// Pulumi (`pulumi state unprotect` before a destroy).
func (b *builder) apiLoadBalancer() error {
	ctx, name := b.ctx, b.name+"-api"
	hc, err := compute.NewRegionHealthCheck(ctx, name, &compute.RegionHealthCheckArgs{
		Project: pulumi.String(b.s.Project), Region: pulumi.String(b.s.Region),
		CheckIntervalSec: pulumi.Int(10), TimeoutSec: pulumi.Int(5),
		HealthyThreshold: pulumi.Int(2), UnhealthyThreshold: pulumi.Int(2),
		TcpHealthCheck: &compute.RegionHealthCheckTcpHealthCheckArgs{Port: pulumi.Int(selfmanaged.APIPort)},
	}, b.parent)
	if err != nil {
		return err
	}
	backends := compute.RegionBackendServiceBackendArray{}
	for _, g := range b.memberMIGs {
		backends = append(backends, &compute.RegionBackendServiceBackendArgs{
			Group: g.Zonal.InstanceGroup, BalancingMode: pulumi.String("CONNECTION"),
		})
	}
	service, err := compute.NewRegionBackendService(ctx, name, &compute.RegionBackendServiceArgs{
		Project: pulumi.String(b.s.Project), Region: pulumi.String(b.s.Region),
		Protocol: pulumi.String("TCP"), LoadBalancingScheme: pulumi.String(apiScheme),
		HealthChecks: hc.ID(), Backends: backends,
		ConnectionDrainingTimeoutSec: pulumi.Int(30),
	}, b.parent)
	if err != nil {
		return err
	}
	args := &compute.ForwardingRuleArgs{
		Project: pulumi.String(b.s.Project), Region: pulumi.String(b.s.Region),
		IpAddress: b.address.Address, IpProtocol: pulumi.String("TCP"),
		Ports:               pulumi.StringArray{pulumi.String(strconv.Itoa(selfmanaged.APIPort))},
		BackendService:      service.ID(),
		LoadBalancingScheme: pulumi.String(apiScheme),
		Labels:              b.labels(),
		Network:             b.args.Network.NetworkID,
		Subnetwork:          b.args.Network.SubnetworkID,
	}
	_, err = compute.NewForwardingRule(ctx, name, args, b.parent, pulumi.Protect(b.s.DeletionProtection))
	return err
}
