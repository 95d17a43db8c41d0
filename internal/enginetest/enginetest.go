// Package enginetest checks what the real Pulumi engine makes of the program against what
// the mock harness records, and that the engine's documents keep every secret encrypted.
// The checks return problems as sentences. The rig around them: run.sh (the Pulumi CLI
// built from tools/, the language host langhost/, the stand-in providers standin/),
// verify/ (these checks over the rig's documents, for scripts/test-engine.sh) and
// fixtures.sh with fixtures/ (the documents internal/cost/testdata holds).
package enginetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

// Marks Pulumi writes into documents (pulumi/sdk go/common/resource/sig): a secret value
// is an object whose signature key holds the secret signature, and either "ciphertext"
// (what state and exports store) or "plaintext" (`stack export --show-secrets`).
const (
	secretSignatureKey = "4dabf18193072939515e22adb298388d"
	secretSignature    = "1b47061264138c4ac30d75fd1eb44270"
)

// SameResources lists how a document's resources differ from the harness's: URNs
// missing from the document, URNs the harness never registered, and resources whose
// type or parent differ. The root stack resource is the engine's own and is ignored;
// providers are compared by SameProviders (a document's inventory leaves them out).
func SameResources(harness, doc *inventory.Inventory) []string {
	want := byURN(harness.Resources)
	got := byURN(doc.Resources)
	var problems []string
	for _, urn := range inventory.SortedKeys(want) {
		g, ok := got[urn]
		switch {
		case !ok:
			problems = append(problems, "missing from the document: "+urn)
		case g.Parent != want[urn].Parent || g.Component != want[urn].Component:
			problems = append(problems, fmt.Sprintf("%s: parent %q component %v in the document, parent %q component %v under the harness",
				urn, g.Parent, g.Component, want[urn].Parent, want[urn].Component))
		}
	}
	for _, urn := range inventory.SortedKeys(got) {
		if _, ok := want[urn]; !ok {
			problems = append(problems, "not registered under the harness: "+urn)
		}
	}
	return problems
}

func byURN(rs []inventory.Resource) map[string]inventory.Resource {
	out := map[string]inventory.Resource{}
	for _, r := range rs {
		if r.Type != inventory.StackType && !inventory.IsProvider(r.Type) {
			out[r.URN] = r
		}
	}
	return out
}

// SameProviders lists how the explicit provider resources of a preview or export
// document (the program's own, e.g. a Kubernetes provider configured from a cluster's
// kubeconfig) differ from the providers the harness records: URNs missing from the
// document, URNs the harness never registered, and different parents. The engine's
// default providers (named default or default_<version>) are its own and are ignored.
func SameProviders(harness *inventory.Inventory, doc []byte) ([]string, error) {
	var raw struct {
		Steps []struct {
			NewState *struct {
				URN, Type, Parent string
			} `json:"newState"`
		} `json:"steps"`
		Deployment *struct {
			Resources []struct{ URN, Type, Parent string } `json:"resources"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal(doc, &raw); err != nil {
		return nil, fmt.Errorf("not a JSON document: %v", err)
	}
	type state struct{ urn, typ, parent string }
	var states []state
	for _, s := range raw.Steps {
		if s.NewState != nil {
			states = append(states, state{s.NewState.URN, s.NewState.Type, s.NewState.Parent})
		}
	}
	if raw.Deployment != nil {
		for _, r := range raw.Deployment.Resources {
			states = append(states, state{r.URN, r.Type, r.Parent})
		}
	}
	got := map[string]string{} // URN → parent URN (the stack's children: none)
	for _, s := range states {
		urn, typ := s.urn, s.typ
		name := urn[strings.LastIndex(urn, "::")+2:]
		if !inventory.IsProvider(typ) || name == "default" || strings.HasPrefix(name, "default_") {
			continue
		}
		parent := s.parent
		if strings.Contains(parent, "::"+inventory.StackType+"::") {
			parent = ""
		}
		got[urn] = parent
	}
	want := map[string]string{}
	for _, r := range harness.Resources {
		if inventory.IsProvider(r.Type) {
			want[r.URN] = r.ParentURN
		}
	}
	var problems []string
	for _, urn := range inventory.SortedKeys(want) {
		parent, ok := got[urn]
		switch {
		case !ok:
			problems = append(problems, "provider missing from the document: "+urn)
		case parent != want[urn]:
			problems = append(problems, fmt.Sprintf("provider %s: parent %q in the document, %q under the harness", urn, parent, want[urn]))
		}
	}
	for _, urn := range inventory.SortedKeys(got) {
		if _, ok := want[urn]; !ok {
			problems = append(problems, "provider not registered under the harness: "+urn)
		}
	}
	return problems, nil
}

// PreviewCreates is the number of resources a `pulumi preview --json` document's
// summary says it creates (the stack included; default providers are not counted).
func PreviewCreates(preview []byte) (int, error) {
	var doc struct {
		ChangeSummary map[string]int `json:"changeSummary"`
	}
	if err := json.Unmarshal(preview, &doc); err != nil {
		return 0, fmt.Errorf("not a preview document: %v", err)
	}
	if doc.ChangeSummary == nil {
		return 0, fmt.Errorf("the preview document has no changeSummary")
	}
	return doc.ChangeSummary["create"], nil
}

// SecretValues collects the plaintext of every secret in a document written with
// `pulumi stack export --show-secrets`, by the JSON path where it sits. A string secret
// is its string; any other value its compact JSON.
func SecretValues(plain []byte) (map[string]string, error) {
	var doc any
	if err := json.Unmarshal(plain, &doc); err != nil {
		return nil, fmt.Errorf("not a JSON document: %v", err)
	}
	out := map[string]string{}
	var walk func(path string, v any) error
	walk = func(path string, v any) error {
		switch v := v.(type) {
		case map[string]any:
			if v[secretSignatureKey] == secretSignature {
				text, ok := v["plaintext"].(string)
				if !ok {
					return fmt.Errorf("%s: a secret without its plaintext (was the document exported with --show-secrets?)", path)
				}
				out[path] = decodeSecret(text)
				return nil
			}
			for k, x := range v {
				if err := walk(path+"."+k, x); err != nil {
					return err
				}
			}
		case []any:
			for i, x := range v {
				if err := walk(fmt.Sprintf("%s[%d]", path, i), x); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return out, walk("$", doc)
}

// decodeSecret turns a secret's plaintext (the value's JSON) into the text that would
// leak: a string's own characters, or the compact JSON of anything else.
func decodeSecret(text string) string {
	var s string
	if json.Unmarshal([]byte(text), &s) == nil {
		return s
	}
	var buf bytes.Buffer
	if json.Compact(&buf, []byte(text)) == nil {
		return buf.String()
	}
	return text
}

// minSecretLength: shorter secret values ("", "true", "3") occur in any document by
// chance; a leak of those would not be found this way, nor would it matter much.
const minSecretLength = 8

// Leaks names the secrets (by path) whose value appears in a document in plaintext,
// verbatim or JSON-escaped (as a string inside a JSON document holds it).
func Leaks(secrets map[string]string, doc []byte) []string {
	var out []string
	for _, path := range inventory.SortedKeys(secrets) {
		value := secrets[path]
		if len(value) < minSecretLength {
			continue
		}
		escaped, _ := json.Marshal(value)
		if bytes.Contains(doc, []byte(value)) || bytes.Contains(doc, escaped[1:len(escaped)-1]) {
			out = append(out, path)
		}
	}
	return out
}

// secretName matches the stack outputs that must be secrets whatever the program says:
// credentials by their name (kubeconfig, join tokens, passwords, private keys), not
// outputs that only name or locate one (kubeconfigCommand, joinTokenSecretName).
var secretName = regexp.MustCompile(`(?i)^(kubeconfig|.*tokens?|.*password|.*privatekey|.*secret)$`)

// UnencryptedOutputs names the stack outputs of a `pulumi stack export` document that
// look like credentials but are not stored as ciphertext, and returns every output the
// document holds encrypted.
func UnencryptedOutputs(export []byte) (plain, encrypted []string, err error) {
	var doc struct {
		Deployment struct {
			Resources []struct {
				Type    string         `json:"type"`
				Outputs map[string]any `json:"outputs"`
			} `json:"resources"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal(export, &doc); err != nil {
		return nil, nil, fmt.Errorf("not an export document: %v", err)
	}
	for _, r := range doc.Deployment.Resources {
		if r.Type != inventory.StackType {
			continue
		}
		for name, v := range r.Outputs {
			m, _ := v.(map[string]any)
			_, hasCiphertext := m["ciphertext"]
			switch {
			case m[secretSignatureKey] == secretSignature && hasCiphertext:
				encrypted = append(encrypted, name)
			case secretName.MatchString(name):
				plain = append(plain, name)
			}
		}
	}
	sort.Strings(plain)
	sort.Strings(encrypted)
	return plain, encrypted, nil
}

// Summary is one line for a list of names.
func Summary(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// SameInputs lists the resources whose inputs in a document disagree with the harness's,
// with the properties that disagree. The harness runs the program as a preview: a value
// computed from another resource's output that the mocks do not give (nil or absent in
// its record) is unknown there, and any value in the document agrees with it. Use it on
// exports; in a preview, the engine's unknowns differ from the mocks' known ids.
func SameInputs(harness, doc *inventory.Inventory) []string {
	got := byURN(doc.Resources)
	var problems []string
	for _, r := range harness.Resources {
		g, ok := got[r.URN]
		if !ok {
			continue // SameResources reports it
		}
		var differ []string
		for _, k := range inventory.SortedKeys(union(r.Inputs, g.Inputs)) {
			if !agrees(r.Inputs[k], g.Inputs[k]) {
				differ = append(differ, fmt.Sprintf("%s: %s under the harness, %s in the document", k, short(r.Inputs[k]), short(g.Inputs[k])))
			}
		}
		if len(differ) > 0 {
			problems = append(problems, r.URN+": "+strings.Join(differ, "; "))
		}
	}
	return problems
}

// agrees reports whether a document's value matches the harness's, where nil under the
// harness is unknown and matches anything.
func agrees(harness, doc any) bool {
	switch h := harness.(type) {
	case nil:
		return true
	case map[string]any:
		d, ok := doc.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range h {
			if !agrees(v, d[k]) {
				return false
			}
		}
		return true
	case []any:
		d, ok := doc.([]any)
		if !ok || len(d) != len(h) {
			return false
		}
		for i := range h {
			if !agrees(h[i], d[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(harness, doc)
}

// short prints a value on one line, cut short (user data runs to kilobytes).
func short(v any) string {
	const max = 100
	s := fmt.Sprint(v)
	if str, ok := v.(string); ok && strings.ContainsAny(str, "\n\t") {
		s = strconv.Quote(str)
	}
	if len(s) > max {
		return s[:max] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

func union(a, b map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// credentialPatterns are credentials recognisable by their form, wherever they sit: a
// document holding one in plaintext leaks it even when the program never marked it secret.
var credentialPatterns = map[string]*regexp.Regexp{
	"a Docker Swarm join token":                     regexp.MustCompile(`SWMTKN-1-[0-9a-z]{20,}-[0-9a-z]{20,}`),
	"a Docker Swarm unlock key":                     regexp.MustCompile(`SWMKEY-1-[0-9A-Za-z+/]{20,}`),
	"a kubeadm bootstrap token":                     regexp.MustCompile(`(--token[= ]+|token: *(\\?")?)[a-z0-9]{6}\.[a-z0-9]{16}\b`),
	"a PEM private key":                             regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`),
	"a kubeadm certificate key (--certificate-key)": regexp.MustCompile(`certificate-key[= ]+[0-9a-f]{64}\b`),
}

// PlaintextCredentials names the kinds of credential found in plaintext in a document.
func PlaintextCredentials(doc []byte) []string {
	var out []string
	for _, kind := range inventory.SortedKeys(credentialPatterns) {
		if credentialPatterns[kind].Match(doc) {
			out = append(out, kind)
		}
	}
	return out
}
