package catalog

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

//go:embed usage/*.yaml
var presets embed.FS

// Presets are the embedded usage presets, lightest first; DefaultPreset is the default.
var Presets = []string{"small", "medium", "large"}

// DefaultPreset is the preset a usage file starts from unless it names another base.
const DefaultPreset = "small"

// Usage is the traffic and storage assumptions usage-based cost lines multiply prices
// by. usage/small.yaml documents every key.
type Usage struct {
	// Name is the preset's name, or the usage file's base name.
	Name string `yaml:"-"`
	// Base is the preset a usage file starts from (small when empty).
	Base                      string          `yaml:"base,omitempty"`
	NATGatewayGBPerMonth      decimal.Decimal `yaml:"natGatewayGBPerMonth"`
	CloudNATGBPerMonth        decimal.Decimal `yaml:"cloudNatGBPerMonth"`
	LoadBalancerCapacityUnits decimal.Decimal `yaml:"loadBalancerCapacityUnits"`
	LogIngestGBPerMonth       decimal.Decimal `yaml:"logIngestGBPerMonth"`
	LogStorageGB              decimal.Decimal `yaml:"logStorageGB"`
	SnapshotGB                decimal.Decimal `yaml:"snapshotGB"`
	ObjectStorageGB           decimal.Decimal `yaml:"objectStorageGB"`
	InterZoneGBPerMonth       decimal.Decimal `yaml:"interZoneGBPerMonth"`
	// DatadogBilling is onDemand or annual: which Datadog host price applies.
	DatadogBilling string `yaml:"datadogBilling"`
}

// Datadog billing terms (datadogBilling).
const (
	DatadogOnDemand = "onDemand"
	DatadogAnnual   = "annual"
)

// LoadUsage returns a preset by name (small, medium, large) or reads a usage file by
// path: the file's keys override those of its base preset, the rest stay.
func LoadUsage(nameOrPath string) (*Usage, error) {
	if isPreset(nameOrPath) {
		return Preset(nameOrPath)
	}
	data, err := os.ReadFile(nameOrPath)
	if err != nil {
		return nil, fmt.Errorf("%v (not a preset either: one of %s)", err, strings.Join(Presets, ", "))
	}
	return ParseUsage(data, nameOrPath)
}

// Preset returns an embedded preset.
func Preset(name string) (*Usage, error) {
	if !isPreset(name) {
		return nil, fmt.Errorf("usage preset %q: want one of %s", name, strings.Join(Presets, ", "))
	}
	data, err := presets.ReadFile("usage/" + name + ".yaml")
	if err != nil {
		return nil, err
	}
	u := &Usage{}
	if err := u.decode(data, "usage/"+name+".yaml"); err != nil {
		return nil, err
	}
	u.Name = name
	return u, nil
}

// ParseUsage reads a usage document named path (its base name becomes the usage's name).
func ParseUsage(data []byte, path string) (*Usage, error) {
	// The whole document is checked first, so that base: is read from a valid file.
	if problems := decodeStrict(data, &Usage{}); len(problems) > 0 {
		return nil, fmt.Errorf("%s: %s", path, strings.Join(problems, "\n"+path+": "))
	}
	var head struct {
		Base string `yaml:"base"`
	}
	if err := yaml.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	base := head.Base
	if base == "" {
		base = DefaultPreset
	}
	u, err := Preset(base)
	if err != nil {
		return nil, fmt.Errorf("%s: base: %v", path, err)
	}
	if err := u.decode(data, path); err != nil {
		return nil, err
	}
	u.Name, u.Base = filepath.Base(path), base
	return u, nil
}

// decode lays a document over u (keys it omits keep their value) and refuses unknown
// keys and negative figures, naming the file and the key.
func (u *Usage) decode(data []byte, name string) error {
	if problems := decodeStrict(data, u); len(problems) > 0 {
		return fmt.Errorf("%s: %s", name, strings.Join(problems, "\n"+name+": "))
	}
	if u.DatadogBilling != DatadogOnDemand && u.DatadogBilling != DatadogAnnual {
		return fmt.Errorf("%s: datadogBilling %q: want %s or %s", name, u.DatadogBilling, DatadogOnDemand, DatadogAnnual)
	}
	v, t := reflect.ValueOf(u).Elem(), reflect.TypeOf(*u)
	for i := 0; i < t.NumField(); i++ {
		d, ok := v.Field(i).Interface().(decimal.Decimal)
		if ok && d.IsNegative() {
			return fmt.Errorf("%s: %s %s: want a figure ≥ 0", name, strings.TrimSuffix(t.Field(i).Tag.Get("yaml"), ",omitempty"), d)
		}
	}
	return nil
}

// usageKeys are the figures of a usage file, by their YAML keys.
func usageKeys() []string {
	var out []string
	t := reflect.TypeOf(Usage{})
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Type == decimalType {
			out = append(out, strings.TrimSuffix(t.Field(i).Tag.Get("yaml"), ",omitempty"))
		}
	}
	return out
}

func isPreset(name string) bool {
	for _, p := range Presets {
		if p == name {
			return true
		}
	}
	return false
}
