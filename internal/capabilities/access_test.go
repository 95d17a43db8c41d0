package capabilities_test

import (
	"testing"

	"github.com/clusterbench/clusterbench/internal/capabilities"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/stretchr/testify/assert"
)

// EKS's access-control cell counts the entries the program creates: one per
// adminPrincipal, and one for the identity running pulumi up unless the list names it.
// The deployer's entry is told apart from the listed ones, and it is whoever runs the
// program (the caller the AWS provider answers for), not a fixed principal.
func TestEKSAccessControlCountsTheDeployerApartFromAdminPrincipals(t *testing.T) {
	const (
		deployer = "arn:aws:iam::123456789012:user/clusterbench" // the harness's caller
		platform = "arn:aws:iam::123456789012:role/platform"
		follows  = "owned by Pulumi: it follows whoever runs pulumi up"
	)
	access := func(e evaluated) capabilities.Capability {
		c := assess(t, e).AccessControl
		assert.Equal(t, capabilities.Provided, c.Status)
		return c
	}

	shipped := access(evaluate(t, "eks"))
	assert.Equal(t, "authentication mode API; 1 access entry with cluster-admin", shipped.Details[0])
	assert.Contains(t, shipped.Details, "adminPrincipals: none listed")
	assert.Contains(t, text(shipped), "the deploying identity's own entry ("+deployer+"), "+follows)
	assert.NotContains(t, text(shipped), "bootstrapClusterCreatorAdminPermissions", "the program never bootstraps the creator")

	listed := access(evaluate(t, "eks", "clusterbench:adminPrincipals", `["`+platform+`"]`))
	assert.Equal(t, "authentication mode API; 2 access entries with cluster-admin", listed.Details[0])
	assert.Contains(t, listed.Details, "adminPrincipals: 1 principal listed, each with its cluster-admin entry")
	assert.Contains(t, text(listed), "the deploying identity's own entry ("+deployer+")")
	assert.NotContains(t, text(listed), "the deploying identity's own entry ("+platform+")")

	// Listing the deployer: one entry, the listed one; no entry of the deployer's own.
	self := access(evaluate(t, "eks", "clusterbench:adminPrincipals", `["`+deployer+`"]`))
	assert.Equal(t, "authentication mode API; 1 access entry with cluster-admin", self.Details[0])
	assert.Contains(t, self.Details, "adminPrincipals: 1 principal listed, each with its cluster-admin entry")
	assert.Contains(t, self.Details, "no entry beyond adminPrincipals: the identity that runs pulumi up is one of them")
	assert.NotContains(t, text(self), "the deploying identity's own entry")

	// Another identity running pulumi up: the deployer's entry names it instead.
	const alice = "arn:aws:iam::123456789012:user/alice"
	other := access(evaluateWith(t, harness.Options{Invokes: map[string]map[string]any{
		"aws:index/getCallerIdentity:getCallerIdentity": {"id": "123456789012", "accountId": "123456789012", "arn": alice, "userId": "AIDAALICE"},
		"aws:iam/getSessionContext:getSessionContext":   {"id": alice, "arn": alice, "issuerArn": alice, "issuerId": "", "issuerName": "", "sessionName": ""},
	}}, "eks"))
	assert.Contains(t, text(other), "the deploying identity's own entry ("+alice+"), "+follows)
	assert.NotContains(t, text(other), deployer)
}

// An access entry without EKS's cluster-admin policy is not counted as an admin.
func TestEKSAccessEntryWithoutTheAdminPolicyIsNotAnAdmin(t *testing.T) {
	eks := evaluate(t, "eks")
	viewer := assess(t, edit(t, eks, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", func(in map[string]any) {
		in["policyArn"] = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
	})).AccessControl
	assert.Equal(t, "authentication mode API; 0 access entries with cluster-admin; 1 other access entry without it", viewer.Details[0])
	assert.NotContains(t, text(viewer), "the deploying identity's own entry")
}
