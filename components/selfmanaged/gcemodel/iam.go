package gcemodel

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/components/gcpname"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// nodeRoles are what every node's account holds project-wide: write its logs and
// metrics (GKE hardening guide, "Use least privilege Google service accounts").
var nodeRoles = []string{"roles/logging.logWriter", "roles/monitoring.metricWriter"}

// serviceAccounts: a dedicated account per role, never the Compute Engine default
// account (Editor on the project); kops gcemodel/service_accounts.go does the same.
func (b *builder) serviceAccounts() error {
	var err error
	if b.controlPlaneSA, err = b.account("control-plane", "cp"); err != nil {
		return err
	}
	b.nodeSA, err = b.account("nodes", "nodes")
	return err
}

// account makes a role's service account with nodeRoles. Its id takes a suffix from the
// network's name, which Pulumi picks anew on every creation: a fixed <stack>-<role>
// would collide with a second checkout's stack of the same name in the project (issue
// 11, item 2).
func (b *builder) account(role, short string) (*serviceaccount.Account, error) {
	sa, err := serviceaccount.NewAccount(b.ctx, b.name+"-"+role, &serviceaccount.AccountArgs{
		AccountId: b.args.Network.NetworkName.ApplyT(func(seed string) string {
			return gcpname.Unique(30, seed, b.ctx.Stack(), short)
		}).(pulumi.StringOutput),
		DisplayName: pulumi.Sprintf("%s of %s", role, b.cluster),
		Project:     pulumi.String(b.s.Project),
	}, b.parent)
	if err != nil {
		return nil, err
	}
	for _, r := range nodeRoles {
		m, err := projects.NewIAMMember(b.ctx, fmt.Sprintf("%s-%s-%s", b.name, role, strings.TrimPrefix(r, "roles/")), &projects.IAMMemberArgs{
			Project: pulumi.String(b.s.Project), Role: pulumi.String(r), Member: sa.Member,
		}, b.parent)
		if err != nil {
			return nil, err
		}
		b.iamReady = append(b.iamReady, m)
	}
	return sa, nil
}
