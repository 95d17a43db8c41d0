package doctor

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

func (p portRange) String() string {
	switch {
	case p.proto == "all":
		return "every protocol and port"
	case p.allPorts():
		return "every " + strings.ToUpper(p.proto) + " port"
	case p.from == p.to:
		return fmt.Sprintf("%s %d", strings.ToUpper(p.proto), p.from)
	}
	return fmt.Sprintf("%s %d-%d", strings.ToUpper(p.proto), p.from, p.to)
}

// hasFirewall reports whether the inventory declares security groups or firewall rules.
func hasFirewall(inv *inventory.Inventory) bool {
	return len(inv.OfType(awsSecurityGroup))+len(inv.OfType(awsDefaultSG))+len(inv.OfType("gcp:compute/firewall:Firewall")) > 0
}

// openCheck trips on every internet-wide ingress permission that opens a matching port.
func openCheck(s *Subject, what string, opens func(portRange) bool) []Result {
	inv := s.Inventory
	if !hasFirewall(inv) {
		return skip("no security group or firewall rule in the inventory")
	}
	var out []Result
	for _, o := range openToInternet(inv) {
		for _, p := range o.ports {
			if opens(p) {
				out = append(out, trip(refOf(o.res), "opens %s to %s", p, o.cidr))
				break
			}
		}
	}
	if len(out) == 0 {
		out = append(out, pass(Ref{Name: "ingress rules"}, "no security-group or firewall rule opens %s to 0.0.0.0/0 or ::/0", what))
	}
	return out
}

func checkSSHOpen(s *Subject) []Result {
	return openCheck(s, "SSH (22)", func(p portRange) bool { return p.covers("tcp", 22) })
}

func checkAPIOpen(s *Subject) []Result {
	return openCheck(s, "an API port (443, 6443)", func(p portRange) bool { return p.covers("tcp", 443) || p.covers("tcp", 6443) })
}

func checkAllPortsOpen(s *Subject) []Result {
	return openCheck(s, "every port", func(p portRange) bool { return p.allPorts() })
}

// awsRuleInto lists the permissions into any of groups that cover proto/port.
func awsRulesInto(rules []sgRule, groups []string, proto string, ports ...int) []sgRule {
	var out []sgRule
	for _, r := range rules {
		if !contains(groups, r.group) {
			continue
		}
		for _, p := range ports {
			if r.ports.covers(proto, p) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

var dockerAPIPorts = []int{2375, 2376}

func checkDockerAPI(s *Subject) []Result {
	inv := s.Inventory
	var out []Result
	sgRules, fwRules := awsIngress(inv), gceIngress(inv)
	for _, l := range launchers(inv) {
		if !isSwarmScript(s.script(l)) {
			continue
		}
		ref := refOf(l)
		if isAWS(l) {
			groups := securityGroupsOf(inv, l)
			if len(groups) == 0 {
				out = append(out, Result{outcome: skipped, Resource: ref, Detail: "attaches no security group the inventory records"})
				continue
			}
			if open := awsRulesInto(sgRules, groups, "tcp", dockerAPIPorts...); len(open) > 0 {
				out = append(out, trip(ref, "%s opens %s on its nodes", open[0].res.Name, open[0].ports))
				continue
			}
			out = append(out, pass(ref, "no rule into its security groups opens TCP 2375 or 2376"))
			continue
		}
		target := vmOf(inv, l)
		found := false
		for _, port := range dockerAPIPorts {
			if allow, ok := gceReaches(fwRules, vm{anyone: true}, target, "tcp", port); ok {
				out = append(out, trip(ref, "firewall rule %s lets traffic reach TCP %d on its VMs (no deny of higher priority)", allow.res.Name, port))
				found = true
				break
			}
		}
		if !found {
			out = append(out, pass(ref, "by priority, every firewall rule that could admit TCP 2375-2376 is outranked by a deny (or none admits it)"))
		}
	}
	if len(out) == 0 {
		return skip("no Docker Swarm node in the inventory (no boot script inits or joins a swarm)")
	}
	return out
}

var etcdPorts = []int{2379, 2380}

func checkEtcdFromWorkers(s *Subject) []Result {
	inv := s.Inventory
	var cps, workers []inventory.Resource
	for _, l := range launchers(inv) {
		switch {
		case isControlPlane(l) && isKubeadmScript(s.script(l)):
			cps = append(cps, l)
		case isWorkerLauncher(l):
			workers = append(workers, l)
		}
	}
	if len(cps) == 0 {
		return skip("no self-run etcd in the inventory (no control-plane launcher whose boot script runs kubeadm)")
	}
	if len(workers) == 0 {
		return skip("no worker launcher in the inventory")
	}
	sgRules, fwRules := awsIngress(inv), gceIngress(inv)
	var workerGroups []string
	var workerNets []netip.Prefix
	for _, w := range workers {
		workerGroups = append(workerGroups, securityGroupsOf(inv, w)...)
	}
	for _, g := range inv.OfType("aws:autoscaling/group:Group") {
		if !isWorkerLauncher(g) {
			continue
		}
		for _, sn := range linked(inv, g, "vpcZoneIdentifiers", "aws:ec2/subnet:Subnet") {
			if p, err := netip.ParsePrefix(sn.String("cidrBlock")); err == nil {
				workerNets = append(workerNets, p)
			}
		}
	}
	var out []Result
	for _, cp := range cps {
		ref := refOf(cp)
		if isAWS(cp) {
			var bad []string
			for _, r := range awsRulesInto(sgRules, securityGroupsOf(inv, cp), "tcp", etcdPorts...) {
				if intersects(r.sources, workerGroups) || overlapsAny(r.cidrs, workerNets) {
					bad = append(bad, fmt.Sprintf("%s (%s)", r.res.Name, r.ports))
				}
			}
			if len(bad) > 0 {
				out = append(out, trip(ref, "workers reach etcd through %s", strings.Join(bad, ", ")))
			} else {
				out = append(out, pass(ref, "no rule into its security groups admits workers to TCP 2379-2380"))
			}
			continue
		}
		target, reached := vmOf(inv, cp), ""
		for _, w := range workers {
			for _, port := range etcdPorts {
				if allow, ok := gceReaches(fwRules, vmOf(inv, w), target, "tcp", port); ok && reached == "" {
					reached = fmt.Sprintf("firewall rule %s admits %s to TCP %d", allow.res.Name, w.Name, port)
				}
			}
		}
		if reached != "" {
			out = append(out, trip(ref, "%s", reached))
		} else {
			out = append(out, pass(ref, "by priority, no firewall rule admits workers to TCP 2379-2380"))
		}
	}
	return out
}

func overlapsAny(cidrs []string, nets []netip.Prefix) bool {
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			continue
		}
		for _, n := range nets {
			if p.Overlaps(n) {
				return true
			}
		}
	}
	return false
}

// awsLaunchers are EC2 launch templates, launch configurations and instances.
func awsLaunchers(inv *inventory.Inventory) []inventory.Resource { return launchersOn(inv, true) }

// gceLaunchers are GCE instance templates and instances.
func gceLaunchers(inv *inventory.Inventory) []inventory.Resource { return launchersOn(inv, false) }

// launchersOn keeps the launchers of one cloud (AWS, or else GCP).
func launchersOn(inv *inventory.Inventory, aws bool) []inventory.Resource {
	var out []inventory.Resource
	for _, l := range launchers(inv) {
		if isAWS(l) == aws {
			out = append(out, l)
		}
	}
	return out
}

func checkIMDSv2(s *Subject) []Result {
	ls := awsLaunchers(s.Inventory)
	if len(ls) == 0 {
		return skip("no EC2 launch template, launch configuration or instance in the inventory")
	}
	var out []Result
	for _, l := range ls {
		tokens, endpoint := l.String("metadataOptions.httpTokens"), l.String("metadataOptions.httpEndpoint")
		switch {
		case endpoint == "disabled":
			out = append(out, pass(refOf(l), "the metadata service is disabled"))
		case tokens == "required":
			out = append(out, pass(refOf(l), "httpTokens: required (IMDSv2 only)"))
		case tokens == "":
			out = append(out, trip(refOf(l), "httpTokens is not set: IMDSv1 answers unless the AMI or account default says otherwise"))
		default:
			out = append(out, trip(refOf(l), "httpTokens: %s: IMDSv1 answers unauthenticated GETs", tokens))
		}
	}
	return out
}

func checkIMDSHopLimit(s *Subject) []Result {
	ls := awsLaunchers(s.Inventory)
	if len(ls) == 0 {
		return skip("no EC2 launch template, launch configuration or instance in the inventory")
	}
	var out []Result
	for _, l := range ls {
		n, ok := l.Number("metadataOptions.httpPutResponseHopLimit")
		switch {
		case l.String("metadataOptions.httpEndpoint") == "disabled":
			out = append(out, pass(refOf(l), "the metadata service is disabled"))
		case !ok:
			out = append(out, trip(refOf(l), "httpPutResponseHopLimit is not set: the AMI's default applies (2 for AMIs registered for IMDSv2)"))
		case n > 1:
			out = append(out, trip(refOf(l), "httpPutResponseHopLimit: %v: containers one hop away get the node's credentials", n))
		default:
			out = append(out, pass(refOf(l), "httpPutResponseHopLimit: 1"))
		}
	}
	return out
}

func checkShieldedVM(s *Subject) []Result {
	ls := gceLaunchers(s.Inventory)
	if len(ls) == 0 {
		return skip("no GCE instance template or instance in the inventory")
	}
	var out []Result
	for _, l := range ls {
		secure, _ := flag(l, "shieldedInstanceConfig.enableSecureBoot")
		integrity, set := flag(l, "shieldedInstanceConfig.enableIntegrityMonitoring")
		switch {
		case !secure:
			out = append(out, trip(refOf(l), "secure boot is off: an altered boot chain runs undetected"))
		case set && !integrity:
			out = append(out, trip(refOf(l), "integrity monitoring is off"))
		default:
			out = append(out, pass(refOf(l), "shielded VM: secure boot and integrity monitoring"))
		}
	}
	return out
}

func checkGCEMetadata(s *Subject) []Result {
	ls := gceLaunchers(s.Inventory)
	if len(ls) == 0 {
		return skip("no GCE instance template or instance in the inventory")
	}
	var out []Result
	for _, l := range ls {
		oslogin, _ := flag(l, "metadata.enable-oslogin")
		block, _ := flag(l, "metadata.block-project-ssh-keys")
		serial, _ := flag(l, "metadata.serial-port-enable")
		var bad []string
		if !oslogin && !block {
			bad = append(bad, "project-wide SSH keys are accepted and OS Login is off")
		}
		if serial {
			bad = append(bad, "the interactive serial console is enabled")
		}
		if len(bad) > 0 {
			out = append(out, trip(refOf(l), "%s", strings.Join(bad, "; ")))
		} else {
			out = append(out, pass(refOf(l), "OS Login or blocked project-wide SSH keys; no serial console"))
		}
	}
	return out
}

func checkVolumeEncryption(s *Subject) []Result {
	inv := s.Inventory
	var out []Result
	for _, r := range inv.Custom() {
		switch r.Type {
		case "aws:ebs/volume:Volume":
			if on, _ := flag(r, "encrypted"); on {
				out = append(out, pass(refOf(r), "encrypted"))
			} else {
				out = append(out, trip(refOf(r), "encrypted is not true"))
			}
		case "aws:ec2/launchTemplate:LaunchTemplate":
			mappings := r.List("blockDeviceMappings")
			if len(mappings) == 0 {
				out = append(out, trip(refOf(r), "no block device mapping: the root volume is encrypted only if the AMI's snapshot or the account default is"))
				continue
			}
			var plain []string
			for i := range mappings {
				if on, _ := flag(r, fmt.Sprintf("blockDeviceMappings.%d.ebs.encrypted", i)); !on {
					plain = append(plain, r.String(fmt.Sprintf("blockDeviceMappings.%d.deviceName", i)))
				}
			}
			if len(plain) > 0 {
				out = append(out, trip(refOf(r), "unencrypted volume(s): %s", strings.Join(plain, ", ")))
			} else {
				out = append(out, pass(refOf(r), "every block device encrypted"))
			}
		case "aws:ec2/instance:Instance", "aws:ec2/launchConfiguration:LaunchConfiguration":
			on, _ := flag(r, "rootBlockDevice.encrypted")
			for i := range r.List("ebsBlockDevices") {
				if e, _ := flag(r, fmt.Sprintf("ebsBlockDevices.%d.encrypted", i)); !e {
					on = false
				}
			}
			if on {
				out = append(out, pass(refOf(r), "root and EBS block devices encrypted"))
			} else {
				out = append(out, trip(refOf(r), "a block device is not encrypted"))
			}
		case "gcp:compute/disk:Disk", "gcp:compute/instanceTemplate:InstanceTemplate", "gcp:compute/instance:Instance":
			out = append(out, pass(refOf(r), "Compute Engine encrypts every persistent disk at rest"))
		}
	}
	if len(out) == 0 {
		return skip("no volume, launch template, instance or disk in the inventory")
	}
	return out
}

var (
	s3Buckets  = []string{"aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"}
	gcsBucket  = "gcp:storage/bucket:Bucket"
	s3SSETypes = []string{
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
		"aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
	}
)

// buckets lists the S3 and GCS buckets.
func buckets(inv *inventory.Inventory) []inventory.Resource {
	var out []inventory.Resource
	for _, r := range inv.Custom() {
		if contains(s3Buckets, r.Type) || r.Type == gcsBucket {
			out = append(out, r)
		}
	}
	return out
}

// bucketChildren lists the resources of typ whose bucket input refers to bucket b.
func bucketChildren(inv *inventory.Inventory, b inventory.Resource, typ string) []inventory.Resource {
	var out []inventory.Resource
	for _, c := range inv.OfType(typ) {
		for _, target := range linked(inv, c, "bucket", b.Type) {
			if key(target) == key(b) {
				out = append(out, c)
			}
		}
	}
	return out
}

func checkBucketEncryption(s *Subject) []Result {
	inv := s.Inventory
	bs := buckets(inv)
	if len(bs) == 0 {
		return skip("no bucket in the inventory")
	}
	var out []Result
	for _, b := range bs {
		if b.Type == gcsBucket {
			out = append(out, pass(refOf(b), "Cloud Storage encrypts every object at rest"))
			continue
		}
		algo := b.String("serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm")
		for _, typ := range s3SSETypes {
			for _, c := range bucketChildren(inv, b, typ) {
				if a := c.String("rules.0.applyServerSideEncryptionByDefault.sseAlgorithm"); a != "" {
					algo = a
				}
			}
		}
		if algo == "" {
			out = append(out, trip(refOf(b), "no server-side encryption configuration: the bucket relies on S3's account-wide default"))
		} else {
			out = append(out, pass(refOf(b), "default encryption %s", algo))
		}
	}
	return out
}

var publicMembers = []string{"allUsers", "allAuthenticatedUsers"}

func checkBucketPublic(s *Subject) []Result {
	inv := s.Inventory
	bs := buckets(inv)
	if len(bs) == 0 {
		return skip("no bucket in the inventory")
	}
	var out []Result
	for _, b := range bs {
		var bad []string
		if b.Type == gcsBucket {
			if b.String("publicAccessPrevention") != "enforced" {
				bad = append(bad, "publicAccessPrevention is not enforced")
			}
			for _, typ := range []string{"gcp:storage/bucketIAMMember:BucketIAMMember", "gcp:storage/bucketIAMBinding:BucketIAMBinding"} {
				for _, m := range bucketChildren(inv, b, typ) {
					members := append(inventory.Strings(m.Inputs["members"]), m.String("member"))
					if intersects(members, publicMembers) {
						bad = append(bad, m.Name+" grants "+m.String("role")+" to the public")
					}
				}
			}
		} else {
			blocks := bucketChildren(inv, b, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
			if len(blocks) == 0 {
				bad = append(bad, "no public access block")
			}
			for _, pab := range blocks {
				for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
					if on, _ := flag(pab, k); !on {
						bad = append(bad, k+" is not true")
					}
				}
			}
			for _, p := range bucketChildren(inv, b, "aws:s3/bucketPolicy:BucketPolicy") {
				sts, _ := parsePolicy(p.Inputs["policy"])
				for _, st := range sts {
					if st.allows() && contains(st.Principals, "*") && !st.Condition {
						bad = append(bad, p.Name+" allows anyone (Principal \"*\")")
					}
				}
			}
			acls := []string{b.String("acl")}
			for _, a := range bucketChildren(inv, b, "aws:s3/bucketAclV2:BucketAclV2") {
				acls = append(acls, a.String("acl"))
			}
			for _, acl := range acls {
				if strings.HasPrefix(acl, "public-") || acl == "authenticated-read" {
					bad = append(bad, "ACL "+acl)
				}
			}
		}
		if len(bad) > 0 {
			out = append(out, trip(refOf(b), "%s", strings.Join(bad, "; ")))
		} else {
			out = append(out, pass(refOf(b), "public access blocked"))
		}
	}
	return out
}
