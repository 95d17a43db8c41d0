package program_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/harness"
)

// pick returns one of the options.
func pick[T any](r *rand.Rand, options ...T) T { return options[r.IntN(len(options))] }

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// randomConfig draws a stack configuration from the contract's values, consistent
// enough that the validator accepts most; a third get one bad value from issue 13's
// list (or another rule's) so that it refuses some.
func randomConfig(r *rand.Rand) map[string]string {
	cloud := pick(r, spec.AWS, spec.GCP)
	orch := pick(r, spec.Managed, spec.SelfManaged, spec.Swarm)
	zones := pick(r, 1, 2, 3, 3)
	if cloud == spec.AWS && orch == spec.Managed && zones < 2 {
		zones = 3
	}
	cfg := map[string]string{
		"clusterbench:cloud":              cloud,
		"clusterbench:orchestrator":       orch,
		"clusterbench:zones":              strconv.Itoa(zones),
		"clusterbench:adminCidrs":         jsonText(pick(r, []string{"198.51.100.0/24"}, []string{"203.0.113.7/32", "10.0.0.0/8"}, []string{"192.168.0.0/16"})),
		"clusterbench:kubernetesVersion":  pick(r, "1.35", "1.34"),
		"clusterbench:monitoring":         pick(r, "none", "prometheus", "datadog"),
		"clusterbench:deletionProtection": pick(r, "true", "false"),
	}
	if cloud == spec.AWS {
		cfg["aws:region"] = "us-east-1"
	} else {
		cfg["gcp:region"], cfg["gcp:project"] = "us-central1", "demo"
	}
	machine := map[string][]string{spec.AWS: {"t3.large", "m5.xlarge", "t3.medium"}, spec.GCP: {"e2-standard-2", "n2-standard-4", "e2-medium"}}[cloud]
	count := zones * pick(r, 1, 2, 3)
	workers := map[string]any{"count": count, "machineType": pick(r, machine...), "diskGb": pick(r, 20, 50, 100)}
	if r.IntN(2) == 0 {
		workers["min"], workers["max"] = r.IntN(count+1), count+r.IntN(count+1)
	}
	cfg["clusterbench:workers"] = jsonText(workers)
	private := orch == spec.SelfManaged || r.IntN(4) != 0
	nat := pick(r, "perZone", "single")
	if !private {
		nat = "none"
	}
	cfg["clusterbench:network"] = jsonText(map[string]any{
		"cidr": pick(r, "10.0.0.0/16", "10.1.0.0/16", "172.16.0.0/16"), "privateNodes": private, "natGateways": nat, "flowLogs": r.IntN(2) == 0,
	})
	if orch != spec.Managed {
		cfg["clusterbench:controlPlane"] = jsonText(map[string]any{"count": pick(r, 1, 3, 3, 5), "machineType": pick(r, machine...)})
	} else if cloud == spec.GCP {
		cfg["clusterbench:controlPlane"] = jsonText(map[string]any{"availability": pick(r, "regional", "zonal")})
	}
	if orch == spec.Swarm {
		cfg["clusterbench:swarm"] = jsonText(map[string]any{"managersRunWorkloads": r.IntN(2) == 0})
	}
	if r.IntN(3) == 0 {
		bad := pick(r,
			[2]string{"clusterbench:adminCidrs", `["0.0.0.0/1", "128.0.0.0/1"]`},
			[2]string{"clusterbench:adminCidrs", `["198.51.100.0/24", "198.51.100.0/24"]`},
			[2]string{"clusterbench:network.cidr", "224.0.0.0/16"},
			[2]string{"clusterbench:zones", "4"},
			[2]string{"clusterbench:kubernetesVersion", "1.20"},
			[2]string{"aws:region", "US-EAST-1"},
			[2]string{"gcp:region", "us-east-1"},
			[2]string{"clusterbench:workers.diskGb", "10"},
		)
		if strings.HasPrefix(bad[0], cloud+":") || strings.HasPrefix(bad[0], "clusterbench:") {
			if strings.Contains(bad[0], ".") && cfg[bad[0][:strings.Index(bad[0], ".")]] != "" {
				// Set the field inside the object, not beside it (that is its own error).
				obj := map[string]any{}
				key := bad[0][:strings.Index(bad[0], ".")]
				_ = json.Unmarshal([]byte(cfg[key]), &obj)
				obj[bad[0][strings.Index(bad[0], ".")+1:]] = json.RawMessage(jsonText(bad[1]))
				if n, err := strconv.Atoi(bad[1]); err == nil {
					obj[bad[0][strings.Index(bad[0], ".")+1:]] = n
				}
				cfg[key] = jsonText(obj)
			} else {
				cfg[bad[0]] = bad[1]
			}
		}
	}
	return cfg
}

// components names the component each combination builds.
var components = map[[2]string]string{
	{spec.AWS, spec.Managed}: "clusterbench:managed:EksCluster", {spec.GCP, spec.Managed}: "clusterbench:managed:GkeCluster",
	{spec.AWS, spec.SelfManaged}: "clusterbench:selfmanaged:AwsCluster", {spec.GCP, spec.SelfManaged}: "clusterbench:selfmanaged:GcpCluster",
	{spec.AWS, spec.Swarm}: "clusterbench:swarm:AwsSwarm", {spec.GCP, spec.Swarm}: "clusterbench:swarm:GcpSwarm",
}

// The whole program over seeded random configurations (the slow FuzzSpec ran it under
// the fuzzer at a few executions a second; the validator and the reader have fast fuzz
// targets of their own): every configuration the validator accepts runs to completion
// under the mock engine and builds its component; every one it refuses registers
// nothing and fails with the validator's own error. CLUSTERBENCH_PROPERTY_SEED and
// CLUSTERBENCH_PROPERTY_RUNS change the seed and the number of configurations.
func TestEveryAcceptedSpecRunsTheProgram(t *testing.T) {
	seed, runs := uint64(13), 150
	if s, err := strconv.ParseUint(os.Getenv("CLUSTERBENCH_PROPERTY_SEED"), 10, 64); err == nil {
		seed = s
	}
	if n, err := strconv.Atoi(os.Getenv("CLUSTERBENCH_PROPERTY_RUNS")); err == nil && n > 0 {
		runs = n
	}
	saved := harness.Timeout
	harness.Timeout = 30 * time.Second // a program under mocks takes milliseconds
	defer func() { harness.Timeout = saved }()
	r := rand.New(rand.NewPCG(seed, seed))
	accepted, refused := 0, 0
	for i := 0; i < runs; i++ {
		cfg := randomConfig(r)
		in := spec.Input{Stack: "prop" + strconv.Itoa(i), Config: cfg}
		s, _, specErr := spec.Parse(in, program.SpecOptions())
		res, runErr := harness.Run(in, program.Run)
		if runErr != nil && strings.Contains(runErr.Error(), "did not finish") {
			t.Fatalf("seed %d, run %d: the program hangs on %v", seed, i, cfg)
		}
		if specErr != nil {
			refused++
			var serr *spec.Error
			if !errors.As(runErr, &serr) {
				t.Fatalf("seed %d, run %d: the validator refused %v (%v) but the program returned %v", seed, i, cfg, specErr, runErr)
			}
			if n := len(res.Inventory.Resources); n != 0 {
				t.Fatalf("seed %d, run %d: a refused configuration registered %d resources", seed, i, n)
			}
			continue
		}
		accepted++
		if runErr != nil {
			t.Fatalf("seed %d, run %d: the validator accepted %v but the program failed: %v", seed, i, cfg, runErr)
		}
		if len(res.Inventory.Custom()) == 0 {
			t.Fatalf("seed %d, run %d: an accepted configuration registered nothing", seed, i)
		}
		want := components[[2]string{s.Cloud, s.Orchestrator}]
		found := false
		for _, c := range res.Inventory.Components() {
			found = found || c.Type == want
		}
		if !found {
			t.Fatalf("seed %d, run %d: %s/%s did not build %s", seed, i, s.Cloud, s.Orchestrator, want)
		}
	}
	t.Logf("seed %d: %d accepted, %d refused", seed, accepted, refused)
	if accepted < runs/10 || refused < runs/10 {
		t.Fatalf("the generator must exercise both sides: %d accepted, %d refused", accepted, refused)
	}
}
