package main

import (
	"flag"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/report"
)

// pricingFlags are the flags compare and cost share.
type pricingFlags struct {
	format, out, prices, usage string
	gkeFreeTier                bool
}

func (p *pricingFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.format, "format", "table", "table, json, markdown, csv or html")
	fs.StringVar(&p.out, "out", "", "write the report to this file instead of stdout")
	fs.StringVar(&p.prices, "prices", "", "a price file overriding or extending the embedded catalog")
	fs.StringVar(&p.usage, "usage", "small", "usage preset (small, medium, large) or a usage file")
	fs.BoolVar(&p.gkeFreeTier, "gke-free-tier", false, "apply GKE's free-tier credit to a zonal cluster")
}

// pricing is the catalog and usage a run prices with.
type pricing struct {
	catalog *catalog.Catalog
	usage   *catalog.Usage
	flags   pricingFlags
}

func (p *pricingFlags) load() (*pricing, error) {
	if !validFormat(p.format) {
		return nil, badInput("--format %q: one of %v", p.format, report.Formats)
	}
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	if p.prices != "" {
		if err := cat.MergeFile(p.prices); err != nil {
			return nil, badInput("--prices: %v", err)
		}
	}
	usage, err := catalog.LoadUsage(p.usage)
	if err != nil {
		return nil, badInput("--usage: %v", err)
	}
	return &pricing{catalog: cat, usage: usage, flags: *p}, nil
}

func validFormat(f string) bool {
	for _, ok := range report.Formats {
		if f == ok {
			return true
		}
	}
	return false
}

// price prices one inventory for the given regions (cloud → region), monitoring and demo.
func (p *pricing) price(inv *inventory.Inventory, regions map[string]string, monitoring string, plan cost.PrometheusPlan, demo bool) cost.Estimate {
	return cost.Price(inv, cost.Options{
		Catalog: p.catalog, Usage: p.usage, Regions: regions, GKEFreeTier: p.flags.gkeFreeTier, Monitoring: monitoring,
		Prometheus: plan, Demo: demo,
	})
}

// priceStack prices an evaluated stack from its spec.
func (p *pricing) priceStack(inv *inventory.Inventory, s *spec.Spec) cost.Estimate {
	return cost.Price(inv, cost.Options{
		Catalog: p.catalog, Usage: p.usage, Regions: map[string]string{s.Cloud: s.Region}, GKEFreeTier: p.flags.gkeFreeTier,
		Monitoring: s.Monitoring, Prometheus: cost.PrometheusPlanFor(s), Demo: s.Demo,
	})
}

func (p *pricing) info() report.CatalogInfo {
	return report.CatalogInfo{Version: p.catalog.Version, Date: p.catalog.Date, Regions: p.catalog.Regions()}
}
