package gcemodel

import (
	"fmt"
	"slices"

	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// storePath is the prefix of the stack's secrets: <stack>-k8s-<key>.
func storePath(stack string) string { return stack + "-k8s" }

// SecretID is the Secret Manager id of one store key.
func SecretID(stack, key string) string { return storePath(stack) + "-" + key }

// store: one Secret Manager secret per key (the containers only: the bootstrap adds
// the versions, so no value passes through the program or its state), each readable
// only by the roles that need it. Members may add versions but never delete or
// overwrite one: Secret Manager numbers versions itself, so the lock's version 1 names
// exactly one winner (a conditional write the bootstrap can elect the init member with).
func (b *builder) store() error {
	b.secrets = map[string]*secretmanager.Secret{}
	for _, key := range selfmanaged.StoreKeys {
		secret, err := b.secret(key)
		if err != nil {
			return err
		}
		b.secrets[key] = secret
		// Members publish and read everything.
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
	secret, err := b.secret(selfmanaged.AdminKubeconfigKey)
	if err != nil {
		return err
	}
	b.secrets[selfmanaged.AdminKubeconfigKey] = secret
	return b.secretGrant(selfmanaged.AdminKubeconfigKey, "control-plane", "roles/secretmanager.secretVersionAdder", b.controlPlaneSA)
}

// secret is one secret container.
func (b *builder) secret(key string) (*secretmanager.Secret, error) {
	return secretmanager.NewSecret(b.ctx, b.name+"-store-"+key, &secretmanager.SecretArgs{
		Project:     pulumi.String(b.s.Project),
		SecretId:    pulumi.String(SecretID(b.ctx.Stack(), key)),
		Replication: &secretmanager.SecretReplicationArgs{Auto: &secretmanager.SecretReplicationAutoArgs{}},
		Labels:      b.labels(),
	}, b.parent)
}

func (b *builder) secretGrant(key, who, role string, sa *serviceaccount.Account) error {
	m, err := secretmanager.NewSecretIamMember(b.ctx, fmt.Sprintf("%s-store-%s-%s-%s", b.name, key, who, role[len("roles/secretmanager."):]),
		&secretmanager.SecretIamMemberArgs{
			Project: pulumi.String(b.s.Project), SecretId: b.secrets[key].SecretId, Role: pulumi.String(role), Member: sa.Member,
		}, b.parent)
	if err != nil {
		return err
	}
	b.iamReady = append(b.iamReady, m)
	return nil
}
