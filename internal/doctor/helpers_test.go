package doctor_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/doctor"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/require"
)

// evaluated is one stack evaluated under the harness with config overrides.
type evaluated struct {
	inv  *inventory.Inventory
	spec *spec.Spec
}

var (
	cacheMu sync.Mutex
	cache   = map[string]evaluated{}
)

// evaluateForBench is stack for benchmarks.
func evaluateForBench(b *testing.B, name string) evaluated {
	in, err := stackfile.Read(filepath.Join("..", "..", "stacks", "Pulumi."+name+".yaml"))
	require.NoError(b, err)
	s, _, err := spec.Parse(in, program.SpecOptions())
	require.NoError(b, err)
	res, err := harness.Run(in, program.Run)
	require.NoError(b, err)
	return evaluated{inv: res.Inventory, spec: s}
}

// stack runs a shipped stack file through the real program under the harness, with
// config overrides (key, value pairs), and returns a private copy of its inventory.
func stack(t *testing.T, name string, overrides ...string) evaluated {
	t.Helper()
	id := name + "|" + strings.Join(overrides, "|")
	cacheMu.Lock()
	ev, ok := cache[id]
	cacheMu.Unlock()
	if !ok {
		in, err := stackfile.Read(filepath.Join("..", "..", "stacks", "Pulumi."+name+".yaml"))
		require.NoError(t, err)
		for i := 0; i+1 < len(overrides); i += 2 {
			in.Config[overrides[i]] = overrides[i+1]
		}
		s, _, err := spec.Parse(in, program.SpecOptions())
		require.NoError(t, err)
		res, err := harness.Run(in, program.Run)
		require.NoError(t, err)
		ev = evaluated{inv: res.Inventory, spec: s}
		cacheMu.Lock()
		cache[id] = ev
		cacheMu.Unlock()
	}
	return evaluated{inv: copyInventory(ev.inv), spec: ev.spec}
}

func copyInventory(inv *inventory.Inventory) *inventory.Inventory {
	out := &inventory.Inventory{Stack: inv.Stack, Resources: make([]inventory.Resource, len(inv.Resources))}
	for i, r := range inv.Resources {
		r.Inputs = copyValue(r.Inputs).(map[string]any)
		out.Resources[i] = r
	}
	if inv.Outputs != nil {
		out.Outputs = copyValue(inv.Outputs).(map[string]any)
	}
	return out
}

func copyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = copyValue(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}

// run runs one check of the table on a subject.
func run(t *testing.T, id string, inv *inventory.Inventory, s *spec.Spec) []doctor.Finding {
	t.Helper()
	c, ok := doctor.CheckByID(id)
	require.True(t, ok, "no check %s", id)
	return doctor.Run(&doctor.Subject{Inventory: inv, Spec: s, Calendar: calendar(t)}, []doctor.Check{c})
}

// statuses counts a check's findings by status.
func statuses(fs []doctor.Finding) map[doctor.Status]int {
	out := map[doctor.Status]int{}
	for _, f := range fs {
		out[f.Status]++
	}
	return out
}

// find returns the resource of a type and name; the test fails if it is missing.
func find(t *testing.T, inv *inventory.Inventory, typ, name string) *inventory.Resource {
	t.Helper()
	for i := range inv.Resources {
		if inv.Resources[i].Type == typ && inv.Resources[i].Name == name {
			return &inv.Resources[i]
		}
	}
	t.Fatalf("no %s %s in the inventory", typ, name)
	return nil
}

// remove drops a resource from the inventory; the test fails if it is missing.
func remove(t *testing.T, inv *inventory.Inventory, typ, name string) {
	t.Helper()
	for i, r := range inv.Resources {
		if r.Type == typ && r.Name == name {
			inv.Resources = append(inv.Resources[:i], inv.Resources[i+1:]...)
			return
		}
	}
	t.Fatalf("no %s %s to remove", typ, name)
}

// add appends a custom resource with inputs (id and URN as the harness makes them).
func add(inv *inventory.Inventory, typ, name string, inputs map[string]any) {
	inv.Resources = append(inv.Resources, inventory.Resource{Type: typ, Name: name, ID: name + "-id",
		URN: "urn:pulumi:test::clusterbench::" + typ + "::" + name, Inputs: inputs})
}

// gzipBase64 encodes a boot script as EC2 user data.
func gzipBase64(t *testing.T, text string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write([]byte(text))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// decode undoes the user data's base64 and gzip.
func decode(t *testing.T, s string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	require.NoError(t, err)
	var out bytes.Buffer
	_, err = out.ReadFrom(zr)
	require.NoError(t, err)
	return out.String()
}

// accountEmail is the service account a GCE instance template runs as (the provider
// picks part of it, so tests read it from the inventory).
func accountEmail(t *testing.T, inv *inventory.Inventory, template string) string {
	t.Helper()
	email := find(t, inv, "gcp:compute/instanceTemplate:InstanceTemplate", template).String("serviceAccount.email")
	require.Contains(t, email, "@", "%s runs as no service account", template)
	return email
}
