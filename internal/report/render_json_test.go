package report

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONRoundTripsIntoTheModel(t *testing.T) {
	var got Comparison
	require.NoError(t, json.Unmarshal([]byte(render(t, sampleComparison(), "json")), &got))
	assert.Equal(t, normalised(sampleComparison()), &got)
}

func TestJSONIsIndentedWithTwoSpaces(t *testing.T) {
	out := render(t, sampleComparison(), "json")
	assert.True(t, strings.HasPrefix(out, "{\n  \"priceCatalog\": {\n    \"version\": \"2026.08\""), out[:60])
}

func TestJSONHasTheContractKeys(t *testing.T) {
	doc := decodeJSON(t, render(t, sampleComparison(), "json"))
	assert.ElementsMatch(t, []string{"priceCatalog", "usage", "stacks"}, slices.Collect(maps.Keys(doc)))
	eks := doc["stacks"].([]any)[0].(map[string]any)
	for _, key := range []string{"stack", "status", "error", "cloud", "orchestrator", "region", "zones", "resources",
		"monthlyCostUSD", "costBreakdown", "unpriced", "excluded", "faultTolerance"} {
		assert.Contains(t, eks, key)
	}
	ft := eks["faultTolerance"].(map[string]any)
	for _, key := range []string{"controlPlaneManagedBy", "controlPlaneFailuresTolerated", "zoneLossSurvivable",
		"workerCapacityAfterZoneLoss", "singlePointsOfFailure", "sla", "operationalDuties", "zoneLoss", "zoneLossEffects"} {
		assert.Contains(t, ft, key)
	}
}

// TestJSONShowsEmptyListsAndOnlyTheContractsNulls walks the whole document: the only
// nulls are "sla" (nobody promises one) and the assessment, doctor counts and capabilities
// of a stack not evaluated.
func TestJSONShowsEmptyListsAndOnlyTheContractsNulls(t *testing.T) {
	c := sampleComparison()
	c.PriceCatalog.Regions = nil
	c.Stacks[0].Doctor, c.Stacks[1].Doctor = &DoctorCounts{}, &DoctorCounts{Warn: 1}
	doc := decodeJSON(t, render(t, c, "json"))
	var nulls []string
	walkJSON("", doc, func(path string) { nulls = append(nulls, path) })
	assert.Equal(t, []string{
		"stacks.1.faultTolerance.sla", "stacks.2.capabilities", "stacks.2.doctor", "stacks.2.faultTolerance", "stacks.2.monitoring",
		"stacks.3.capabilities", "stacks.3.doctor", "stacks.3.faultTolerance", "stacks.3.monitoring",
	}, nulls)
	stacks := doc["stacks"].([]any)
	assert.Equal(t, []any{}, doc["priceCatalog"].(map[string]any)["regions"])
	assert.Equal(t, []any{}, stacks[0].(map[string]any)["faultTolerance"].(map[string]any)["singlePointsOfFailure"])
	assert.Equal(t, []any{}, stacks[2].(map[string]any)["costBreakdown"])
	assert.Equal(t, map[string]any{}, stacks[2].(map[string]any)["resources"].(map[string]any)["byType"])
}

func TestJSONNormalisingLeavesTheCallersModelAlone(t *testing.T) {
	c := sampleComparison()
	render(t, c, "json")
	assert.Nil(t, c.Stacks[0].FaultTolerance.SinglePointsOfFailure)
	assert.Nil(t, c.Stacks[2].CostBreakdown)
}

func decodeJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &doc))
	return doc
}

// walkJSON calls null with the dotted path of every null value, in key order.
func walkJSON(path string, v any, null func(path string)) {
	join := func(k string) string { return strings.TrimPrefix(path+"."+k, ".") }
	switch v := v.(type) {
	case nil:
		null(path)
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			walkJSON(join(k), v[k], null)
		}
	case []any:
		for i, e := range v {
			walkJSON(join(strconv.Itoa(i)), e, null)
		}
	}
}
