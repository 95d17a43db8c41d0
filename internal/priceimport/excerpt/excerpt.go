// Package excerpt writes small files in the vendors' real price-file formats, for the
// tests of `clusterbench prices import`: the AWS Price List bulk offer file and the Cloud
// Billing Catalog SKU page.
package excerpt

import (
	"encoding/json"
	"fmt"
	"testing"
)

// The builders below write excerpts in the vendors' real file formats: the AWS Price List
// bulk offer file (formatVersion v1.0: products by SKU, terms.OnDemand by SKU → term →
// priceDimensions) and the Cloud Billing Catalog's `services/<id>/skus` page.

// AWSProduct is one product of an offer file and its on-demand price.
type AWSProduct struct {
	SKU, Family string
	Attrs       map[string]string
	Unit, USD   string
	Tiers       [][3]string // beginRange, endRange, usd; overrides unit/usd's single tier
}

// AWSOffer writes an offer file.
func AWSOffer(t testing.TB, code string, products []AWSProduct) string {
	t.Helper()
	prods := map[string]any{}
	ondemand := map[string]any{}
	reserved := map[string]any{}
	for _, p := range products {
		prods[p.SKU] = map[string]any{"sku": p.SKU, "productFamily": p.Family, "attributes": p.Attrs}
		tiers := p.Tiers
		if tiers == nil {
			tiers = [][3]string{{"0", "Inf", p.USD}}
		}
		dims := map[string]any{}
		for i, tr := range tiers {
			rate := fmt.Sprintf("%s.JRTCKXETXF.6YS6EN2CT%d", p.SKU, i)
			dims[rate] = map[string]any{
				"rateCode": rate, "description": "excerpt", "beginRange": tr[0], "endRange": tr[1],
				"unit": p.Unit, "pricePerUnit": map[string]string{"USD": tr[2]}, "appliesTo": []string{},
			}
		}
		ondemand[p.SKU] = map[string]any{p.SKU + ".JRTCKXETXF": map[string]any{
			"offerTermCode": "JRTCKXETXF", "sku": p.SKU, "effectiveDate": "2026-11-01T00:00:00Z",
			"priceDimensions": dims, "termAttributes": map[string]any{},
		}}
		// A reserved term the import must ignore.
		reserved[p.SKU] = map[string]any{p.SKU + ".4NA7Y494T4": map[string]any{
			"offerTermCode": "4NA7Y494T4", "sku": p.SKU,
			"priceDimensions": map[string]any{p.SKU + ".4NA7Y494T4.Q7UJUT2CE6": map[string]any{
				"unit": p.Unit, "beginRange": "0", "endRange": "Inf", "pricePerUnit": map[string]string{"USD": "0.0001"},
			}},
			"termAttributes": map[string]string{"LeaseContractLength": "1yr", "PurchaseOption": "No Upfront"},
		}}
	}
	doc := map[string]any{
		"formatVersion": "v1.0", "disclaimer": "excerpt built by the tests", "offerCode": code,
		"version": "20261120190000", "publicationDate": "2026-11-20T19:00:00Z",
		"products": prods, "terms": map[string]any{"OnDemand": ondemand, "Reserved": reserved},
		"attributesList": map[string]any{},
	}
	// encoding/json sorts keys: products (p…) precede terms (t…), as in AWS's files.
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// EC2Instance is an instance product (EUC1 usage-type prefix).
func EC2Instance(sku, region, typ, os, tenancy, usd string) AWSProduct {
	return AWSProduct{SKU: sku, Family: "Compute Instance", Unit: "Hrs", USD: usd, Attrs: map[string]string{
		"servicecode": "AmazonEC2", "regionCode": region, "instanceType": typ, "operatingSystem": os,
		"tenancy": tenancy, "preInstalledSw": "NA", "capacitystatus": "Used", "licenseModel": "No License required",
		"usagetype": "EUC1-BoxUsage:" + typ, "operation": "RunInstances",
	}}
}

// AWSUsage is a product by usage type; extra are attribute name/value pairs.
func AWSUsage(sku, region, family, usagetype, unit, usd string, extra ...string) AWSProduct {
	a := map[string]string{"regionCode": region, "usagetype": usagetype}
	for i := 0; i+1 < len(extra); i += 2 {
		a[extra[i]] = extra[i+1]
	}
	return AWSProduct{SKU: sku, Family: family, Attrs: a, Unit: unit, USD: usd}
}

// GCPSKU is one SKU of a listing.
type GCPSKU struct {
	ID, Desc, Service, UsageType string
	Regions                      []string
	Unit                         string
	Units                        string
	Nanos                        int64
	Tiers                        [][3]int64 // startUsageAmount, units, nanos
}

// GCPListing writes a listing page.
func GCPListing(t testing.TB, skus []GCPSKU) string {
	t.Helper()
	var out []any
	for _, s := range skus {
		tiers := s.Tiers
		if tiers == nil {
			var u int64
			fmt.Sscan(s.Units, &u)
			tiers = [][3]int64{{0, u, s.Nanos}}
		}
		var rates []any
		for _, tr := range tiers {
			rates = append(rates, map[string]any{
				"startUsageAmount": tr[0],
				"unitPrice":        map[string]any{"currencyCode": "USD", "units": fmt.Sprint(tr[1]), "nanos": tr[2]},
			})
		}
		svc := s.Service
		if svc == "" {
			svc = "Compute Engine"
		}
		ut := s.UsageType
		if ut == "" {
			ut = "OnDemand"
		}
		out = append(out, map[string]any{
			"name": "services/6F81-5844-456A/skus/" + s.ID, "skuId": s.ID, "description": s.Desc,
			"category":       map[string]any{"serviceDisplayName": svc, "resourceFamily": "Compute", "resourceGroup": "CPU", "usageType": ut},
			"serviceRegions": s.Regions,
			"pricingInfo": []any{map[string]any{
				"summary": "", "currencyConversionRate": 1, "effectiveTime": "2026-11-24T07:45:00.000Z",
				"pricingExpression": map[string]any{
					"usageUnit": s.Unit, "displayQuantity": 1, "tieredRates": rates,
					"usageUnitDescription": s.Unit, "baseUnit": "s", "baseUnitConversionFactor": 3600,
				},
			}},
			"serviceProviderName": "Google",
		})
	}
	b, err := json.Marshal(map[string]any{"skus": out, "nextPageToken": ""})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
