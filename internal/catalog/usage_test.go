package catalog_test

import (
	"testing"

	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPresetsLoadAndGrow(t *testing.T) {
	var last *catalog.Usage
	for _, name := range catalog.Presets {
		u, err := catalog.LoadUsage(name)
		require.NoError(t, err, name)
		assert.Equal(t, name, u.Name)
		assert.True(t, u.NATGatewayGBPerMonth.IsPositive(), name)
		assert.True(t, u.InterZoneGBPerMonth.IsPositive(), name)
		if last != nil {
			assert.True(t, u.NATGatewayGBPerMonth.GreaterThan(last.NATGatewayGBPerMonth), "%s carries more traffic than %s", name, last.Name)
		}
		last = u
	}
}

func TestUsageFileOverridesItsBasePerKey(t *testing.T) {
	path := writeFile(t, "ours.yaml", "base: medium\nnatGatewayGBPerMonth: 42.5\n")
	u, err := catalog.LoadUsage(path)
	require.NoError(t, err)
	medium, _ := catalog.Preset("medium")
	assert.Equal(t, "ours.yaml", u.Name, "named after the file")
	assert.Equal(t, "42.5", u.NATGatewayGBPerMonth.String())
	assert.True(t, medium.LogStorageGB.Equal(u.LogStorageGB), "keys the file omits keep the base's value")
}

func TestUsageFileWithoutBaseStartsFromSmall(t *testing.T) {
	u, err := catalog.LoadUsage(writeFile(t, "u.yaml", "objectStorageGB: 1\n"))
	require.NoError(t, err)
	small, _ := catalog.Preset("small")
	assert.Equal(t, "1", u.ObjectStorageGB.String())
	assert.True(t, small.NATGatewayGBPerMonth.Equal(u.NATGatewayGBPerMonth))
}

func TestBadUsageFileErrorNamesFileAndKey(t *testing.T) {
	for name, tc := range map[string]struct{ body, want string }{
		"unknown key": {"natGBPerMonth: 3\n", "natGBPerMonth: unknown key"},
		"negative":    {"logStorageGB: -3\n", "logStorageGB -3: want a figure ≥ 0"},
		"bad base":    {"base: huge\n", `base: usage preset "huge"`},
	} {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, "bad-usage.yaml", tc.body)
			_, err := catalog.LoadUsage(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), path)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := catalog.LoadUsage("enormous")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "small, medium, large")
}

func TestDatadogBillingIsOnDemandOrAnnual(t *testing.T) {
	u, err := catalog.ParseUsage([]byte("datadogBilling: annual\n"), "team.yaml")
	require.NoError(t, err)
	assert.Equal(t, catalog.DatadogAnnual, u.DatadogBilling)
	small, err := catalog.Preset("small")
	require.NoError(t, err)
	assert.Equal(t, catalog.DatadogOnDemand, small.DatadogBilling)
	_, err = catalog.ParseUsage([]byte("datadogBilling: monthly\n"), "team.yaml")
	assert.EqualError(t, err, `team.yaml: datadogBilling "monthly": want onDemand or annual`)
}
