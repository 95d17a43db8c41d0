package capabilities

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/scripts"
)

// kubeadmKind reads a self-managed cluster: its groups, load balancers and volumes, the
// settings its nodes' bootstrap is rendered with, and what that bootstrap configures
// (scripts.KubernetesFacts, checked against the bootstrap's dry run).
type kubeadmKind struct{ *stack }

const (
	cp     = "control-plane"
	worker = "worker"
)

func (k kubeadmKind) version() string { return k.setting("CB_KUBERNETES_VERSION", cp, worker) }

func (k kubeadmKind) applicationDefinition() Capability {
	return kubernetesManifests(Deployed, fmt.Sprintf("kubeadm runs the API server on %s of yours", plural(k.members(), "member", "members")), k.version())
}

func (k kubeadmKind) podScaling() Capability {
	return capability(Yours, "HorizontalPodAutoscaler has no CPU or memory metrics: kubeadm and the bootstrap deploy no metrics-server",
		"deploy metrics-server before any HPA can act")
}

func (k kubeadmKind) nodeScaling() Capability { return k.groupScaling(kubernetesBootstrap) }

func (k kubeadmKind) applicationHA() Capability {
	facts := scripts.KubernetesFacts
	details := []string{"the bootstrap registers every node with " + facts.ZoneLabel + " = its zone"}
	return kubernetesSpread(Deployed, k.zoneCount(), details)
}

func (k kubeadmKind) loadBalancing() Capability {
	details := append([]string{"expose applications with NodePort behind a load balancer of your own, or install the cloud's controller manager"},
		k.loadBalancers()...)
	if k.setting("CB_DEMO_MANIFESTS", cp) != "" {
		details = append(details, "clusterbench:demo: its web tier is a NodePort Service the init member applies (reachable on every node's port inside the network)")
	}
	return capability(Yours, "Services: kube-proxy (kubeadm's add-on); type LoadBalancer stays pending: no cloud controller manager is deployed", details...)
}

func (k kubeadmKind) serviceDiscovery() Capability {
	return capability(Deployed, "CoreDNS (kubeadm's add-on): <service>.<namespace>.svc.cluster.local")
}

func (k kubeadmKind) secretsAtRest() Capability {
	facts := scripts.KubernetesFacts
	details := []string{"the key is generated once at init and kept in " + storeName(k.setting("CB_STORE", cp, worker))}
	if vols := k.inv.OfType(ebsVolumeType); len(vols) > 0 {
		if allEncrypted(vols) {
			details = append(details, "etcd's volumes are encrypted (EBS)")
		} else {
			details = append(details, "some etcd volumes are not encrypted")
		}
	} else if len(k.inv.OfType(gcpDiskType)) > 0 {
		details = append(details, "etcd's disks are encrypted (Google's default)")
	}
	details = append(details, "duty: rotating the key (add a key, rewrite every Secret, drop the old key)")
	return capability(Deployed, fmt.Sprintf("%s encrypted by the API server with %s (EncryptionConfiguration)",
		capitalize(strings.Join(facts.EncryptedResources, ", ")), facts.SecretsProvider), details...)
}

func (k kubeadmKind) networkPolicy() Capability {
	switch cni := k.setting("CB_CNI", cp, worker); cni {
	case "calico":
		return capability(Deployed, "enforced by Calico (the bootstrap applies it at init)")
	case "none", "":
		return capability(Yours, "no CNI applied by the bootstrap: pod networking and enforcement are the CNI you install")
	default:
		return capability(Yours, "CNI "+cni+": whether it enforces NetworkPolicy is not known here")
	}
}

func (k kubeadmKind) accessControl() Capability {
	facts := scripts.KubernetesFacts
	details := []string{
		"authorization " + facts.Authorization + ", admission " + facts.AdmissionPlugins,
		"users: client certificates or an OIDC issuer you configure; the admin kubeconfig (cluster-admin) is kept in " + storeName(k.setting("CB_STORE", cp, worker)),
	}
	if facts.KubeletAnonymousOff {
		details = append(details, "kubelets refuse anonymous requests")
	}
	return capability(Deployed, "Kubernetes RBAC; no cloud IAM mapping: cloud identities do not reach Kubernetes", details...)
}

func (k kubeadmKind) upgrades() Capability {
	return capability(Yours, "kubeadm upgrade apply on one member, then kubeadm upgrade node on every other member and node, one minor at a time",
		"nodes install kubeadm, kubelet and kubectl "+k.version()+" from pkgs.k8s.io at boot",
		"a new kubernetesVersion reaches a member only when its instance is replaced: replace members one at a time",
		"duty: control-plane certificates expire after a year unless renewed (an upgrade renews them)")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
