package stackfile_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/stackfile"
)

// stackFileSeeds are the shipped stack files and the odd inputs issue 13 found.
func stackFileSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "..", "stacks", "Pulumi.*.yaml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no shipped stack files: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"config:\n  clusterbench:workers: {count: 3, count: 9}\n",
		"config:\n  clusterbench:zones: 3\n---\nconfig:\n  clusterbench:zones: 1\n",
		"config:\n  clusterbench:adminCidrs: [0.0.0.0/1, 128.0.0.0/1]\n",
		"config:\n  aws:region: \" us-east-1\"\n  clusterbench:network: {cidr: 224.0.0.0/16}\n",
		"config:\n  clusterbench:x: .nan\n  clusterbench:y: {a: .inf}\n",
		"- 1\n- 2\n", "config: [1, 2]\n", "config: 3\n", "", "---\n", "config:\n",
		"a: &a [x, x]\nb: &b [*a, *a]\nconfig: {clusterbench:z: [*b, *b]}\n",
		"config:\n  clusterbench:nested:\n    secure: v1:abc\n  clusterbench:list: [{secure: x}, 2]\n",
		"config: {? [1, 2] : 3}\n",
		"config: !!map {clusterbench:cloud: aws}\nconfig: {}\n",
	} {
		f.Add([]byte(s))
	}
}

// FuzzStackFile feeds the stack-file reader arbitrary bytes: it never panics, answers
// the same twice, refuses with one bounded line, and what it accepts is what the
// program reads (namespaced keys; objects and lists as valid JSON).
func FuzzStackFile(f *testing.F) {
	stackFileSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := stackfile.Parse("fuzz", data)
		again, err2 := stackfile.Parse("fuzz", data)
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(in, again) {
			t.Fatalf("two reads differ: %v / %v", err, err2)
		}
		if err != nil {
			msg := err.Error()
			if strings.Contains(msg, "\n") || len(msg) > 1000 {
				t.Fatalf("an error is one line of bounded length: %.300q", msg)
			}
			return
		}
		for _, k := range in.SecretKeys {
			if _, ok := in.Config[k]; !ok {
				t.Fatalf("secret key %q has no value", k)
			}
		}
		// Written back as a stack file of quoted scalars, the configuration reads the
		// same: keys are namespaced and unique, values are passed on as they are.
		var b strings.Builder
		b.WriteString("config:\n")
		for k, v := range in.Config {
			if !strings.Contains(k, ":") {
				t.Fatalf("key %q is not namespaced", k)
			}
			kj, _ := json.Marshal(k)
			vj, _ := json.Marshal(v)
			b.WriteString("  " + string(kj) + ": " + string(vj) + "\n")
		}
		back, err := stackfile.Parse("fuzz", []byte(b.String()))
		if err != nil {
			t.Fatalf("the configuration written back does not read: %v", err)
		}
		if !reflect.DeepEqual(in.Config, back.Config) {
			t.Fatalf("written back, the configuration reads differently:\n%q\n%q", in.Config, back.Config)
		}
	})
}
