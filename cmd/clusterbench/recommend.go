package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/recommend"
)

// runRecommend searches the designs the program builds for the cheapest that meets a
// failure and capacity target (internal/recommend).
func runRecommend(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("recommend", stderr)
	cloud := fs.String("cloud", "any", "aws, gcp or any")
	orch := fs.String("orchestrator", "any", "managed, selfmanaged, swarm or any")
	region := fs.String("region", "", "the region to build in (default us-east-1 / us-central1)")
	survive := fs.Bool("survive-zone-loss", false, "the cluster and the capacity target must survive losing any one zone")
	tolerate := fs.Int("tolerate", 0, "control-plane member failures to tolerate")
	minVCPU := fs.Float64("min-vcpu", 0, "worker vCPUs required (after a zone loss with --survive-zone-loss)")
	minMem := fs.Float64("min-memory-gib", 0, "worker memory in GiB required (after a zone loss with --survive-zone-loss)")
	private := fs.Bool("private-nodes", false, "only designs whose nodes have no public address")
	var maxMonthly *float64
	fs.Func("max-monthly", "the most the design may cost a month, in US dollars", func(v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("want an amount of US dollars such as 500")
		}
		maxMonthly = &f
		return nil
	})
	fullBurst := fs.Bool("burstable-full", false, "count burstable and shared-core types at their full vCPUs, not the share they sustain")
	top := fs.Int("top", 1, "list the K cheapest designs")
	format := fs.String("format", "table", "table, json or markdown")
	emit := fs.String("emit-stack", "", "write the cheapest design as a stack file into this directory")
	prices := fs.String("prices", "", "a price file overriding or extending the embedded catalog")
	usage := fs.String("usage", "small", "usage preset (small, medium, large) or a usage file")
	gkeFree := fs.Bool("gke-free-tier", false, "apply GKE's free-tier credit to a zonal cluster")
	if err := parseFlags(fs, args); err != nil {
		return exitBadInput, err
	}
	if !slices.Contains(recommend.Formats, *format) {
		return exitBadInput, badInput("--format %q: one of %s", *format, strings.Join(recommend.Formats, ", "))
	}
	pf := pricingFlags{format: "table", prices: *prices, usage: *usage, gkeFreeTier: *gkeFree}
	p, err := pf.load()
	if err != nil {
		return exitBadInput, err
	}
	t := recommend.Target{
		Clouds: choices(*cloud, spec.AWS, spec.GCP), Orchestrators: choices(*orch, spec.Managed, spec.SelfManaged, spec.Swarm),
		Regions: map[string]string{}, SurviveZoneLoss: *survive, Tolerate: *tolerate, MinVCPU: *minVCPU, MinMemoryGiB: *minMem,
		PrivateNodes: *private, MaxMonthlyUSD: maxMonthly, Top: *top, FullBurstVCPU: *fullBurst,
	}
	if *region != "" {
		c := recommend.RegionCloud(p.catalog, *region)
		if !slices.Contains(t.Clouds, c) {
			return exitBadInput, badInput("--region %s: names a region of %s, and --cloud is %s", *region, c, *cloud)
		}
		t.Regions[c] = *region
	}
	eng := recommend.NewEngine(recommend.Pricing{Catalog: p.catalog, Usage: p.usage, GKEFreeTier: *gkeFree})
	rep, err := eng.Recommend(t)
	if err != nil {
		var te *recommend.TargetError
		if errors.As(err, &te) {
			return exitBadInput, badInput("%v", err)
		}
		return exitFindings, err
	}
	if *emit != "" && rep.Met {
		path, err := writeStack(*emit, rep)
		if err != nil {
			return exitBadInput, badInput("--emit-stack: %v", err)
		}
		fmt.Fprintf(stderr, "wrote %s: clusterbench compare --stacks %s --stack %s\n", path, *emit, rep.Cheapest.Name)
	}
	if err := recommend.Render(stdout, rep, *format); err != nil {
		return exitFindings, err
	}
	if !rep.Met {
		return exitFindings, nil
	}
	return exitOK, nil
}

// choices expands "any" to every allowed value; anything else is kept for the target's
// check to accept or refuse.
func choices(v string, all ...string) []string {
	if v == "any" {
		return all
	}
	return []string{v}
}

// writeStack writes the cheapest design as DIR/Pulumi.<stack>.yaml.
func writeStack(dir string, rep *recommend.Report) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	c := rep.Cheapest
	path := filepath.Join(dir, "Pulumi."+c.Name+".yaml")
	header := []string{
		fmt.Sprintf("Written by `clusterbench recommend` for: %s.", rep.Target.Description),
		fmt.Sprintf("%s: %s a month (catalog %s, usage %s); %d control-plane failure(s) tolerated; zone loss survivable: %t.",
			c.Design, fmt.Sprintf("$%.2f", c.MonthlyUSD), rep.PriceCatalog.Version, rep.Usage,
			c.FaultTolerance.ControlPlaneFailuresTolerated, c.FaultTolerance.ZoneLossSurvivable),
	}
	return path, os.WriteFile(path, []byte(c.StackFile(header)), 0o644)
}
