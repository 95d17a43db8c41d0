package gcemodel

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// nodeRoles are what every node's account holds project-wide: write its logs and
// metrics (GKE hardening guide, "Use least privilege Google service accounts").
var nodeRoles = []string{"roles/logging.logWriter", "roles/monitoring.metricWriter"}

// etcdDiskPermissions let a member attach its etcd disks to itself and find its peers.
// No predefined role is this narrow (compute.instanceAdmin.v1 can delete any VM).
var etcdDiskPermissions = []string{
	"compute.instances.attachDisk", "compute.instances.detachDisk", "compute.instances.get", "compute.instances.list",
	"compute.disks.get", "compute.disks.use", "compute.zoneOperations.get",
}

// serviceAccounts: a dedicated account per role, never the Compute Engine default
// account (Editor on the project); kops gcemodel/service_accounts.go does the same.
func (b *builder) serviceAccounts() error {
	var err error
	if b.controlPlaneSA, err = b.account("control-plane", "cp"); err != nil {
		return err
	}
	if b.nodeSA, err = b.account("nodes", "nodes"); err != nil {
		return err
	}
	return b.etcdDiskGrant()
}

// account makes a role's service account with nodeRoles.
func (b *builder) account(role, short string) (*serviceaccount.Account, error) {
	sa, err := serviceaccount.NewAccount(b.ctx, b.name+"-"+role, &serviceaccount.AccountArgs{
		AccountId:   pulumi.String(selfmanaged.GcpName(30, b.ctx.Stack(), short)),
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

// etcdDiskGrant gives the control-plane account etcdDiskPermissions, on this cluster's
// disks and instances only: an IAM condition on their names (IAM Conditions, "resource
// name" attribute), which all start with instancePrefix. Calls on other resource types
// (zone operations, instance lists) pass the condition.
func (b *builder) etcdDiskGrant() error {
	// A custom role's id cannot be reused for 37 days after deletion (IAM docs,
	// "Deleting a custom role"): it is the cluster's, so a destroyed stack is recreated
	// under another name or after that time.
	role, err := projects.NewIAMCustomRole(b.ctx, b.name+"-etcd-disks", &projects.IAMCustomRoleArgs{
		Project:     pulumi.String(b.s.Project),
		RoleId:      pulumi.String(strings.ReplaceAll(b.cluster, "-", "_") + "_etcd_disks"),
		Title:       pulumi.Sprintf("etcd disks of %s", b.cluster),
		Description: pulumi.String("Attach a member's etcd disks to itself (clusterbench)"),
		Permissions: pulumi.ToStringArray(etcdDiskPermissions),
	}, b.parent)
	if err != nil {
		return err
	}
	prefix := b.instancePrefix()
	m, err := projects.NewIAMMember(b.ctx, b.name+"-control-plane-etcd-disks", &projects.IAMMemberArgs{
		Project: pulumi.String(b.s.Project), Role: role.Name, Member: b.controlPlaneSA.Member,
		Condition: &projects.IAMMemberConditionArgs{
			Title:       pulumi.String("this cluster's disks and instances"),
			Description: pulumi.String("names start with " + prefix),
			Expression:  pulumi.String(EtcdDiskCondition(prefix)),
		},
	}, b.parent)
	if err != nil {
		return err
	}
	b.iamReady = append(b.iamReady, m)
	return nil
}

// EtcdDiskCondition is the CEL condition of the etcd disk grant.
func EtcdDiskCondition(prefix string) string {
	return fmt.Sprintf(`!(resource.type == "compute.googleapis.com/Disk" || resource.type == "compute.googleapis.com/Instance") || `+
		`resource.name.extract("/disks/{name}").startsWith(%q) || resource.name.extract("/instances/{name}").startsWith(%q)`, prefix, prefix)
}
