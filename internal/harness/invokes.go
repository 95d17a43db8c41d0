package harness

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// invokesJSON answers every invoke the components make, with values shaped like the real
// providers' answers for us-east-1 and us-central1. The engine rig reads the same file
// (RIG_INVOKES), so mocks and the real engine see the same world.
//
//go:embed invokes.json
var invokesJSON []byte

// fixtureRegions are the regions the fixture answers were written for.
var fixtureRegions = map[string]string{"aws": "us-east-1", "gcp": "us-central1"}

var invokeAnswers = func() map[string]map[string]any {
	var m map[string]map[string]any
	if err := json.Unmarshal(invokesJSON, &m); err != nil {
		panic(fmt.Sprintf("harness: invokes.json: %v", err))
	}
	return m
}()

// byArgument marks a fixture entry whose answer depends on one argument of the invoke:
// {"byArgument": "addonName", "answers": {"vpc-cni": {...}, "coredns": {...}}}.
const byArgument = "byArgument"

// answer returns the fixture's answer to an invoke, moved to the stack's region (zone
// names carry the region: us-east-1a becomes eu-west-1a). An invoke the fixture does not
// know, or an argument value it has no answer for, fails loudly: a silent empty answer
// would hide a bug.
func answer(token string, args resource.PropertyMap, regions map[string]string) (resource.PropertyMap, error) {
	a, ok := invokeAnswers[token]
	if !ok {
		return nil, fmt.Errorf("mock harness: no answer for invoke %q; add one to internal/harness/invokes.json", token)
	}
	if key, ok := a[byArgument].(string); ok {
		value := ""
		if v, ok := args[resource.PropertyKey(key)]; ok && v.IsString() {
			value = v.StringValue()
		}
		answers, _ := a["answers"].(map[string]any)
		if a, ok = answers[value].(map[string]any); !ok {
			return nil, fmt.Errorf("mock harness: no answer for invoke %q with %s %q; add one to internal/harness/invokes.json", token, key, value)
		}
	}
	cloud, _, _ := strings.Cut(token, ":")
	raw, _ := json.Marshal(a)
	text := string(raw)
	if from, to := fixtureRegions[cloud], regions[cloud]; to != "" && to != from {
		text = strings.ReplaceAll(text, from, to)
	}
	var moved map[string]any
	if err := json.Unmarshal([]byte(text), &moved); err != nil {
		return nil, err
	}
	return resource.NewPropertyMapFromMap(moved), nil
}
