// Package doctor diagnoses what makes a cluster unstable or unsafe before it is built.
// It runs checks on what the program registers — the recorded inventory (types, inputs,
// secret markers, outputs) — and on the stack's spec, never on component internals, so
// the inventory checks run just as well on a real `pulumi preview --json` or `pulumi
// stack export` document. Every check is one small function plus its metadata in one
// table (checks.go); a check whose inputs are absent is skipped with the reason, never
// passed.
package doctor

import (
	"fmt"
	"sort"

	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// Severity is what a check reports when it trips.
type Severity string

// Severities: FAIL blocks (exit 1), WARN informs.
const (
	Fail Severity = "FAIL"
	Warn Severity = "WARN"
)

// Status is one finding's outcome.
type Status string

// Outcomes of a finding.
const (
	StatusPass Status = "PASS"
	StatusWarn Status = "WARN"
	StatusFail Status = "FAIL"
	StatusSkip Status = "SKIP"
)

// Category groups checks.
type Category string

// Categories.
const (
	Stability Category = "stability"
	Security  Category = "security"
)

// Check is one diagnosis: its metadata and the function that runs it.
type Check struct {
	// ID is stable: scripts and the JSON contract key on it.
	ID       string
	Title    string
	Severity Severity
	Category Category
	// Rule is the public rule the check corresponds to (a checkov id, a CIS benchmark
	// item, a vendor's documentation page).
	Rule string
	// Why it matters, in one sentence.
	Why string
	// Fix is the stack-file change that fixes it (or, where no stack key does, what to
	// change).
	Fix string
	// Run judges the subject. It returns one result per resource it judged, or one
	// skip saying why it could not judge anything.
	Run func(s *Subject) []Result
}

// Subject is what checks read: one stack's inventory and, when it comes from a stack
// file, its spec.
type Subject struct {
	Inventory *inventory.Inventory
	// Spec is nil for a Pulumi document: spec-only checks are then skipped.
	Spec *spec.Spec
	// Calendar judges EKS versions (on its Date); nil skips the version checks.
	Calendar *kubeversion.Calendar

	// decoded memoises boot scripts, which several checks read (one goroutine uses a
	// Subject at a time).
	decoded map[string]string
}

// decode undoes a boot script's base64 and gzip, once per distinct text.
func (s *Subject) decode(raw string) string {
	if s.decoded == nil {
		s.decoded = map[string]string{}
	}
	d, ok := s.decoded[raw]
	if !ok {
		d = decodeScript(raw)
		s.decoded[raw] = d
	}
	return d
}

// Ref names a resource: its type token and logical name. A stack-wide result has an
// empty Type and a descriptive Name ("control plane").
type Ref struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

func (r Ref) String() string {
	if r.Type == "" {
		return r.Name
	}
	return r.Type + " " + r.Name
}

// refOf names an inventory resource.
func refOf(r inventory.Resource) Ref { return Ref{Type: r.Type, Name: r.Name} }

// outcome is what a check function found about one resource.
type outcome int

const (
	passed outcome = iota
	tripped
	skipped
)

// Result is one judgement of a check function.
type Result struct {
	outcome  outcome
	Resource Ref
	Detail   string
}

func pass(r Ref, format string, args ...any) Result {
	return Result{outcome: passed, Resource: r, Detail: fmt.Sprintf(format, args...)}
}

func trip(r Ref, format string, args ...any) Result {
	return Result{outcome: tripped, Resource: r, Detail: fmt.Sprintf(format, args...)}
}

func skip(format string, args ...any) []Result {
	return []Result{{outcome: skipped, Detail: fmt.Sprintf(format, args...)}}
}

// Finding is one line of the diagnosis: the `doctor --format json` contract.
type Finding struct {
	Status   Status   `json:"status"`
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	Category Category `json:"category"`
	Title    string   `json:"title"`
	Rule     string   `json:"rule"`
	Resource Ref      `json:"resource"`
	Detail   string   `json:"detail"`
	Why      string   `json:"why"`
	Fix      string   `json:"fix"`
}

// Counts are a stack's findings by status.
type Counts struct {
	Pass int `json:"pass"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
	Skip int `json:"skip"`
}

// Count tallies findings.
func Count(fs []Finding) Counts {
	var c Counts
	for _, f := range fs {
		switch f.Status {
		case StatusPass:
			c.Pass++
		case StatusWarn:
			c.Warn++
		case StatusFail:
			c.Fail++
		case StatusSkip:
			c.Skip++
		}
	}
	return c
}

// Run runs checks on a subject, in table order; within a check, findings are ordered
// by resource name.
func Run(s *Subject, checks []Check) []Finding {
	var out []Finding
	for _, c := range checks {
		results := c.Run(s)
		if len(results) == 0 {
			results = skip("nothing in this stack for this check to judge")
		}
		// Registration order varies between runs: findings are ordered by resource.
		sort.SliceStable(results, func(i, j int) bool {
			a, b := results[i].Resource, results[j].Resource
			return a.Name < b.Name || (a.Name == b.Name && a.Type < b.Type)
		})
		for _, r := range results {
			f := Finding{Check: c.ID, Severity: c.Severity, Category: c.Category, Title: c.Title,
				Rule: c.Rule, Resource: r.Resource, Detail: r.Detail, Why: c.Why, Fix: c.Fix}
			switch r.outcome {
			case passed:
				f.Status = StatusPass
			case skipped:
				f.Status = StatusSkip
			default:
				f.Status = Status(c.Severity)
			}
			out = append(out, f)
		}
	}
	return out
}

// Diagnose runs every check of the table.
func Diagnose(s *Subject) []Finding { return Run(s, Checks) }

// AtLeast keeps the findings at or above a severity: "warn" keeps WARN and FAIL, "fail"
// keeps FAIL, "" keeps everything (PASS and SKIP included).
func AtLeast(fs []Finding, severity string) ([]Finding, error) {
	var keep func(Status) bool
	switch severity {
	case "":
		return fs, nil
	case "warn":
		keep = func(s Status) bool { return s == StatusWarn || s == StatusFail }
	case "fail":
		keep = func(s Status) bool { return s == StatusFail }
	default:
		return nil, fmt.Errorf("severity %q: one of warn, fail", severity)
	}
	out := []Finding{}
	for _, f := range fs {
		if keep(f.Status) {
			out = append(out, f)
		}
	}
	return out, nil
}

// CheckByID finds a check of the table.
func CheckByID(id string) (Check, bool) {
	for _, c := range Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}
