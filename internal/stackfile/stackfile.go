// Package stackfile reads stack files (stacks/Pulumi.<stack>.yaml) the way the Pulumi
// CLI hands their configuration to a program: the `config:` map, structured values as
// JSON text, `secure:` values kept as secrets. Offline evaluation never decrypts them: a
// secret evaluates as an opaque placeholder.
package stackfile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"gopkg.in/yaml.v3"
)

// StackName returns the stack a file configures: Pulumi.<stack>.yaml → <stack>.
func StackName(path string) (string, bool) {
	base := filepath.Base(path)
	if !strings.HasPrefix(base, "Pulumi.") || !strings.HasSuffix(base, ".yaml") {
		return "", false
	}
	name := strings.TrimSuffix(strings.TrimPrefix(base, "Pulumi."), ".yaml")
	return name, name != ""
}

// List returns the stack files of a directory, sorted by stack name.
func List(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(matches)
	if len(matches) == 0 {
		return nil, fmt.Errorf("%s: no stack files (Pulumi.<stack>.yaml)", dir)
	}
	return matches, nil
}

// Read reads one stack file.
func Read(path string) (spec.Input, error) {
	stack, ok := StackName(path)
	if !ok {
		return spec.Input{}, fmt.Errorf("%s: a stack file is named Pulumi.<stack>.yaml", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return spec.Input{}, err
	}
	in, err := Parse(stack, data)
	if err != nil {
		return spec.Input{}, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}

// Parse reads a stack file's content.
func Parse(stack string, data []byte) (spec.Input, error) {
	in := spec.Input{Stack: stack, Config: map[string]string{}}
	var doc struct {
		Config yaml.Node `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return in, fmt.Errorf("not a valid stack file: %w", err)
	}
	if doc.Config.Kind == 0 {
		return in, nil
	}
	if doc.Config.Kind != yaml.MappingNode {
		return in, fmt.Errorf("config: must be a map of keys to values")
	}
	for i := 0; i+1 < len(doc.Config.Content); i += 2 {
		key, val := doc.Config.Content[i].Value, doc.Config.Content[i+1]
		if !strings.Contains(key, ":") {
			key = "clusterbench:" + key // as the CLI does: a bare key is the project's
		}
		if _, dup := in.Config[key]; dup {
			return in, fmt.Errorf("config: %s: set twice", key)
		}
		text, secret, err := configValue(val)
		if err != nil {
			return in, fmt.Errorf("config: %s: %w", key, err)
		}
		in.Config[key] = text
		if secret {
			in.SecretKeys = append(in.SecretKeys, key)
		}
	}
	sort.Strings(in.SecretKeys)
	return in, nil
}

// configValue renders one value as the CLI passes it: a scalar as written, an object
// or list as JSON; `secure:` values (anywhere inside) as a placeholder, marking the key
// secret.
func configValue(n *yaml.Node) (string, bool, error) {
	if n.Kind == yaml.ScalarNode {
		return n.Value, false, nil
	}
	if isSecure(n) {
		return inventory.SecretPlaceholder, true, nil
	}
	secret := false
	v, err := plain(n, &secret)
	if err != nil {
		return "", false, err
	}
	b, err := json.Marshal(v)
	return string(b), secret, err
}

func isSecure(n *yaml.Node) bool {
	return n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "secure"
}

// plain decodes a node, replacing secure values with the placeholder.
func plain(n *yaml.Node, secret *bool) (any, error) {
	switch {
	case isSecure(n):
		*secret = true
		return inventory.SecretPlaceholder, nil
	case n.Kind == yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := plain(n.Content[i+1], secret)
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case n.Kind == yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := plain(c, secret)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		return l, nil
	}
	var v any
	err := n.Decode(&v)
	return v, err
}
