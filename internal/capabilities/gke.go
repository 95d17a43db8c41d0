package capabilities

import (
	"fmt"
	"strings"
	"time"
)

// gkeKind reads a GKE cluster: the cluster's inputs and its node pools.
type gkeKind struct{ *stack }

func (k gkeKind) applicationDefinition() Capability {
	v := k.gke.String("minMasterVersion")
	if v != "" && k.channel() != "" {
		v += " or later"
	}
	return kubernetesManifests(Provided, "GKE runs the API server", v)
}

func (k gkeKind) channel() string {
	if c := k.gke.String("releaseChannel.channel"); c != "UNSPECIFIED" {
		return c
	}
	return ""
}

func (k gkeKind) podScaling() Capability {
	if k.gke.Bool("addonsConfig.horizontalPodAutoscaling.disabled") {
		return capability(Yours, "HorizontalPodAutoscaler is off: the cluster's horizontalPodAutoscaling add-on is disabled")
	}
	details := []string{}
	if k.gke.Bool("verticalPodAutoscaling.enabled") {
		details = append(details, "VerticalPodAutoscaler is on")
	}
	return capability(Provided, "HorizontalPodAutoscaler on CPU and memory: GKE runs metrics-server", details...)
}

func (k gkeKind) nodeScaling() Capability {
	var lo, hi int
	var details []string
	autoscaled := false
	for _, p := range k.inv.OfType(gkeNodePoolType) {
		zones := len(p.List("nodeLocations"))
		if _, ok := p.Path("autoscaling"); ok {
			autoscaled = true
			if n, ok := p.Number("autoscaling.totalMinNodeCount"); ok {
				lo += int(n)
				hi += num(p, "autoscaling.totalMaxNodeCount")
			} else {
				lo += num(p, "autoscaling.minNodeCount") * max(zones, 1)
				hi += num(p, "autoscaling.maxNodeCount") * max(zones, 1)
			}
			if policy := p.String("autoscaling.locationPolicy"); policy != "" {
				details = append(details, fmt.Sprintf("%s: location policy %s over %d zones", p.Name, policy, zones))
			}
		} else {
			n := num(p, "nodeCount")
			if n == 0 {
				n = num(p, "initialNodeCount")
			}
			lo += n * max(zones, 1)
			hi += n * max(zones, 1)
		}
	}
	if !autoscaled {
		return capability(Yours, fmt.Sprintf("off: node pools fixed at %d nodes; GKE's cluster autoscaler is not enabled on them", lo), details...)
	}
	return capability(Provided, fmt.Sprintf("GKE's cluster autoscaler (built in): %d–%d nodes in total, added for pending pods", lo, hi), details...)
}

func (k gkeKind) applicationHA() Capability {
	details := []string{"GKE labels each node with its zone"}
	for _, p := range k.inv.OfType(gkeNodePoolType) {
		if _, ok := p.Path("upgradeSettings"); ok {
			details = append(details, fmt.Sprintf("node upgrades surge %d and take down %d at a time, respecting PodDisruptionBudgets",
				num(p, "upgradeSettings.maxSurge"), num(p, "upgradeSettings.maxUnavailable")))
			break
		}
	}
	return kubernetesSpread(Provided, k.zoneCount(), details)
}

func (k gkeKind) dataplaneV2() bool { return k.gke.String("datapathProvider") == "ADVANCED_DATAPATH" }

func (k gkeKind) loadBalancing() Capability {
	value := "Services: kube-proxy (GKE's legacy dataplane) spreads connections over ready pods"
	if k.dataplaneV2() {
		value = "Services: Dataplane V2 (eBPF) balances in place of kube-proxy"
	}
	details := []string{"type LoadBalancer: a Google Cloud passthrough network load balancer, made by GKE"}
	if k.gke.Bool("addonsConfig.httpLoadBalancing.disabled") {
		details = append(details, "Ingress: the HTTP load balancing add-on is disabled (no Application Load Balancers)")
	} else {
		details = append(details, "Ingress: a Google Cloud Application Load Balancer (GKE's HTTP load balancing add-on)")
	}
	details = append(details, "this stack deploys no load balancer of its own: GKE serves the API endpoint")
	return capability(Provided, value, details...)
}

func (k gkeKind) serviceDiscovery() Capability {
	switch k.gke.String("dnsConfig.clusterDns") {
	case "CLOUD_DNS":
		return capability(Provided, "Cloud DNS for GKE: <service>.<namespace>.svc."+orDefault(k.gke.String("dnsConfig.clusterDnsDomain"), "cluster.local"))
	case "KUBE_DNS", "":
		return capability(Provided, "kube-dns (GKE's default): <service>.<namespace>.svc.cluster.local")
	}
	return capability(Provided, "cluster DNS "+k.gke.String("dnsConfig.clusterDns"))
}

func (k gkeKind) secretsAtRest() Capability {
	if k.gke.String("databaseEncryption.state") == "ENCRYPTED" {
		name := k.gke.String("databaseEncryption.keyName")
		for _, key := range k.inv.OfType(gcpCryptoKeyType) {
			if !k.links(*k.gke, "databaseEncryption.keyName", key) {
				continue
			}
			rotation := "the key (" + key.Name + ") does not rotate"
			if d, err := time.ParseDuration(key.String("rotationPeriod")); err == nil && d > 0 {
				rotation = fmt.Sprintf("the key (%s) rotates every %s", key.Name, days(d))
			}
			return capability(Provided, "application-layer encryption of Secrets with this stack's Cloud KMS key", rotation)
		}
		return capability(Provided, "application-layer encryption of Secrets with a Cloud KMS key", "key "+name+" (not one this stack creates)")
	}
	return capability(Yours, "Google's default encryption at rest only: application-layer encryption of Secrets is off",
		"set databaseEncryption with a Cloud KMS key to encrypt Secrets with a key you control")
}

func (k gkeKind) networkPolicy() Capability {
	switch {
	case k.dataplaneV2():
		return capability(Provided, "enforced by Dataplane V2 (datapathProvider ADVANCED_DATAPATH)")
	case k.gke.Bool("networkPolicy.enabled"):
		return capability(Provided, "enforced by the Calico network policy add-on (legacy dataplane)")
	}
	return capability(Yours, "not enforced: legacy dataplane without the network policy add-on, so NetworkPolicy objects are ignored",
		"enable Dataplane V2 (a new cluster) or the network policy add-on")
}

func (k gkeKind) accessControl() Capability {
	details := []string{}
	if !k.gke.Bool("enableLegacyAbac") {
		details = append(details, "legacy ABAC off")
	}
	if v, ok := k.gke.Path("masterAuth.clientCertificateConfig.issueClientCertificate"); ok && v == false {
		details = append(details, "no client certificates: users authenticate with Google identities")
	}
	if pool := k.gke.String("workloadIdentityConfig.workloadPool"); pool != "" {
		details = append(details, "pods act as Google service accounts through Workload Identity ("+pool+")")
	}
	if nets := k.gke.List("masterAuthorizedNetworksConfig.cidrBlocks"); len(nets) > 0 {
		var cidrs []string
		for _, n := range nets {
			if m, ok := n.(map[string]any); ok {
				cidrs = append(cidrs, fmt.Sprint(m["cidrBlock"]))
			}
		}
		details = append(details, "API reachable from "+strings.Join(cidrs, ", ")+" (master authorized networks)")
	}
	return capability(Provided, "Kubernetes RBAC together with Google Cloud IAM (IAM roles grant cluster-wide access)", details...)
}

func (k gkeKind) upgrades() Capability {
	autoUpgrade := true
	for _, p := range k.inv.OfType(gkeNodePoolType) {
		if !p.Bool("management.autoUpgrade") {
			autoUpgrade = false
		}
	}
	nodes := "node auto-upgrade on"
	if !autoUpgrade {
		nodes = "node auto-upgrade off: node pools are yours to upgrade"
	}
	if c := k.channel(); c != "" {
		return capability(Provided, "release channel "+c+": GKE upgrades the control plane and the nodes",
			nodes, "duty: maintenance windows and exclusions decide when; test against the next minor before the channel reaches it")
	}
	return capability(Yours, "no release channel: you choose and start each upgrade", nodes,
		"duty: upgrade before GKE's end of support forces it")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// days formats a whole number of days ("90 days"), else the duration as Go prints it.
func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return plural(int(d/(24*time.Hour)), "day", "days")
	}
	return d.String()
}
