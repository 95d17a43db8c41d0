package inventory_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readWithin reads a document, failing the test if the reader does not return.
func readWithin(t *testing.T, doc string) (*inventory.Document, error) {
	t.Helper()
	type result struct {
		doc *inventory.Document
		err error
	}
	done := make(chan result, 1)
	go func() {
		d, err := inventory.ReadPulumiDocument(strings.NewReader(doc))
		if err == nil {
			// Pricing walks parents: it must end too.
			for _, r := range d.Inventory.Resources {
				d.Inventory.ComponentOf(r)
			}
		}
		done <- result{d, err}
	}()
	select {
	case r := <-done:
		return r.doc, r.err
	case <-time.After(5 * time.Second):
		t.Fatal("the document reader hangs")
		return nil, nil
	}
}

const urnA = "urn:pulumi:s::p::clusterbench:network:AwsNetwork::a"
const urnB = "urn:pulumi:s::p::clusterbench:network:AwsNetwork::b"

func exportOf(states ...string) string {
	return `{"deployment": {"resources": [` + strings.Join(states, ",") + `]}}`
}

func state(urn, parent string, custom bool) string {
	typ := urn[strings.LastIndex(urn[:strings.LastIndex(urn, "::")], "::")+2 : strings.LastIndex(urn, "::")]
	return fmt.Sprintf(`{"urn": %q, "type": %q, "custom": %v, "parent": %q}`, urn, typ, custom, parent)
}

// A resource that is its own parent, or two that parent each other, used to hang
// `cost --preview`: refused, naming the URNs.
func TestParentCyclesAreRefused(t *testing.T) {
	for name, doc := range map[string]string{
		"self":    exportOf(state(urnA, urnA, false)),
		"pair":    exportOf(state(urnA, urnB, false), state(urnB, urnA, false)),
		"child":   exportOf(state("urn:pulumi:s::p::aws:ec2/eip:Eip::e", urnA, true), state(urnA, urnB, false), state(urnB, urnA, false)),
		"preview": `{"steps": [{"op": "create", "newState": ` + state(urnA, urnB, false) + `}, {"op": "create", "newState": ` + state(urnB, urnA, false) + `}]}`,
	} {
		_, err := readWithin(t, doc)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "parent cycle", name)
		assert.Contains(t, err.Error(), urnA, name)
		if name != "self" {
			assert.Contains(t, err.Error(), urnB, name)
		}
	}
	_, err := readWithin(t, exportOf(state(urnA, "", false), state(urnB, urnA, false)))
	require.NoError(t, err, "a chain is fine")
}

// ComponentOf ends even on an inventory built by hand with a cycle.
func TestComponentOfEndsOnACycle(t *testing.T) {
	inv := &inventory.Inventory{Resources: []inventory.Resource{
		{URN: "a", ParentURN: "b", Type: "x:y:Z"}, {URN: "b", ParentURN: "a", Type: "x:y:Z"},
	}}
	done := make(chan string, 1)
	go func() { done <- inv.ComponentOf(inv.Resources[0]) }()
	select {
	case got := <-done:
		assert.Equal(t, "", got)
	case <-time.After(5 * time.Second):
		t.Fatal("ComponentOf loops on a cycle")
	}
}

// JSON with anything after the document is refused, not priced.
func TestTrailingDataIsRefused(t *testing.T) {
	for _, doc := range []string{`{"steps": []} garbage`, `{"steps": []}{"steps": []}`, `{"steps": []} ]`} {
		_, err := readWithin(t, doc)
		require.Error(t, err, doc)
		assert.Contains(t, err.Error(), "after the document", doc)
	}
	_, err := readWithin(t, "{\"steps\": []}\n\n")
	require.NoError(t, err, "trailing white space is fine")
}

// Type errors name the field and what was expected, not Go types.
func TestDocumentErrorsNameNoGoTypes(t *testing.T) {
	for doc, want := range map[string]string{
		`{"steps": 3}`:                          "steps: expected a list, got a number",
		`{"steps": [{"newState": {"urn": 3}}]}`: "steps.newState.urn: expected text, got a number",
		`{"deployment": {"resources": {}}}`:     "deployment.resources: expected a list, got an object",
		`{"config": []}`:                        "config: expected an object, got an array",
		`[1]`:                                   "expected an object, got an array",
		`{"steps": [{"newState": {"custom": "yes"}}]}`: "steps.newState.custom: expected true or false, got a string",
	} {
		_, err := readWithin(t, doc)
		require.Error(t, err, doc)
		assert.Contains(t, err.Error(), want, doc)
		for _, leak := range []string{"Go ", "struct", "inventory.", "map[", "[]string", "interface"} {
			assert.NotContains(t, err.Error(), leak, doc)
		}
	}
}
