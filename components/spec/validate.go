package spec

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// Options carry what validation needs from outside the stack file.
type Options struct {
	// SupportedVersion returns nil when a Kubernetes version is within the price
	// catalog's support calendar, else why not.
	SupportedVersion func(version string) error
}

var (
	awsMachineType = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	gcpMachineType = regexp.MustCompile(`^[a-z][a-z0-9]*-[a-z0-9-]+$`)
	iamPrincipal   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+$`)
	minorVersion   = regexp.MustCompile(`^1\.\d{1,2}$`)
	// RFC 1918 private networks: the only ones GKE admits to master authorized networks
	// once the public endpoint is off.
	privateRanges = []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"),
	}
	// RFC 5737 documentation ranges: accepted (the shipped stacks use one) with a warning.
	documentationRanges = []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
	}
)

// validate applies the cross-key rules to a fully read spec.
func validate(s *Spec, vals map[string]value, opts Options, ps *problems) {
	set := func(key string) bool { _, ok := vals[key]; return ok }
	validateZones(s, ps)
	validateAdminCidrs(s, ps)
	validateControlPlane(s, set, ps)
	validateWorkers(s, ps)
	validateNetwork(s, ps)
	validateAccess(s, set, ps)
	validateVersion(s, set, opts, ps)
	validateSwarm(s, set, ps)
	validateMonitoring(s, set, ps)
}

func validateZones(s *Spec, ps *problems) {
	v := strconv.Itoa(s.Zones)
	switch {
	case s.Zones < 1 || s.Zones > 3:
		ps.add("zones", v, "must be 1, 2 or 3: the control plane and workers spread over this many zones")
	case s.IsEKS() && s.Zones < 2:
		ps.add("zones", v, "EKS needs at least 2 zones: AWS requires the cluster's subnets in two availability zones")
	}
}

func validateAdminCidrs(s *Spec, ps *problems) {
	if len(s.AdminCidrs) == 0 {
		ps.add("adminCidrs", "", "required: the IPv4 CIDRs that may reach SSH and the API (e.g. [198.51.100.7/32]); nothing is opened to the internet by default")
		return
	}
	for _, c := range s.AdminCidrs {
		p, err := parseNetwork(c)
		switch {
		case err != nil:
			ps.add("adminCidrs", c, "%v", err)
		case p.Bits() == 0:
			ps.add("adminCidrs", c, "refused: it opens SSH and the API to the whole internet; list your own networks")
		case s.IsGKE() && !s.Endpoint.Public && !within(p, privateRanges):
			// GKE answers "not a reserved network, which is required for private
			// endpoints" when the cluster is created (GKE docs, "Add authorized networks
			// for control plane access": with the public endpoint disabled, only internal
			// addresses are allowed).
			ps.add("adminCidrs", c, "is not an RFC 1918 network (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16): with endpoint.public: false GKE admits only private networks to master authorized networks and refuses this one (\"not a reserved network, which is required for private endpoints\"); list the private networks (VPN, peered VPC) admins reach the cluster from")
		case inDocumentationRange(p):
			ps.warn("adminCidrs", c, "is a documentation range (RFC 5737): nobody can reach the cluster from it; set your own networks before a real deployment")
		}
	}
	checkAdminCoverage(s.AdminCidrs, ps)
}

// within reports whether p lies wholly inside one of ranges.
func within(p netip.Prefix, ranges []netip.Prefix) bool {
	for _, r := range ranges {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// parseNetwork parses an IPv4 CIDR written as its network address.
func parseNetwork(c string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(c)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("must be an IPv4 CIDR such as 198.51.100.0/24")
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("has host bits set; write the network address %s", p.Masked())
	}
	return p, nil
}

func inDocumentationRange(p netip.Prefix) bool { return within(p, documentationRanges) }

func validateControlPlane(s *Spec, set func(string) bool, ps *problems) {
	cp := s.ControlPlane
	v := strconv.Itoa(cp.Count)
	if s.Orchestrator == Managed {
		for _, k := range []string{"controlPlane.count", "controlPlane.machineType"} {
			if set(k) {
				ps.warn(k, "", "ignored: the provider runs a managed control plane")
			}
		}
	} else {
		limit, what := 5, "etcd members: more members slow every write and add no useful tolerance"
		if s.Orchestrator == Swarm {
			limit, what = 7, "swarm managers (Docker's advice): more slow every raft write"
		}
		switch {
		case cp.Count < 1:
			ps.add("controlPlane.count", v, "must be odd (1, 3, 5, 7)")
		case cp.Count%2 == 0:
			ps.add("controlPlane.count", v, "must be odd (1, 3, 5, 7); an even count adds no fault tolerance")
		case cp.Count > limit:
			ps.add("controlPlane.count", v, "must be at most %d %s", limit, what)
		}
		validateMachineType(s.Cloud, "controlPlane.machineType", cp.MachineType, ps)
		validateNodeArchitecture(s, "controlPlane.machineType", cp.MachineType, ps)
	}
	if cp.Availability == Zonal && !s.IsGKE() {
		ps.add("controlPlane.availability", cp.Availability, "zonal applies to GKE only (EKS is always regional; self-managed and swarm control planes spread over zones by count)")
	}
}

func validateMachineType(cloud, key, t string, ps *problems) {
	switch {
	case cloud == AWS && !awsMachineType.MatchString(t):
		ps.add(key, t, "is not an EC2 instance type (family.size, e.g. t3.large)")
	case cloud == GCP && !gcpMachineType.MatchString(t):
		ps.add(key, t, "is not a GCE machine type (family-shape, e.g. e2-standard-2)")
	}
}

func validateWorkers(s *Spec, ps *problems) {
	w := s.Workers
	if w.Count < 1 {
		ps.add("workers.count", strconv.Itoa(w.Count), "must be at least 1")
	} else if s.IsGKE() && s.Zones >= 1 && w.Count%s.Zones != 0 {
		ps.add("workers.count", strconv.Itoa(w.Count), "must be a multiple of zones (%d): GKE node pools count nodes per zone", s.Zones)
	}
	if w.Min < 0 || w.Min > w.Count {
		ps.add("workers.min", strconv.Itoa(w.Min), "must be between 0 and workers.count (%d)", w.Count)
	}
	if w.Max < w.Count {
		ps.add("workers.max", strconv.Itoa(w.Max), "must be at least workers.count (%d)", w.Count)
	}
	if w.DiskGb < 20 || w.DiskGb > 16384 {
		ps.add("workers.diskGb", strconv.Itoa(w.DiskGb), "must be between 20 and 16384 GB")
	}
	validateMachineType(s.Cloud, "workers.machineType", w.MachineType, ps)
	validateNodeArchitecture(s, "workers.machineType", w.MachineType, ps)
	if s.IsEKS() && ec2Accelerated(w.MachineType) {
		// The standard AL2023 AMI types have no GPU or Neuron drivers, and EKS refuses
		// them for some of these types ("not a valid instance type for requested
		// amiType"); the accelerated AMI types need device plugins the program lacks.
		ps.add("workers.machineType", w.MachineType, "is a GPU or accelerator instance type (series g, p, inf, trn, dl): EKS nodes of this type need an accelerated AMI type and a device plugin, which clusterbench does not set up yet; choose a general-purpose type such as t3.large, or m7g.large on Graviton")
	}
}

// validateNodeArchitecture: self-managed and Swarm nodes on EC2 boot the official Debian
// 12 amd64 image (nodegroup.LookupAwsImage) and their bootstraps fetch amd64 binaries;
// EC2 refuses to launch an x86_64 image on a Graviton (arm64) type, so no node would start.
func validateNodeArchitecture(s *Spec, key, machineType string, ps *problems) {
	if s.Cloud == AWS && s.Orchestrator != Managed && Ec2Graviton(machineType) {
		ps.add(key, machineType, "is a Graviton (arm64) instance type: %s nodes boot the Debian 12 amd64 image, which EC2 does not launch on arm64; choose an x86 type such as t3.large or m5.large (EKS runs Graviton nodes)", s.Orchestrator)
	}
}

func validateNetwork(s *Spec, ps *problems) {
	n := s.Network
	p, err := parseNetwork(n.Cidr)
	minBits := 16 // an AWS VPC is at most a /16
	if s.Cloud == GCP {
		minBits = 8
	}
	switch {
	case err != nil:
		ps.add("network.cidr", n.Cidr, "%v", err)
	case p.Bits() < minBits || p.Bits() > 24:
		ps.add("network.cidr", n.Cidr, "prefix must be /%d to /24 on %s (subnets are carved from it per zone)", minBits, s.Cloud)
	case reservedRange(p) != "":
		ps.add("network.cidr", n.Cidr, "is in %s: cloud VPCs refuse it and hosts cannot use it for node addresses; use a private range such as 10.0.0.0/16", reservedRange(p))
	case len(ps.errs) > 0:
		// The capacity arithmetic needs valid zones and worker counts; their own
		// problems are already reported.
	default:
		if msg := s.addressShortfall(); msg != "" {
			ps.add("workers.max", strconv.Itoa(s.Workers.Max), "%s", msg)
		}
	}
	switch {
	case n.PrivateNodes && n.NatGateways == NatNone:
		ps.add("network.natGateways", n.NatGateways, "private nodes need single or perZone: without NAT they cannot pull images or reach the cloud APIs")
	case !n.PrivateNodes && n.NatGateways != NatNone:
		ps.add("network.natGateways", n.NatGateways, "must be none when network.privateNodes is false: public nodes do not use NAT, which would still bill")
	}
	// Public members and workers would reach the API through an internet-facing load
	// balancer from their public addresses, which it admits only from adminCidrs: no
	// node could join. Self-managed clusters keep their nodes private.
	if s.Orchestrator == SelfManaged && !n.PrivateNodes {
		ps.add("network.privateNodes", "false", "a self-managed cluster needs private nodes: public nodes would reach the API load balancer from public addresses it admits only from adminCidrs, so none could join")
	}
}

func validateAccess(s *Spec, set func(string) bool, ps *problems) {
	seen := map[string]bool{}
	for _, a := range s.AdminPrincipals {
		switch {
		case !iamPrincipal.MatchString(a):
			ps.add("adminPrincipals", a, "must be an IAM role or user ARN (arn:aws:iam::123456789012:role/name)")
		case seen[a]:
			ps.add("adminPrincipals", a, "is listed twice; EKS admits a principal through one access entry")
		}
		seen[a] = true
	}
	if s.IsGKE() && !s.Endpoint.Public && !s.Network.PrivateNodes {
		ps.add("endpoint.public", "false", "a private-only GKE endpoint needs network.privateNodes: true (GKE's private endpoint exists only on private clusters)")
	}
	if len(s.AdminPrincipals) > 0 && !s.IsEKS() {
		ps.warn("adminPrincipals", strings.Join(s.AdminPrincipals, ","), "ignored: access entries exist on EKS only")
	}
}

func validateVersion(s *Spec, set func(string) bool, opts Options, ps *problems) {
	v := s.KubernetesVersion
	if s.Orchestrator == Swarm {
		if set("kubernetesVersion") {
			ps.warn("kubernetesVersion", v, "ignored: Docker Swarm runs no Kubernetes")
		}
		return
	}
	if !minorVersion.MatchString(v) {
		ps.add("kubernetesVersion", v, "must be a minor version such as 1.35")
		return
	}
	if opts.SupportedVersion != nil {
		if err := opts.SupportedVersion(v); err != nil {
			ps.add("kubernetesVersion", v, "%v", err)
		}
	}
}

// validateSwarm: the swarm object applies to Docker Swarm only; elsewhere it is ignored
// with a warning, like the other keys an orchestrator does not use.
func validateSwarm(s *Spec, set func(string) bool, ps *problems) {
	if s.Orchestrator != Swarm && set("swarm.managersRunWorkloads") {
		ps.warn("swarm.managersRunWorkloads", strconv.FormatBool(s.Swarm.ManagersRunWorkloads), "ignored: only Docker Swarm has managers (orchestrator is %s)", s.Orchestrator)
	}
}

// validateMonitoring: Datadog needs its key; Prometheus's sizes are bounded; settings of
// the choice not made are ignored with a warning. On Swarm a drained manager runs no
// task at all, global services included (Swarm has no toleration, unlike a DaemonSet),
// so monitoring there needs managers that run tasks.
// nodeDiskReserveGb is what a node's root disk keeps for the system and images when
// Prometheus's data shares it.
const nodeDiskReserveGb = 20

func validateMonitoring(s *Spec, set func(string) bool, ps *problems) {
	if s.Monitoring == MonitoringDatadog && !s.Datadog.HasAPIKey() {
		ps.add(SecretDatadogAPIKey, "", "required with monitoring: datadog: set it with `pulumi config set --secret %s:%s <key>` (a Pulumi secret)", Namespace, SecretDatadogAPIKey)
	}
	if d := s.Prometheus.RetentionDays; d < 1 || d > 365 {
		ps.add("prometheus.retentionDays", strconv.Itoa(d), "must be between 1 and 365 days")
	}
	if gb := s.Prometheus.VolumeGb; gb < 10 || gb > 16384 {
		ps.add("prometheus.volumeGb", strconv.Itoa(gb), "must be between 10 and 16384 GB")
	}
	// Self-managed clusters have no CSI driver and Swarm no volume driver: there the
	// time-series database lives on the hosting node's root disk (a worker's; Swarm
	// managers that run workloads get the workers' disk), which must hold it and the
	// system.
	if s.Monitoring == MonitoringPrometheus && s.Orchestrator != Managed && s.Prometheus.VolumeGb+nodeDiskReserveGb > s.Workers.DiskGb {
		ps.add("prometheus.volumeGb", strconv.Itoa(s.Prometheus.VolumeGb), "must leave %d GB of workers.diskGb (%d) to the system and images: on %s Prometheus keeps its data on the hosting node's root disk (no volume driver); lower it or raise workers.diskGb", nodeDiskReserveGb, s.Workers.DiskGb, s.Orchestrator)
	}
	ignored := map[string][]string{
		MonitoringPrometheus: {"datadog.site", SecretDatadogAPIKey},
		MonitoringDatadog:    {"prometheus.retentionDays", "prometheus.volumeGb"},
		MonitoringNone:       {"datadog.site", SecretDatadogAPIKey, "prometheus.retentionDays", "prometheus.volumeGb"},
	}
	for _, k := range ignored[s.Monitoring] {
		if set(k) {
			ps.warn(k, "", "ignored: monitoring is %s", s.Monitoring)
		}
	}
	if s.Orchestrator == Swarm && s.Monitoring != MonitoringNone && !s.Swarm.ManagersRunWorkloads {
		ps.add("monitoring", s.Monitoring, "on Swarm needs swarm.managersRunWorkloads: true: a drained manager runs no task, not even a global service's, so its metrics would go uncollected (and Prometheus, which discovers the swarm through a manager's Docker API, could not run at all); set clusterbench:swarm.managersRunWorkloads: true, or monitoring: none")
	}
}
