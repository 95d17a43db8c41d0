package selfmanaged_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/network"
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	launchTemplate   = "aws:ec2/launchTemplate:LaunchTemplate"
	autoscalingGroup = "aws:autoscaling/group:Group"
	ebsVolume        = "aws:ebs/volume:Volume"
	awsSubnet        = "aws:ec2/subnet:Subnet"
	instanceTemplate = "gcp:compute/instanceTemplate:InstanceTemplate"
	zonalGroup       = "gcp:compute/instanceGroupManager:InstanceGroupManager"
	regionalGroup    = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"
	gcpDisk          = "gcp:compute/disk:Disk"
)

// The shipped stacks build exactly these resources (3 members over 3 zones, private
// nodes, NAT per zone); every resource has a component parent.
func TestShippedStackCounts(t *testing.T) {
	cases := []struct {
		stack     string
		component string
		net       string
		want      map[string]int
	}{
		{"kops-aws", selfmanaged.AwsClusterType, network.AwsNetworkType, map[string]int{
			// network
			"aws:ec2/vpc:Vpc": 1, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1, "aws:ec2/internetGateway:InternetGateway": 1,
			"aws:ec2/subnet:Subnet": 6, "aws:ec2/routeTable:RouteTable": 4, "aws:ec2/route:Route": 4,
			"aws:ec2/routeTableAssociation:RouteTableAssociation": 6, "aws:ec2/eip:Eip": 3, "aws:ec2/natGateway:NatGateway": 3,
			// firewall: 3 groups; ingress 1 cp↔cp + 3 node→cp TCP + UDP + IPIP + LB→cp, 2 to nodes,
			// 3 to the LB (1 admin CIDR, cp, nodes), 2 SSH; egress 2 + LB → cp
			"aws:ec2/securityGroup:SecurityGroup": 3, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 14,
			"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 3,
			// snapshots
			"aws:s3/bucketV2:BucketV2": 1, "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
			"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     1,
			"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": 1,
			"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               1, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": 1,
			"aws:s3/bucketPolicy:BucketPolicy": 1,
			// API
			"aws:lb/loadBalancer:LoadBalancer": 1, "aws:lb/targetGroup:TargetGroup": 1, "aws:lb/listener:Listener": 1,
			// IAM
			"aws:iam/role:Role": 2, "aws:iam/rolePolicy:RolePolicy": 2, "aws:iam/instanceProfile:InstanceProfile": 2,
			// members and workers
			ebsVolume: 3, launchTemplate: 4, autoscalingGroup: 4,
		}},
		{"kops-gcp", selfmanaged.GcpClusterType, network.GcpNetworkType, map[string]int{
			"gcp:compute/network:Network": 1, "gcp:compute/subnetwork:Subnetwork": 1, "gcp:compute/router:Router": 1,
			"gcp:compute/routerNat:RouterNat": 1,
			// 2 from the network, 7 of the cluster
			"gcp:compute/firewall:Firewall": 9,
			// 2 accounts × 2 roles; the members' secret creator role and their 2 grants on the lock
			"gcp:serviceaccount/account:Account": 2, "gcp:projects/iAMMember:IAMMember": 7, "gcp:projects/iAMCustomRole:IAMCustomRole": 1,
			// 4 join-material keys, 3 etcd endpoints, the admin kubeconfig (no lock: the
			// election creates it); members read and add to each key and endpoint and add
			// the kubeconfig, workers read 2 keys
			"gcp:secretmanager/secret:Secret": 8, "gcp:secretmanager/secretIamMember:SecretIamMember": 17,
			"gcp:storage/bucket:Bucket": 1, "gcp:storage/bucketIAMMember:BucketIAMMember": 1,
			gcpDisk: 3, "gcp:compute/address:Address": 1, "gcp:compute/regionHealthCheck:RegionHealthCheck": 1,
			"gcp:compute/regionBackendService:RegionBackendService": 1, "gcp:compute/forwardingRule:ForwardingRule": 1,
			instanceTemplate: 4, zonalGroup: 3, regionalGroup: 1, "gcp:compute/regionAutoscaler:RegionAutoscaler": 1,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			inv := run(t, stack(t, tc.stack)).inv
			assert.Equal(t, tc.want, inventory.CountByType(inv.Custom()))
			assert.Equal(t, map[string]int{tc.component: 1, tc.net: 1}, inventory.CountByType(inv.Components()))
			for _, r := range inv.Custom() {
				assert.Contains(t, []string{tc.component, tc.net}, r.Parent, "%s has a component parent", r.Name)
			}
		})
	}
}

// memberPlacement is what a run says about members: the zone of each member's group, the
// zones of its etcd volumes, and how many groups and volumes there are.
type memberPlacement struct {
	groupZone   map[string][]string // member → zones of its group
	volumeZones map[string][]string // member → zones of its etcd volumes
	groups      int                 // control-plane groups
	workers     int                 // worker groups
}

func awsPlacement(t *testing.T, inv *inventory.Inventory) memberPlacement {
	subnetZone := map[string]string{}
	for _, sn := range inv.OfType(awsSubnet) {
		subnetZone[sn.ID] = sn.String("availabilityZone")
	}
	p := memberPlacement{groupZone: map[string][]string{}, volumeZones: map[string][]string{}}
	for _, g := range inv.OfType(autoscalingGroup) {
		tags := asgTags(g)
		if tags[nodegroup.RoleTagAWS] != nodegroup.RoleControlPlane {
			p.workers++
			continue
		}
		p.groups++
		assert.Equal(t, 1.0, num(g, "minSize"))
		assert.Equal(t, 1.0, num(g, "desiredCapacity"))
		assert.Equal(t, 1.0, num(g, "maxSize"))
		member := tags["clusterbench/etcd-member"]
		require.NotEmpty(t, member, g.Name)
		for _, id := range g.List("vpcZoneIdentifiers") {
			p.groupZone[member] = append(p.groupZone[member], subnetZone[id.(string)])
		}
	}
	for _, v := range inv.OfType(ebsVolume) {
		member := v.String("tags.clusterbench/etcd-member")
		p.volumeZones[member] = append(p.volumeZones[member], v.String("availabilityZone"))
	}
	return p
}

func gcpPlacement(t *testing.T, inv *inventory.Inventory) memberPlacement {
	p := memberPlacement{groupZone: map[string][]string{}, volumeZones: map[string][]string{}}
	p.workers = len(inv.OfType(regionalGroup))
	for _, g := range inv.OfType(zonalGroup) {
		if g.Name == "cluster-workers" {
			p.workers++
			continue
		}
		p.groups++
		assert.Equal(t, 1.0, num(g, "targetSize"))
		member := strings.TrimPrefix(g.Name, "cluster-")
		p.groupZone[member] = append(p.groupZone[member], g.String("zone"))
	}
	diskMember := map[string]string{}
	for _, d := range inv.OfType(gcpDisk) {
		assert.Equal(t, "pd-ssd", d.String("type"))
		member := d.String("labels.clusterbench-etcd-member")
		diskMember[d.String("name")] = member
		p.volumeZones[member] = append(p.volumeZones[member], d.String("zone"))
	}
	// The group attaches its member's disks, and only those.
	for _, tpl := range inv.OfType(instanceTemplate) {
		member := tpl.String("labels.clusterbench-etcd-member")
		if tpl.String("labels."+nodegroup.RoleLabelGCP) != nodegroup.RoleControlPlane {
			assert.Len(t, tpl.List("disks"), 1, "a worker has its boot disk only")
			continue
		}
		require.NotEmpty(t, member, tpl.Name)
		require.Len(t, tpl.List("disks"), 1+len(selfmanaged.EtcdVolumes))
		for i := range selfmanaged.EtcdVolumes {
			assert.Equal(t, member, diskMember[tpl.String(fmt.Sprintf("disks.%d.source", i+1))], tpl.Name)
		}
	}
	return p
}

// Members 1, 3, 5 over 1–3 zones on both clouds: one group of exactly one per member, in
// one zone, spread round-robin (no zone holds more than one member above another); two
// etcd volumes per member, in its zone; one worker group.
func TestMembersArePlacedOnePerGroupAndSpreadEvenly(t *testing.T) {
	for _, cloud := range []struct {
		stack     string
		placement func(*testing.T, *inventory.Inventory) memberPlacement
	}{{"kops-aws", awsPlacement}, {"kops-gcp", gcpPlacement}} {
		for _, members := range []int{1, 3, 5} {
			for zones := 1; zones <= 3; zones++ {
				t.Run(fmt.Sprintf("%s/%d members over %d zones", cloud.stack, members, zones), func(t *testing.T) {
					p := cloud.placement(t, run(t, sized(t, cloud.stack, members, zones)).inv)
					assert.Equal(t, members, p.groups, "one group per member")
					assert.Equal(t, 1, p.workers, "one worker group")
					perZone := map[string]int{}
					for member, zs := range p.groupZone {
						require.Len(t, zs, 1, "%s is pinned to one zone", member)
						perZone[zs[0]]++
						assert.Len(t, p.volumeZones[member], len(selfmanaged.EtcdVolumes), "%s has its etcd volumes", member)
						for _, vz := range p.volumeZones[member] {
							assert.Equal(t, zs[0], vz, "%s's etcd volume is in its zone", member)
						}
					}
					assert.Len(t, perZone, min(members, zones), "members use every zone they can")
					lo, hi := members, 0
					for _, n := range perZone {
						lo, hi = min(lo, n), max(hi, n)
					}
					assert.LessOrEqual(t, hi-lo, 1, "spread evenly: %v", perZone)
					assert.Len(t, p.volumeZones, members, "no volume without a member")
				})
			}
		}
	}
}

// Members is round-robin in member order (3 over 3 is 1-1-1, 5 over 3 is 2-2-1).
func TestMembersRoundRobin(t *testing.T) {
	ms := selfmanaged.Members(5, []string{"a", "b", "c"})
	var zones []string
	for _, m := range ms {
		zones = append(zones, m.Zone)
	}
	assert.Equal(t, []string{"a", "b", "c", "a", "b"}, zones)
	assert.Equal(t, "control-plane-4", ms[4].Name)
}

// The exports name everything an operator needs; the kubeconfig is fetched, not exported.
func TestExports(t *testing.T) {
	cases := []struct {
		stack, network, endpoint, storePath, fetch string
	}{
		{"kops-aws", "vpcId", "cluster-api" + awsLBSuffix + ":6443", awsStorePath,
			"aws ssm get-parameter --region us-east-1 --name " + awsStorePath + "/admin-kubeconfig --with-decryption"},
		{"kops-gcp", "networkId", gcpAPIAddress + ":6443", gcpStorePath,
			"gcloud secrets versions access latest --project clusterbench-demo --secret " + gcpStorePath + "-admin-kubeconfig"},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			ex := run(t, stack(t, tc.stack)).exports
			assert.NotEmpty(t, ex[tc.network])
			assert.Len(t, ex["zones"], 3)
			assert.Equal(t, tc.endpoint, ex["apiEndpoint"])
			assert.Len(t, ex["controlPlaneGroups"], 3)
			assert.NotEmpty(t, ex["workerGroup"])
			assert.NotEmpty(t, ex["snapshotBucket"])
			assert.Equal(t, tc.storePath, ex["storePath"])
			assert.Contains(t, ex["kubeconfigCommand"], tc.fetch)
			assert.NotContains(t, ex, "kubeconfig", "kubeadm makes it at boot: no deploy-time value exists")
		})
	}
}

// The API load balancer is internal (self-managed nodes are private: validation refuses
// public ones) and keeps deletion protection as the spec says.
func TestAPILoadBalancerFollowsTheSpec(t *testing.T) {
	for _, protect := range []bool{true, false} {
		over := []string{"clusterbench:deletionProtection", fmt.Sprint(protect)}
		t.Run(fmt.Sprintf("protect=%v", protect), func(t *testing.T) {
			aws := run(t, stack(t, "kops-aws", over...)).inv
			nlb := aws.OfType("aws:lb/loadBalancer:LoadBalancer")[0]
			assert.True(t, nlb.Bool("internal"))
			assert.Equal(t, "network", nlb.String("loadBalancerType"))
			assert.Equal(t, protect, nlb.Bool("enableDeletionProtection"))
			assert.Len(t, nlb.List("securityGroups"), 1, "the listener is reachable only as its security group allows")
			tg := aws.OfType("aws:lb/targetGroup:TargetGroup")[0]
			assert.Equal(t, 6443.0, num(tg, "port"))
			assert.Equal(t, "TCP", tg.String("healthCheck.protocol"))
			for _, g := range aws.OfType(autoscalingGroup) {
				registered := len(g.List("targetGroupArns")) == 1
				assert.Equal(t, asgTags(g)[nodegroup.RoleTagAWS] == nodegroup.RoleControlPlane, registered, "only members register: %s", g.Name)
			}

			gcp := run(t, stack(t, "kops-gcp", over...)).inv
			rule := gcp.OfType("gcp:compute/forwardingRule:ForwardingRule")[0]
			want := "INTERNAL"
			assert.Equal(t, want, rule.String("loadBalancingScheme"))
			assert.Equal(t, []any{"6443"}, rule.List("ports"))
			assert.Equal(t, protect, rule.Protect)
			assert.Len(t, gcp.OfType("gcp:compute/regionBackendService:RegionBackendService")[0].List("backends"), 3, "one backend per member group")
			assert.Equal(t, 6443.0, num(gcp.OfType("gcp:compute/regionHealthCheck:RegionHealthCheck")[0], "tcpHealthCheck.port"))
		})
	}
}

// The snapshot buckets are private, encrypted, versioned and expiring.
func TestSnapshotBuckets(t *testing.T) {
	aws := run(t, stack(t, "kops-aws")).inv
	pab := aws.OfType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0]
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.True(t, pab.Bool(k), k)
	}
	assert.Equal(t, "Enabled", aws.OfType("aws:s3/bucketVersioningV2:BucketVersioningV2")[0].String("versioningConfiguration.status"))
	assert.Equal(t, "AES256", aws.OfType("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")[0].
		String("rules.0.applyServerSideEncryptionByDefault.sseAlgorithm"))
	assert.Equal(t, "BucketOwnerEnforced", aws.OfType("aws:s3/bucketOwnershipControls:BucketOwnershipControls")[0].String("rule.objectOwnership"))
	life := aws.OfType("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")[0]
	assert.Equal(t, 30.0, num(life, "rules.0.expiration.days"))

	gcs := run(t, stack(t, "kops-gcp")).inv.OfType("gcp:storage/bucket:Bucket")[0]
	assert.True(t, gcs.Bool("uniformBucketLevelAccess"))
	assert.Equal(t, "enforced", gcs.String("publicAccessPrevention"))
	assert.True(t, gcs.Bool("versioning.enabled"))
	assert.Len(t, gcs.List("lifecycleRules"), 2)
}

func asgTags(g inventory.Resource) map[string]string {
	out := map[string]string{}
	for _, t := range g.List("tags") {
		m := t.(map[string]any)
		out[m["key"].(string)] = m["value"].(string)
	}
	return out
}

func num(r inventory.Resource, path string) float64 {
	n, _ := r.Number(path)
	return n
}

// etcd membership is 1, 3 or 5: the spec refuses any other count before a resource exists.
func TestMemberCountsOtherThanOneThreeFiveAreRefused(t *testing.T) {
	for _, name := range []string{"kops-aws", "kops-gcp"} {
		for _, members := range []int{2, 4, 7} {
			t.Run(fmt.Sprintf("%s/%d", name, members), func(t *testing.T) {
				res, err := harness.Run(sized(t, name, members, 3), program.Run)
				require.Error(t, err)
				assert.Contains(t, err.Error(), "controlPlane.count")
				assert.Empty(t, res.Inventory.Resources, "nothing is registered")
			})
		}
	}
}
