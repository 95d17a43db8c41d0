package cost_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/require"
)

// largeExport is a `pulumi stack export` document of n elastic IPs whose component is
// the last resource: a parent lookup that scans the list costs O(n) per line, O(n²) in
// all (100k resources took 139 s that way).
func largeExport(n int) []byte {
	const component = "urn:pulumi:big::p::clusterbench:network:AwsNetwork::net"
	var b bytes.Buffer
	b.WriteString(`{"deployment": {"resources": [`)
	b.WriteString(`{"urn": "urn:pulumi:big::p::pulumi:pulumi:Stack::p-big", "type": "pulumi:pulumi:Stack"},`)
	b.WriteString(`{"urn": "urn:pulumi:big::p::pulumi:providers:aws::default", "type": "pulumi:providers:aws", "custom": true, "inputs": {"region": "us-east-1"}},`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"urn": "%s$aws:ec2/eip:Eip::ip-%d", "type": "aws:ec2/eip:Eip", "custom": true, "parent": "%s", "inputs": {"domain": "vpc"}},`, component, i, component)
	}
	fmt.Fprintf(&b, `{"urn": "%s", "type": "clusterbench:network:AwsNetwork", "parent": "urn:pulumi:big::p::pulumi:pulumi:Stack::p-big"}]}}`, component)
	return b.Bytes()
}

func priceDocument(tb testing.TB, data []byte, cat *catalog.Catalog, usage *catalog.Usage) cost.Estimate {
	doc, err := inventory.ReadPulumiDocument(bytes.NewReader(data))
	require.NoError(tb, err)
	return cost.Price(doc.Inventory, cost.Options{Catalog: cat, Usage: usage, Regions: doc.Regions, Monitoring: "none"})
}

// Every line of a large document names its component (found through the URN index).
func TestLargeDocumentNamesEveryLinesComponent(t *testing.T) {
	cat, err := catalog.Default()
	require.NoError(t, err)
	usage, err := catalog.Preset("small")
	require.NoError(t, err)
	est := priceDocument(t, largeExport(2000), cat, usage)
	require.Len(t, est.Lines, 2000)
	require.Empty(t, est.Unpriced)
	for _, l := range est.Lines {
		require.Equal(t, "net", l.Component)
	}
}

// BenchmarkCostPreview100k reads and prices a 100,000-resource export whose component
// comes last (what `cost --preview` does, without rendering).
func BenchmarkCostPreview100k(b *testing.B) {
	data := largeExport(100000)
	cat, err := catalog.Default()
	require.NoError(b, err)
	usage, err := catalog.Preset("small")
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		est := priceDocument(b, data, cat, usage)
		if len(est.Lines) != 100000 {
			b.Fatalf("%d lines", len(est.Lines))
		}
	}
}
