package inventory_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// FuzzPreviewDocument feeds the `cost --preview` document reader arbitrary bytes: it
// never panics or hangs (parent cycles are refused), refuses with one bounded line, and
// what it accepts has no parent cycle and no provider among its resources, and prices to
// finite amounts with no negative quantity (a credit is a negative price, never a
// negative quantity).
func FuzzPreviewDocument(f *testing.F) {
	fixtures, err := filepath.Glob(filepath.Join("..", "cost", "testdata", "*.json"))
	if err != nil || len(fixtures) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	for _, file := range fixtures {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		exportOf(state(urnA, urnA, false)),
		exportOf(state(urnA, urnB, false), state(urnB, urnA, false)),
		exportOf(state(urnA, "", false), state(urnB, urnA, false)),
		`{"steps": []} garbage`, `{"steps": []}{"steps": []}`, `{"steps": 3}`, `[1]`, ``, `null`,
		`{"steps": [{"op": "create", "newState": {"urn": "u", "type": "aws:ec2/eip:Eip", "custom": true, "parent": "u"}}]}`,
		`{"config": {"aws:region": "us-east-1", "x": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}}, "steps": []}`,
		`{"deployment": {"resources": [{"urn": "urn:pulumi:s::p::pulumi:providers:aws::default", "type": "pulumi:providers:aws", "inputs": {"region": "eu-west-1"}}]}}`,
		`{"deployment": {"resources": [{"urn": "urn:pulumi:s::p::aws:ebs/volume:Volume::v", "type": "aws:ebs/volume:Volume", "custom": true, "inputs": {"size": 1e308, "type": "gp3", "availabilityZone": "us-east-1a"}}]}}`,
		`{"deployment": {"resources": [{"urn": "urn:pulumi:s::p::aws:ec2/instance:Instance::i", "type": "aws:ec2/instance:Instance", "custom": true, "inputs": {"instanceType": "t3.large", "availabilityZone": "us-east-1a", "rootBlockDevice": {"volumeSize": -5}}}]}}`,
	} {
		f.Add([]byte(s))
	}
	cat, err := catalog.Default()
	if err != nil {
		f.Fatal(err)
	}
	usage, err := catalog.Preset("small")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := inventory.ReadPulumiDocument(bytes.NewReader(data))
		if err != nil {
			msg := err.Error()
			if strings.Contains(msg, "\n") || len(msg) > 2000 {
				t.Fatalf("an error is one line of bounded length: %.300q", msg)
			}
			return
		}
		inv := doc.Inventory
		for _, r := range inv.Resources {
			if inventory.IsProvider(r.Type) {
				t.Fatalf("provider %s in the inventory", r.Type)
			}
			// Every parent chain ends within the inventory's size.
			seen := map[string]bool{}
			for p := r.ParentURN; p != ""; {
				if seen[p] {
					t.Fatalf("parent cycle through %q accepted", p)
				}
				seen[p] = true
				parent, ok := inv.ByURN(p)
				if !ok {
					break
				}
				p = parent.ParentURN
			}
			inv.ComponentOf(r)
		}
		if doc.Format != "preview" && doc.Format != "export" {
			t.Fatalf("format %q", doc.Format)
		}
		est := cost.Price(inv, cost.Options{Catalog: cat, Usage: usage, Regions: doc.Regions, Monitoring: "datadog", GKEFreeTier: true})
		if math.IsInf(est.MonthlyUSD, 0) || math.IsNaN(est.MonthlyUSD) {
			t.Fatalf("total %v", est.MonthlyUSD)
		}
		for _, l := range est.Lines {
			if l.Quantity < 0 || math.IsInf(l.MonthlyUSD, 0) || math.IsNaN(l.MonthlyUSD) || math.IsInf(l.Quantity, 0) {
				t.Fatalf("line %+v", l)
			}
		}
	})
}
