package gcemodel

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clusterbench/clusterbench/components/gcpname"
	"github.com/clusterbench/clusterbench/components/secretstore"
	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// storePath is the prefix of the stack's secret ids, <stack>-k8s-<suffix>: the suffix
// comes from the network's name, which Pulumi picks anew on every creation (as the
// service accounts' ids do). The members create the lock secret themselves (the
// election), so `pulumi destroy` leaves it behind; under a new prefix a stack created
// again elects afresh instead of waiting for join material the old lock's holder will
// never write, and a second checkout's stack of the same name never meets this one's
// secrets.
func storePath(stack string, networkName pulumi.StringOutput) pulumi.StringOutput {
	return networkName.ApplyT(func(seed string) string {
		return gcpname.SecretPrefix(seed, stack, "k8s")
	}).(pulumi.StringOutput)
}

// SecretID is the Secret Manager id of one store key under a store path (the secret
// name the bootstrap reads: "${CB_STORE_PATH}-<key>").
func SecretID(storePath, key string) string { return storePath + "-" + key }

// secretID is SecretID once the store path is known.
func (b *builder) secretID(key string) pulumi.StringOutput {
	return b.storePath.ApplyT(func(path string) string { return SecretID(path, key) }).(pulumi.StringOutput)
}

// store: one Secret Manager secret per key, created here so that each is granted only to
// the roles that need it (the containers only: the bootstrap adds the versions, so no
// value passes through the program or its state). The lock is the exception: the
// bootstrap elects the init member by creating it (`gcloud secrets create` fails for
// every member but one), so it must not exist before the members boot.
func (b *builder) store() error {
	b.secrets = map[string]*secretmanager.Secret{}
	keys := append([]string(nil), selfmanaged.StoreKeys...)
	for _, m := range b.members {
		keys = append(keys, selfmanaged.EtcdEndpointKey(m.Name))
	}
	for _, key := range keys {
		if err := b.secret(key); err != nil {
			return err
		}
		// Members publish and read the join material and each other's etcd endpoints.
		for _, role := range []string{"roles/secretmanager.secretAccessor", "roles/secretmanager.secretVersionAdder"} {
			if err := b.secretGrant(key, "control-plane", role, b.controlPlaneSA); err != nil {
				return err
			}
		}
		// Workers read only their join token and the CA hash.
		if slices.Contains(selfmanaged.WorkerStoreKeys, key) {
			if err := b.secretGrant(key, "nodes", "roles/secretmanager.secretAccessor", b.nodeSA); err != nil {
				return err
			}
		}
	}
	// The admin kubeconfig: members only add it; operators read it with their own IAM.
	if err := b.secret(selfmanaged.AdminKubeconfigKey); err != nil {
		return err
	}
	if err := b.secretGrant(selfmanaged.AdminKubeconfigKey, "control-plane", "roles/secretmanager.secretVersionAdder", b.controlPlaneSA); err != nil {
		return err
	}
	return b.lockGrants()
}

// secret makes one secret container.
func (b *builder) secret(key string) error {
	secret, err := secretmanager.NewSecret(b.ctx, b.name+"-store-"+key, &secretmanager.SecretArgs{
		Project:     pulumi.String(b.s.Project),
		SecretId:    b.secretID(key),
		Replication: &secretmanager.SecretReplicationArgs{Auto: &secretmanager.SecretReplicationAutoArgs{}},
		Labels:      b.labels(),
	}, b.parent)
	b.secrets[key] = secret
	return err
}

func (b *builder) secretGrant(key, who, role string, sa *serviceaccount.Account) error {
	m, err := secretmanager.NewSecretIamMember(b.ctx, fmt.Sprintf("%s-store-%s-%s-%s", b.name, key, who, strings.TrimPrefix(role, "roles/secretmanager.")),
		&secretmanager.SecretIamMemberArgs{
			Project: pulumi.String(b.s.Project), SecretId: b.secrets[key].SecretId, Role: pulumi.String(role), Member: sa.Member,
		}, b.parent)
	if err != nil {
		return err
	}
	b.iamReady = append(b.iamReady, m)
	return nil
}

// lockGrants let the members create the lock secret (creating a secret is checked on
// the project, so no condition can name it: a custom role holds that one permission)
// and then add to and read that secret alone, by a condition on its name.
func (b *builder) lockGrants() error {
	// A custom role's id cannot be reused for 37 days after deletion (IAM docs,
	// "Deleting a custom role"): the id ends in the network's suffix, so a stack created
	// again asks for another id.
	role, err := projects.NewIAMCustomRole(b.ctx, b.name+"-secret-creator", &projects.IAMCustomRoleArgs{
		Project: pulumi.String(b.s.Project),
		RoleId: b.args.Network.NetworkName.ApplyT(func(seed string) string {
			return gcpname.RoleID(seed, b.cluster, "secret_creator")
		}).(pulumi.StringOutput),
		Title:       pulumi.Sprintf("Secret creator of %s", b.cluster),
		Description: pulumi.String("Create the init lock secret (clusterbench)"),
		Permissions: pulumi.ToStringArray(SecretCreatorPermissions),
	}, b.parent)
	if err != nil {
		return err
	}
	grants := []struct {
		name string
		role pulumi.StringInput
		cond *projects.IAMMemberConditionArgs
	}{
		{"secret-creator", role.Name, nil},
		{"lock-accessor", pulumi.String("roles/secretmanager.secretAccessor"), b.lockCondition()},
		{"lock-version-adder", pulumi.String("roles/secretmanager.secretVersionAdder"), b.lockCondition()},
	}
	for _, g := range grants {
		args := &projects.IAMMemberArgs{Project: pulumi.String(b.s.Project), Role: g.role, Member: b.controlPlaneSA.Member}
		if g.cond != nil {
			args.Condition = g.cond
		}
		m, err := projects.NewIAMMember(b.ctx, b.name+"-control-plane-"+g.name, args, b.parent)
		if err != nil {
			return err
		}
		b.iamReady = append(b.iamReady, m)
	}
	return nil
}

// SecretCreatorPermissions are the custom role's: creating a secret, nothing else.
var SecretCreatorPermissions = []string{"secretmanager.secrets.create"}

// lockCondition selects the lock secret and its versions by name (IAM Conditions,
// resource.name: projects/NUMBER/secrets/ID[/versions/N]), the id under this creation's
// store path.
func (b *builder) lockCondition() *projects.IAMMemberConditionArgs {
	id := b.secretID(selfmanaged.LockKey)
	return &projects.IAMMemberConditionArgs{
		Title:       pulumi.String("the init lock of " + b.cluster),
		Description: pulumi.Sprintf("secret %s only", id),
		Expression:  id.ApplyT(LockCondition).(pulumi.StringOutput),
	}
}

// LockCondition is the CEL condition of the lock grants.
func LockCondition(secretID string) string {
	return fmt.Sprintf(`resource.name.endsWith("/secrets/%s") || resource.name.extract("/secrets/{id}/versions/") == %q`, secretID, secretID)
}

// datadogKey: with monitoring: datadog, the secret <storePath>-datadog-api-key with
// clusterbench:datadogApiKey as its one version (a Pulumi secret all the way), readable
// by the control-plane account alone (secretAccessor on this secret; no version adder:
// the value is Pulumi's). The init member copies it into the Kubernetes Secret the
// Datadog chart reads; the members boot once the version and the grant exist.
func (b *builder) datadogKey() error {
	if b.s.Monitoring != spec.MonitoringDatadog {
		return nil
	}
	ready, err := secretstore.NewGcpSecret(b.ctx, b.name+"-store-"+secretstore.DatadogAPIKey, secretstore.GcpArgs{
		Project:  b.s.Project,
		SecretID: b.secretID(secretstore.DatadogAPIKey),
		Labels:   b.labels(),
		Value:    b.s.Datadog.APIKey(),
		Readers:  []secretstore.Reader{{Name: "control-plane", Member: b.controlPlaneSA.Member}},
	}, b.parent)
	if err != nil {
		return err
	}
	b.iamReady = append(b.iamReady, ready...)
	return nil
}
