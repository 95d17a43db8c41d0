package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// decodeStrict decodes one YAML document into v (a pointer to a struct with yaml tags),
// checking its shape first so that every problem is said in the file's own terms: the
// key (entries[3].usd), what was expected (a number, text, a list of entries) and what
// was found. Unknown keys, keys set twice, aliases and a second document are refused.
// It returns one message per problem.
func decodeStrict(data []byte, v any) []string {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil && !errors.Is(err, io.EOF) {
		return []string{fmt.Sprintf("not valid YAML: %v", err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return []string{"holds more than one YAML document (---); write one"}
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	if doc.Kind == 0 || doc.Kind == yaml.DocumentNode || isNull(doc) {
		return nil // an empty file changes nothing
	}
	t := reflect.TypeOf(v).Elem()
	if problems := shape(doc, t, ""); len(problems) > 0 {
		return problems
	}
	if err := doc.Decode(v); err != nil {
		// The shape check admits only what decodes; this is a safety net.
		return []string{fmt.Sprintf("expected %s", describe(t))}
	}
	return nil
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

var decimalType = reflect.TypeOf(decimal.Decimal{})

// shape checks a node against a Go type, returning problems named by path.
func shape(n *yaml.Node, t reflect.Type, path string) []string {
	at := func(format string, args ...any) []string {
		prefix := ""
		if path != "" {
			prefix = path + ": "
		}
		return []string{prefix + fmt.Sprintf(format, args...)}
	}
	if n.Kind == yaml.AliasNode {
		return at("aliases (*name) are not supported here; write the value out")
	}
	if isNull(n) {
		return nil // a key left empty keeps its zero value
	}
	switch {
	case t == decimalType:
		if n.Kind != yaml.ScalarNode {
			return at("expected a number, got %s", found(n))
		}
		d, err := decimal.NewFromString(n.Value)
		if err != nil {
			return at("expected a number, got %s", spec.Clip(n.Value))
		}
		if limit, ok := limits[path[strings.LastIndex(path, ".")+1:]]; ok {
			return limit.check(d, n.Value, path)
		}
		return nil
	case t.Kind() == reflect.String:
		if n.Kind != yaml.ScalarNode {
			return at("expected text, got %s", found(n))
		}
		return nil
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			return at("expected a whole number, got %s", found(n))
		}
		if _, err := strconv.ParseInt(n.Value, 0, t.Bits()); err != nil {
			return at("expected a whole number, got %s", spec.Clip(n.Value))
		}
		return nil
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		f, err := strconv.ParseFloat(n.Value, 64)
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") || err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return at("expected a number, got %s", found(n))
		}
		return nil
	case t.Kind() == reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			return at("expected true or false, got %s", found(n))
		}
		return nil
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return at("expected %s, got %s", describe(t), found(n))
		}
		var out []string
		for i, c := range n.Content {
			out = append(out, shape(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i+1))...)
		}
		return out
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return at("expected %s, got %s", describe(t), found(n))
		}
		fields := yamlFields(t)
		var out []string
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			sub := spec.Clip(k)
			if path != "" {
				sub = path + "." + sub
			}
			if seen[k] {
				out = append(out, fmt.Sprintf("%s: set twice (line %d); keep one", sub, n.Content[i].Line))
				continue
			}
			seen[k] = true
			ft, ok := fields[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s: unknown key; allowed: %s", sub, strings.Join(fieldNames(fields), ", ")))
				continue
			}
			out = append(out, shape(n.Content[i+1], ft, sub)...)
		}
		return out
	}
	return at("expected %s", describe(t))
}

// yamlFields maps a struct's YAML keys to their types ("-" fields are not keys).
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func fieldNames(fields map[string]reflect.Type) []string {
	out := make([]string, 0, len(fields))
	for k := range fields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// describe says what a Go type is in a file's terms.
func describe(t reflect.Type) string {
	switch {
	case t == decimalType:
		return "a number"
	case t.Kind() == reflect.String:
		return "text"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		return "a whole number"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "a number"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Slice:
		if t.Elem() == reflect.TypeOf(Entry{}) {
			return "a list of entries"
		}
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(describe(t.Elem()), "a "), "an ")
	case t.Kind() == reflect.Struct:
		return "a map of " + strings.Join(fieldNames(yamlFields(t)), ", ")
	}
	return "a value"
}

// found says what a node is.
func found(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return spec.Clip(n.Value)
}

// A limit bounds a figure: a value outside it is a typo or an attack, never a price or a
// usage. Figures are compared by magnitude first, so 1e999999999 costs nothing to refuse.
type limit struct {
	min, max decimal.Decimal
	// minText and maxText say the bounds the way messages do; why says why the ceiling.
	minText, maxText, why string
}

// maxMagnitude: decimal digits beyond which a figure is out of every limit.
const maxMagnitude = 30

// limits are the bounds of the numeric keys of price and usage files, by key.
var limits = map[string]limit{
	"usd": {min: decimal.New(1, -7), max: decimal.NewFromInt(10000), minText: "$0.0000001", maxText: "$10,000",
		why: "per unit: no price clusterbench uses comes near it (the largest EC2 instances cost about $400 an hour)"},
}

func init() {
	usage := limit{min: decimal.Zero, max: decimal.NewFromInt(1000000), minText: "0", maxText: "1,000,000",
		why: "a petabyte of traffic or storage a month, or a million capacity units, is beyond any one cluster"}
	for _, f := range usageKeys() {
		limits[f] = usage
	}
}

// check refuses d (written as raw) outside the limit, naming the key.
func (l limit) check(d decimal.Decimal, raw, path string) []string {
	mag := len(new(big.Int).Abs(d.Coefficient()).String()) + int(d.Exponent())
	key := path[strings.LastIndex(path, ".")+1:]
	where := path
	if i := strings.LastIndex(path, "."); i >= 0 {
		where = path[:i] + ": " + key
	}
	switch {
	case d.Sign() < 0 && l.min.Sign() >= 0:
		return nil // negative figures have their own message
	case mag > maxMagnitude || d.GreaterThan(l.max):
		return []string{fmt.Sprintf("%s %s: above the ceiling of %s %s", where, spec.Clip(raw), l.maxText, l.why)}
	case d.Sign() > 0 && (mag < -maxMagnitude || d.LessThan(l.min)):
		return []string{fmt.Sprintf("%s %s: want a positive figure of at least %s", where, spec.Clip(raw), l.minText)}
	}
	return nil
}
