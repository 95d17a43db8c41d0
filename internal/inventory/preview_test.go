package inventory_test

import (
	"os"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixtures are real documents the Pulumi CLI wrote for the eks and gke stacks under the
// engine rig (internal/enginetest; `make fixtures` regenerates them). internal/cost's
// tests fail when they no longer match the program.
const fixtures = "../cost/testdata/"

func readDocument(t *testing.T, name string) *inventory.Document {
	t.Helper()
	f, err := os.Open(fixtures + name)
	require.NoError(t, err, "missing fixture: regenerate it with `make fixtures`")
	defer f.Close()
	doc, err := inventory.ReadPulumiDocument(f)
	require.NoError(t, err)
	return doc
}

const (
	eksComponent  = "clusterbench:managed:EksCluster"
	launchTmplURN = "urn:pulumi:eks::clusterbench::clusterbench:managed:EksCluster$aws:ec2/launchTemplate:LaunchTemplate::cluster-nodes"
)

// Both documents of the eks stack: the stack's provider resources and its two
// components; the stack resource and the default providers are not listed.
func TestRealDocumentsYieldTheStacksResources(t *testing.T) {
	for _, format := range []string{"preview", "export"} {
		t.Run(format, func(t *testing.T) {
			doc := readDocument(t, "eks."+format+".json")
			assert.Equal(t, format, doc.Format)
			inv := doc.Inventory
			assert.Equal(t, "eks", inv.Stack)
			assert.Equal(t, map[string]string{"aws": "us-east-1"}, doc.Regions)
			assert.Equal(t, map[string]int{eksComponent: 1, "clusterbench:network:AwsNetwork": 1}, inventory.CountByType(inv.Components()))
			assert.Len(t, inv.Resources, len(inv.Custom())+len(inv.Components())+1, "+ the stack")
			counts := inventory.CountByType(inv.Custom())
			for typ, n := range map[string]int{"aws:eks/cluster:Cluster": 1, "aws:eks/nodeGroup:NodeGroup": 1,
				"aws:ec2/natGateway:NatGateway": 3, "aws:ec2/subnet:Subnet": 6} {
				assert.Equal(t, n, counts[typ], typ)
			}
			for typ := range counts {
				assert.False(t, inventory.IsProvider(typ), typ)
			}
		})
	}
}

func TestPreviewResourcesKeepParentsInputsAndDependencies(t *testing.T) {
	doc := readDocument(t, "eks.preview.json")
	assert.Equal(t, "aws", doc.Config["clusterbench:cloud"], "previews carry the stack's config")
	inv := doc.Inventory
	group := only(t, inv, "aws:eks/nodeGroup:NodeGroup")
	assert.Equal(t, "cluster-workers", group.Name)
	assert.Equal(t, eksComponent, group.Parent)
	assert.False(t, group.Component)
	assert.Equal(t, "cluster", inv.ComponentOf(group))
	n, ok := group.Number("scalingConfig.desiredSize")
	assert.True(t, ok)
	assert.Equal(t, 3.0, n)
	assert.Nil(t, group.Inputs["launchTemplate"].(map[string]any)["id"], "an id unknown at preview time is nil")
	assert.Equal(t, []string{launchTmplURN}, group.Dependencies["launchTemplate"])
	assert.NotContains(t, group.Dependencies, "amiType", "empty dependency lists are dropped")

	component := only(t, inv, eksComponent)
	assert.True(t, component.Component)
	assert.Empty(t, component.Parent, "the stack's children have no parent")
	assert.Empty(t, component.ParentURN)

	lt := only(t, inv, "aws:ec2/launchTemplate:LaunchTemplate")
	assert.Equal(t, launchTmplURN, lt.URN)
	assert.Equal(t, "gp3", lt.String("blockDeviceMappings.0.ebs.volumeType"))
}

func TestExportResourcesCarryIDs(t *testing.T) {
	doc := readDocument(t, "eks.export.json")
	assert.Empty(t, doc.Config, "exports carry no config: regions come from the providers")
	group := only(t, doc.Inventory, "aws:eks/nodeGroup:NodeGroup")
	assert.Equal(t, "cluster-workers-id", group.ID)
	lt := only(t, doc.Inventory, "aws:ec2/launchTemplate:LaunchTemplate")
	assert.Equal(t, "cluster-nodes-id", lt.ID)
	assert.Equal(t, lt.ID, group.String("launchTemplate.id"))
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
