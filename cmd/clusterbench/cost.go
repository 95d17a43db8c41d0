package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
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
	monitoring, plan, demo := documentMonitoring(doc)
	est := p.price(doc.Inventory, doc.Regions, monitoring, plan, demo)
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

// documentMonitoring is a document's monitoring choice, Prometheus plan and demo switch,
// as compare reads them from the stack file. A preview carries the stack's configuration:
// read as the program reads it. An export does not, but holds the program's "monitoring"
// stack output (the choice and the plan; not the demo, which changes no total). A document
// with neither prices no monitoring.
func documentMonitoring(doc *inventory.Document) (string, cost.PrometheusPlan, bool) {
	in := spec.Input{Stack: doc.Inventory.Stack, Config: map[string]string{}}
	for k, v := range doc.Config {
		if strings.HasPrefix(k, spec.Namespace+":") || strings.HasPrefix(k, "aws:") || strings.HasPrefix(k, "gcp:") {
			in.Config[k] = v
			if v == inventory.SecretPlaceholder {
				in.SecretKeys = append(in.SecretKeys, k)
			}
		}
	}
	if _, ok := in.Config[spec.Namespace+":cloud"]; ok {
		if s, _, err := spec.Parse(in, program.SpecOptions()); err == nil {
			return s.Monitoring, cost.PrometheusPlanFor(s), s.Demo
		}
	}
	monitoring, plan := doc.Config[spec.Namespace+":monitoring"], cost.DefaultPrometheusPlan()
	if out, ok := doc.Inventory.Outputs["monitoring"].(map[string]any); ok {
		if choice, ok := out["choice"].(string); ok {
			monitoring = choice
		}
		if o, ok := out["orchestrator"].(string); ok {
			plan.Orchestrator = o
		}
		if gb, ok := out["prometheusVolumeGb"].(float64); ok {
			plan.VolumeGB = int(gb)
		}
		if host, ok := out["prometheusHostType"].(string); ok {
			plan.HostType = host
		}
	}
	if monitoring == "" {
		monitoring = spec.MonitoringNone
	}
	return monitoring, plan, false
}
