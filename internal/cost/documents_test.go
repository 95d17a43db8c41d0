package cost_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/enginetest"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/<stack>.preview.json and <stack>.export.json are real-format documents: the
// Pulumi CLI wrote them (`pulumi preview --json`, `pulumi stack export`) for the shipped
// stacks, running the program under the engine rig's stand-in providers
// (internal/enginetest). `make fixtures` regenerates them.
const regenerate = "the committed document no longer matches the program: regenerate it with `make fixtures`"

// documentStacks are the stacks whose documents must be in testdata; any other stack's
// documents found there are checked too.
func documentStacks(t *testing.T) []string {
	t.Helper()
	stacks := map[string]bool{"eks": true, "gke": true}
	found, err := filepath.Glob(filepath.Join("testdata", "*.preview.json"))
	require.NoError(t, err)
	for _, f := range found {
		stacks[strings.TrimSuffix(filepath.Base(f), ".preview.json")] = true
	}
	return inventory.SortedKeys(stacks)
}

// document reads one committed document; a missing one is a failure, never a skip.
func document(t *testing.T, stack, kind string) *inventory.Document {
	t.Helper()
	path := filepath.Join("testdata", stack+"."+kind+".json")
	f, err := os.Open(path)
	require.NoError(t, err, "missing fixture: regenerate it with `make fixtures`")
	defer f.Close()
	doc, err := inventory.ReadPulumiDocument(f)
	require.NoError(t, err, path)
	require.Equal(t, kind, doc.Format, path)
	return doc
}

// evaluated runs the stack's file through the program under the mock harness, as
// `clusterbench compare` does.
func evaluated(t *testing.T, stack string) evaluate.Evaluation {
	t.Helper()
	ev := evaluate.File(filepath.Join("..", "..", "stacks", "Pulumi."+stack+".yaml"), program.SpecOptions())
	require.Equal(t, evaluate.OK, ev.Outcome, "%v", ev.Err)
	return ev
}

// The committed documents hold exactly what the program registers today: the same URNs,
// types and parents, and (in the export, where every value is known) the same inputs.
func TestCommittedDocumentsMatchTheProgram(t *testing.T) {
	for _, stack := range documentStacks(t) {
		t.Run(stack, func(t *testing.T) {
			ev := evaluated(t, stack)
			for _, kind := range []string{"preview", "export"} {
				doc := document(t, stack, kind)
				assert.Equal(t, stack, doc.Inventory.Stack)
				assert.Empty(t, enginetest.SameResources(ev.Inventory, doc.Inventory), "%s: %s", kind, regenerate)
			}
			assert.Empty(t, enginetest.SameInputs(ev.Inventory, document(t, stack, "export").Inventory), "export: %s", regenerate)
		})
	}
}

// Priced from a real preview or export, a stack costs what `compare` says it costs,
// line by line: the document reader and the harness build the same inventory.
func TestRealDocumentsPriceAsCompareDoes(t *testing.T) {
	for _, stack := range documentStacks(t) {
		ev := evaluated(t, stack)
		want := price(t, ev.Inventory, func(o *cost.Options) {
			o.Regions, o.Monitoring = map[string]string{ev.Spec.Cloud: ev.Spec.Region}, ev.Spec.Monitoring
		})
		require.Empty(t, want.Unpriced, reasons(want))
		for _, kind := range []string{"preview", "export"} {
			t.Run(stack+"/"+kind, func(t *testing.T) {
				doc := document(t, stack, kind)
				assert.Equal(t, map[string]string{ev.Spec.Cloud: ev.Spec.Region}, doc.Regions, "regions from the document's providers")
				got := price(t, doc.Inventory, func(o *cost.Options) { o.Regions = doc.Regions })
				assert.Empty(t, got.Unpriced, reasons(got))
				assert.Equal(t, lines(want), lines(got))
				assert.InDelta(t, want.MonthlyUSD, got.MonthlyUSD, 0.001)
			})
		}
	}
}

// lines are an estimate's lines as comparable text, in a stable order.
func lines(est cost.Estimate) []string {
	var out []string
	for _, l := range est.Lines {
		out = append(out, fmt.Sprintf("%s %s (%s): %s %g %s = %.6f", l.Resource, l.Type, l.Component, l.PriceKey, l.Quantity, l.Unit, l.MonthlyUSD))
	}
	sort.Strings(out)
	return out
}
