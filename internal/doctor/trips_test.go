package doctor_test

import (
	"testing"

	"github.com/clusterbench/clusterbench/components/gcpname"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// kopsGcpCertificateKey is kops-gcp's certificate-key secret: its store prefix ends in the
// suffix of the network's auto-name.
var kopsGcpCertificateKey = "kops-gcp-k8s-" + gcpname.Suffix(harness.AutoName("network")) + "-certificate-key"

// moreTrips are further ways each check trips: other resource types, clouds and shapes
// (their passing cases are in cases).
var moreTrips = []checkCase{
	{check: "control-plane-zone-loss", trip: variant("swarm-aws", "clusterbench:controlPlane", `{"count": 1, "machineType": "t3.medium"}`), tripDetail: "takes 1 of 1 swarm managers"},
	{check: "ssh-open-to-internet", trip: setInputs("kops-gcp", firewall, "network-ssh-admin", "sourceRanges", []any{"0.0.0.0/0"}), tripDetail: "opens TCP 22 to 0.0.0.0/0"},
	{check: "api-open-to-internet", trip: setInputs("kops-aws", ingressRule, "cluster-api-from-admin-0", "cidrIpv4", nil, "cidrIpv6", "::/0"), tripDetail: "opens TCP 6443 to ::/0"},
	{check: "all-ports-open-to-internet", trip: edited("swarm-gcp", func(t *testing.T, inv *inventory.Inventory) {
		add(inv, firewall, "anything", map[string]any{"allows": []any{map[string]any{"protocol": "all"}}, "direction": "INGRESS", "sourceRanges": []any{"0.0.0.0/0"}})
	}), tripDetail: "every protocol and port"},
	{check: "docker-api-unreachable", trip: edited("swarm-aws", func(t *testing.T, inv *inventory.Inventory) {
		add(inv, ingressRule, "docker-api", map[string]any{"fromPort": 2375.0, "toPort": 2376.0, "ipProtocol": "tcp",
			"referencedSecurityGroupId": "swarm-cluster-id", "securityGroupId": "swarm-cluster-id"})
	}), tripDetail: "docker-api opens TCP 2375-2376"},
	{check: "etcd-unreachable-from-workers", trip: edited("kops-aws", func(t *testing.T, inv *inventory.Inventory) {
		add(inv, ingressRule, "etcd-from-nodes", map[string]any{"fromPort": 2379.0, "toPort": 2380.0, "ipProtocol": "tcp",
			"referencedSecurityGroupId": "cluster-nodes-id", "securityGroupId": "cluster-control-plane-id"})
	}), tripDetail: "workers reach etcd through etcd-from-nodes"},
	{check: "etcd-unreachable-from-workers", trip: edited("kops-aws", func(t *testing.T, inv *inventory.Inventory) {
		add(inv, ingressRule, "etcd-from-vpc", map[string]any{"fromPort": 2380.0, "toPort": 2380.0, "ipProtocol": "tcp",
			"cidrIpv4": "10.0.0.0/16", "securityGroupId": "cluster-control-plane-id"})
	}), tripDetail: "etcd-from-vpc (TCP 2380)"},
	{check: "imds-v2-required", trip: setInputs("swarm-aws", launchTemplate, "swarm-workers-lt", "metadataOptions.httpTokens", nil), tripDetail: "httpTokens is not set"},
	{check: "imds-hop-limit", trip: setInputs("swarm-aws", launchTemplate, "swarm-workers-lt", "metadataOptions.httpPutResponseHopLimit", nil), tripDetail: "is not set"},
	{check: "gce-instance-metadata", trip: setInputs("swarm-gcp", instTemplate, "swarm-workers-tpl", "metadata", map[string]any{}), tripDetail: "project-wide SSH keys are accepted"},
	{check: "volume-encryption", trip: setInputs("eks", launchTemplate, "cluster-nodes", "blockDeviceMappings", []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{"encrypted": "false"}}}), tripDetail: "unencrypted volume(s): /dev/xvda"},
	{check: "bucket-public-access", trip: edited("kops-aws", func(t *testing.T, inv *inventory.Inventory) {
		remove(t, inv, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "cluster-etcd-snapshots")
	}), tripDetail: "no public access block"},
	{check: "bucket-public-access", trip: setInputs("kops-aws", "aws:s3/bucketPolicy:BucketPolicy", "cluster-etcd-snapshots", "policy",
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`), tripDetail: `allows anyone (Principal "*")`},
	{check: "bucket-public-access", trip: edited("kops-gcp", func(t *testing.T, inv *inventory.Inventory) {
		add(inv, "gcp:storage/bucketIAMMember:BucketIAMMember", "public-read", map[string]any{"bucket": "cluster-etcd-snapshots", "member": "allUsers", "role": "roles/storage.objectViewer"})
	}), tripDetail: "public-read grants roles/storage.objectViewer to the public"},
	{check: "eks-public-endpoint", trip: setInputs("eks", eksCluster, "cluster", "vpcConfig.publicAccessCidrs", []any{"203.0.113.0/24", "0.0.0.0/0"}), tripDetail: "open to 0.0.0.0/0"},
	{check: "eks-secrets-encryption", trip: setInputs("eks", eksCluster, "cluster", "encryptionConfig.provider.keyArn", nil), tripDetail: "names no KMS key"},
	{check: "gke-secrets-encryption", trip: setInputs("gke", gkeCluster, "cluster", "databaseEncryption.keyName", nil), tripDetail: "names no Cloud KMS key"},
	{check: "gke-secrets-encryption", trip: setInputs("gke", gkeCluster, "cluster", "databaseEncryption.state", "DECRYPTED"), tripDetail: "no application-layer secrets encryption"},
	{check: "gke-shielded-nodes", trip: setInputs("gke", gkePool, "cluster-workers", "nodeConfig.shieldedInstanceConfig", nil), tripDetail: "secure boot is off"},
	{check: "gke-auto-repair-upgrade", trip: setInputs("gke", gkePool, "cluster-workers", "management", nil), tripDetail: "auto-repair and auto-upgrade not on"},
	{check: "gke-authorized-networks", trip: setInputs("gke", gkeCluster, "cluster", "masterAuthorizedNetworksConfig.cidrBlocks", []any{map[string]any{"cidrBlock": "0.0.0.0/0"}}), tripDetail: "include 0.0.0.0/0"},
	{check: "iam-admin-wildcard", trip: edited("eks", func(t *testing.T, inv *inventory.Inventory) {
		add(inv, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess", "role": "cluster-node"})
	}), tripDetail: "attaches arn:aws:iam::aws:policy/AdministratorAccess"},
	{check: "iam-admin-wildcard", trip: setInputs("gke", "gcp:projects/iAMMember:IAMMember", "cluster-nodes-artifactregistry.reader", "role", "roles/editor"), tripDetail: "basic role roles/editor"},
	{check: "node-reads-control-plane-secrets", trip: setInputs("swarm-aws", rolePolicy, "swarm-worker-store", "policy",
		`{"Statement":[{"Effect":"Allow","Action":"ssm:GetParameter","Resource":"arn:aws:ssm:us-east-1:123456789012:parameter/clusterbench/swarm-aws/swarm/network-id/unlock-key"}]}`),
		tripDetail: "network-id/unlock-key"},
	{check: "node-reads-control-plane-secrets", trip: edited("kops-aws", func(t *testing.T, inv *inventory.Inventory) {
		add(inv, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ssm-core", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", "role": "cluster-nodes"})
	}), tripDetail: "AmazonSSMManagedInstanceCore reads every parameter"},
	{check: "node-reads-control-plane-secrets", trip: edited("kops-gcp", func(t *testing.T, inv *inventory.Inventory) {
		add(inv, "gcp:secretmanager/secretIamMember:SecretIamMember", "leak", map[string]any{"member": "serviceAccount:" + accountEmail(t, inv, "cluster-workers-tpl"),
			"role": "roles/secretmanager.secretAccessor", "secretId": kopsGcpCertificateKey})
	}), tripDetail: "leak grants roles/secretmanager.secretAccessor on " + kopsGcpCertificateKey},
	{check: "node-reads-control-plane-secrets", trip: edited("kops-gcp", func(t *testing.T, inv *inventory.Inventory) {
		// As in a preview: the member and the secret are outputs not known yet, linked
		// only through the inputs' dependencies.
		add(inv, "gcp:secretmanager/secretIamMember:SecretIamMember", "leak", map[string]any{"member": nil,
			"role": "roles/secretmanager.secretAccessor", "secretId": nil})
		leak := &inv.Resources[len(inv.Resources)-1]
		leak.Dependencies = map[string][]string{
			"member":   {find(t, inv, "gcp:serviceaccount/account:Account", "cluster-nodes").URN},
			"secretId": {find(t, inv, "gcp:secretmanager/secret:Secret", "cluster-store-certificate-key").URN}}
	}), tripDetail: "leak grants roles/secretmanager.secretAccessor on " + kopsGcpCertificateKey},
	{check: "node-reads-control-plane-secrets", trip: edited("swarm-gcp", func(t *testing.T, inv *inventory.Inventory) {
		add(inv, "gcp:projects/iAMMember:IAMMember", "all-secrets", map[string]any{"member": "serviceAccount:" + accountEmail(t, inv, "swarm-workers-tpl"),
			"role": "roles/secretmanager.secretAccessor", "project": "clusterbench-demo"})
	}), tripDetail: "every secret of the project"},
	{check: "secrets-are-pulumi-secrets", trip: edited("swarm-aws", func(t *testing.T, inv *inventory.Inventory) {
		r := find(t, inv, launchTemplate, "swarm-workers-lt")
		r.Inputs["userData"] = gzipBase64(t, "#!/bin/sh\ndocker swarm join --token SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx 10.0.0.5:2377\n")
	}), tripDetail: "input userData holds a Swarm join token in plaintext"},
	{check: "secrets-are-pulumi-secrets", trip: edited("kops-aws", func(t *testing.T, inv *inventory.Inventory) {
		add(inv, "aws:ssm/parameter:Parameter", "join-token", map[string]any{"name": "/clusterbench/kops-aws/k8s/network-id/join-token", "type": "SecureString", "value": "plain"})
	}), tripDetail: "input value holds a secret value but is not a Pulumi secret"},
	{check: "secrets-are-pulumi-secrets", trip: edited("gke", func(t *testing.T, inv *inventory.Inventory) {
		inv.Outputs["adminToken"] = "not-a-secret"
	}), tripDetail: "named like a credential but not a Pulumi secret"},
}
