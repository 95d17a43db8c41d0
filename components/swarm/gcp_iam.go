package swarm

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/components/gcpname"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Secret Manager roles, bound per secret (never project-wide).
const (
	secretAccessor     = "roles/secretmanager.secretAccessor"
	secretVersionAdder = "roles/secretmanager.secretVersionAdder"
	// secretAdmin on the lock secret only: the bootstrap script takes the lock by setting
	// the label `holder` with UpdateSecret and the etag it read (only one racer's etag
	// matches), which needs secrets.get and secrets.update; no predefined role narrower
	// than admin has update, and a custom role's id stays reserved for up to 37 days after
	// `pulumi destroy` (IAM custom roles are soft-deleted), which would block re-creating
	// the stack. The lock holds no secret: the holder's name and the time.
	secretAdmin = "roles/secretmanager.admin"
)

// iam: a dedicated service account per node role (never the default compute account,
// which holds project-wide Editor). The accounts have no project-level role: their only
// grants are on the store's secrets (store).
func (b *gcpBuilder) iam() error {
	var err error
	if b.managerAccount, err = b.serviceAccount(RoleManager); err != nil {
		return err
	}
	b.workerAccount, err = b.serviceAccount(RoleWorker)
	return err
}

// store: one secret per store key, with bindings per secret and per role. Managers read
// and add versions of every token key and take the lock; workers read the worker token
// and the managers' addresses only.
func (b *gcpBuilder) store() error {
	workerReads := map[string]bool{}
	for _, k := range WorkerKeys {
		workerReads[k] = true
	}
	for _, key := range StoreKeys {
		// Pulumi owns the secrets, so `pulumi destroy` deletes the tokens with the swarm;
		// the nodes add the versions, and the lock's holder label is theirs.
		opts := []pulumi.ResourceOption{b.parent}
		if key == KeyLock {
			opts = append(opts, pulumi.IgnoreChanges([]string{"labels"}))
		}
		secret, err := secretmanager.NewSecret(b.ctx, fmt.Sprintf("%s-%s", b.name, key), &secretmanager.SecretArgs{
			SecretId:    pulumi.Sprintf("%s-%s", b.storePath, key),
			Project:     pulumi.String(b.s.Project),
			Replication: &secretmanager.SecretReplicationArgs{Auto: &secretmanager.SecretReplicationAutoArgs{}},
			Labels:      pulumi.StringMap{"clusterbench-swarm": pulumi.String(b.name)},
		}, opts...)
		if err != nil {
			return err
		}
		grants := []secretGrant{{RoleManager, b.managerAccount, secretAccessor}, {RoleManager, b.managerAccount, secretVersionAdder}}
		if key == KeyLock {
			grants = []secretGrant{{RoleManager, b.managerAccount, secretAdmin}}
		}
		if workerReads[key] {
			grants = append(grants, secretGrant{RoleWorker, b.workerAccount, secretAccessor})
		}
		for _, g := range grants {
			verb := strings.TrimPrefix(strings.TrimPrefix(g.iamRole, "roles/secretmanager."), "secret")
			grant, err := secretmanager.NewSecretIamMember(b.ctx, fmt.Sprintf("%s-%s-%s-%s", b.name, key, g.role, strings.ToLower(verb)), &secretmanager.SecretIamMemberArgs{
				SecretId: secret.SecretId, Project: pulumi.String(b.s.Project),
				Role: pulumi.String(g.iamRole), Member: g.account.Member,
			}, b.parent)
			if err != nil {
				return err
			}
			b.iamReady = append(b.iamReady, grant)
		}
	}
	return nil
}

// secretGrant is one role's binding on one secret.
type secretGrant struct {
	role    string
	account *serviceaccount.Account
	iamRole string
}

// serviceAccount is one role's account. Its id takes a suffix from the network's name,
// which Pulumi picks anew on every creation: a fixed <stack>-<name>-<role> would collide
// with a second checkout's stack of the same name in the project (issue 11, item 2).
func (b *gcpBuilder) serviceAccount(role string) (*serviceaccount.Account, error) {
	return serviceaccount.NewAccount(b.ctx, fmt.Sprintf("%s-%s", b.name, role), &serviceaccount.AccountArgs{
		AccountId: b.args.Network.NetworkName.ApplyT(func(seed string) string {
			return gcpname.Unique(30, seed, b.ctx.Stack(), b.name, role)
		}).(pulumi.StringOutput),
		DisplayName: pulumi.Sprintf("Swarm %ss of %s/%s", role, b.ctx.Stack(), b.name),
		Project:     pulumi.String(b.s.Project),
	}, b.parent)
}
