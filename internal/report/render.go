package report

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Formats are the report formats Render accepts, in the order the CLI lists them.
var Formats = []string{"table", "json", "markdown", "csv", "html"}

// renderers maps each of Formats to its renderer.
var renderers = map[string]func(io.Writer, *Comparison) error{
	"table":    renderTable,
	"json":     renderJSON,
	"markdown": renderMarkdown,
	"csv":      renderCSV,
	"html":     renderHTML,
}

// Render writes the comparison to w in one of Formats.
func Render(w io.Writer, c *Comparison, format string) error {
	render, ok := renderers[format]
	if !ok {
		return fmt.Errorf("unknown report format %q: use one of %s", format, strings.Join(Formats, ", "))
	}
	if c == nil {
		return errors.New("no comparison to render")
	}
	return render(w, c)
}
