// Package stackfile reads stack files (stacks/Pulumi.<stack>.yaml) the way the Pulumi
// CLI hands their configuration to a program: the `config:` map, structured values as
// JSON text, `secure:` values kept as secrets. Offline evaluation never decrypts them: a
// secret evaluates as an opaque placeholder.
package stackfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"gopkg.in/yaml.v3"
)

// StackName returns the stack a file configures: Pulumi.<stack>.yaml → <stack>.
func StackName(path string) (string, bool) {
	base := filepath.Base(path)
	const prefix, suffix = "Pulumi.", ".yaml"
	// Pulumi.yaml is the project file, not a stack: the name needs both dots.
	if len(base) <= len(prefix)+len(suffix) || !strings.HasPrefix(base, prefix) || !strings.HasSuffix(base, suffix) {
		return "", false
	}
	return base[len(prefix) : len(base)-len(suffix)], true
}

// maxStackName is the longest stack name Pulumi accepts.
const maxStackName = 100

// CheckStackName applies Pulumi's rule for stack names (letters, digits, '-', '_', '.',
// 1 to 100 characters): a name the Pulumi CLI would refuse is refused here too, before
// it reaches a report (a newline would break the table, a leading '=' is a spreadsheet
// formula).
func CheckStackName(name string) error {
	ok := name != "" && len(name) <= maxStackName
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
	}
	if !ok {
		return fmt.Errorf("stack name %s: Pulumi accepts only letters, digits, '-', '_' and '.' (1 to %d characters); rename the file Pulumi.<stack>.yaml",
			spec.Clip(name), maxStackName)
	}
	return nil
}

// List returns the stack files of a directory, sorted by stack name. The directory is
// read as a directory: glob characters in its name are not a pattern.
func List(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such directory, so no stack files (Pulumi.<stack>.yaml)", quotePath(dir))
	}
	if err != nil {
		return nil, err
	}
	var matches []string
	for _, e := range entries {
		if _, ok := StackName(e.Name()); ok {
			matches = append(matches, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(matches)
	if len(matches) == 0 {
		return nil, fmt.Errorf("%s: no stack files (Pulumi.<stack>.yaml)", dir)
	}
	return matches, nil
}

// Read reads one stack file. Only regular files are read: a FIFO or a device named like
// a stack file would block or never end.
func Read(path string) (spec.Input, error) {
	stack, ok := StackName(path)
	if !ok {
		return spec.Input{}, fmt.Errorf("%s: a stack file is named Pulumi.<stack>.yaml", quotePath(path))
	}
	if err := CheckStackName(stack); err != nil {
		return spec.Input{}, fmt.Errorf("%s: %w", quotePath(path), err)
	}
	data, err := readRegular(path)
	if err != nil {
		return spec.Input{}, err
	}
	in, err := Parse(stack, data)
	if err != nil {
		return spec.Input{}, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}

// readRegular reads a file that must be a regular file. The check is made on the open
// file, and the open does not wait for a FIFO's writer.
func readRegular(path string) ([]byte, error) {
	notRegular := func(mode os.FileMode) error {
		what := "a special file"
		switch {
		case mode&os.ModeNamedPipe != 0:
			what = "a named pipe (FIFO)"
		case mode.IsDir():
			what = "a directory"
		case mode&os.ModeDevice != 0:
			what = "a device"
		case mode&os.ModeSocket != 0:
			what = "a socket"
		}
		return fmt.Errorf("%s: not a regular file but %s; a stack file is a plain YAML file", quotePath(path), what)
	}
	if fi, err := os.Stat(path); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, notRegular(fi.Mode())
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() { // replaced between the two looks
		return nil, notRegular(fi.Mode())
	}
	return io.ReadAll(f)
}

// quotePath shows a path as written unless it holds characters that would break a
// one-line message (a newline in a file name).
func quotePath(path string) string {
	if strconv.CanBackquote(path) && !strings.ContainsAny(path, "\t") {
		return path
	}
	return strconv.Quote(path)
}

// Parse reads a stack file's content: one YAML document whose config: maps keys to
// values. Duplicate keys are refused at any depth.
func Parse(stack string, data []byte) (spec.Input, error) {
	in := spec.Input{Stack: stack, Config: map[string]string{}}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil && !errors.Is(err, io.EOF) {
		return in, fmt.Errorf("not a valid stack file: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return in, errors.New("not a valid stack file: it holds more than one YAML document (---); Pulumi reads one YAML document per stack file")
	}
	config, err := configNode(&root)
	if err != nil || config == nil {
		return in, err
	}
	for i := 0; i+1 < len(config.Content); i += 2 {
		key, val := config.Content[i].Value, config.Content[i+1]
		if !strings.Contains(key, ":") {
			key = "clusterbench:" + key // as the CLI does: a bare key is the project's
		}
		if _, dup := in.Config[key]; dup {
			return in, fmt.Errorf("config: %s: set twice", spec.Clip(key))
		}
		text, secret, err := configValue(val)
		if err != nil {
			return in, fmt.Errorf("config: %s%w", spec.Clip(key), err)
		}
		in.Config[key] = text
		if secret {
			in.SecretKeys = append(in.SecretKeys, key)
		}
	}
	sort.Strings(in.SecretKeys)
	return in, nil
}

// configNode finds the document's config: map (nil when there is none).
func configNode(root *yaml.Node) (*yaml.Node, error) {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	switch {
	case doc.Kind == 0 || doc.Kind == yaml.DocumentNode || doc.Kind == yaml.ScalarNode && doc.Tag == "!!null":
		return nil, nil // empty file
	case doc.Kind != yaml.MappingNode:
		return nil, fmt.Errorf("not a valid stack file: expected a YAML map of top-level keys (config:, encryptionsalt:…), line %d", doc.Line)
	}
	var config *yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k := doc.Content[i].Value
		if seen[k] {
			return nil, fmt.Errorf("%s: set twice (line %d); keep one", spec.Clip(k), doc.Content[i].Line)
		}
		seen[k] = true
		if k == "config" {
			config = doc.Content[i+1]
		}
	}
	switch {
	case config == nil || config.Kind == yaml.ScalarNode && config.Tag == "!!null":
		return nil, nil
	case config.Kind == yaml.AliasNode:
		config = config.Alias
	}
	if config.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("config: must be a map of keys to values")
	}
	return config, nil
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
	if err != nil {
		// json.Marshal fails only on NaN and infinities, which YAML can spell (.nan, .inf).
		return "", false, errors.New(": holds .nan or .inf; numbers in a stack file must be finite")
	}
	return string(b), secret, nil
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
			k := n.Content[i].Value
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf(".%s: set twice (line %d); keep one", spec.Clip(k), n.Content[i].Line)
			}
			v, err := plain(n.Content[i+1], secret)
			if err != nil {
				return nil, fmt.Errorf(".%s%w", spec.Clip(k), err)
			}
			m[k] = v
		}
		return m, nil
	case n.Kind == yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, err := plain(c, secret)
			if err != nil {
				return nil, fmt.Errorf("[%d]%w", i, err)
			}
			l = append(l, v)
		}
		return l, nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, fmt.Errorf(": not a value a stack file can hold (line %d)", n.Line)
	}
	return v, nil
}
