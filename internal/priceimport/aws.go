package priceimport

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// awsRule maps one catalog item to the products of an offer file that price it.
type awsRule struct {
	item   string // <service>/<item> of the catalog key
	offer  string // the offer file's offerCode
	family string // productFamily, "" for any
	usage  string // usagetype without its region prefix (USE1-, EUC1-…)
	attrs  map[string]string
	units  map[string]unitConv // the offer's unit → the catalog's
}

// unitConv converts an offer's unit to a catalog unit; div divides the price (the offer
// prices gp3 throughput per GiB/s-month, the catalog per MiB/s-month).
type unitConv struct {
	unit string
	div  int64
}

var (
	hourly  = map[string]unitConv{"Hrs": {"hour", 1}, "Hours": {"hour", 1}, "hours": {"hour", 1}}
	perGB   = map[string]unitConv{"GB": {"GB", 1}}
	perGBMo = map[string]unitConv{"GB-Mo": {"GB-month", 1}, "GB-month": {"GB-month", 1}}
)

// awsRules: one rule per regional AWS catalog item except EC2 instances (awsInstance).
// Usage types are AWS's (Cost and Usage Report "line_item_usage_type" and the Price
// List "usagetype" attribute); us-east-1 omits the region prefix on some of them.
var awsRules = []awsRule{
	{item: "ebs/gp3", offer: "AmazonEC2", family: "Storage", usage: "EBS:VolumeUsage.gp3", units: perGBMo},
	{item: "ebs/gp2", offer: "AmazonEC2", family: "Storage", usage: "EBS:VolumeUsage.gp2", units: perGBMo},
	{item: "ebs/gp3-iops", offer: "AmazonEC2", family: "System Operation", usage: "EBS:VolumeP-IOPS.gp3", units: map[string]unitConv{"IOPS-Mo": {"month", 1}}},
	// The offer prices throughput per GiB/s-month; AWS bills (and the catalog stores) it
	// per MB/s-month, AWS's MB/s being MiB/s: divide by 1024.
	{item: "ebs/gp3-throughput", offer: "AmazonEC2", family: "Provisioned Throughput", usage: "EBS:VolumeP-Throughput.gp3", units: map[string]unitConv{"GiBps-mo": {"month", 1024}}},
	{item: "ebs/snapshot", offer: "AmazonEC2", family: "Storage Snapshot", usage: "EBS:SnapshotUsage", units: perGBMo},
	{item: "ebs/snapshot-archive", offer: "AmazonEC2", family: "Storage Snapshot", usage: "EBS:SnapshotArchiveStorage", units: perGBMo},
	{item: "vpc/nat-gateway", offer: "AmazonEC2", family: "NAT Gateway", usage: "NatGateway-Hours", units: hourly},
	{item: "vpc/nat-gateway-data", offer: "AmazonEC2", family: "NAT Gateway", usage: "NatGateway-Bytes", units: perGB},
	{item: "vpc/public-ipv4", offer: "AmazonVPC", usage: "PublicIPv4:InUseAddress", units: hourly},
	{item: "vpc/inter-az-data", offer: "AWSDataTransfer", usage: "DataTransfer-Regional-Bytes", units: perGB},
	{item: "elb/nlb", offer: "AWSELB", family: "Load Balancer-Network", usage: "LoadBalancerUsage", units: hourly},
	{item: "elb/nlb-capacity", offer: "AWSELB", family: "Load Balancer-Network", usage: "LCUUsage", units: map[string]unitConv{"LCU-Hrs": {"LCU-hour", 1}}},
	{item: "elb/alb", offer: "AWSELB", family: "Load Balancer-Application", usage: "LoadBalancerUsage", units: hourly},
	{item: "elb/alb-capacity", offer: "AWSELB", family: "Load Balancer-Application", usage: "LCUUsage", units: map[string]unitConv{"LCU-Hrs": {"LCU-hour", 1}}},
	{item: "eks/control-plane-standard", offer: "AmazonEKS", usage: "AmazonEKS-Hours:perCluster", units: hourly},
	{item: "eks/control-plane-extended", offer: "AmazonEKS", usage: "AmazonEKS-Hours:extendedSupport", units: hourly},
	{item: "kms/key", offer: "awskms", usage: "KMS-Keys", units: map[string]unitConv{"Keys": {"month", 1}}},
	{item: "cloudwatch/logs-ingest", offer: "AmazonCloudWatch", usage: "DataProcessing-Bytes", units: perGB},
	{item: "cloudwatch/logs-storage", offer: "AmazonCloudWatch", usage: "TimedStorage-ByteHrs", units: perGBMo},
	{item: "s3/standard", offer: "AmazonS3", family: "Storage", usage: "TimedStorage-ByteHrs", attrs: map[string]string{"volumeType": "Standard"}, units: perGBMo},
	{item: "ssm/advanced-parameter", offer: "AWSSystemsManager", usage: "PS-Advanced-Param-Tier1", units: map[string]unitConv{"Parameters": {"month", 1}, "Parameter-Mo": {"month", 1}}},
}

// awsInstance: Linux, shared tenancy, no pre-installed software, on-demand capacity in use
// (the "BoxUsage" line), the way the embedded catalog's instance prices are read.
var awsInstance = map[string]string{"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}

type awsProduct struct {
	SKU           string            `json:"sku"`
	ProductFamily string            `json:"productFamily"`
	Attributes    map[string]string `json:"attributes"`
}

type awsTerm struct {
	EffectiveDate   string                  `json:"effectiveDate"`
	PriceDimensions map[string]awsDimension `json:"priceDimensions"`
}

type awsDimension struct {
	Unit         string            `json:"unit"`
	BeginRange   string            `json:"beginRange"`
	EndRange     string            `json:"endRange"`
	PricePerUnit map[string]string `json:"pricePerUnit"`
	Description  string            `json:"description"`
}

// usageMatches reports whether an offer's usagetype is u, with or without a region
// prefix (EUC1-EBS:VolumeUsage.gp3; us-east-1 has none on some, USE1- on others).
func usageMatches(usagetype, u string) bool {
	if usagetype == u {
		return true
	}
	prefix, ok := strings.CutSuffix(usagetype, "-"+u)
	if !ok || prefix == "" || len(prefix) > 5 {
		return false
	}
	for _, r := range prefix {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// awsKey returns the catalog key a product prices in region, or "".
func awsKey(offer, region string, p *awsProduct) string {
	a := p.Attributes
	if a["regionCode"] != region && a["fromRegionCode"] != region {
		return ""
	}
	usage := a["usagetype"]
	if strings.EqualFold(offer, "AmazonEC2") && strings.HasPrefix(p.ProductFamily, "Compute Instance") &&
		strings.Contains(usage, "BoxUsage:") && a["instanceType"] != "" {
		for k, v := range awsInstance {
			if a[k] != v {
				return ""
			}
		}
		if lm := a["licenseModel"]; lm != "" && lm != "No License required" {
			return ""
		}
		if mo := a["marketoption"]; mo != "" && mo != "OnDemand" {
			return ""
		}
		return "aws/" + region + "/ec2/" + a["instanceType"]
	}
	for _, r := range awsRules {
		if !strings.EqualFold(r.offer, offer) || r.family != "" && r.family != p.ProductFamily || !usageMatches(usage, r.usage) {
			continue
		}
		match := true
		for k, v := range r.attrs {
			if a[k] != v {
				match = false
			}
		}
		if match {
			return "aws/" + region + "/" + r.item
		}
	}
	return ""
}

func awsRuleFor(key string) (awsRule, bool) {
	for _, r := range awsRules {
		if strings.HasSuffix(key, "/"+r.item) {
			return r, true
		}
	}
	if strings.Contains(key, "/ec2/") {
		return awsRule{units: hourly}, true
	}
	return awsRule{}, false
}

// awsOffer is what one offer file holds for the region: the matching products and their
// on-demand terms.
type awsOffer struct {
	name, code, version, published string
	regionProducts                 int
	regions                        map[string]bool
	products                       map[string]awsProduct // by SKU, matching a rule
	keys                           map[string]string     // SKU → catalog key
	terms                          map[string]map[string]awsTerm
}

// readAWSOffer streams one offer file: an EC2 regional file is hundreds of megabytes, so
// only the products a rule wants and their on-demand terms are kept.
func readAWSOffer(r io.Reader, name, region string) (*awsOffer, error) {
	o := &awsOffer{name: name, regions: map[string]bool{}, products: map[string]awsProduct{}, keys: map[string]string{}, terms: map[string]map[string]awsTerm{}}
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	bad := func(err error) error {
		return fmt.Errorf("%s: not an AWS Price List offer file: %v", name, err)
	}
	if err := expectDelim(dec, '{'); err != nil {
		return nil, bad(err)
	}
	productsRead := false
	var pendingTerms map[string]map[string]awsTerm // terms met before products
	for dec.More() {
		field, err := stringToken(dec)
		if err != nil {
			return nil, bad(err)
		}
		switch field {
		case "offerCode", "version", "publicationDate":
			var s string
			if err := dec.Decode(&s); err != nil {
				return nil, bad(fmt.Errorf("%s: %v", field, err))
			}
			switch field {
			case "offerCode":
				o.code = s
			case "version":
				o.version = s
			default:
				o.published = s
			}
		case "products":
			if o.code == "" {
				return nil, bad(errors.New("products before offerCode"))
			}
			if err := eachMember(dec, func(sku string) error {
				var p awsProduct
				if err := dec.Decode(&p); err != nil {
					return fmt.Errorf("product %s: %v", clip(sku), err)
				}
				if rc := p.Attributes["regionCode"]; rc != "" {
					o.regions[rc] = true
				}
				if p.Attributes["regionCode"] == region || p.Attributes["fromRegionCode"] == region {
					o.regionProducts++
				}
				if k := awsKey(o.code, region, &p); k != "" {
					o.products[sku] = p
					o.keys[sku] = k
				}
				return nil
			}); err != nil {
				return nil, bad(err)
			}
			productsRead = true
		case "terms":
			if err := eachMember(dec, func(kind string) error {
				if kind != "OnDemand" {
					// Reserved terms: skipped SKU by SKU, never held whole.
					return eachMember(dec, func(string) error { return skipSmall(dec) })
				}
				return eachMember(dec, func(sku string) error {
					if productsRead {
						if _, want := o.keys[sku]; !want {
							return skipSmall(dec)
						}
					}
					var t map[string]awsTerm
					if err := dec.Decode(&t); err != nil {
						return fmt.Errorf("terms of %s: %v", clip(sku), err)
					}
					if !productsRead {
						if pendingTerms == nil {
							pendingTerms = map[string]map[string]awsTerm{}
						}
						pendingTerms[sku] = t
						return nil
					}
					o.terms[sku] = t
					return nil
				})
			}); err != nil {
				return nil, bad(err)
			}
		default:
			if err := skipValue(dec); err != nil {
				return nil, bad(err)
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, bad(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad(errors.New("data after the offer's closing brace"))
	}
	if o.code == "" || !productsRead {
		return nil, bad(errors.New("no offerCode or products"))
	}
	for sku, t := range pendingTerms {
		if _, want := o.keys[sku]; want {
			o.terms[sku] = t
		}
	}
	return o, nil
}

// candidates turns an offer's matching products into price candidates.
func (o *awsOffer) candidates(f *found) {
	date := o.published
	if len(date) >= 10 {
		date = date[:10]
	}
	skus := make([]string, 0, len(o.keys))
	for s := range o.keys {
		skus = append(skus, s)
	}
	sort.Strings(skus)
	for _, sku := range skus {
		key := o.keys[sku]
		rule, _ := awsRuleFor(key)
		source := fmt.Sprintf("AWS Price List offer file %s (version %s), SKU %s", o.code, o.version, sku)
		terms := o.terms[sku]
		if len(terms) == 0 {
			f.add(key, candidate{id: sku, err: fmt.Sprintf("SKU %s has no on-demand price", sku)})
			continue
		}
		for _, t := range terms {
			dims := make([]awsDimension, 0, len(t.PriceDimensions))
			for _, d := range t.PriceDimensions {
				dims = append(dims, d)
			}
			d, note, err := firstPaidDimension(dims)
			if err != nil {
				f.add(key, candidate{id: sku, err: fmt.Sprintf("SKU %s: %v", sku, err)})
				continue
			}
			conv, ok := rule.units[d.Unit]
			if !ok {
				f.add(key, candidate{id: sku, err: fmt.Sprintf("SKU %s: unit %q is not one this import understands for %s", sku, d.Unit, key)})
				continue
			}
			usd, err := decimal.NewFromString(d.PricePerUnit["USD"])
			if err != nil {
				f.add(key, candidate{id: sku, err: fmt.Sprintf("SKU %s: price %q is not a number", sku, clip(d.PricePerUnit["USD"]))})
				continue
			}
			if conv.div != 1 {
				usd = usd.Div(decimal.NewFromInt(conv.div))
			}
			d8 := date
			if d8 == "" && len(t.EffectiveDate) >= 10 {
				d8 = t.EffectiveDate[:10]
			}
			f.add(key, candidate{id: sku, usd: usd, unit: conv.unit, source: source + note, date: d8})
		}
	}
}

// firstPaidDimension picks the tier starting at 0; if that tier is free, the next one
// (and says so).
func firstPaidDimension(dims []awsDimension) (awsDimension, string, error) {
	byBegin := map[string]awsDimension{}
	for _, d := range dims {
		b := d.BeginRange
		if b == "" {
			b = "0"
		}
		byBegin[b] = d
	}
	d, ok := byBegin["0"]
	if !ok {
		return awsDimension{}, "", errors.New("no price tier starting at 0")
	}
	usd, err := decimal.NewFromString(d.PricePerUnit["USD"])
	if err != nil {
		return awsDimension{}, "", fmt.Errorf("price %q is not a number", clip(d.PricePerUnit["USD"]))
	}
	if usd.IsPositive() {
		return d, "", nil
	}
	next, ok := byBegin[d.EndRange]
	if !ok || d.EndRange == "Inf" {
		return awsDimension{}, "", errors.New("free (no paid tier)")
	}
	return next, fmt.Sprintf(", after a free first %s %s", d.EndRange, d.Unit), nil
}

// ImportAWS reads offer files (name → reader) and returns the region's prices. It fails
// on a file that is not an offer file, or holds no product of the region.
func ImportAWS(region string, files []NamedReader) (*Result, error) {
	if err := CheckRegion("aws", region); err != nil {
		return nil, err
	}
	f := &found{}
	offers := map[string]bool{}
	for _, nf := range files {
		o, err := readAWSOffer(nf.R, nf.Name, region)
		if err != nil {
			return nil, err
		}
		if o.regionProducts == 0 {
			return nil, fmt.Errorf("%s: offer %s has no product in region %s (regions in the file: %s)", nf.Name, o.code, region, listSome(o.regions))
		}
		offers[strings.ToLower(o.code)] = true
		o.candidates(f)
	}
	// Every item is expected; one whose offer file was not given says which file to get.
	expected := make([]string, 0, len(awsRules))
	for _, r := range awsRules {
		expected = append(expected, "aws/"+region+"/"+r.item)
	}
	res := f.settle("aws", region, expected)
	for i, m := range res.Missing {
		if r, ok := awsRuleFor(m.Key); ok && r.offer != "" && !offers[strings.ToLower(r.offer)] {
			res.Missing[i].Reason = fmt.Sprintf("offer %s not given (download offers/v1.0/aws/%s/current/%s/index.json)", r.offer, r.offer, region)
		}
	}
	return res, nil
}

// NamedReader is an input file and the name errors use.
type NamedReader struct {
	Name string
	R    io.Reader
}

func listSome(set map[string]bool) string {
	if len(set) == 0 {
		return "none"
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	if len(out) > 8 {
		out = append(out[:8], fmt.Sprintf("and %d more", len(set)-8))
	}
	return strings.Join(out, ", ")
}

// --- streaming JSON helpers ---

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, found %v", want, t)
	}
	return nil
}

func stringToken(dec *json.Decoder) (string, error) {
	t, err := dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok {
		return "", fmt.Errorf("want an object key, found %v", t)
	}
	return s, nil
}

// eachMember calls fn for each key of the object that comes next; fn consumes the value.
func eachMember(dec *json.Decoder, fn func(key string) error) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		k, err := stringToken(dec)
		if err != nil {
			return err
		}
		if err := fn(k); err != nil {
			return err
		}
	}
	return expectDelim(dec, '}')
}

// skipSmall consumes a value known to be small (one SKU's terms): decoding it whole is
// faster than walking its tokens.
func skipSmall(dec *json.Decoder) error {
	var raw json.RawMessage
	return dec.Decode(&raw)
}

// skipValue consumes the next value, however large, without keeping it.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}
