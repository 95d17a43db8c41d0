package capabilities

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// eksKind reads an EKS cluster: the cluster's inputs, its add-ons, node group and keys.
type eksKind struct{ *stack }

func (k eksKind) version() string { return k.eks.String("version") }

func (k eksKind) applicationDefinition() Capability {
	return kubernetesManifests(Provided, "EKS runs the API server", k.version())
}

func (k eksKind) podScaling() Capability {
	if _, ok := k.addon("metrics-server"); ok {
		return capability(Deployed, "HorizontalPodAutoscaler on CPU and memory: metrics-server runs as an EKS add-on")
	}
	return capability(Yours, "HorizontalPodAutoscaler has no CPU or memory metrics: metrics-server is not installed",
		"install the metrics-server EKS add-on (or its Helm chart) before any HPA can act")
}

func (k eksKind) nodeScaling() Capability {
	if k.eks.Bool("computeConfig.enabled") {
		return capability(Provided, "EKS Auto Mode provisions and removes nodes for pending pods")
	}
	groups := k.inv.OfType(eksNodeGroupType)
	if len(groups) == 0 {
		return capability(Yours, "no node group: nodes are yours to add")
	}
	var lo, desired, hi int
	for _, g := range groups {
		lo += num(g, "scalingConfig.minSize")
		desired += num(g, "scalingConfig.desiredSize")
		hi += num(g, "scalingConfig.maxSize")
	}
	details := []string{fmt.Sprintf("managed node group %s over %s", bounds(lo, desired, hi), k.zonesText())}
	if lo == hi {
		return capability(Yours, "none: the node group's size is fixed", details...)
	}
	for _, g := range groups {
		if slices.Contains(g.IgnoreChanges, "scalingConfig.desiredSize") {
			details = append(details, "pulumi up leaves the desired size alone (ignoreChanges), so an autoscaler can own it")
			break
		}
	}
	return capability(Yours, "no autoscaler deployed: install Cluster Autoscaler or Karpenter, or the group stays at its size", details...)
}

func (k eksKind) applicationHA() Capability {
	details := []string{"EKS labels each node with its zone"}
	for _, g := range k.inv.OfType(eksNodeGroupType) {
		if n, ok := g.Number("updateConfig.maxUnavailable"); ok {
			details = append(details, fmt.Sprintf("node group updates replace %d node at a time and respect PodDisruptionBudgets", int(n)))
			break
		}
	}
	return kubernetesSpread(Provided, k.zoneCount(), details)
}

func (k eksKind) loadBalancing() Capability {
	proxy := "no kube-proxy add-on: Services need a proxy you install"
	if _, ok := k.addon("kube-proxy"); ok {
		proxy = "Services: kube-proxy (EKS add-on) spreads connections over ready pods"
	}
	public, internal := 0, 0
	for _, sn := range k.inv.OfType(subnetType) {
		if hasTag(sn, "kubernetes.io/role/elb") {
			public++
		}
		if hasTag(sn, "kubernetes.io/role/internal-elb") {
			internal++
		}
	}
	return capability(Provided, proxy,
		"type LoadBalancer: EKS's built-in cloud controller creates an AWS load balancer (no AWS Load Balancer Controller deployed)",
		fmt.Sprintf("subnets tagged for load balancers: %d internet-facing, %d internal", public, internal),
		"this stack deploys no load balancer of its own: EKS serves the API endpoint")
}

func hasTag(r inventory.Resource, key string) bool {
	v, ok := r.Path("tags")
	if !ok {
		return false
	}
	m, _ := v.(map[string]any)
	_, ok = m[key]
	return ok
}

func (k eksKind) serviceDiscovery() Capability {
	if _, ok := k.addon("coredns"); ok {
		return capability(Provided, "CoreDNS (EKS add-on): <service>.<namespace>.svc.cluster.local")
	}
	return capability(Yours, "no CoreDNS add-on: in-cluster DNS is yours to install")
}

func (k eksKind) secretsAtRest() Capability {
	if slices.Contains(sortedStrings(k.eks.List("encryptionConfig.resources")), "secrets") {
		what := "Secrets are"
		if atLeast(k.version(), "1.28") {
			what = "all Kubernetes API data (Secrets included) is"
		}
		details := []string{}
		if key, ok := k.kmsKey(); ok {
			if key.Bool("enableKeyRotation") {
				details = append(details, "the key ("+key.Name+") rotates yearly")
			} else {
				details = append(details, "the key ("+key.Name+") does not rotate")
			}
		}
		return capability(Provided, what+" envelope-encrypted with this stack's KMS key", details...)
	}
	if atLeast(k.version(), "1.28") {
		return capability(Provided, "EKS's default envelope encryption of all API data with an AWS-owned KMS key",
			"no customer key: no control over rotation, and no key use in your CloudTrail")
	}
	return capability(Yours, "Secrets in etcd only on EKS's encrypted volumes: no envelope encryption configured")
}

// kmsKey finds the KMS key the cluster's secrets encryption names.
func (k eksKind) kmsKey() (inventory.Resource, bool) {
	for _, r := range k.inv.OfType(kmsKeyType) {
		if k.links(*k.eks, "encryptionConfig.provider.keyArn", r) {
			return r, true
		}
	}
	return inventory.Resource{}, false
}

func (k eksKind) networkPolicy() Capability {
	cni, ok := k.addon("vpc-cni")
	if !ok {
		return capability(Yours, "no vpc-cni add-on: enforcement depends on the CNI you install")
	}
	var values map[string]any
	_ = json.Unmarshal([]byte(cni.String("configurationValues")), &values)
	if fmt.Sprint(values["enableNetworkPolicy"]) == "true" {
		return capability(Provided, "enforced by the VPC CNI's network policy agent (vpc-cni enableNetworkPolicy)")
	}
	return capability(Yours, "not enforced: the vpc-cni add-on runs without enableNetworkPolicy, so NetworkPolicy objects are accepted and ignored",
		`set the add-on's configurationValues {"enableNetworkPolicy": "true"}, or install Calico or Cilium`)
}

func (k eksKind) accessControl() Capability {
	mode := k.eks.String("accessConfig.authenticationMode")
	if mode == "" {
		mode = "CONFIG_MAP"
	}
	listed, deployer, other := k.admins()
	details := []string{fmt.Sprintf("authentication mode %s; %s with cluster-admin",
		mode, plural(len(listed)+len(deployer), "access entry", "access entries"))}
	if len(other) > 0 {
		details[0] += fmt.Sprintf("; %s without it", plural(len(other), "other access entry", "other access entries"))
	}
	// adminPrincipals are counted apart from the deployer's entry, which no list names.
	switch n := len(k.s.AdminPrincipals); {
	case n == 0:
		details = append(details, "adminPrincipals: none listed")
	case len(listed) == n:
		details = append(details, fmt.Sprintf("adminPrincipals: %s listed, each with its cluster-admin entry", plural(n, "principal", "principals")))
	default:
		details = append(details, fmt.Sprintf("adminPrincipals: %s listed, %d with a cluster-admin entry", plural(n, "principal", "principals"), len(listed)))
	}
	for _, arn := range deployer {
		details = append(details, "the deploying identity's own entry ("+arn+"), owned by Pulumi: it follows whoever runs pulumi up "+
			"(another identity's run moves it to that identity; the previous one keeps cluster-admin only if adminPrincipals lists it)")
	}
	if len(deployer) == 0 && len(listed) > 0 {
		details = append(details, "no entry beyond adminPrincipals: the identity that runs pulumi up is one of them")
	}
	if k.eks.Bool("accessConfig.bootstrapClusterCreatorAdminPermissions") {
		details = append(details, "the identity that created the cluster is cluster-admin outside Pulumi's state (bootstrapClusterCreatorAdminPermissions)")
	}
	if len(k.inv.OfType(oidcProviderType)) > 0 {
		details = append(details, "pods assume IAM roles through IRSA (the cluster's OIDC provider)")
	}
	if k.eks.Bool("vpcConfig.endpointPublicAccess") {
		details = append(details, "public API endpoint open to "+strings.Join(sortedStrings(k.eks.List("vpcConfig.publicAccessCidrs")), ", "))
	} else {
		details = append(details, "private API endpoint only")
	}
	return capability(Provided, "Kubernetes RBAC; AWS IAM principals mapped to Kubernetes by EKS access entries", details...)
}

// admins sorts the access entries by principal: those adminPrincipals lists and those
// it does not (the program's entry for the identity running pulumi up), each holding
// EKS's cluster-admin access policy; other are entries without that policy.
func (k eksKind) admins() (listed, deployer, other []string) {
	admin := map[string]bool{}
	for _, a := range k.inv.OfType(eksAccessPolicyType) {
		if strings.HasSuffix(a.String("policyArn"), ":cluster-access-policy/AmazonEKSClusterAdminPolicy") &&
			a.String("accessScope.type") == "cluster" {
			admin[a.String("principalArn")] = true
		}
	}
	for _, e := range k.inv.OfType(eksAccessType) {
		arn := e.String("principalArn")
		switch {
		case !admin[arn]:
			other = append(other, arn)
		case slices.Contains(k.s.AdminPrincipals, arn):
			listed = append(listed, arn)
		default:
			deployer = append(deployer, arn)
		}
	}
	return listed, deployer, other
}

func (k eksKind) upgrades() Capability {
	v := k.version()
	policy := k.eks.String("upgradePolicy.supportType")
	if policy == "" {
		policy = "EXTENDED"
	}
	details := []string{}
	if row, ok := k.cal.Lookup(v); ok {
		details = append(details, fmt.Sprintf("%s: %s on %s; standard support until %s, extended until %s",
			v, statusText(k.cal.StatusOf(v)), k.cal.Date, row.EndOfStandardSupport, row.EndOfExtendedSupport))
	} else {
		details = append(details, v+": not on the support calendar")
	}
	switch policy {
	case "STANDARD":
		details = append(details, "upgrade policy STANDARD: at the end of standard support EKS upgrades the control plane itself")
	default:
		details = append(details, "upgrade policy EXTENDED: past standard support the control plane bills at the extended rate")
	}
	details = append(details, "duty: after each control-plane upgrade, roll the node group's AMI and the add-ons' versions")
	return capability(Yours, "you start each minor upgrade (aws eks update-cluster-version), one minor at a time", details...)
}

func statusText(s kubeversion.Status) string {
	switch s {
	case kubeversion.StandardSupport:
		return "in standard support"
	case kubeversion.ExtendedSupport:
		return "in extended support"
	case kubeversion.OutOfSupport:
		return "out of support"
	}
	return "not on the calendar"
}

// atLeast compares minor versions ("1.35" >= "1.28").
func atLeast(v, min string) bool {
	var a, b, c, d int
	if _, err := fmt.Sscanf(kubeversion.Minor(v), "%d.%d", &a, &b); err != nil {
		return false
	}
	_, _ = fmt.Sscanf(min, "%d.%d", &c, &d)
	return a > c || a == c && b >= d
}
