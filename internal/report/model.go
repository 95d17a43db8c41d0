// Package report holds the one comparison model and its renderers (table, JSON,
// Markdown, CSV, HTML): every format shows the same facts.
package report

import (
	"github.com/clusterbench/clusterbench/internal/capabilities"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/faulttolerance"
)

// Stack statuses.
const (
	StatusOK           = "ok"
	StatusNotAvailable = "not-available"
	StatusError        = "error"
)

// Comparison is the whole report: the `compare --format json` contract in DESIGN.md.
type Comparison struct {
	PriceCatalog CatalogInfo `json:"priceCatalog"`
	Usage        string      `json:"usage"`
	Stacks       []Stack     `json:"stacks"`
}

// CatalogInfo identifies the price catalog a comparison was priced with.
type CatalogInfo struct {
	Version string   `json:"version"`
	Date    string   `json:"date"`
	Regions []string `json:"regions"`
}

// Stack is one stack's column of the comparison.
type Stack struct {
	Stack          string    `json:"stack"`
	Status         string    `json:"status"`
	Error          string    `json:"error"`
	Cloud          string    `json:"cloud"`
	Orchestrator   string    `json:"orchestrator"`
	Region         string    `json:"region"`
	Zones          int       `json:"zones"`
	Resources      Resources `json:"resources"`
	MonthlyCostUSD float64   `json:"monthlyCostUSD"`
	// Complete is true when MonthlyCostUSD is the whole estimate: the stack evaluated and
	// nothing is unpriced. UnpricedCount is len(Unpriced). The JSON renderer sets both.
	Complete       bool                       `json:"complete"`
	UnpricedCount  int                        `json:"unpricedCount"`
	CostBreakdown  []cost.Line                `json:"costBreakdown"`
	Unpriced       []cost.Unpriced            `json:"unpriced"`
	Excluded       []string                   `json:"excluded"`
	Monitoring     *cost.MonitoringComparison `json:"monitoring"`
	FaultTolerance *faulttolerance.Assessment `json:"faultTolerance"`
	Capabilities   *capabilities.Set          `json:"capabilities"`
	Warnings       []string                   `json:"warnings"`
	// Doctor counts `clusterbench doctor`'s FAIL and WARN findings; nil when the stack
	// was not diagnosed (not evaluated, or a document priced by cost).
	Doctor *DoctorCounts `json:"doctor"`
	// CostByCategory and Diagram feed the HTML and Markdown pictures (architecture.go).
	CostByCategory []CategoryCost `json:"-"`
	Diagram        *Diagram       `json:"-"`
}

// DoctorCounts are a stack's FAIL and WARN findings from clusterbench doctor.
type DoctorCounts struct {
	Fail int `json:"fail"`
	Warn int `json:"warn"`
}

// Resources counts a stack's resources.
type Resources struct {
	Total      int            `json:"total"`
	ByType     map[string]int `json:"byType"`
	Components map[string]int `json:"components"`
}
