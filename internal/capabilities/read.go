package capabilities

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/components/nodegroup"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/scripts"
)

// Type tokens read here.
const (
	eksClusterType      = "aws:eks/cluster:Cluster"
	eksNodeGroupType    = "aws:eks/nodeGroup:NodeGroup"
	eksAddonType        = "aws:eks/addon:Addon"
	eksAccessType       = "aws:eks/accessEntry:AccessEntry"
	eksAccessPolicyType = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
	oidcProviderType    = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	kmsKeyType          = "aws:kms/key:Key"
	logGroupType        = "aws:cloudwatch/logGroup:LogGroup"
	flowLogType         = "aws:ec2/flowLog:FlowLog"
	gkeClusterType      = "gcp:container/cluster:Cluster"
	gkeNodePoolType     = "gcp:container/nodePool:NodePool"
	gcpCryptoKeyType    = "gcp:kms/cryptoKey:CryptoKey"
	launchTemplate      = "aws:ec2/launchTemplate:LaunchTemplate"
	instanceTemplate    = "gcp:compute/instanceTemplate:InstanceTemplate"
	asgType             = "aws:autoscaling/group:Group"
	asgPolicyType       = "aws:autoscaling/policy:Policy"
	zonalMIGType        = "gcp:compute/instanceGroupManager:InstanceGroupManager"
	regionalMIGType     = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"
	autoscalerType      = "gcp:compute/autoscaler:Autoscaler"
	regionAutoscaler    = "gcp:compute/regionAutoscaler:RegionAutoscaler"
	awsLBType           = "aws:lb/loadBalancer:LoadBalancer"
	awsListenerType     = "aws:lb/listener:Listener"
	gcpForwardingRule   = "gcp:compute/forwardingRule:ForwardingRule"
	gcpFirewallType     = "gcp:compute/firewall:Firewall"
	subnetType          = "aws:ec2/subnet:Subnet"
	gcpSubnetType       = "gcp:compute/subnetwork:Subnetwork"
	ebsVolumeType       = "aws:ebs/volume:Volume"
	gcpDiskType         = "gcp:compute/disk:Disk"
	gcpIAMMemberType    = "gcp:projects/iAMMember:IAMMember"
)

// Which bootstrap the nodes run (scripts.Identify).
const (
	kubernetesBootstrap = scripts.Kubernetes
	swarmBootstrap      = scripts.Swarm
)

// stack is what this package reads from one inventory, once.
type stack struct {
	inv *inventory.Inventory
	s   *spec.Spec
	cal *kubeversion.Calendar

	eks, gke *inventory.Resource
	// bootstrap is the script the self-managed and Swarm nodes run ("" when none or not
	// one of the embedded bootstraps); settings are its rendered settings per role.
	bootstrap string
	settings  map[string]map[string]string // role (CB_ROLE) → settings of its first template
	// workerGroups are the ASGs and MIGs of workers; members those of the control plane.
	workerGroups, memberGroups []inventory.Resource
	workerZones                map[string]int
}

func read(inv *inventory.Inventory, s *spec.Spec, cal *kubeversion.Calendar) *stack {
	st := &stack{inv: inv, s: s, cal: cal, settings: map[string]map[string]string{}}
	if r, ok := first(inv, eksClusterType); ok {
		st.eks = &r
	}
	if r, ok := first(inv, gkeClusterType); ok {
		st.gke = &r
	}
	for _, r := range inv.Custom() {
		var script string
		switch r.Type {
		case launchTemplate:
			script, _ = nodegroup.DecodeAwsUserData(r.String("userData"))
		case instanceTemplate:
			script = r.String("metadataStartupScript")
		default:
			continue
		}
		name, settings := scripts.Identify(script)
		if name == "" {
			continue
		}
		st.bootstrap = name
		if _, seen := st.settings[settings["CB_ROLE"]]; !seen {
			st.settings[settings["CB_ROLE"]] = settings
		}
	}
	for _, r := range inv.Custom() {
		switch r.Type {
		case asgType, zonalMIGType, regionalMIGType:
			if roleOf(r) == faulttolerance.RoleControlPlane {
				st.memberGroups = append(st.memberGroups, r)
			} else {
				st.workerGroups = append(st.workerGroups, r)
			}
		}
	}
	st.workerZones = faulttolerance.WorkerZones(inv)
	return st
}

// setting reads a bootstrap setting of the first role that has it.
func (st *stack) setting(name string, roles ...string) string {
	for _, role := range roles {
		if v, ok := st.settings[role][name]; ok {
			return v
		}
	}
	return ""
}

func first(inv *inventory.Inventory, typ string) (inventory.Resource, bool) {
	rs := inv.OfType(typ)
	if len(rs) == 0 {
		return inventory.Resource{}, false
	}
	return rs[0], true
}

// roleOf reads the clusterbench role of a group (AWS tag list or GCE labels).
func roleOf(r inventory.Resource) string {
	for _, t := range r.List("tags") {
		if m, ok := t.(map[string]any); ok && m["key"] == faulttolerance.RoleTagAWS {
			s, _ := m["value"].(string)
			return s
		}
	}
	if v := r.String("allInstancesConfig.labels." + faulttolerance.RoleLabelGCP); v != "" {
		return v
	}
	return ""
}

// gcpName is the name a GCP resource is known by in URLs: its name input, else its
// logical name (the mock's auto-name).
func gcpName(r inventory.Resource) string {
	if n := r.String("name"); n != "" {
		return n
	}
	return r.Name
}

// refersTo tells whether a reference (an id, an ARN, a URL) names r: its provider id,
// or a last path segment equal to its name (ARNs and self links end in the name).
func refersTo(ref string, r inventory.Resource) bool {
	if ref == "" {
		return false
	}
	if r.ID != "" && ref == r.ID {
		return true
	}
	last := ref[strings.LastIndexAny(ref, "/:")+1:]
	return last == gcpName(r) || last == r.Name
}

// addon finds an EKS add-on by name.
func (st *stack) addon(name string) (inventory.Resource, bool) {
	for _, r := range st.inv.OfType(eksAddonType) {
		if r.String("addonName") == name {
			return r, true
		}
	}
	return inventory.Resource{}, false
}

// zoneCount is how many zones the workers run in.
func (st *stack) zoneCount() int {
	n := 0
	for z, c := range st.workerZones {
		if c > 0 && z != "unknown" {
			n++
		}
	}
	return n
}

// workerBounds are the worker groups' summed min, desired and max.
func (st *stack) workerBounds() (lo, desired, hi int) {
	for _, g := range st.workerGroups {
		switch g.Type {
		case asgType:
			lo += num(g, "minSize")
			desired += num(g, "desiredCapacity")
			hi += num(g, "maxSize")
		default:
			n := num(g, "targetSize")
			desired += n
			if a, ok := st.migAutoscaler(g); ok {
				lo += num(a, "autoscalingPolicy.minReplicas")
				hi += num(a, "autoscalingPolicy.maxReplicas")
			} else {
				lo += n
				hi += n
			}
		}
	}
	return lo, desired, hi
}

// migAutoscaler finds the autoscaler whose target is a MIG.
func (st *stack) migAutoscaler(mig inventory.Resource) (inventory.Resource, bool) {
	for _, typ := range []string{regionAutoscaler, autoscalerType} {
		for _, a := range st.inv.OfType(typ) {
			if st.links(a, "target", mig) {
				return a, true
			}
		}
	}
	return inventory.Resource{}, false
}

// asgPolicies are the scaling policies attached to an ASG.
func (st *stack) asgPolicies(asg inventory.Resource) []inventory.Resource {
	var out []inventory.Resource
	for _, p := range st.inv.OfType(asgPolicyType) {
		if st.links(p, "autoscalingGroupName", asg) {
			out = append(out, p)
		}
	}
	return out
}

// links tells whether input prop of from refers to to: through the input's recorded
// property dependencies when there are some (a preview and the harness record them; a
// preview's value may be unknown), else by the reference's text: an id, an ARN or URL
// ending in to's name, or in the name a provider picked for it (an inventory recorded
// without dependencies).
func (st *stack) links(from inventory.Resource, prop string, to inventory.Resource) bool {
	top, _, _ := strings.Cut(prop, ".")
	if deps := from.Dependencies[top]; len(deps) > 0 {
		return to.URN != "" && slices.Contains(deps, to.URN)
	}
	ref := from.String(prop)
	if refersTo(ref, to) {
		return true
	}
	// A picked name is matched by its form, so the resource must also be one from waits
	// for when the inventory records that (two groups of one name in two components).
	if len(from.DependsOn) > 0 && !slices.Contains(from.DependsOn, to.URN) {
		return false
	}
	return pickedName(ref[strings.LastIndexAny(ref, "/:")+1:], to)
}

var (
	// autoName is Pulumi's auto-name suffix: a hyphen and 7 random hex digits.
	autoName = regexp.MustCompile(`^-[0-9a-f]{7}$`)
	// uniqueSuffix is the Terraform providers' name-prefix suffix: a timestamp to the
	// ten-thousandth of a second and an 8-hex-digit counter.
	uniqueSuffix = regexp.MustCompile(`^[0-9]{18}[0-9a-f]{8}$`)
)

// pickedName tells whether name is one a provider picks for r, whose inputs set no name
// (under the mock harness the inventory records the inputs, not the name picked): its
// namePrefix and the unique suffix, else its logical name and the auto-name suffix.
func pickedName(name string, r inventory.Resource) bool {
	if r.String("name") != "" {
		return false
	}
	if prefix := r.String("namePrefix"); prefix != "" {
		rest, ok := strings.CutPrefix(name, prefix)
		return ok && uniqueSuffix.MatchString(rest)
	}
	rest, ok := strings.CutPrefix(name, r.Name)
	return ok && autoName.MatchString(rest)
}

func num(r inventory.Resource, path string) int {
	n, _ := r.Number(path)
	return int(n)
}

// zonesText says over how many zones the workers run.
func (st *stack) zonesText() string {
	return plural(st.zoneCount(), "zone", "zones")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// bounds formats min–max (desired).
func bounds(lo, desired, hi int) string {
	if lo == hi {
		return fmt.Sprintf("fixed at %d", desired)
	}
	return fmt.Sprintf("%d–%d (now %d)", lo, hi, desired)
}

// storeName is where a bootstrap keeps its keys, from its CB_STORE setting.
func storeName(store string) string {
	switch store {
	case "ssm":
		return "SSM Parameter Store (SecureString)"
	case "gcp-secret":
		return "Secret Manager"
	case "dir":
		return "a local directory"
	}
	return "an unknown store " + store
}

// sortedStrings is a list input as sorted strings.
func sortedStrings(l []any) []string {
	out := make([]string, 0, len(l))
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}
