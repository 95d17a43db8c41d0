package main

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiagramFormats(t *testing.T) {
	code, out, stderr := cli(t, "diagram", "--stacks", stacksDir, "--stack", "swarm-aws", "--format", "svg")
	require.Equal(t, 0, code, stderr)
	var doc struct {
		XMLName xml.Name
	}
	require.NoError(t, xml.Unmarshal([]byte(out), &doc), "the SVG is XML")
	assert.Equal(t, "svg", doc.XMLName.Local)
	assert.Contains(t, xmlText(t, out), "swarm-manager-1")

	code, out, stderr = cli(t, "diagram", "--stacks", stacksDir, "--stack", "kops-gcp", "--format", "dot")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(out, `digraph "kops-gcp" {`), out[:40])

	path := filepath.Join(t.TempDir(), "gke.mmd")
	code, _, stderr = cli(t, "diagram", "--stacks", stacksDir, "--stack", "gke", "--format", "mermaid", "--out", path)
	require.Equal(t, 0, code, stderr)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(data), "flowchart TB")
}

// TestDiagramPreview draws the real documents the Pulumi CLI wrote for the EKS and GKE stacks.
func TestDiagramPreview(t *testing.T) {
	for _, doc := range []string{"eks.preview.json", "gke.preview.json", "eks.export.json"} {
		code, out, stderr := cli(t, "diagram", "--preview", filepath.Join("..", "..", "internal", "cost", "testdata", doc), "--format", "dot")
		require.Equal(t, 0, code, "%s: %s", doc, stderr)
		assert.Contains(t, out, "cluster-workers", doc)
		assert.Contains(t, out, "control plane (run by", doc)
		assert.Contains(t, out, "443 API", doc)
		assert.NotContains(t, out, "machine type unknown", doc)
	}
	code, out, _ := cli(t, "diagram", "--preview", filepath.Join("..", "..", "internal", "cost", "testdata", "eks.preview.json"), "--format", "dot")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "admin networks (adminCidrs)", "a preview carries the configuration")
}

func TestCostPreviewHTMLHasTheDiagram(t *testing.T) {
	code, out, stderr := cli(t, "cost", "--preview", filepath.Join("..", "..", "internal", "cost", "testdata", "gke.preview.json"), "--format", "html")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, `<div class="diagram"`)
	assert.Contains(t, out, "GKE control plane (run by Google)")
	assert.Contains(t, out, "Where the money goes")
}

func TestDiagramBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"diagram"},
		{"diagram", "--stack", "eks", "--preview", "x.json"},
		{"diagram", "--stacks", stacksDir, "--stack", "eks", "--format", "png"},
		{"diagram", "--stacks", stacksDir, "--stack", "nope"},
		{"diagram", "--preview", filepath.Join(t.TempDir(), "missing.json")},
	} {
		code, _, stderr := cli(t, args...)
		assert.Equal(t, 2, code, "%v: %s", args, stderr)
		assert.NotEmpty(t, stderr, "%v", args)
	}
	_, _, stderr := cli(t, "diagram", "--stacks", stacksDir, "--stack", "eks", "--format", "png")
	assert.Contains(t, stderr, "one of svg, dot, mermaid")
}

// xmlText is the character data of an XML document (entities decoded).
func xmlText(t *testing.T, doc string) string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	var b strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b.String()
		}
		require.NoError(t, err)
		if cd, ok := tok.(xml.CharData); ok {
			b.Write(cd)
			b.WriteByte('\n')
		}
	}
}
