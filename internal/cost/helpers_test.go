package cost_test

import (
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/require"
)

// res builds a custom resource as the harness records it (id "<name>-id").
func res(typ, name string, inputs map[string]any) inventory.Resource {
	if inputs == nil {
		inputs = map[string]any{}
	}
	return inventory.Resource{URN: "urn:pulumi:test::clusterbench::" + typ + "::" + name, ID: name + "-id",
		Type: typ, Name: name, Inputs: inputs, Dependencies: map[string][]string{}}
}

func inv(rs ...inventory.Resource) *inventory.Inventory {
	return &inventory.Inventory{Stack: "test", Resources: rs}
}

func options(t testing.TB) cost.Options {
	t.Helper()
	cat, err := catalog.Default()
	require.NoError(t, err)
	usage, err := catalog.LoadUsage("small")
	require.NoError(t, err)
	return cost.Options{Catalog: cat, Usage: usage, Monitoring: "none",
		Regions: map[string]string{"aws": "us-east-1", "gcp": "us-central1"}}
}

func price(t *testing.T, i *inventory.Inventory, tweak ...func(*cost.Options)) cost.Estimate {
	t.Helper()
	opts := options(t)
	for _, f := range tweak {
		f(&opts)
	}
	return cost.Price(i, opts)
}

// monthlyByKey sums the lines of each price key.
func monthlyByKey(est cost.Estimate) map[string]float64 {
	out := map[string]float64{}
	for _, l := range est.Lines {
		out[l.PriceKey] += l.MonthlyUSD
	}
	return out
}

func keys(est cost.Estimate) []string {
	var out []string
	for _, l := range est.Lines {
		out = append(out, l.PriceKey)
	}
	return out
}

func reasons(est cost.Estimate) string {
	var out []string
	for _, u := range est.Unpriced {
		out = append(out, u.Resource+": "+u.Reason)
	}
	return strings.Join(out, "\n")
}

// list builds a JSON-like list input.
func list(vs ...any) []any { return vs }

type obj = map[string]any
