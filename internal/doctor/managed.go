package doctor

import (
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

// eachOfType judges every resource of the given types, or skips naming what is missing.
func eachOfType(s *Subject, missing string, judge func(r inventory.Resource) Result, types ...string) []Result {
	var out []Result
	for _, t := range types {
		for _, r := range s.Inventory.OfType(t) {
			out = append(out, judge(r))
		}
	}
	if len(out) == 0 {
		return skip("no %s in the inventory", missing)
	}
	return out
}

func checkEKSSecretsEncryption(s *Subject) []Result {
	return eachOfType(s, "EKS cluster", func(c inventory.Resource) Result {
		resources := inventory.Strings(c.List("encryptionConfig.resources"))
		if !contains(resources, "secrets") {
			return trip(refOf(c), "no encryptionConfig for secrets: only EKS's own default encryption protects them")
		}
		if _, set := c.Path("encryptionConfig.provider.keyArn"); !set {
			return trip(refOf(c), "encryptionConfig names no KMS key (provider.keyArn)")
		}
		// The stack's own key, by its ARN or (in a preview, where the ARN is not known
		// yet) through the input's dependencies.
		if keys := linked(s.Inventory, c, "encryptionConfig.provider.keyArn", awsKMSKey); len(keys) == 1 {
			return pass(refOf(c), "secrets envelope-encrypted with the stack's KMS key %s", keys[0].Name)
		}
		if arn := c.String("encryptionConfig.provider.keyArn"); arn != "" {
			return pass(refOf(c), "secrets envelope-encrypted with the KMS key %s", arn)
		}
		if v, _ := c.Path("encryptionConfig.provider.keyArn"); v == nil {
			return pass(refOf(c), "secrets envelope-encrypted with a KMS key (its ARN is not known until apply)")
		}
		return trip(refOf(c), "encryptionConfig names no KMS key (provider.keyArn)")
	}, eksCluster)
}

func checkEKSPublicEndpoint(s *Subject) []Result {
	return eachOfType(s, "EKS cluster", func(c inventory.Resource) Result {
		public, set := flag(c, "vpcConfig.endpointPublicAccess")
		if set && !public {
			return pass(refOf(c), "the public endpoint is off")
		}
		cidrs := inventory.Strings(c.List("vpcConfig.publicAccessCidrs"))
		if len(cidrs) == 0 {
			return trip(refOf(c), "public endpoint with no publicAccessCidrs: EKS opens it to 0.0.0.0/0")
		}
		for _, cidr := range cidrs {
			if isAnywhere(cidr) {
				return trip(refOf(c), "public endpoint open to %s", cidr)
			}
		}
		return pass(refOf(c), "public endpoint only for %s", strings.Join(cidrs, ", "))
	}, eksCluster)
}

var eksLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

func checkEKSLogs(s *Subject) []Result {
	return eachOfType(s, "EKS cluster", func(c inventory.Resource) Result {
		on := inventory.Strings(c.List("enabledClusterLogTypes"))
		var off []string
		for _, t := range eksLogTypes {
			if !contains(on, t) {
				off = append(off, t)
			}
		}
		if !contains(on, "audit") {
			return trip(refOf(c), "the audit log is off (enabled: %s)", orNone(on))
		}
		return pass(refOf(c), "enabled: %s; off: %s", strings.Join(on, ", "), orNone(off))
	}, eksCluster)
}

func orNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

func checkGKEPrivateNodes(s *Subject) []Result {
	return eachOfType(s, "GKE cluster", func(c inventory.Resource) Result {
		a, _ := flag(c, "privateClusterConfig.enablePrivateNodes")
		b, _ := flag(c, "networkConfig.enablePrivateNodes")
		if a || b {
			return pass(refOf(c), "nodes have no public address")
		}
		return trip(refOf(c), "nodes get public addresses")
	}, gkeCluster)
}

func checkGKEMetadataServer(s *Subject) []Result {
	var out []Result
	for _, c := range s.Inventory.OfType(gkeCluster) {
		if _, ok := c.Path("nodeConfig"); !ok {
			continue // no default pool settings: the pools below are judged
		}
		out = append(out, metadataMode(c))
	}
	for _, p := range s.Inventory.OfType(gkeNodePool) {
		out = append(out, metadataMode(p))
	}
	if len(out) == 0 {
		return skip("no GKE cluster or node pool in the inventory")
	}
	return out
}

func metadataMode(r inventory.Resource) Result {
	mode := r.String("nodeConfig.workloadMetadataConfig.mode")
	if mode == "GKE_METADATA" {
		return pass(refOf(r), "workload metadata mode GKE_METADATA")
	}
	if mode == "" {
		mode = "not set"
	}
	return trip(refOf(r), "workload metadata mode %s: pods can read the node's metadata and its service account's token", mode)
}

func checkGKEShieldedNodes(s *Subject) []Result {
	var out []Result
	for _, c := range s.Inventory.OfType(gkeCluster) {
		if on, set := flag(c, "enableShieldedNodes"); set && !on {
			out = append(out, trip(refOf(c), "enableShieldedNodes: false"))
		} else {
			out = append(out, pass(refOf(c), "shielded GKE nodes (node identity verified before joining)"))
		}
	}
	for _, p := range s.Inventory.OfType(gkeNodePool) {
		if on, _ := flag(p, "nodeConfig.shieldedInstanceConfig.enableSecureBoot"); on {
			out = append(out, pass(refOf(p), "secure boot on"))
		} else {
			out = append(out, trip(refOf(p), "secure boot is off"))
		}
	}
	if len(out) == 0 {
		return skip("no GKE cluster or node pool in the inventory")
	}
	return out
}

func checkGKEAutoRepairUpgrade(s *Subject) []Result {
	return eachOfType(s, "GKE node pool", func(p inventory.Resource) Result {
		repair, _ := flag(p, "management.autoRepair")
		upgrade, _ := flag(p, "management.autoUpgrade")
		var off []string
		if !repair {
			off = append(off, "auto-repair")
		}
		if !upgrade {
			off = append(off, "auto-upgrade")
		}
		if len(off) > 0 {
			return trip(refOf(p), "%s not on", strings.Join(off, " and "))
		}
		return pass(refOf(p), "auto-repair and auto-upgrade on")
	}, gkeNodePool)
}

const (
	gcpCryptoKey = "gcp:kms/cryptoKey:CryptoKey"
	awsKMSKey    = "aws:kms/key:Key"
)

func checkGKESecretsEncryption(s *Subject) []Result {
	return eachOfType(s, "GKE cluster", func(c inventory.Resource) Result {
		if c.String("databaseEncryption.state") != "ENCRYPTED" {
			return trip(refOf(c), "no application-layer secrets encryption (databaseEncryption): secrets rely on GKE's default encryption at rest only")
		}
		if _, set := c.Path("databaseEncryption.keyName"); !set {
			return trip(refOf(c), "databaseEncryption is ENCRYPTED but names no Cloud KMS key (keyName)")
		}
		// The stack's own key, by its resource name or (in a preview, where the name is
		// not known yet) through the input's dependencies.
		if keys := linked(s.Inventory, c, "databaseEncryption.keyName", gcpCryptoKey); len(keys) == 1 {
			return pass(refOf(c), "application-layer secrets encryption with the stack's Cloud KMS key %s", keys[0].Name)
		}
		if name := c.String("databaseEncryption.keyName"); name != "" {
			return pass(refOf(c), "application-layer secrets encryption with the Cloud KMS key %s", name)
		}
		if v, _ := c.Path("databaseEncryption.keyName"); v == nil {
			return pass(refOf(c), "application-layer secrets encryption with a Cloud KMS key (its name is not known until apply)")
		}
		return trip(refOf(c), "databaseEncryption is ENCRYPTED but names no Cloud KMS key (keyName)")
	}, gkeCluster)
}

func checkGKELegacyABAC(s *Subject) []Result {
	return eachOfType(s, "GKE cluster", func(c inventory.Resource) Result {
		if on, _ := flag(c, "enableLegacyAbac"); on {
			return trip(refOf(c), "legacy ABAC is on: it grants broad permissions outside RBAC")
		}
		return pass(refOf(c), "legacy ABAC off")
	}, gkeCluster)
}

func checkGKEClientCerts(s *Subject) []Result {
	return eachOfType(s, "GKE cluster", func(c inventory.Resource) Result {
		if on, _ := flag(c, "masterAuth.clientCertificateConfig.issueClientCertificate"); on {
			return trip(refOf(c), "a client certificate is issued: a credential that cannot be revoked")
		}
		return pass(refOf(c), "no client certificate issued")
	}, gkeCluster)
}

func checkGKEAuthorizedNetworks(s *Subject) []Result {
	return eachOfType(s, "GKE cluster", func(c inventory.Resource) Result {
		if private, _ := flag(c, "privateClusterConfig.enablePrivateEndpoint"); private {
			return pass(refOf(c), "no public endpoint")
		}
		if _, ok := c.Path("masterAuthorizedNetworksConfig"); !ok {
			return trip(refOf(c), "public endpoint without master authorized networks: open to the internet")
		}
		var cidrs []string
		for i := range c.List("masterAuthorizedNetworksConfig.cidrBlocks") {
			cidr := c.String("masterAuthorizedNetworksConfig.cidrBlocks." + itoa(i) + ".cidrBlock")
			if isAnywhere(cidr) {
				return trip(refOf(c), "master authorized networks include %s", cidr)
			}
			cidrs = append(cidrs, cidr)
		}
		if on, _ := flag(c, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled"); on {
			return trip(refOf(c), "every Google Cloud public address may reach the endpoint (gcpPublicCidrsAccessEnabled)")
		}
		return pass(refOf(c), "public endpoint only for %s", orNone(cidrs))
	}, gkeCluster)
}
