package program_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/stackfile"
)

// FuzzSpec feeds stack files through the reader, the validator and the whole program:
// nothing panics, and a configuration the validator refuses registers no resource.
func FuzzSpec(f *testing.F) {
	for _, file := range stackFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("config:\n  clusterbench:cloud: aws\n  clusterbench:zones: 0\n"))
	f.Add([]byte("config:\n  clusterbench:workers: {count: -1, max: 1e300}\n"))
	f.Add([]byte("config: [1, 2]\n"))
	harness.Timeout = 10 * time.Second // a program under mocks takes milliseconds
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := stackfile.Parse("fuzz", data)
		if err != nil {
			return // not a stack file: the reader said so
		}
		_, _, specErr := spec.Parse(in, program.SpecOptions())
		res, runErr := harness.Run(in, program.Run)
		if runErr != nil && strings.Contains(runErr.Error(), "did not finish") {
			t.Fatalf("the program hangs: %v", runErr)
		}
		if specErr == nil {
			return
		}
		var serr *spec.Error
		if !errors.As(runErr, &serr) {
			t.Fatalf("validator refused the configuration (%v) but the program returned %v", specErr, runErr)
		}
		if n := len(res.Inventory.Resources); n != 0 {
			t.Fatalf("a refused configuration registered %d resources", n)
		}
	})
}
