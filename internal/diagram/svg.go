package diagram

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/goccy/go-graphviz"
)

// Graphviz runs as WebAssembly inside this process (github.com/goccy/go-graphviz, no
// cgo, no dot binary). Its module is one instance per process and is not safe for
// concurrent use, so renders take turns.
var (
	graphvizMu sync.Mutex
	graphvizGV *graphviz.Graphviz
)

// WriteSVG lays the graph out with Graphviz's dot engine and writes SVG.
func (g *Graph) WriteSVG(w io.Writer) error {
	var dot bytes.Buffer
	if err := g.WriteDOT(&dot); err != nil {
		return err
	}
	svg, err := RenderDOT(dot.Bytes())
	if err != nil {
		return fmt.Errorf("%s: %w", g.Stack, err)
	}
	_, err = w.Write(svg)
	return err
}

// RenderDOT lays out a DOT document and renders it as SVG.
func RenderDOT(dot []byte) ([]byte, error) {
	graphvizMu.Lock()
	defer graphvizMu.Unlock()
	ctx := context.Background()
	if graphvizGV == nil {
		gv, err := graphviz.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("starting Graphviz: %w", err)
		}
		graphvizGV = gv
	}
	graph, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("graphviz could not read the DOT: %w", err)
	}
	defer graph.Close()
	var out bytes.Buffer
	if err := graphvizGV.Render(ctx, graph, graphviz.SVG, &out); err != nil {
		return nil, fmt.Errorf("graphviz layout: %w", err)
	}
	return out.Bytes(), nil
}
