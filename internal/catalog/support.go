package catalog

import (
	"github.com/clusterbench/clusterbench/components/kubeversion"
)

// Support is one version's calendar row; the calendar itself lives with the program
// (components/kubeversion), which must never load prices.
type Support = kubeversion.Support

// SupportStatus is where a version stands on a date.
type SupportStatus = kubeversion.Status

// The statuses of a version on a date (see kubeversion).
const (
	StandardSupport = kubeversion.StandardSupport
	ExtendedSupport = kubeversion.ExtendedSupport
	OutOfSupport    = kubeversion.OutOfSupport
	UnknownVersion  = kubeversion.UnknownVersion
)

// Calendar returns the support calendar, judged on the catalog's date, with any
// kubernetesSupport rows of --prices files laid over the embedded one.
func (c *Catalog) Calendar() *kubeversion.Calendar {
	cal := c.support.Clone()
	cal.Date = c.Date
	return cal
}

// EKSSupport returns a version's calendar row ("1.35"; a patch suffix is ignored).
func (c *Catalog) EKSSupport(version string) (Support, bool) { return c.support.Lookup(version) }

// EKSVersions lists the calendar's versions, oldest first.
func (c *Catalog) EKSVersions() []string { return c.support.Versions() }

// SupportStatus tells where a version stands on the catalog's date.
func (c *Catalog) SupportStatus(version string) SupportStatus { return c.Calendar().StatusOf(version) }

// SupportedVersion returns nil when a version can run on EKS on the catalog's date
// (standard or extended support), else why not: spec validation refuses the version.
func (c *Catalog) SupportedVersion(version string) error { return c.Calendar().Supported(version) }
