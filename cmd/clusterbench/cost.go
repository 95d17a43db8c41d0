package main

import (
	"fmt"
	"io"
	"os"

	"github.com/clusterbench/clusterbench/internal/comparison"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/report"
)

// runCost prices a real `pulumi preview --json` or `pulumi stack export` document.
func runCost(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("cost", stderr)
	path := fs.String("preview", "", "a `pulumi preview --json` or `pulumi stack export` document (required)")
	var pf pricingFlags
	pf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return exitBadInput, err
	}
	if *path == "" {
		return exitBadInput, badInput("--preview FILE is required")
	}
	p, err := pf.load()
	if err != nil {
		return exitBadInput, err
	}
	f, err := os.Open(*path)
	if err != nil {
		return exitBadInput, badInput("--preview: %v", err)
	}
	defer f.Close()
	doc, err := inventory.ReadPulumiDocument(f)
	if err != nil {
		return exitBadInput, badInput("%s: %v", *path, err)
	}
	// The document carries the stack's configuration (a preview does; an export does
	// not): monitoring decides the Datadog lines.
	monitoring := doc.Config["clusterbench:monitoring"]
	if monitoring == "" {
		monitoring = "none"
	}
	est := p.price(doc.Inventory, doc.Regions, monitoring, cost.DefaultPrometheusPlan())
	custom := doc.Inventory.Custom()
	st := report.Stack{
		Stack: doc.Inventory.Stack, Status: report.StatusOK,
		Resources: report.Resources{Total: len(custom), ByType: inventory.CountByType(custom),
			Components: inventory.CountByType(doc.Inventory.Components())},
		MonthlyCostUSD: est.MonthlyUSD, CostBreakdown: est.Lines, Unpriced: est.Unpriced, Excluded: est.Excluded,
		Monitoring:     est.Monitoring,
		CostByCategory: report.CostByCategory(est.Lines, comparison.ControlPlaneMachines(doc.Inventory)),
	}
	for _, cloud := range inventory.SortedKeys(doc.Regions) {
		region := doc.Regions[cloud]
		if st.Region != "" {
			st.Cloud, st.Region = "mixed", st.Region+","+region
			continue
		}
		st.Cloud, st.Region = cloud, region
	}
	c := &report.Comparison{PriceCatalog: p.info(), Usage: p.usage.Name, Stacks: []report.Stack{st}}
	if pf.format == "html" || pf.format == "markdown" {
		addPreviewDiagram(c, *path, stderr)
	}
	for _, u := range est.Unpriced {
		fmt.Fprintf(stderr, "%s: unpriced: %s (%s): %s\n", *path, u.Resource, u.Type, u.Reason)
	}
	if err := render(c, pf, stdout); err != nil {
		return exitWriteFailed, err
	}
	if len(est.Unpriced) > 0 {
		return exitFindings, nil
	}
	return exitOK, nil
}
