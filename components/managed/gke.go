package managed

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/clusterbench/clusterbench/components/gcpname"
	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/container"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/kms"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// nodeServiceAccountRoles are the least privileges a GKE node needs, instead of the
// Compute Engine default account's Editor (CIS GKE 5.2.1). GKE's own minimum is
// roles/container.defaultNodeServiceAccount ("Configure GKE node service accounts":
// logging, monitoring, resource metadata and the autoscaler's metrics; without it the
// console reports "Grant critical permissions"), which holds what the four roles used
// here before (logWriter, metricWriter, monitoring viewer, resourceMetadata.writer)
// granted. roles/artifactregistry.reader lets nodes pull private images from the
// project's Artifact Registry.
var nodeServiceAccountRoles = []string{
	"roles/container.defaultNodeServiceAccount",
	"roles/artifactregistry.reader",
}

// Application-layer secrets encryption (CIS GKE 5.3.1): etcd holds Kubernetes secrets
// encrypted with a data key that a Cloud KMS key wraps.
const (
	// secretsKeyRotation: a new key version every 90 days (KMS rotationPeriod, seconds).
	secretsKeyRotation = "7776000s"
	// gkeKeyRole is what the GKE service agent needs on the key ("Encrypt secrets at the
	// application layer": grant the Kubernetes Engine service agent Cloud KMS CryptoKey
	// Encrypter/Decrypter).
	gkeKeyRole = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
)

// GkeServiceAgent is the Kubernetes Engine service agent of a project, by its number.
func GkeServiceAgent(projectNumber string) string {
	return fmt.Sprintf("service-%s@container-engine-robot.iam.gserviceaccount.com", projectNumber)
}

// GkeReleaseChannel is the channel every cluster follows.
const GkeReleaseChannel = "REGULAR"

// CheckGkeVersion refuses a kubernetesVersion GKE does not offer in the region, or that
// is newer than the release channel's latest (GKE refuses such a minimum at creation).
// valid and channelLatest are the getEngineVersions answer.
func CheckGkeVersion(s *spec.Spec, valid []string, channelLatest map[string]string) error {
	refuse := func(format string, args ...any) error {
		return &spec.Error{Source: "stack " + s.Stack, Problems: []spec.Problem{{
			Key: "clusterbench:kubernetesVersion", Value: s.KubernetesVersion, Message: fmt.Sprintf(format, args...),
		}}}
	}
	offered := false
	for _, v := range valid {
		offered = offered || strings.HasPrefix(v, s.KubernetesVersion+".")
	}
	if !offered {
		return refuse("GKE offers no %s.x control plane in %s (offered: %s)", s.KubernetesVersion, s.Region, strings.Join(valid, ", "))
	}
	latest := channelLatest[GkeReleaseChannel]
	if latest != "" && minorOf(s.KubernetesVersion) > minorOf(latest) {
		return refuse("the %s channel's newest version in %s is %s; a cluster on it cannot start at %s yet", GkeReleaseChannel, s.Region, latest, s.KubernetesVersion)
	}
	return nil
}

// minorOf reads the minor of "1.35" or "1.35.1-gke.1396000" (0 when unreadable).
func minorOf(version string) int {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(parts[1])
	return n
}

// cloudPlatformScope: access is limited by the node account's roles, not by scopes.
const cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"

// GkeArgs configure a GKE cluster.
type GkeArgs struct {
	Spec    *spec.Spec
	Network *network.GcpNetwork
	// ProjectNumber is the project's number (organizations.LookupProject), which names
	// the GKE service agent that uses the secrets key.
	ProjectNumber string
}

// GkeCluster is a GKE Standard cluster with one separately managed node pool.
type GkeCluster struct {
	pulumi.ResourceState

	ClusterName pulumi.StringOutput
	Endpoint    pulumi.StringOutput
	// Location is the region (regional control plane) or the zone (zonal).
	Location string
	// Kubeconfig is a secret; kubectl gets tokens from gke-gcloud-auth-plugin.
	Kubeconfig pulumi.StringOutput
}

// NewGkeCluster builds the cluster.
func NewGkeCluster(ctx *pulumi.Context, name string, args *GkeArgs, opts ...pulumi.ResourceOption) (*GkeCluster, error) {
	s, net := args.Spec, args.Network
	if args.ProjectNumber == "" {
		return nil, fmt.Errorf("managed.NewGkeCluster %s: no project number (organizations.LookupProject) to name the GKE service agent", name)
	}
	c := &GkeCluster{Location: s.Region}
	if s.ZonalControlPlane() {
		// A zonal control plane lives in one zone: 99.5% SLA, eligible for the free tier.
		c.Location = net.Zones[0]
	}
	if err := ctx.RegisterComponentResource(GkeClusterType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	sa, roles, err := nodeServiceAccount(ctx, name, s, net, parent)
	if err != nil {
		return nil, err
	}
	key, grant, err := secretsKey(ctx, name, s, args.ProjectNumber, parent)
	if err != nil {
		return nil, err
	}
	cluster, err := gkeControlPlane(ctx, name, c.Location, s, net, sa, key, append(roles, grant), parent)
	if err != nil {
		return nil, err
	}
	if err := gkeNodePool(ctx, name, c.Location, s, net, cluster, sa, roles, parent); err != nil {
		return nil, err
	}

	c.ClusterName, c.Endpoint = cluster.Name, cluster.Endpoint
	c.Kubeconfig = pulumi.ToSecret(pulumi.All(cluster.Name, cluster.Endpoint, cluster.MasterAuth.ClusterCaCertificate().Elem()).
		ApplyT(func(v []any) (string, error) {
			return kubeconfig(v[0].(string), "https://"+v[1].(string), v[2].(string), execCredential{
				Command: "gke-gcloud-auth-plugin",
				Hint:    "install gke-gcloud-auth-plugin (gcloud components install gke-gcloud-auth-plugin) and run gcloud auth login",
			})
		})).(pulumi.StringOutput)
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName": c.ClusterName, "endpoint": c.Endpoint, "location": pulumi.String(c.Location), "kubeconfig": c.Kubeconfig,
	})
}

// nodeServiceAccount is a dedicated node identity holding only nodeServiceAccountRoles.
//
// Its id is not Pulumi's to pick (the provider requires accountId), and a fixed one
// (<stack>-<name>-nodes) collides when a second checkout creates the same stack in the
// project (issue 11, item 2). It takes a suffix from the network's name, which Pulumi
// auto-names anew on every creation (pulumi-random, the usual way, is not available
// from the module proxy); the network is created first anyway.
func nodeServiceAccount(ctx *pulumi.Context, name string, s *spec.Spec, net *network.GcpNetwork, parent pulumi.ResourceOption) (*serviceaccount.Account, []pulumi.Resource, error) {
	sa, err := serviceaccount.NewAccount(ctx, name+"-nodes", &serviceaccount.AccountArgs{
		AccountId: net.NetworkName.ApplyT(func(seed string) string {
			return gcpname.Unique(30, seed, ctx.Stack(), name, "nodes")
		}).(pulumi.StringOutput),
		DisplayName: pulumi.Sprintf("GKE nodes of %s/%s", ctx.Stack(), name),
		Project:     pulumi.String(s.Project),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	var members []pulumi.Resource
	for _, role := range nodeServiceAccountRoles {
		short := strings.TrimPrefix(role, "roles/")
		m, err := projects.NewIAMMember(ctx, name+"-nodes-"+short, &projects.IAMMemberArgs{
			Project: pulumi.String(s.Project), Role: pulumi.String(role), Member: sa.Member,
		}, parent)
		if err != nil {
			return nil, nil, err
		}
		members = append(members, m)
	}
	return sa, members, nil
}

// secretsKey is the key ring and the rotating key that wrap the cluster's secrets, and
// the grant that lets the GKE service agent use the key. The ring sits in the cluster's
// region (GKE wants the key where the cluster is; a zonal cluster's region). Key rings
// and keys cannot be deleted in Cloud KMS (destroy drops them from the state and
// destroys the key's versions), so their names must never repeat: Pulumi auto-names both,
// anew on every creation (issue 11, item 2). The key is protected like the cluster: its
// loss makes every secret unreadable.
func secretsKey(ctx *pulumi.Context, name string, s *spec.Spec, projectNumber string, parent pulumi.ResourceOption) (*kms.CryptoKey, pulumi.Resource, error) {
	ring, err := kms.NewKeyRing(ctx, name+"-secrets", &kms.KeyRingArgs{
		Project: pulumi.String(s.Project), Location: pulumi.String(s.Region),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	key, err := kms.NewCryptoKey(ctx, name+"-secrets", &kms.CryptoKeyArgs{
		KeyRing: ring.ID(), Purpose: pulumi.String("ENCRYPT_DECRYPT"), RotationPeriod: pulumi.String(secretsKeyRotation),
	}, parent, pulumi.Protect(s.DeletionProtection))
	if err != nil {
		return nil, nil, err
	}
	grant, err := kms.NewCryptoKeyIAMMember(ctx, name+"-secrets-gke", &kms.CryptoKeyIAMMemberArgs{
		CryptoKeyId: key.ID(), Role: pulumi.String(gkeKeyRole),
		Member: pulumi.String("serviceAccount:" + GkeServiceAgent(projectNumber)),
	}, parent)
	return key, grant, err
}

// gkeControlPlane is the cluster itself, with its default node pool removed. deps (the
// node account's roles, the service agent's key grant) come first: GKE checks the key at
// creation.
func gkeControlPlane(ctx *pulumi.Context, name, location string, s *spec.Spec, net *network.GcpNetwork,
	sa *serviceaccount.Account, key *kms.CryptoKey, deps []pulumi.Resource, parent pulumi.ResourceOption) (*container.Cluster, error) {
	authorized := container.ClusterMasterAuthorizedNetworksConfigCidrBlockArray{}
	for _, cidr := range s.AdminCidrs {
		authorized = append(authorized, container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs{
			CidrBlock: pulumi.String(cidr), DisplayName: pulumi.String("admin " + cidr),
		})
	}
	return container.NewCluster(ctx, name, &container.ClusterArgs{
		Location: pulumi.String(location), Project: pulumi.String(s.Project),
		NodeLocations: clusterNodeLocations(location, net.Zones),
		// The default pool cannot be managed separately; the node pool below replaces it.
		// While it exists it runs as the dedicated node account, never the Compute
		// Engine default (Editor), which org policies often disable.
		RemoveDefaultNodePool: pulumi.Bool(true), InitialNodeCount: pulumi.Int(1),
		NodeConfig: container.ClusterNodeConfigArgs{
			ServiceAccount: sa.Email,
			OauthScopes:    pulumi.ToStringArray([]string{cloudPlatformScope}),
			ShieldedInstanceConfig: container.ClusterNodeConfigShieldedInstanceConfigArgs{
				EnableSecureBoot: pulumi.Bool(true), EnableIntegrityMonitoring: pulumi.Bool(true),
			},
			WorkloadMetadataConfig: container.ClusterNodeConfigWorkloadMetadataConfigArgs{Mode: pulumi.String("GKE_METADATA")},
		},
		Network: net.NetworkID, Subnetwork: net.SubnetworkID, NetworkingMode: pulumi.String("VPC_NATIVE"),
		IpAllocationPolicy: container.ClusterIpAllocationPolicyArgs{
			ClusterSecondaryRangeName: pulumi.String(network.PodsRangeName), ServicesSecondaryRangeName: pulumi.String(network.ServicesRangeName),
		},
		PrivateClusterConfig: privateClusterConfig(s),
		// The API answers only adminCidrs (and the cluster's own ranges), never the
		// whole of Google Cloud's public addresses.
		MasterAuthorizedNetworksConfig: container.ClusterMasterAuthorizedNetworksConfigArgs{
			CidrBlocks: authorized, GcpPublicCidrsAccessEnabled: pulumi.Bool(false),
		},
		// A minimum: the REGULAR channel upgrades the control plane past it without drift.
		MinMasterVersion: pulumi.String(s.KubernetesVersion),
		ReleaseChannel:   container.ClusterReleaseChannelArgs{Channel: pulumi.String(GkeReleaseChannel)},
		WorkloadIdentityConfig: container.ClusterWorkloadIdentityConfigArgs{
			WorkloadPool: pulumi.String(s.Project + ".svc.id.goog"),
		},
		// Dataplane V2 enforces NetworkPolicy with eBPF.
		DatapathProvider:    pulumi.String("ADVANCED_DATAPATH"),
		EnableShieldedNodes: pulumi.Bool(true),
		EnableLegacyAbac:    pulumi.Bool(false),
		MasterAuth: container.ClusterMasterAuthArgs{
			ClientCertificateConfig: container.ClusterMasterAuthClientCertificateConfigArgs{IssueClientCertificate: pulumi.Bool(false)},
		},
		// Application-layer secrets encryption with the key above (CIS GKE 5.3.1).
		DatabaseEncryption: container.ClusterDatabaseEncryptionArgs{State: pulumi.String("ENCRYPTED"), KeyName: key.ID()},
		DeletionProtection: pulumi.Bool(s.DeletionProtection),
	}, parent, pulumi.DependsOn(deps))
}

// clusterNodeLocations: a zonal cluster lists only its other zones (the provider refuses
// its own zone there); a regional one lists every zone it uses.
func clusterNodeLocations(location string, zones []string) pulumi.StringArrayInput {
	var out []string
	for _, z := range zones {
		if z != location {
			out = append(out, z)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return pulumi.ToStringArray(out)
}

// privateClusterConfig: private nodes need a /28 for the control plane's peering
// (provider v7: "master_ipv4_cidr_block must be set if enable_private_nodes is true");
// with public nodes the block is left out, as the provider recommends.
func privateClusterConfig(s *spec.Spec) container.ClusterPrivateClusterConfigPtrInput {
	if !s.Network.PrivateNodes {
		return nil
	}
	return container.ClusterPrivateClusterConfigArgs{
		EnablePrivateNodes:    pulumi.Bool(true),
		EnablePrivateEndpoint: pulumi.Bool(!s.Endpoint.Public),
		MasterIpv4CidrBlock:   pulumi.String(s.NetworkLayout().Master.String()),
	}
}

// gkeNodePool is the workers: autoscaled between workers.min and workers.max in total.
func gkeNodePool(ctx *pulumi.Context, name, location string, s *spec.Spec, net *network.GcpNetwork,
	cluster *container.Cluster, sa *serviceaccount.Account, roles []pulumi.Resource, parent pulumi.ResourceOption) error {
	_, err := container.NewNodePool(ctx, name+"-workers", &container.NodePoolArgs{
		// No fixed name: a machine-type change replaces the pool create-before-delete.
		Cluster: cluster.ID(), Location: pulumi.String(location), Project: pulumi.String(s.Project),
		NodeLocations: pulumi.ToStringArray(net.Zones),
		// GKE counts nodes per zone; the spec counts totals (validation keeps it divisible).
		InitialNodeCount: pulumi.Int(s.Workers.Count / len(net.Zones)),
		Autoscaling: container.NodePoolAutoscalingArgs{
			TotalMinNodeCount: pulumi.Int(s.Workers.Min), TotalMaxNodeCount: pulumi.Int(s.Workers.Max),
			LocationPolicy: pulumi.String("BALANCED"),
		},
		Management:      container.NodePoolManagementArgs{AutoRepair: pulumi.Bool(true), AutoUpgrade: pulumi.Bool(true)},
		UpgradeSettings: container.NodePoolUpgradeSettingsArgs{MaxSurge: pulumi.Int(1), MaxUnavailable: pulumi.Int(0)},
		NodeConfig: container.NodePoolNodeConfigArgs{
			MachineType: pulumi.String(s.Workers.MachineType),
			DiskSizeGb:  pulumi.Int(s.Workers.DiskGb), DiskType: pulumi.String("pd-balanced"),
			ImageType:      pulumi.String("COS_CONTAINERD"),
			ServiceAccount: sa.Email,
			OauthScopes:    pulumi.ToStringArray([]string{cloudPlatformScope}),
			ShieldedInstanceConfig: container.NodePoolNodeConfigShieldedInstanceConfigArgs{
				EnableSecureBoot: pulumi.Bool(true), EnableIntegrityMonitoring: pulumi.Bool(true),
			},
			// Pods see the GKE metadata server (workload identity), not the node's.
			WorkloadMetadataConfig: container.NodePoolNodeConfigWorkloadMetadataConfigArgs{Mode: pulumi.String("GKE_METADATA")},
			Metadata:               pulumi.StringMap{"disable-legacy-endpoints": pulumi.String("true")},
		},
	}, parent, pulumi.DependsOn(roles),
		// The autoscaler owns the size after creation; changing the initial count must not
		// recreate the pool.
		pulumi.IgnoreChanges([]string{"initialNodeCount"}))
	return err
}
