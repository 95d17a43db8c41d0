// Package harness runs the real Pulumi program under the Pulumi mock engine and records
// every resource it registers: the unit tests of the components and `clusterbench
// compare` both evaluate stacks through it.
package harness

import (
	"fmt"
	"strings"
	"sync"

	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Recorder is a pulumi.MockResourceMonitor that records every registration and answers
// invokes from the shared fixture.
type Recorder struct {
	project, stack string
	regions        map[string]string // cloud → region, to shape answers and outputs
	gcpProject     string

	mu        sync.Mutex
	resources []inventory.Resource
	types     map[string]string // URN → type token, to name parents
}

// NewRecorder returns a recorder for one stack.
func NewRecorder(project, stack string, regions map[string]string, gcpProject string) *Recorder {
	return &Recorder{project: project, stack: stack, regions: regions, gcpProject: gcpProject, types: map[string]string{}}
}

// Call answers an invoke.
func (r *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return answer(args.Token, r.regions)
}

// NewResource records a registration and returns the inputs plus the computed outputs a
// real provider would add.
func (r *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	parentURN, ignore, protect := "", []string(nil), false
	if rpc := args.RegisterRPC; rpc != nil {
		parentURN, ignore, protect = rpc.GetParent(), rpc.GetIgnoreChanges(), rpc.GetProtect()
	}
	urn := r.urn(parentURN, args.TypeToken, args.Name)
	id := ""
	if args.Custom {
		id = args.Name + "-id"
	}
	r.mu.Lock()
	r.types[urn] = args.TypeToken
	parentType := r.types[parentURN]
	r.resources = append(r.resources, inventory.Resource{
		URN: urn, ID: id, Type: args.TypeToken, Name: args.Name,
		ParentURN: parentURN, Parent: parentType, Component: !args.Custom,
		Inputs: plainMap(args.Inputs), IgnoreChanges: ignore, Protect: protect,
	})
	r.mu.Unlock()
	if !args.Custom {
		return "", resource.PropertyMap{}, nil
	}
	state := args.Inputs.Copy()
	for k, v := range r.computedOutputs(args.TypeToken, args.Name, args.Inputs) {
		if _, set := state[resource.PropertyKey(k)]; !set {
			state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
	return id, state, nil
}

// urn builds the URN exactly as the mock monitor does.
func (r *Recorder) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(r.stack), tokens.PackageName(r.project), parentType, tokens.Type(typ), name))
}

// Inventory returns what was recorded, in registration order. The stack's root resource
// is not registered through the mock monitor, so every top-level component has no parent.
func (r *Recorder) Inventory() *inventory.Inventory {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]inventory.Resource, len(r.resources))
	copy(out, r.resources)
	return &inventory.Inventory{Stack: r.stack, Resources: out}
}

// computedOutputs are the outputs a provider computes that the components read.
func (r *Recorder) computedOutputs(typ, name string, in resource.PropertyMap) map[string]any {
	cloud, _, _ := strings.Cut(typ, ":")
	region := r.regions[cloud]
	out := map[string]any{}
	switch cloud {
	case "aws":
		out["arn"] = fmt.Sprintf("arn:aws:%s:%s:123456789012:%s", awsService(typ), region, name)
		out["name"] = name
	case "gcp":
		out["name"] = name
		out["selfLink"] = fmt.Sprintf("https://www.googleapis.com/compute/v1/projects/%s/%s/%s", r.gcpProject, gcpCollection(typ), name)
	}
	switch typ {
	case "aws:eks/cluster:Cluster":
		out["endpoint"] = fmt.Sprintf("https://%s.gr7.%s.eks.amazonaws.com", strings.ToUpper(name), region)
		out["certificateAuthority"] = map[string]any{"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="}
		out["identities"] = []any{map[string]any{"oidcs": []any{map[string]any{
			"issuer": fmt.Sprintf("https://oidc.eks.%s.amazonaws.com/id/%s", region, strings.ToUpper(name)),
		}}}}
	case "gcp:container/cluster:Cluster":
		out["endpoint"] = "192.0.2.10"
		out["masterAuth"] = map[string]any{"clusterCaCertificate": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="}
	case "aws:lb/loadBalancer:LoadBalancer":
		out["dnsName"] = fmt.Sprintf("%s-0123456789abcdef.elb.%s.amazonaws.com", name, region)
	case "gcp:compute/address:Address", "gcp:compute/globalAddress:GlobalAddress":
		out["address"] = "192.0.2.20"
	case "gcp:compute/forwardingRule:ForwardingRule":
		out["ipAddress"] = "192.0.2.21"
	case "gcp:serviceaccount/account:Account":
		acct := name
		if v, ok := in["accountId"]; ok && v.IsString() {
			acct = v.StringValue()
		}
		email := fmt.Sprintf("%s@%s.iam.gserviceaccount.com", acct, r.gcpProject)
		out["email"] = email
		out["member"] = "serviceAccount:" + email
	}
	return out
}

// awsService is the ARN service of a type token ("aws:iam/role:Role" → "iam").
func awsService(typ string) string {
	_, rest, _ := strings.Cut(typ, ":")
	mod, _, _ := strings.Cut(rest, "/")
	return mod
}

// gcpCollection is a plausible self-link collection for a type token.
func gcpCollection(typ string) string {
	_, rest, _ := strings.Cut(typ, "/")
	kind, _, _ := strings.Cut(rest, ":")
	return kind + "s"
}
