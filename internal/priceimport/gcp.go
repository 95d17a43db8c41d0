package priceimport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"

	"github.com/shopspring/decimal"
)

// gcpRule maps one catalog item to the SKUs that price it, by description.
type gcpRule struct {
	item    string
	service string         // category.serviceDisplayName, "" for any
	desc    *regexp.Regexp // the SKU description
	not     *regexp.Regexp // descriptions to leave out
	units   map[string]string
	// why, for an item no SKU prices on its own.
	noSKU string
}

var (
	gcpHour   = map[string]string{"h": "hour"}
	gcpGBMo   = map[string]string{"GiBy.mo": "GB-month"}
	gcpGB     = map[string]string{"GiBy": "GB"}
	globalSKU = regexp.MustCompile(`(?i)global`)
)

// gcpRules: one per regional GCP catalog item except machine types (gcpFamilies). SKU
// descriptions are the Cloud Billing Catalog's; some were renamed over the years
// ("Network Load Balancing: Forwarding Rule Minimum Service Charge in Iowa" became "Cloud
// Load Balancer Forwarding Rule Minimum Iowa"), so the patterns take both.
var gcpRules = []gcpRule{
	{item: "pd/pd-balanced", desc: regexp.MustCompile(`^Balanced PD Capacity( in .+)?$`), units: gcpGBMo},
	{item: "pd/pd-standard", desc: regexp.MustCompile(`^Storage PD Capacity( in .+)?$`), units: gcpGBMo},
	{item: "pd/pd-ssd", desc: regexp.MustCompile(`^SSD backed PD Capacity( in .+)?$`), units: gcpGBMo},
	{item: "pd/snapshot", desc: regexp.MustCompile(`^Storage PD Snapshot( in .+)?$`), units: gcpGBMo},
	{item: "pd/snapshot-archive", desc: regexp.MustCompile(`(?i)^Archive (PD )?Snapshot( Storage)?( in .+)?$`), units: gcpGBMo},
	{item: "gcs/standard", service: "Cloud Storage", desc: regexp.MustCompile(`^(Regional )?Standard Storage`), not: regexp.MustCompile(`(?i)multi-region|dual-region`), units: gcpGBMo},
	{item: "vpc/external-ipv4", desc: regexp.MustCompile(`^External IP Charge on a Standard VM`), units: gcpHour},
	{item: "vpc/external-ipv4-unused", desc: regexp.MustCompile(`^Static Ip Charge`), units: gcpHour},
	{item: "vpc/inter-zone-data", desc: regexp.MustCompile(`(?i)^Network Inter Zone (Egress|Data Transfer Out)`), units: gcpGB},
	{item: "cloudnat/gateway-vm", desc: regexp.MustCompile(`(?i)^(Networking )?Cloud NAT Gateway:? Uptime`), units: map[string]string{"h": "VM-hour"}},
	{item: "cloudnat/gateway-flat", noSKU: "no SKU of its own: Cloud NAT's flat rate above 32 VMs is stated on the pricing page only"},
	{item: "cloudnat/data", desc: regexp.MustCompile(`(?i)^(Networking )?Cloud NAT Data Processing`), units: gcpGB},
	{item: "lb/forwarding-rule-first-5", desc: regexp.MustCompile(`(?i)forwarding rule minimum`), not: globalSKU, units: gcpHour},
	{item: "lb/forwarding-rule-extra", desc: regexp.MustCompile(`(?i)forwarding rule additional`), not: globalSKU, units: gcpHour},
}

// gcpFamily is a machine family whose types are billed per vCPU-hour and GiB-hour.
type gcpFamily struct {
	name      string // e2
	core, ram *regexp.Regexp
	shapes    []gcpShape
}

// gcpShape is a machine type as billed: vCPUs (a shared-core e2 type bills a fraction)
// and GiB of memory (Compute Engine machine-types page).
type gcpShape struct {
	name   string
	vcpu   decimal.Decimal
	memGiB decimal.Decimal
}

func shapes(family, class string, sizes []int64, memPerVCPU string) []gcpShape {
	m := decimal.RequireFromString(memPerVCPU)
	out := make([]gcpShape, 0, len(sizes))
	for _, n := range sizes {
		v := decimal.NewFromInt(n)
		out = append(out, gcpShape{name: fmt.Sprintf("%s-%s-%d", family, class, n), vcpu: v, memGiB: v.Mul(m)})
	}
	return out
}

func concat(parts ...[]gcpShape) []gcpShape {
	var out []gcpShape
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var gcpFamilies = []gcpFamily{
	{name: "e2", core: regexp.MustCompile(`^E2 Instance Core running in `), ram: regexp.MustCompile(`^E2 Instance Ram running in `),
		shapes: concat(
			// Shared-core e2 types bill a fraction of a vCPU: micro 0.25, small 0.5, medium 1.
			[]gcpShape{
				{"e2-micro", decimal.RequireFromString("0.25"), decimal.NewFromInt(1)},
				{"e2-small", decimal.RequireFromString("0.5"), decimal.NewFromInt(2)},
				{"e2-medium", decimal.NewFromInt(1), decimal.NewFromInt(4)},
			},
			shapes("e2", "standard", []int64{2, 4, 8, 16, 32}, "4"),
			shapes("e2", "highmem", []int64{2, 4, 8, 16}, "8"),
			shapes("e2", "highcpu", []int64{2, 4, 8, 16, 32}, "1"))},
	{name: "n2", core: regexp.MustCompile(`^N2 Instance Core running in `), ram: regexp.MustCompile(`^N2 Instance Ram running in `),
		shapes: concat(
			shapes("n2", "standard", []int64{2, 4, 8, 16, 32, 48, 64, 80, 96, 128}, "4"),
			shapes("n2", "highmem", []int64{2, 4, 8, 16, 32, 48, 64, 80, 96, 128}, "8"),
			shapes("n2", "highcpu", []int64{2, 4, 8, 16, 32, 48, 64, 80, 96}, "1"))},
	{name: "n2d", core: regexp.MustCompile(`^N2D AMD Instance Core running in `), ram: regexp.MustCompile(`^N2D AMD Instance Ram running in `),
		shapes: concat(
			shapes("n2d", "standard", []int64{2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224}, "4"),
			shapes("n2d", "highmem", []int64{2, 4, 8, 16, 32, 48, 64, 80, 96}, "8"),
			shapes("n2d", "highcpu", []int64{2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224}, "1"))},
	{name: "n1", core: regexp.MustCompile(`^N1 Predefined Instance Core running in `), ram: regexp.MustCompile(`^N1 Predefined Instance Ram running in `),
		shapes: concat(
			shapes("n1", "standard", []int64{1, 2, 4, 8, 16, 32, 64, 96}, "3.75"),
			shapes("n1", "highmem", []int64{2, 4, 8, 16, 32, 64, 96}, "6.5"),
			shapes("n1", "highcpu", []int64{2, 4, 8, 16, 32, 64, 96}, "0.9"))},
	{name: "t2d", core: regexp.MustCompile(`^T2D AMD Instance Core running in `), ram: regexp.MustCompile(`^T2D AMD Instance Ram running in `),
		shapes: shapes("t2d", "standard", []int64{1, 2, 4, 8, 16, 32, 48, 60}, "4")},
}

type gcpSKU struct {
	SKUID       string `json:"skuId"`
	Description string `json:"description"`
	Category    struct {
		ServiceDisplayName string `json:"serviceDisplayName"`
		UsageType          string `json:"usageType"`
	} `json:"category"`
	ServiceRegions []string `json:"serviceRegions"`
	PricingInfo    []struct {
		EffectiveTime     string `json:"effectiveTime"`
		PricingExpression struct {
			UsageUnit   string `json:"usageUnit"`
			TieredRates []struct {
				StartUsageAmount float64 `json:"startUsageAmount"`
				UnitPrice        struct {
					CurrencyCode string      `json:"currencyCode"`
					Units        json.Number `json:"units"`
					Nanos        int64       `json:"nanos"`
				} `json:"unitPrice"`
			} `json:"tieredRates"`
		} `json:"pricingExpression"`
	} `json:"pricingInfo"`
}

// readGCPSKUs reads a Cloud Billing Catalog listing: one API page ({"skus": [...]}) or an
// array of SKUs (pages joined).
func readGCPSKUs(r io.Reader, name string) ([]gcpSKU, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	bad := func(err error) error {
		return fmt.Errorf("%s: not a Cloud Billing Catalog SKU listing: %v", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var skus []gcpSKU
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if err := dec.Decode(&skus); err != nil {
			return nil, bad(err)
		}
	} else {
		var page struct {
			SKUs *[]gcpSKU `json:"skus"`
		}
		if err := dec.Decode(&page); err != nil {
			return nil, bad(err)
		}
		if page.SKUs == nil {
			return nil, bad(errors.New(`no "skus" list`))
		}
		skus = *page.SKUs
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad(errors.New("data after the listing"))
	}
	return skus, nil
}

// price is a SKU's current on-demand rate: the tier starting at 0, or the first paid
// tier after a free one (noted).
func (s *gcpSKU) price() (usd decimal.Decimal, unit, date, note string, err error) {
	if len(s.PricingInfo) == 0 {
		return usd, "", "", "", errors.New("no pricingInfo")
	}
	pi := s.PricingInfo[0]
	rates := pi.PricingExpression.TieredRates
	if len(rates) == 0 {
		return usd, "", "", "", errors.New("no tieredRates")
	}
	sort.SliceStable(rates, func(i, j int) bool { return rates[i].StartUsageAmount < rates[j].StartUsageAmount })
	unit = pi.PricingExpression.UsageUnit
	if len(pi.EffectiveTime) >= 10 {
		date = pi.EffectiveTime[:10]
	}
	for i, r := range rates {
		if c := r.UnitPrice.CurrencyCode; c != "" && c != "USD" {
			return usd, "", "", "", fmt.Errorf("currency %s: import a USD listing (currencyCode=USD)", c)
		}
		units := r.UnitPrice.Units.String()
		if units == "" {
			units = "0"
		}
		whole, err := decimal.NewFromString(units)
		if err != nil {
			return usd, "", "", "", fmt.Errorf("units %q is not a number", clip(units))
		}
		p := whole.Add(decimal.New(r.UnitPrice.Nanos, -9))
		if p.IsPositive() {
			if i > 0 {
				note = fmt.Sprintf(", after a free first %s %s", decimal.NewFromFloat(r.StartUsageAmount), unit)
			}
			return p, unit, date, note, nil
		}
	}
	return usd, "", "", "", errors.New("free (no paid tier)")
}

func (s *gcpSKU) inRegion(region string) bool {
	for _, r := range s.ServiceRegions {
		if r == region {
			return true
		}
	}
	return false
}

// ImportGCP reads SKU listings and returns the region's prices.
func ImportGCP(region string, files []NamedReader) (*Result, error) {
	if err := CheckRegion("gcp", region); err != nil {
		return nil, err
	}
	f := &found{}
	cores := map[string][]gcpRate{} // family → core rates in the region
	rams := map[string][]gcpRate{}
	inRegion := 0
	regions := map[string]bool{}
	for _, nf := range files {
		skus, err := readGCPSKUs(nf.R, nf.Name)
		if err != nil {
			return nil, err
		}
		for i := range skus {
			s := &skus[i]
			for _, r := range s.ServiceRegions {
				regions[r] = true
			}
			if s.Category.UsageType != "OnDemand" || !s.inRegion(region) {
				continue
			}
			inRegion++
			source := fmt.Sprintf("Cloud Billing Catalog SKU %s %q", s.SKUID, s.Description)
			for _, fam := range gcpFamilies {
				for _, part := range []struct {
					re  *regexp.Regexp
					dst map[string][]gcpRate
					u   string
				}{{fam.core, cores, "h"}, {fam.ram, rams, "GiBy.h"}} {
					if !part.re.MatchString(s.Description) {
						continue
					}
					usd, unit, date, _, err := s.price()
					key := "gcp/" + region + "/gce/" + fam.name + "-*"
					switch {
					case err != nil:
						f.add(key, candidate{id: s.SKUID, err: fmt.Sprintf("SKU %s: %v", s.SKUID, err)})
					case unit != part.u:
						f.add(key, candidate{id: s.SKUID, err: fmt.Sprintf("SKU %s: unit %q, want %q", s.SKUID, unit, part.u)})
					default:
						part.dst[fam.name] = append(part.dst[fam.name], gcpRate{usd: usd, id: s.SKUID, source: source, date: date})
					}
				}
			}
			for _, r := range gcpRules {
				if r.desc == nil || !r.desc.MatchString(s.Description) || r.not != nil && r.not.MatchString(s.Description) ||
					r.service != "" && r.service != s.Category.ServiceDisplayName {
					continue
				}
				key := "gcp/" + region + "/" + r.item
				usd, unit, date, note, err := s.price()
				if err != nil {
					f.add(key, candidate{id: s.SKUID, err: fmt.Sprintf("SKU %s: %v", s.SKUID, err)})
					continue
				}
				u, ok := r.units[unit]
				if !ok {
					f.add(key, candidate{id: s.SKUID, err: fmt.Sprintf("SKU %s: unit %q is not one this import understands for %s", s.SKUID, unit, key)})
					continue
				}
				f.add(key, candidate{id: s.SKUID, usd: usd, unit: u, source: source + note, date: date})
			}
		}
	}
	if inRegion == 0 {
		return nil, fmt.Errorf("no on-demand SKU in the files serves region %s (regions seen: %s)", region, listSome(regions))
	}
	// Machine types: vCPUs × core rate + GiB × RAM rate, when both rates are single.
	for _, fam := range gcpFamilies {
		c, r := distinctRates(cores[fam.name]), distinctRates(rams[fam.name])
		famKey := "gcp/" + region + "/gce/" + fam.name + "-*"
		if len(c) != 1 || len(r) != 1 {
			if len(c) > 1 || len(r) > 1 {
				f.add(famKey, candidate{err: fmt.Sprintf("ambiguous %s core or RAM rate (%d core, %d RAM SKUs)", fam.name, len(c), len(r))})
			}
			continue
		}
		core, ram := cores[fam.name][0], rams[fam.name][0]
		date := core.date
		if ram.date > date {
			date = ram.date
		}
		for _, sh := range fam.shapes {
			usd := sh.vcpu.Mul(core.usd).Add(sh.memGiB.Mul(ram.usd))
			src := fmt.Sprintf("Cloud Billing Catalog SKUs %s and %s: %s vCPU × %s + %s GiB × %s per hour",
				core.id, ram.id, sh.vcpu, core.usd, sh.memGiB, ram.usd)
			f.add("gcp/"+region+"/gce/"+sh.name, candidate{id: core.id + "+" + ram.id, usd: usd, unit: "hour", source: src, date: date})
		}
	}
	expected := []string{}
	for _, r := range gcpRules {
		key := "gcp/" + region + "/" + r.item
		if r.noSKU != "" {
			f.add(key, candidate{err: r.noSKU})
			continue
		}
		expected = append(expected, key)
	}
	for _, fam := range gcpFamilies {
		if len(cores[fam.name]) == 0 || len(rams[fam.name]) == 0 {
			if _, seen := f.byKey["gcp/"+region+"/gce/"+fam.name+"-*"]; !seen {
				expected = append(expected, "gcp/"+region+"/gce/"+fam.name+"-*")
			}
		}
	}
	return f.settle("gcp", region, expected), nil
}

// gcpRate is a per-vCPU or per-GiB hourly rate read from one SKU.
type gcpRate struct {
	usd        decimal.Decimal
	id, source string
	date       string
}

func distinctRates(rs []gcpRate) map[string]bool {
	out := map[string]bool{}
	for _, r := range rs {
		out[r.usd.String()] = true
	}
	return out
}
