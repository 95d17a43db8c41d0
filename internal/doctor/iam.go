package doctor

import (
	"encoding/json"
	"path"
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

// statement is one IAM policy statement, lists normalised.
type statement struct {
	Effect    string
	Actions   []string
	Resources []string
	// Principals: "*" for anyone (a bucket policy's Principal "*" or {"AWS": "*"}).
	Principals []string
	Condition  bool
}

// parsePolicy reads an IAM policy document (JSON text or an already decoded object);
// ok is false when the document is unknown (a preview), secret or not a policy.
func parsePolicy(v any) ([]statement, bool) {
	var doc map[string]any
	switch t := v.(type) {
	case string:
		if t == "" || t == inventory.SecretPlaceholder || json.Unmarshal([]byte(t), &doc) != nil {
			return nil, false
		}
	case map[string]any:
		doc = t
	default:
		return nil, false
	}
	var raw []any
	switch s := doc["Statement"].(type) {
	case []any:
		raw = s
	case map[string]any:
		raw = []any{s}
	default:
		return nil, false
	}
	var out []statement
	for _, e := range raw {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		st := statement{Effect: str(m["Effect"]), Actions: inventory.Strings(m["Action"]), Resources: inventory.Strings(m["Resource"])}
		_, st.Condition = m["Condition"]
		switch p := m["Principal"].(type) {
		case string:
			st.Principals = []string{p}
		case map[string]any:
			for _, v := range p {
				st.Principals = append(st.Principals, inventory.Strings(v)...)
			}
		}
		out = append(out, st)
	}
	return out, true
}

func str(v any) string { s, _ := v.(string); return s }

func (s statement) allows() bool { return strings.EqualFold(s.Effect, "Allow") }

// matchesAny reports whether an IAM pattern (with * and ?) matches any of values, or
// whether any value is itself a wildcard that covers the pattern's target.
func globMatch(pattern, value string) bool {
	ok, err := path.Match(strings.ReplaceAll(pattern, "/", "\x00"), strings.ReplaceAll(value, "/", "\x00"))
	return err == nil && ok
}

// actionAllows reports whether an action pattern ("*", "ssm:*", "ssm:GetParameter*")
// grants action (case-insensitive, as IAM compares actions).
func actionAllows(pattern, action string) bool {
	return globMatch(strings.ToLower(pattern), strings.ToLower(action))
}

// awsPolicyDocs are the policy documents a resource carries, keyed by where they are.
var awsPolicyInputs = map[string][]string{
	"aws:iam/rolePolicy:RolePolicy":    {"policy"},
	"aws:iam/policy:Policy":            {"policy"},
	"aws:iam/userPolicy:UserPolicy":    {"policy"},
	"aws:iam/groupPolicy:GroupPolicy":  {"policy"},
	"aws:s3/bucketPolicy:BucketPolicy": {"policy"},
}

// awsManagedAdmin are AWS managed policies that allow "*" on "*".
var awsManagedAdmin = []string{"arn:aws:iam::aws:policy/AdministratorAccess"}
