// Package priceimport turns the clouds' own published price files into a --prices file,
// so a stack in any region can be priced from the vendor's data instead of the embedded
// catalog's two regions:
//
//   - AWS: Price List bulk offer files (JSON), one per service and region, as served under
//     https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/<region>/index.json
//     for AmazonEC2 (instances, EBS, NAT gateways), AmazonEKS, AWSELB, AmazonVPC (public
//     IPv4), AWSDataTransfer, awskms, AmazonCloudWatch, AmazonS3 and AWSSystemsManager.
//   - GCP: Cloud Billing Catalog SKU listings (JSON, `services/<id>/skus` pages) for
//     Compute Engine, Networking, Kubernetes Engine and Cloud Storage.
//
// Every key the cost engine names for a region has exactly one rule here (rules.go); a
// test fails when the embedded catalog gains a regional item without one. A rule that
// finds nothing, finds several different prices, or meets a unit it does not know, says
// so: the import never guesses.
package priceimport

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Price is one imported catalog entry.
type Price struct {
	Key    string
	Unit   string
	USD    decimal.Decimal
	Source string
	Date   string
}

// Missing is a catalog item the files did not price, and why.
type Missing struct {
	Key    string
	Reason string
}

// Result is what an import found.
type Result struct {
	Cloud, Region string
	Prices        []Price
	Missing       []Missing
}

// regionSyntax is a cloud region's shape: us-east-1, eu-central-2, us-central1, europe-west3.
var regionSyntax = map[string]*regexp.Regexp{
	"aws": regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-\d$`),
	"gcp": regexp.MustCompile(`^[a-z]+-[a-z]+\d+$`),
}

// CheckRegion refuses a region that cannot be one of the cloud's.
func CheckRegion(cloud, region string) error {
	re, ok := regionSyntax[cloud]
	if !ok {
		return fmt.Errorf("cloud %q: one of aws, gcp", cloud)
	}
	if !re.MatchString(region) {
		return fmt.Errorf("--region %q is not a %s region name (e.g. %s)", clip(region), cloud, map[string]string{"aws": "eu-central-1", "gcp": "europe-west3"}[cloud])
	}
	return nil
}

// found collects candidate prices per key and settles them.
type found struct {
	byKey map[string][]candidate
}

type candidate struct {
	usd    decimal.Decimal
	unit   string
	source string
	date   string
	id     string // SKU, for ambiguity messages
	err    string // a reason this candidate could not be used
}

func (f *found) add(key string, c candidate) {
	if f.byKey == nil {
		f.byKey = map[string][]candidate{}
	}
	f.byKey[key] = append(f.byKey[key], c)
}

// settle turns the candidates into prices: one distinct price per key, or a reason.
// expected lists the keys the caller wanted (reported missing when absent).
func (f *found) settle(cloud, region string, expected []string) *Result {
	res := &Result{Cloud: cloud, Region: region}
	keys := make([]string, 0, len(f.byKey))
	for k := range f.byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var ok []candidate
		var reasons []string
		for _, c := range f.byKey[k] {
			if c.err != "" {
				reasons = append(reasons, c.err)
				continue
			}
			ok = append(ok, c)
		}
		distinct := map[string]candidate{}
		for _, c := range ok {
			distinct[c.usd.String()+" "+c.unit] = c
		}
		switch len(distinct) {
		case 0:
			res.Missing = append(res.Missing, Missing{Key: k, Reason: strings.Join(uniq(reasons), "; ")})
		case 1:
			c := ok[0]
			res.Prices = append(res.Prices, Price{Key: k, Unit: c.unit, USD: c.usd, Source: c.source, Date: c.date})
		default:
			var alts []string
			for _, c := range ok {
				alts = append(alts, fmt.Sprintf("%s at %s/%s", c.id, c.usd, c.unit))
			}
			sort.Strings(alts)
			res.Missing = append(res.Missing, Missing{Key: k, Reason: "ambiguous: " + strings.Join(uniq(alts), ", ")})
		}
	}
	for _, k := range expected {
		if _, seen := f.byKey[k]; !seen {
			res.Missing = append(res.Missing, Missing{Key: k, Reason: "no matching product in the files given"})
		}
	}
	sort.Slice(res.Missing, func(i, j int) bool { return res.Missing[i].Key < res.Missing[j].Key })
	return res
}

func uniq(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// WriteYAML writes the result in the --prices format (docs/prices.md): a catalog document
// whose entries replace or extend the embedded ones. It carries no date: the catalog's
// date (the day EKS support status is judged on) stays the embedded one.
func (r *Result) WriteYAML(w io.Writer, generatedBy string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s prices for %s, imported by %s from the vendor's own price files.\n", r.Cloud, r.Region, generatedBy)
	fmt.Fprintf(&b, "# Use with: clusterbench compare --prices FILE. docs/prices.md describes the format.\n")
	if len(r.Missing) > 0 {
		fmt.Fprintf(&b, "# Not priced by these files (%d): add them by hand or import more files.\n", len(r.Missing))
		for _, m := range r.Missing {
			fmt.Fprintf(&b, "#   %s: %s\n", m.Key, oneLine(m.Reason))
		}
	}
	fmt.Fprintf(&b, "version: %s\n", strconv.Quote("import-"+r.Cloud+"-"+r.Region))
	b.WriteString("entries:\n")
	for _, p := range r.Prices {
		// JSON string quoting is valid YAML double-quoted scalar syntax.
		fmt.Fprintf(&b, "  - {key: %s, region: %s, unit: %s, usd: %s, source: %s, date: %s, verified: true}\n",
			strconv.Quote(p.Key), strconv.Quote(r.Region), strconv.Quote(p.Unit), p.USD.String(), strconv.Quote(p.Source), strconv.Quote(p.Date))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip caps a value echoed in an error.
func clip(s string) string {
	const max = 80
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}
