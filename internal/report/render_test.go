package report

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderRefusesAnUnknownFormatNamingTheAllowedOnes(t *testing.T) {
	err := Render(&bytes.Buffer{}, sampleComparison(), "yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"yaml"`)
	assert.Contains(t, err.Error(), "table, json, markdown, csv, html")
}

func TestRenderRefusesANilComparison(t *testing.T) {
	assert.Error(t, Render(&bytes.Buffer{}, nil, "json"))
}

func TestEveryFormatRendersEveryStack(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			out := render(t, sampleComparison(), format)
			for _, name := range []string{"eks", "swarm-gcp", "kops-aws", "broken"} {
				assert.Contains(t, out, name)
			}
		})
	}
}

func TestEveryFormatRendersAnEmptyComparison(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			render(t, &Comparison{}, format)
		})
	}
}
