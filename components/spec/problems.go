package spec

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a stack's configuration: the key, the bad value and
// what is allowed (and why).
type Problem struct {
	Key     string // full key, e.g. "clusterbench:controlPlane.count"
	Value   string // the value as written ("" when the key is missing)
	Message string // what is allowed, and why
}

// String is the problem as one line: the key and the value cut to MaxEcho characters
// (a 50 MB value is not pasted into an error), control characters quoted.
func (p Problem) String() string {
	if p.Value == "" {
		return fmt.Sprintf("%s: %s", Clip(p.Key), p.Message)
	}
	return fmt.Sprintf("%s = %s: %s", Clip(p.Key), Clip(p.Value), p.Message)
}

// Error is every problem found in one stack's configuration. Source names where the
// configuration came from: the stack file under the CLI, "stack NAME" under Pulumi.
type Error struct {
	Source   string
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
		if e.Source != "" {
			lines[i] = e.Source + ": " + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// problems collects problems and warnings while parsing and validating.
type problems struct {
	errs     []Problem
	warnings []Problem
}

func (ps *problems) add(key, value, format string, args ...any) {
	ps.errs = append(ps.errs, Problem{Key: fullKey(key), Value: value, Message: fmt.Sprintf(format, args...)})
}

func (ps *problems) warn(key, value, format string, args ...any) {
	ps.warnings = append(ps.warnings, Problem{Key: fullKey(key), Value: value, Message: fmt.Sprintf(format, args...)})
}

func fullKey(key string) string {
	if strings.Contains(key, ":") {
		return key
	}
	return Namespace + ":" + key
}
