package catalog_test

import (
	"testing"

	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// 1.33: standard support until 2026-07-29, extended until 2027-07-29.
func TestSupportStatusFollowsTheCalendar(t *testing.T) {
	c := defaultCatalog(t)
	s, ok := c.EKSSupport("1.33")
	require.True(t, ok)
	for _, tc := range []struct {
		day  string
		want catalog.SupportStatus
	}{
		{"2025-06-01", catalog.StandardSupport},
		{"2026-07-28", catalog.StandardSupport},
		{"2026-07-29", catalog.ExtendedSupport}, // billed as extended from the start of that day
		{"2027-07-28", catalog.ExtendedSupport},
		{"2027-07-29", catalog.OutOfSupport},
	} {
		assert.Equal(t, tc.want, s.Status(tc.day), tc.day)
	}
}

// On the catalog date 2026-11-26: 1.35 and 1.34 are standard, 1.33 extended, 1.31's
// extended support ends that very day, 1.29 ended 2026-03-23.
func TestSupportStatusOnTheCatalogDate(t *testing.T) {
	c := defaultCatalog(t)
	for version, want := range map[string]catalog.SupportStatus{
		"1.35": catalog.StandardSupport, "1.34": catalog.StandardSupport, "1.34.2": catalog.StandardSupport,
		"1.33": catalog.ExtendedSupport, "1.32": catalog.ExtendedSupport,
		"1.31": catalog.OutOfSupport, "1.29": catalog.OutOfSupport,
		"1.99": catalog.UnknownVersion,
	} {
		assert.Equal(t, want, c.SupportStatus(version), version)
	}
}

func TestSupportedVersionRefusesUnknownAndEndedVersions(t *testing.T) {
	c := defaultCatalog(t)
	assert.NoError(t, c.SupportedVersion("1.35"))
	assert.NoError(t, c.SupportedVersion("1.32"), "extended support still runs")
	err := c.SupportedVersion("1.29")
	require.Error(t, err)
	assert.Equal(t, "EKS extended support ended 2026-03-23 (calendar date 2026-11-26)", err.Error())
	err = c.SupportedVersion("1.99")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not in the Kubernetes support calendar (known: 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35)")
}

func TestPriceFileAddsACalendarRowAndMovesTheDate(t *testing.T) {
	c := defaultCatalog(t)
	path := writeFile(t, "calendar.yaml", `
date: "2027-04-01"
kubernetesSupport:
  - {version: "1.36", release: "2026-05-28", endOfStandardSupport: "2027-07-28", endOfExtendedSupport: "2028-07-28", source: "EKS user guide"}
`)
	require.NoError(t, c.MergeFile(path))
	assert.Equal(t, "2027-04-01", c.Date)
	assert.Equal(t, catalog.StandardSupport, c.SupportStatus("1.36"))
	assert.Equal(t, catalog.ExtendedSupport, c.SupportStatus("1.35"), "1.35 left standard support on 2027-03-27")
}

func TestEveryCalendarRowHasASource(t *testing.T) {
	c := defaultCatalog(t)
	for _, v := range c.EKSVersions() {
		s, _ := c.EKSSupport(v)
		assert.NotEmpty(t, s.Source, v)
	}
}

// `pulumi up` judges versions on the calendar's own date, compare on the catalog's: the
// two embedded dates must move together or the program and the report disagree.
func TestCalendarDateIsTheCatalogDate(t *testing.T) {
	c := defaultCatalog(t)
	cal, err := kubeversion.Default()
	require.NoError(t, err)
	assert.Equal(t, c.Date, cal.Date)
}
