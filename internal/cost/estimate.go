package cost

// HoursPerMonth is the month every monthly figure uses (AWS and GCP both price 730 h).
const HoursPerMonth = 730

// Line is one cost line of an estimate: a resource (or a usage assumption tied to one)
// priced from one catalog entry. Credits (the GKE free tier) have a negative MonthlyUSD.
type Line struct {
	Resource     string  `json:"resource"`
	Type         string  `json:"type"`
	Component    string  `json:"component"`
	Quantity     float64 `json:"quantity"`
	Unit         string  `json:"unit"`
	UnitPriceUSD float64 `json:"unitPriceUSD"`
	MonthlyUSD   float64 `json:"monthlyUSD"`
	UsageBased   bool    `json:"usageBased"`
	// PriceKey names the catalog entry the line was priced from.
	PriceKey string `json:"priceKey"`
	// Note says what the line assumed (a default disk, the support status, a cap).
	Note string `json:"note,omitempty"`
}

// Unpriced is a resource the catalog cannot price: never taken as free.
type Unpriced struct {
	Resource string `json:"resource"`
	Type     string `json:"type"`
	Reason   string `json:"reason"`
}

// Estimate is the monthly cost of one inventory.
type Estimate struct {
	MonthlyUSD float64    `json:"monthlyCostUSD"`
	Lines      []Line     `json:"costBreakdown"`
	Unpriced   []Unpriced `json:"unpriced"`
	Excluded   []string   `json:"excluded"`
	// Monitoring prices both monitoring choices for the inventory's cluster.
	Monitoring *MonitoringComparison `json:"monitoring"`
}
