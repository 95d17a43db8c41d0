package inventory

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Document is what a real Pulumi document says about a stack.
type Document struct {
	// Format is "preview" (`pulumi preview --json`) or "export" (`pulumi stack export`).
	Format    string
	Inventory *Inventory
	// Config is the stack configuration ("aws:region": "us-east-1"); previews carry it,
	// exports do not.
	Config map[string]string
	// Regions maps a cloud ("aws", "gcp") to its region: from the config, else from the
	// default providers' inputs.
	Regions map[string]string
}

// Marks Pulumi writes into documents: a secret value is an object whose signature key
// holds the secret signature; a value unknown during a preview is a fixed UUID
// (pulumi/sdk go/common/resource/plugin: UnknownStringValue).
const (
	secretSignatureKey = "4dabf18193072939515e22adb298388d"
	secretSignature    = "1b47061264138c4ac30d75fd1eb44270"
	unknownValue       = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
)

// state is one resource as both formats write it (a step's newState, an export entry).
type state struct {
	URN                  string              `json:"urn"`
	ID                   string              `json:"id"`
	Custom               bool                `json:"custom"`
	Delete               bool                `json:"delete"`
	External             bool                `json:"external"`
	Type                 string              `json:"type"`
	Parent               string              `json:"parent"`
	Inputs               map[string]any      `json:"inputs"`
	Outputs              map[string]any      `json:"outputs"`
	PropertyDependencies map[string][]string `json:"propertyDependencies"`
}

type rawDocument struct {
	Config map[string]any `json:"config"`
	Steps  []struct {
		Op       string `json:"op"`
		NewState *state `json:"newState"`
	} `json:"steps"`
	Deployment *struct {
		Resources []state `json:"resources"`
	} `json:"deployment"`
}

// ReadPulumiDocument reads a `pulumi preview --json` or `pulumi stack export` document.
// Secret inputs become SecretPlaceholder, values unknown at preview time nil; provider
// resources are read for their region and left out of the inventory.
func ReadPulumiDocument(r io.Reader) (*Document, error) {
	var raw rawDocument
	dec := json.NewDecoder(r)
	if err := dec.Decode(&raw); err != nil {
		return nil, jsonError(err)
	}
	// One document and nothing after it: trailing data means a truncated or
	// concatenated file, not something to price.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("not a Pulumi document: unexpected data after the document (at byte %d); a document is one JSON object", dec.InputOffset())
	}
	var states []state
	doc := &Document{Config: map[string]string{}, Regions: map[string]string{}}
	switch {
	case raw.Steps != nil:
		doc.Format, states = "preview", previewStates(raw)
	case raw.Deployment != nil && raw.Deployment.Resources != nil:
		doc.Format, states = "export", raw.Deployment.Resources
	default:
		return nil, errors.New(`not a Pulumi document: want a "steps" list (pulumi preview --json) or "deployment.resources" (pulumi stack export)`)
	}
	if err := parentCycle(states); err != nil {
		return nil, err
	}
	for k, v := range raw.Config {
		doc.Config[k] = configString(v)
	}
	doc.Inventory = buildInventory(states)
	doc.Regions = regions(doc.Config, states)
	return doc, nil
}

// previewStates takes each step's new state, skipping deletions and reads (a read
// resource belongs to someone else); a resource that several steps touch (a
// replacement) keeps its last state.
func previewStates(raw rawDocument) []state {
	var out []state
	at := map[string]int{}
	for _, s := range raw.Steps {
		if s.NewState == nil || strings.HasPrefix(s.Op, "delete") || s.Op == "discard" || strings.HasPrefix(s.Op, "read") {
			continue
		}
		if i, seen := at[s.NewState.URN]; seen {
			out[i] = *s.NewState
			continue
		}
		at[s.NewState.URN] = len(out)
		out = append(out, *s.NewState)
	}
	return out
}

func buildInventory(states []state) *Inventory {
	types := map[string]string{}
	for _, s := range states {
		types[s.URN] = s.Type
	}
	inv := &Inventory{}
	for _, s := range states {
		// External resources are read, not managed, by the stack: not its cost.
		if s.Delete || s.External || IsProvider(s.Type) {
			continue
		}
		if inv.Stack == "" {
			inv.Stack = stackOf(s.URN)
		}
		if s.Type == StackType && s.Outputs != nil {
			inv.Outputs = plain(s.Outputs).(map[string]any)
		}
		inv.Resources = append(inv.Resources, resourceOf(s, types))
	}
	return inv
}

// resourceOf converts one state. The stack's own children have no parent, as under the
// harness.
func resourceOf(s state, types map[string]string) Resource {
	r := Resource{
		URN: s.URN, ID: s.ID, Type: s.Type, Name: nameOf(s.URN), Component: !s.Custom,
		Inputs: map[string]any{}, Dependencies: map[string][]string{},
	}
	if s.Parent != "" && types[s.Parent] != "pulumi:pulumi:Stack" {
		r.ParentURN, r.Parent = s.Parent, types[s.Parent]
	}
	for k, v := range s.Inputs {
		r.Inputs[k] = plain(v)
	}
	for k, urns := range s.PropertyDependencies {
		if len(urns) > 0 {
			r.Dependencies[k] = urns
		}
	}
	return r
}

// plain replaces secrets by SecretPlaceholder and unknowns by nil, recursively.
func plain(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if t[secretSignatureKey] == secretSignature {
			return SecretPlaceholder
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = plain(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = plain(e)
		}
		return out
	case string:
		if t == unknownValue {
			return nil
		}
	}
	return v
}

// regions reads "<cloud>:region" from the config, else the default providers' inputs.
func regions(config map[string]string, states []state) map[string]string {
	out := map[string]string{}
	for k, v := range config {
		if cloud, ok := strings.CutSuffix(k, ":region"); ok && v != "" {
			out[cloud] = v
		}
	}
	for _, s := range states {
		cloud, ok := strings.CutPrefix(s.Type, "pulumi:providers:")
		region, _ := s.Inputs["region"].(string)
		if ok && region != "" && out[cloud] == "" {
			out[cloud] = region
		}
	}
	return out
}

func configString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if m, ok := v.(map[string]any); ok && m[secretSignatureKey] == secretSignature {
		return SecretPlaceholder
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// nameOf is a URN's last "::" segment; stackOf its stack
// ("urn:pulumi:<stack>::<project>::<type>::<name>").
func nameOf(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

func stackOf(urn string) string {
	rest, _ := strings.CutPrefix(urn, "urn:pulumi:")
	stack, _, _ := strings.Cut(rest, "::")
	return stack
}

// jsonError says what is wrong with a document in JSON's terms: the field, what was
// expected and what was found (never a Go type).
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		where := ""
		if te.Field != "" {
			where = te.Field + ": "
		}
		return fmt.Errorf("not a Pulumi document: %sexpected %s, got %s (at byte %d)", where, jsonKind(te.Type), article(te.Value), te.Offset)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not a JSON document: %s (at byte %d)", strings.TrimPrefix(se.Error(), "json: "), se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("not a JSON document: it ends before the document does")
	}
	return fmt.Errorf("not a JSON document: %v", err)
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	}
	return "another kind of value"
}

// article puts "a"/"an" before the kind of JSON value the decoder found.
func article(value string) string {
	kind, _, _ := strings.Cut(value, " ")
	switch kind {
	case "array", "object":
		return "an " + kind
	case "bool":
		return "true or false"
	}
	return "a " + kind
}

// parentCycle refuses a document in which a resource is its own ancestor: pricing walks
// parents to name each line's component, and a cycle would never end.
func parentCycle(states []state) error {
	parent := make(map[string]string, len(states))
	for _, s := range states {
		parent[s.URN] = s.Parent
	}
	const (
		visiting = 1
		done     = 2
	)
	mark := make(map[string]int, len(states))
	for _, s := range states {
		var path []string
		urn := s.URN
		for urn != "" && mark[urn] != done {
			if mark[urn] == visiting {
				start := slices.Index(path, urn)
				cycle := append(slices.Clone(path[start:]), urn)
				for i := range cycle {
					cycle[i] = clipURN(cycle[i])
				}
				return fmt.Errorf("not a valid Pulumi document: parent cycle %s; a resource cannot be its own ancestor", strings.Join(cycle, " → "))
			}
			if _, known := parent[urn]; !known {
				break
			}
			mark[urn] = visiting
			path = append(path, urn)
			urn = parent[urn]
		}
		for _, u := range path {
			mark[u] = done
		}
	}
	return nil
}

// clipURN cuts a URN for an error message, keeping its end (the type and name).
func clipURN(urn string) string {
	const keep = 200
	if len(urn) <= keep {
		return strconv.Quote(urn)[1 : len(strconv.Quote(urn))-1]
	}
	return "…" + strconv.Quote(urn[len(urn)-keep:])[1:len(strconv.Quote(urn[len(urn)-keep:]))-1]
}
