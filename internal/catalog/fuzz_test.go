package catalog_test

import (
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/shopspring/decimal"
)

// checkErrorLines: every line names the file and says what is wrong without Go types.
func checkErrorLines(t *testing.T, err error, name string, data []byte) {
	t.Helper()
	for _, line := range strings.Split(err.Error(), "\n") {
		if !strings.HasPrefix(line, name+": ") || len(line) > 2000 {
			t.Fatalf("a problem line names the file and is bounded: %.300q", line)
		}
		for _, leak := range []string{"catalog.", "decimal.", "interface {", "!!", "kubeversion.", "reflect"} {
			if strings.Contains(line, leak) && !strings.Contains(string(data), leak) {
				t.Fatalf("Go type in %q", line)
			}
		}
	}
}

// pricedTypes cost money: no free: pattern may cover them unless it names the type or
// its module.
var pricedTypes = map[string]string{
	"aws:eks/cluster:Cluster":       "aws:eks/",
	"aws:ec2/natGateway:NatGateway": "aws:ec2/",
	"gcp:container/cluster:Cluster": "gcp:container/",
	"gcp:compute/disk:Disk":         "gcp:compute/",
}

// FuzzPricesFile feeds the --prices reader arbitrary bytes: no panic, problems named by
// file and key, and an accepted file leaves every price finite within the stated bounds
// and every billing type priced unless the file names it.
func FuzzPricesFile(f *testing.F) {
	for _, s := range []string{
		entry("1e400"), entry("1e9999"), entry("-1"), entry(".inf"), entry("1e-400"), entry("0.0416"), entry("1e999999999"),
		"free: [\"aws:e*\"]\n", "free: [\"aws:iam/*\", \"random:*\"]\n", "free: [\"*\"]\n",
		"entries: {a: 1}\n", "entries:\n  - key: [1]\n", "- 1\n", "version: a\nversion: b\n", "version: a\n---\nversion: b\n",
		"kubernetesSupport:\n  - {version: \"1.36\", release: \"2026-06-01\", endOfStandardSupport: \"2027-08-01\", endOfExtendedSupport: \"2028-08-01\", source: s}\n",
		"date: 2026-13-45\nentries: [{key: a/b/c/d, unit: GB, usd: 1, source: s, date: \"2026-11\", region: x}]\n",
		"a: &a [x, x]\nfree: *a\n",
	} {
		f.Add([]byte(s))
	}
	if data, err := os.ReadFile("catalog.yaml"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := catalog.Default()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Merge(data, "p.yaml"); err != nil {
			checkErrorLines(t, err, "p.yaml", data)
			return
		}
		for _, e := range c.Entries() {
			usd, _ := e.USD.Float64()
			if math.IsInf(usd, 0) || math.IsNaN(usd) || usd < 1e-7 || usd > 10000 {
				t.Fatalf("%s: usd %v accepted", e.Key, usd)
			}
		}
		for typ, module := range pricedTypes {
			if c.IsFree(typ) && !strings.Contains(string(data), typ) && !strings.Contains(string(data), module) {
				t.Fatalf("%s made free by a pattern that names neither it nor its module", typ)
			}
		}
	})
}

// FuzzUsageFile feeds the --usage reader arbitrary bytes: an accepted file's figures are
// finite, not negative and at most the stated ceiling.
func FuzzUsageFile(f *testing.F) {
	for _, s := range []string{
		"natGatewayGBPerMonth: 1e400\n", "natGatewayGBPerMonth: 1e9999\n", "snapshotGB: -1\n", "snapshotGB: .inf\n",
		"natGatewayGBPerMonth: [1]\n", "base: [small]\n", "base: large\nsnapshotGB: 3\n", "snapshotGB: 1\nsnapshotGB: 2\n",
		"snapshotGB: 1\n---\nsnapshotGB: 2\n", "", "x: 1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := catalog.ParseUsage(data, "u.yaml")
		if err != nil {
			checkErrorLines(t, err, "u.yaml", data)
			return
		}
		v := reflect.ValueOf(*u)
		for i := 0; i < v.NumField(); i++ {
			d, ok := v.Field(i).Interface().(decimal.Decimal)
			if !ok {
				continue
			}
			x, _ := d.Float64()
			if math.IsInf(x, 0) || math.IsNaN(x) || x < 0 || x > 1e6 {
				t.Fatalf("%s = %v accepted", v.Type().Field(i).Name, x)
			}
		}
	})
}
