package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

// runInventory prints every resource one stack registers.
func runInventory(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("inventory", stderr)
	dir := fs.String("stacks", "stacks", "directory of stack files")
	name := fs.String("stack", "", "stack to list (required)")
	format := fs.String("format", "table", "table or json")
	if err := parseFlags(fs, args); err != nil {
		return exitBadInput, err
	}
	if *name == "" {
		return exitBadInput, badInput("--stack NAME is required")
	}
	if *format != "table" && *format != "json" {
		return exitBadInput, badInput("--format %q: one of table, json", *format)
	}
	ev, code, err := evaluateOne(*dir, *name)
	if err != nil {
		return code, err
	}
	inv := &inventory.Inventory{Stack: ev.Stack, Resources: ev.Inventory.Resources}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(inv); err != nil {
			return exitWriteFailed, writeFailed("standard output", err)
		}
		return exitOK, nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tNAME\tPARENT\tCOMPONENT")
	for _, r := range inv.Resources {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\n", r.Type, r.Name, r.Parent, r.Component)
	}
	if err := tw.Flush(); err != nil {
		return exitWriteFailed, writeFailed("standard output", err)
	}
	return exitOK, nil
}
