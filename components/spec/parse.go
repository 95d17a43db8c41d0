package spec

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Default machine types per cloud (DESIGN.md contract table).
var defaultMachineTypes = map[string]struct{ controlPlane, worker string }{
	AWS: {controlPlane: "t3.medium", worker: "t3.large"},
	GCP: {controlPlane: "e2-medium", worker: "e2-standard-2"},
}

// objectKeys are the keys written as YAML objects; their fields become dotted keys.
var objectKeys = map[string]bool{"controlPlane": true, "workers": true, "network": true, "endpoint": true, "swarm": true,
	"prometheus": true, "datadog": true}

// knownKeys are every key of the contract, dotted. Anything else under clusterbench: is
// an error: a typo must not silently fall back to a default.
var knownKeys = []string{
	"cloud", "orchestrator", "zones", "adminCidrs",
	"controlPlane.count", "controlPlane.machineType", "controlPlane.availability",
	"workers.count", "workers.min", "workers.max", "workers.machineType", "workers.diskGb",
	"network.cidr", "network.privateNodes", "network.natGateways", "network.flowLogs",
	"endpoint.public", "adminPrincipals", "deletionProtection", "kubernetesVersion", "monitoring",
	"swarm.managersRunWorkloads",
	"demo", "prometheus.retentionDays", "prometheus.volumeGb", "datadog.site", SecretDatadogAPIKey,
}

// SecretDatadogAPIKey is the one clusterbench key that must be a Pulumi secret (and the
// only one that may be).
const SecretDatadogAPIKey = "datadogApiKey"

// Defaults of the monitoring settings, defined here once: the components, the cost
// engine and the docs read them from the spec.
const (
	DefaultPrometheusRetentionDays = 15
	DefaultPrometheusVolumeGb      = 20
	DefaultDatadogSite             = "datadoghq.com"
)

// DatadogSites are the Datadog sites an agent can report to (Datadog docs, "Getting
// Started with Datadog Sites").
var DatadogSites = []string{"datadoghq.com", "us3.datadoghq.com", "us5.datadoghq.com", "datadoghq.eu", "ap1.datadoghq.com", "ap2.datadoghq.com", "ddog-gov.com"}

// Input is a stack's raw configuration as the Pulumi CLI hands it to a program:
// "namespace:key" → string, structured values as JSON text.
type Input struct {
	Stack      string
	Config     map[string]string
	SecretKeys []string
}

// Parse reads and validates a stack's configuration. It returns the spec and its
// warnings, or an *Error holding every problem found.
func Parse(in Input, opts Options) (*Spec, []Problem, error) {
	ps := &problems{}
	values := flatten(in, ps)
	s := &Spec{Stack: in.Stack}
	read(s, values, in.Config, ps)
	// A value that did not read stays at its default, so the rules below still run and
	// every problem is reported at once.
	validate(s, values, opts, ps)
	if len(ps.errs) > 0 {
		return nil, ps.warnings, &Error{Source: "stack " + in.Stack, Problems: ps.errs}
	}
	return s, ps.warnings, nil
}

// value is one config value: decoded JSON (from an object field or a list) or the raw
// text of a scalar key.
type value struct {
	v any
}

// flatten turns the clusterbench: keys into dotted keys, reporting unknown and
// duplicate keys and values that are not valid structured data.
func flatten(in Input, ps *problems) map[string]value {
	secret := map[string]bool{}
	for _, k := range in.SecretKeys {
		secret[k] = true
	}
	known := map[string]bool{}
	for _, k := range knownKeys {
		known[k] = true
	}
	out := map[string]value{}
	put := func(key string, v any) {
		if !known[key] {
			ps.add(key, "", "unknown key; allowed keys are %s", strings.Join(knownKeys, ", "))
			return
		}
		if _, dup := out[key]; dup {
			ps.add(key, "", "set twice (as an object field and as a dotted key); keep one")
			return
		}
		out[key] = value{v: v}
	}
	for _, full := range sortedKeys(in.Config) {
		ns, key, ok := strings.Cut(full, ":")
		if !ok || ns != Namespace {
			continue
		}
		raw := in.Config[full]
		if key == SecretDatadogAPIKey {
			if !secret[full] {
				// The value is not echoed: it is a credential, now in a file in clear.
				ps.add(key, "(plain text)", "must be a Pulumi secret: set it with `pulumi config set --secret %s <key>` so the stack file holds it encrypted (secure:), never in clear", full)
				continue
			}
			put(key, raw)
			continue
		}
		if secret[full] {
			ps.add(key, "[secret]", "must not be a secret: clusterbench keys decide which resources exist and are read offline")
			continue
		}
		if objectKeys[key] {
			var fields map[string]any
			if err := decodeJSON(raw, &fields); err != nil || fields == nil {
				ps.add(key, raw, "must be an object of fields (e.g. `%s: {count: 3}`)", key)
				continue
			}
			for _, f := range sortedKeys(fields) {
				put(key+"."+f, fields[f])
			}
			continue
		}
		put(key, raw)
	}
	return out
}

func decodeJSON(raw string, into any) error {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(into)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// read fills the spec from the values, applying each default exactly once.
func read(s *Spec, vals map[string]value, cfg map[string]string, ps *problems) {
	r := reader{vals: vals, ps: ps}
	s.Cloud = r.enum("cloud", "", AWS, GCP)
	s.Orchestrator = r.enum("orchestrator", "", Managed, SelfManaged, Swarm)
	s.Region, s.Project = providerSettings(s.Cloud, cfg, ps)
	types := defaultMachineTypes[s.Cloud]

	s.Zones = r.integer("zones", 3)
	s.AdminCidrs = r.list("adminCidrs")
	s.ControlPlane.Count = r.integer("controlPlane.count", 3)
	s.ControlPlane.MachineType = r.str("controlPlane.machineType", types.controlPlane)
	s.ControlPlane.Availability = r.enum("controlPlane.availability", Regional, Regional, Zonal)
	s.Workers.Count = r.integer("workers.count", 3)
	s.Workers.Min = r.integer("workers.min", s.Workers.Count)
	s.Workers.Max = r.integer("workers.max", 2*s.Workers.Count)
	s.Workers.MachineType = r.str("workers.machineType", types.worker)
	s.Workers.DiskGb = r.integer("workers.diskGb", 50)
	s.Network.Cidr = r.str("network.cidr", "10.0.0.0/16")
	s.Network.PrivateNodes = r.boolean("network.privateNodes", true)
	// Public nodes need no NAT, so the default follows privateNodes.
	natDefault := NatNone
	if s.Network.PrivateNodes {
		natDefault = NatPerZone
	}
	s.Network.NatGateways = r.enum("network.natGateways", natDefault, NatNone, NatSingle, NatPerZone)
	s.Network.FlowLogs = r.boolean("network.flowLogs", false)
	s.Endpoint.Public = r.boolean("endpoint.public", true)
	s.AdminPrincipals = r.list("adminPrincipals")
	s.DeletionProtection = r.boolean("deletionProtection", true)
	s.KubernetesVersion = r.str("kubernetesVersion", "1.35")
	s.Monitoring = r.enum("monitoring", MonitoringNone, MonitoringNone, MonitoringPrometheus, MonitoringDatadog)
	s.Prometheus.RetentionDays = r.integer("prometheus.retentionDays", DefaultPrometheusRetentionDays)
	s.Prometheus.VolumeGb = r.integer("prometheus.volumeGb", DefaultPrometheusVolumeGb)
	s.Datadog.Site = r.enum("datadog.site", DefaultDatadogSite, DatadogSites...)
	if v, ok := vals[SecretDatadogAPIKey]; ok {
		if text, isString := v.v.(string); isString {
			s.Datadog.apiKey = func() string { return text }
		}
	}
	s.Demo = r.boolean("demo", false)
	s.Swarm.ManagersRunWorkloads = r.boolean("swarm.managersRunWorkloads", false)
}

// providerSettings reads Pulumi's own provider keys that the program needs.
func providerSettings(cloud string, cfg map[string]string, ps *problems) (region, project string) {
	switch cloud {
	case AWS:
		region = cfg["aws:region"]
		if region == "" {
			ps.add("aws:region", "", "required for cloud aws (e.g. us-east-1)")
		} else {
			checkRegion(AWS, region, ps)
		}
	case GCP:
		region, project = cfg["gcp:region"], cfg["gcp:project"]
		if region == "" {
			ps.add("gcp:region", "", "required for cloud gcp (e.g. us-central1)")
		} else {
			checkRegion(GCP, region, ps)
		}
		if project == "" {
			ps.add("gcp:project", "", "required for cloud gcp: the project id to build in")
		}
	}
	return region, project
}

// reader converts values to Go types, reporting a problem per bad value.
type reader struct {
	vals map[string]value
	ps   *problems
}

func (r reader) text(key string) (string, bool) {
	v, ok := r.vals[key]
	if !ok {
		return "", false
	}
	switch x := v.v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	case nil:
		return "null", true
	default:
		b, _ := json.Marshal(x)
		return string(b), true
	}
}

func (r reader) str(key, def string) string {
	v, ok := r.vals[key]
	if !ok {
		return def
	}
	s, isString := v.v.(string)
	if !isString || strings.TrimSpace(s) == "" {
		t, _ := r.text(key)
		r.ps.add(key, t, "must be a non-empty string")
		return def
	}
	return s
}

func (r reader) enum(key, def string, allowed ...string) string {
	t, ok := r.text(key)
	if !ok {
		if def == "" {
			r.ps.add(key, "", "required; one of %s", strings.Join(allowed, ", "))
		}
		return def
	}
	for _, a := range allowed {
		if t == a {
			return t
		}
	}
	r.ps.add(key, t, "must be one of %s", strings.Join(allowed, ", "))
	return def
}

func (r reader) integer(key string, def int) int {
	t, ok := r.text(key)
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
		r.ps.add(key, t, "must be a whole number")
		return def
	}
	return int(f)
}

func (r reader) boolean(key string, def bool) bool {
	t, ok := r.text(key)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(t)
	if err != nil || (t != "true" && t != "false") {
		r.ps.add(key, t, "must be true or false")
		return def
	}
	return b
}

// list reads a list of strings, written as a YAML list (JSON text from the CLI).
func (r reader) list(key string) []string {
	t, ok := r.text(key)
	if !ok {
		return nil
	}
	var items []any
	if v := r.vals[key].v; v != nil {
		if l, isList := v.([]any); isList {
			items = l
		} else if err := decodeJSON(t, &items); err != nil {
			r.ps.add(key, t, "must be a list of strings (e.g. `%s: [\"...\"]`)", key)
			return nil
		}
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, isString := it.(string)
		if !isString {
			b, _ := json.Marshal(it)
			r.ps.add(key, t, "must be a list of strings; %s is not a string", Clip(string(b)))
			return nil
		}
		out = append(out, s)
	}
	return out
}
