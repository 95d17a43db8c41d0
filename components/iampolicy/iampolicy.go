// Package iampolicy renders AWS IAM policy documents as JSON, so policies are Go values
// checked by the compiler and the tests, not strings assembled by hand.
package iampolicy

import "encoding/json"

// Statement is one IAM policy statement.
type Statement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    any            `json:"Action"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

// Document renders an IAM policy document.
func Document(statements ...Statement) (string, error) {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(b), err
}

// AssumeRole is the trust policy that lets an AWS service assume a role.
func AssumeRole(service string) string {
	doc, _ := Document(Statement{
		Effect: "Allow", Principal: map[string]any{"Service": service}, Action: "sts:AssumeRole",
	})
	return doc
}

// AssumeRoleFromAccount is AssumeRole for a service acting for one account only: the
// aws:SourceAccount condition guards against the confused-deputy problem (AWS IAM
// guide, "The confused deputy problem").
func AssumeRoleFromAccount(service, account string) string {
	doc, _ := Document(Statement{
		Effect: "Allow", Principal: map[string]any{"Service": service}, Action: "sts:AssumeRole",
		Condition: map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account}},
	})
	return doc
}
