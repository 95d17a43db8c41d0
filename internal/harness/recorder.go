// Package harness runs the real Pulumi program under the Pulumi mock engine and records
// every resource it registers: the unit tests of the components and `clusterbench
// compare` both evaluate stacks through it.
package harness

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Recorder is a pulumi.MockResourceMonitor that records every registration and answers
// invokes from the shared fixture.
type Recorder struct {
	project, stack string
	regions        map[string]string // cloud → region, to shape answers and outputs
	gcpProject     string
	// creation stands for one `pulumi up` that creates the resources: the names a
	// provider picks (auto-names, name prefixes) depend on it, as a real provider's
	// random suffixes differ from one creation to the next. See physicalName.
	creation string
	// invokes override the fixture's answers, by token (tests of other identities).
	invokes map[string]map[string]any

	mu        sync.Mutex
	resources []inventory.Resource
	types     map[string]string // URN → type token, to name parents
}

// NewRecorder returns a recorder for one stack.
func NewRecorder(project, stack string, regions map[string]string, gcpProject string) *Recorder {
	return &Recorder{project: project, stack: stack, regions: regions, gcpProject: gcpProject, types: map[string]string{}}
}

// ForCreation sets the creation the recorder stands for (see Options.Creation).
func (r *Recorder) ForCreation(creation string) *Recorder {
	r.creation = creation
	return r
}

// Call answers an invoke.
func (r *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if a, ok := r.invokes[args.Token]; ok {
		return resource.NewPropertyMapFromMap(a), nil
	}
	return answer(args.Token, args.Args, r.regions)
}

// NewResource records a registration and returns the inputs plus the computed outputs a
// real provider would add.
func (r *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	parentURN, ignore, protect, deps := "", []string(nil), false, []string(nil)
	var propDeps map[string][]string
	if rpc := args.RegisterRPC; rpc != nil {
		parentURN, ignore, protect, deps = rpc.GetParent(), rpc.GetIgnoreChanges(), rpc.GetProtect(), rpc.GetDependencies()
		propDeps = propertyDependencies(rpc.GetPropertyDependencies())
	}
	urn := r.urn(parentURN, args.TypeToken, args.Name)
	id := ""
	if args.Custom {
		id = r.providerID(args.TypeToken, args.Name, args.Inputs)
	}
	r.mu.Lock()
	r.types[urn] = args.TypeToken
	parentType := r.types[parentURN]
	r.resources = append(r.resources, inventory.Resource{
		URN: urn, ID: id, Type: args.TypeToken, Name: args.Name,
		ParentURN: parentURN, Parent: parentType, Component: !args.Custom,
		Inputs: plainMap(args.Inputs), Dependencies: propDeps,
		IgnoreChanges: ignore, Protect: protect, DependsOn: deps,
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

// propertyDependencies are the URNs each input was computed from, as a preview's
// propertyDependencies record them: how one resource refers to another when the
// reference is a name or ARN the provider picks (auto-names are outputs, not inputs).
func propertyDependencies(in map[string]*pulumirpc.RegisterResourceRequest_PropertyDependencies) map[string][]string {
	var out map[string][]string
	for k, d := range in {
		if urns := d.GetUrns(); len(urns) > 0 {
			if out == nil {
				out = map[string][]string{}
			}
			out[k] = append([]string(nil), urns...)
		}
	}
	return out
}

// providerID is the id a provider gives a resource: "<name>-id" in the default creation,
// "<name>-<7 hex digits>-id" in another, or for the kinds whose id other resources quote
// in a fixed form (GKE checks a KMS key's resource name), that form.
func (r *Recorder) providerID(typ, name string, in resource.PropertyMap) string {
	str := func(key string) string {
		if v, ok := in[resource.PropertyKey(key)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	physical := str("name")
	if physical == "" {
		physical = r.physicalName(name, in)
	}
	switch typ {
	case "gcp:kms/keyRing:KeyRing":
		project := str("project")
		if project == "" {
			project = r.gcpProject
		}
		return fmt.Sprintf("projects/%s/locations/%s/keyRings/%s", project, str("location"), physical)
	case "gcp:kms/cryptoKey:CryptoKey":
		return str("keyRing") + "/cryptoKeys/" + physical
	}
	if r.creation != "" {
		// A provider assigns ids anew on every creation (a VPC is vpc-<17 hex digits>):
		// another creation, another id.
		return providerName(r.creation, name, "") + "-id"
	}
	return name + "-id"
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
		out["name"] = r.physicalName(name, in)
	case "gcp":
		physical := r.physicalName(name, in)
		out["name"] = physical
		out["selfLink"] = fmt.Sprintf("https://www.googleapis.com/compute/v1/projects/%s/%s/%s", r.gcpProject, gcpCollection(typ), physical)
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

// physicalName is the name a provider gives a resource whose inputs set none, as the
// real ones do: a `namePrefix` gets the Terraform providers' unique suffix (a timestamp
// to the ten-thousandth of a second and a counter, 26 characters: terraform-plugin-sdk
// helper/id.PrefixedUniqueId), anything else Pulumi's auto-name, the resource name, a
// hyphen and 7 random hex digits (pulumi sdk resource.NewUniqueHex). A real provider
// picks the suffix at random on every creation; here it is a hash of the creation and the
// resource, so one creation always records the same names (the engine rig's stand-ins
// compute the same ones) and another creation records other names. Names set in the
// inputs are kept (NewResource copies the inputs over these outputs).
func (r *Recorder) physicalName(name string, in resource.PropertyMap) string {
	prefix := ""
	if v, ok := in["namePrefix"]; ok && v.IsString() {
		prefix = v.StringValue()
	}
	return providerName(r.creation, name, prefix)
}

func providerName(creation, name, prefix string) string {
	sum := sha256.Sum256([]byte(creation + "\x00" + name))
	if prefix != "" {
		// 2026-01-01T00:00:00.0000 plus up to a day, then the counter.
		stamp := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(binary.BigEndian.Uint32(sum[:4])%86400) * time.Second)
		return fmt.Sprintf("%s%s%04d%08x", prefix, stamp.Format("20060102150405"), binary.BigEndian.Uint16(sum[4:6])%10000, 1+sum[6]%16)
	}
	return name + "-" + hex.EncodeToString(sum[:4])[:7]
}

// AutoName is the name the recorder gives a resource named name, with no name or
// namePrefix of its own, in the default creation: what tests expect it to be called.
func AutoName(name string) string { return providerName("", name, "") }

// PrefixedName is the name the recorder gives a resource named name with this
// namePrefix, in the default creation.
func PrefixedName(name, prefix string) string { return providerName("", name, prefix) }

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
