package inventory_test

import (
	"os"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixtures: shared/ sits beside the checkout (as in CI).
const fixtures = "../../../shared/fixtures/"

func readDocument(t *testing.T, name string) *inventory.Document {
	t.Helper()
	f, err := os.Open(fixtures + name)
	if os.IsNotExist(err) {
		t.Skipf("fixture %s not present", name)
	}
	require.NoError(t, err)
	defer f.Close()
	doc, err := inventory.ReadPulumiDocument(f)
	require.NoError(t, err)
	return doc
}

// Both real documents describe the sample program: the stack, its component and 18
// provider resources (sample-program.go.txt); provider resources are not listed.
func TestRealDocumentsYieldTheSampleProgramsResources(t *testing.T) {
	for _, tc := range []struct{ file, format string }{
		{"pulumi-preview.json", "preview"},
		{"pulumi-export.json", "export"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			doc := readDocument(t, tc.file)
			assert.Equal(t, tc.format, doc.Format)
			inv := doc.Inventory
			assert.Equal(t, "sample", inv.Stack)
			assert.Len(t, inv.Resources, 20)
			assert.Len(t, inv.Custom(), 18)
			assert.Equal(t, map[string]string{"aws": "us-east-1", "gcp": "us-central1"}, doc.Regions)
			counts := inventory.CountByType(inv.Custom())
			for _, typ := range []string{"aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/eip:Eip", "aws:ec2/natGateway:NatGateway",
				"aws:ec2/launchTemplate:LaunchTemplate", "aws:autoscaling/group:Group", "aws:ebs/volume:Volume", "aws:lb/loadBalancer:LoadBalancer",
				"aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool",
				"gcp:compute/instanceTemplate:InstanceTemplate", "gcp:compute/instanceGroupManager:InstanceGroupManager", "gcp:compute/disk:Disk",
				"gcp:compute/router:Router", "gcp:compute/routerNat:RouterNat", "gcp:compute/forwardingRule:ForwardingRule"} {
				assert.Equal(t, 1, counts[typ], typ)
			}
		})
	}
}

func TestPreviewResourcesKeepParentsInputsAndDependencies(t *testing.T) {
	inv := readDocument(t, "pulumi-preview.json").Inventory
	group := only(t, inv, "aws:autoscaling/group:Group")
	assert.Equal(t, "workers", group.Name)
	assert.Equal(t, "fixtures:sample:Cluster", group.Parent)
	assert.False(t, group.Component)
	assert.Equal(t, "sample", inv.ComponentOf(group))
	n, ok := group.Number("desiredCapacity")
	assert.True(t, ok)
	assert.Equal(t, 3.0, n)
	assert.Nil(t, group.Inputs["launchTemplate"].(map[string]any)["id"], "an id unknown at preview time is nil")
	assert.Equal(t, []string{"urn:pulumi:sample::fixtures::fixtures:sample:Cluster$aws:ec2/launchTemplate:LaunchTemplate::workers"},
		group.Dependencies["launchTemplate"])
	assert.NotContains(t, group.Dependencies, "minSize", "empty dependency lists are dropped")

	component := only(t, inv, "fixtures:sample:Cluster")
	assert.True(t, component.Component)
	assert.Empty(t, component.Parent, "the stack's children have no parent")
	assert.Empty(t, component.ParentURN)

	lt := only(t, inv, "aws:ec2/launchTemplate:LaunchTemplate")
	assert.Equal(t, "gp3", lt.String("blockDeviceMappings.0.ebs.volumeType"))
}

func TestExportResourcesCarryIDs(t *testing.T) {
	doc := readDocument(t, "pulumi-export.json")
	assert.Empty(t, doc.Config, "exports carry no config: regions come from the providers")
	group := only(t, doc.Inventory, "aws:autoscaling/group:Group")
	assert.Equal(t, "workers-0007", group.ID)
	assert.Equal(t, "workers-0004", group.String("launchTemplate.id"))
	lt := only(t, doc.Inventory, "aws:ec2/launchTemplate:LaunchTemplate")
	assert.Equal(t, "workers-0004", lt.ID)
}

func TestSecretsBecomePlaceholdersAndConfigIsRead(t *testing.T) {
	doc, err := inventory.ReadPulumiDocument(strings.NewReader(`{
	  "config": {"aws:region": "eu-west-1", "app:token": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "x"}},
	  "steps": [
	    {"op": "create", "newState": {"urn": "urn:pulumi:dev::p::aws:ssm/parameter:Parameter::token", "custom": true,
	      "type": "aws:ssm/parameter:Parameter",
	      "inputs": {"value": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "plaintext": "\"hunter2\""},
	                 "tags": [{"k": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "y"}}]}}},
	    {"op": "delete", "newState": null, "oldState": {"urn": "urn:pulumi:dev::p::aws:ec2/vpc:Vpc::old"}}
	  ]}`))
	require.NoError(t, err)
	require.Len(t, doc.Inventory.Resources, 1, "deletions are skipped")
	p := doc.Inventory.Resources[0]
	assert.Equal(t, inventory.SecretPlaceholder, p.Inputs["value"])
	assert.Equal(t, inventory.SecretPlaceholder, p.String("tags.0.k"), "nested secrets too")
	assert.Equal(t, "eu-west-1", doc.Config["aws:region"])
	assert.Equal(t, inventory.SecretPlaceholder, doc.Config["app:token"])
	assert.Equal(t, map[string]string{"aws": "eu-west-1"}, doc.Regions)
	assert.Equal(t, "dev", doc.Inventory.Stack)
}

func TestUnrecognisedDocumentsAreRefused(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":         "steps:\n  - op: create\n",
		"other JSON":       `{"resources": []}`,
		"empty deployment": `{"deployment": {}}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := inventory.ReadPulumiDocument(strings.NewReader(body))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "not a")
		})
	}
}

func only(t *testing.T, inv *inventory.Inventory, typ string) inventory.Resource {
	t.Helper()
	rs := inv.OfType(typ)
	require.Len(t, rs, 1, typ)
	return rs[0]
}

// Resources the stack only reads (external in an export, a read step in a preview)
// belong to someone else: they are not in the inventory, so nobody prices them.
func TestReadResourcesAreNotTheStacks(t *testing.T) {
	export := `{"version": 3, "deployment": {"resources": [
	  {"urn": "urn:pulumi:s::p::aws:ec2/vpc:Vpc::mine", "custom": true, "type": "aws:ec2/vpc:Vpc", "inputs": {}},
	  {"urn": "urn:pulumi:s::p::aws:ec2/instance:Instance::theirs", "custom": true, "external": true, "type": "aws:ec2/instance:Instance", "inputs": {"instanceType": "m5.xlarge"}}]}}`
	preview := `{"steps": [
	  {"op": "create", "urn": "urn:pulumi:s::p::aws:ec2/vpc:Vpc::mine", "newState": {"urn": "urn:pulumi:s::p::aws:ec2/vpc:Vpc::mine", "custom": true, "type": "aws:ec2/vpc:Vpc"}},
	  {"op": "read", "urn": "urn:pulumi:s::p::aws:ec2/instance:Instance::theirs", "newState": {"urn": "urn:pulumi:s::p::aws:ec2/instance:Instance::theirs", "custom": true, "type": "aws:ec2/instance:Instance"}}]}`
	for name, doc := range map[string]string{"export": export, "preview": preview} {
		t.Run(name, func(t *testing.T) {
			d, err := inventory.ReadPulumiDocument(strings.NewReader(doc))
			require.NoError(t, err)
			require.Len(t, d.Inventory.Resources, 1)
			assert.Equal(t, "mine", d.Inventory.Resources[0].Name)
		})
	}
}
