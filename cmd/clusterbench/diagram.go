package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/diagram"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/report"
)

// diagramFormats are what `diagram --format` writes.
var diagramFormats = []string{"svg", "dot", "mermaid"}

// runDiagram draws the architecture one stack builds, or a real Pulumi document holds.
func runDiagram(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("diagram", stderr)
	dir := fs.String("stacks", "stacks", "directory of stack files")
	name := fs.String("stack", "", "stack to draw")
	preview := fs.String("preview", "", "a `pulumi preview --json` or `pulumi stack export` document to draw instead")
	format := fs.String("format", "svg", "svg, dot or mermaid")
	out := fs.String("out", "", "write here instead of standard output")
	if err := parseFlags(fs, args); err != nil {
		return exitBadInput, err
	}
	if (*name == "") == (*preview == "") {
		return exitBadInput, badInput("one of --stack NAME or --preview FILE is required")
	}
	if !slices.Contains(diagramFormats, *format) {
		return exitBadInput, badInput("--format %q: one of %s", *format, strings.Join(diagramFormats, ", "))
	}
	var g *diagram.Graph
	var err error
	if *preview != "" {
		g, err = previewDiagram(*preview)
		if err != nil {
			return exitBadInput, err
		}
	} else {
		ev, code, err := evaluateOne(*dir, *name)
		if err != nil {
			return code, err
		}
		if g, err = diagram.ForStack(ev.Inventory, ev.Spec); err != nil {
			return exitFindings, err
		}
	}
	// Written like every report: a temporary file renamed into place, exit 3 on failure.
	write := map[string]func(io.Writer) error{"svg": g.WriteSVG, "dot": g.WriteDOT, "mermaid": g.WriteMermaid}[*format]
	if err := writeReport(*out, stdout, write); err != nil {
		return exitWriteFailed, err
	}
	return exitOK, nil
}

// previewDiagram draws a real document: its configuration (a preview carries it) names
// the admin networks and the orchestrator.
func previewDiagram(path string) (*diagram.Graph, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, badInput("--preview: %v", err)
	}
	defer f.Close()
	doc, err := inventory.ReadPulumiDocument(f)
	if err != nil {
		return nil, badInput("%s: %v", path, err)
	}
	s := &spec.Spec{Orchestrator: doc.Config["clusterbench:orchestrator"], Cloud: doc.Config["clusterbench:cloud"]}
	if raw := doc.Config["clusterbench:adminCidrs"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &s.AdminCidrs); err != nil {
			return nil, badInput("%s: config clusterbench:adminCidrs = %s: not a list of CIDRs", path, raw)
		}
	}
	for _, cloud := range inventory.SortedKeys(doc.Regions) {
		if s.Cloud == "" {
			s.Cloud = cloud
		}
		if cloud == s.Cloud {
			s.Region = doc.Regions[cloud]
		}
	}
	g, err := diagram.ForStack(doc.Inventory, s)
	if err != nil {
		return nil, badInput("%s: %v", path, err)
	}
	return g, nil
}

// addPreviewDiagram draws the document's architecture into a one-stack report; a
// document that cannot be drawn keeps its report without a picture, said on stderr.
func addPreviewDiagram(c *report.Comparison, path string, stderr io.Writer) {
	g, err := previewDiagram(path)
	var svg, mermaid bytes.Buffer
	if err == nil {
		if err = g.WriteSVG(&svg); err == nil {
			err = g.WriteMermaid(&mermaid)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "diagram:", err)
		return
	}
	c.Stacks[0].Diagram = &report.Diagram{SVG: svg.String(), Mermaid: mermaid.String()}
}
