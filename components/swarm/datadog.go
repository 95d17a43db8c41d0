package swarm

import (
	"fmt"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The Datadog API key (clusterbench:datadogApiKey, a Pulumi secret) travels as a secret
// only: Pulumi writes it into the swarm's store (an SSM SecureString / a Secret Manager
// secret) that only the managers may read, and the init manager pipes it from there into
// the Swarm secret datadog_api_key. It is never in user data, an output or a log.

// managerReadOnlyKeys are the store keys managers read but never write.
func managerReadOnlyKeys(s *spec.Spec) []string {
	if s.Monitoring == spec.MonitoringDatadog {
		return []string{KeyDatadogAPIKey}
	}
	return nil
}

// datadogKey: the SecureString <storePath>/datadog-api-key (encrypted with aws/ssm, like
// the tokens).
func (b *awsBuilder) datadogKey() error {
	if b.s.Monitoring != spec.MonitoringDatadog {
		return nil
	}
	p, err := ssm.NewParameter(b.ctx, b.name+"-"+KeyDatadogAPIKey, &ssm.ParameterArgs{
		Name:        pulumi.Sprintf("%s/%s", b.storePath, KeyDatadogAPIKey),
		Type:        pulumi.String("SecureString"),
		Value:       pulumi.ToSecret(pulumi.String(b.s.Datadog.APIKey())).(pulumi.StringOutput),
		Description: pulumi.String("Datadog API key of the swarm's agent (clusterbench:datadogApiKey); managers read it"),
	}, b.parent)
	if err != nil {
		return err
	}
	b.iamReady = append(b.iamReady, p) // managers boot once it exists
	return nil
}

// datadogKey: the secret <storePath>-datadog-api-key, its one version, and read access
// for the managers' account alone.
func (b *gcpBuilder) datadogKey() error {
	if b.s.Monitoring != spec.MonitoringDatadog {
		return nil
	}
	secret, err := secretmanager.NewSecret(b.ctx, fmt.Sprintf("%s-%s", b.name, KeyDatadogAPIKey), &secretmanager.SecretArgs{
		SecretId:    pulumi.Sprintf("%s-%s", b.storePath, KeyDatadogAPIKey),
		Project:     pulumi.String(b.s.Project),
		Replication: &secretmanager.SecretReplicationArgs{Auto: &secretmanager.SecretReplicationAutoArgs{}},
		Labels:      pulumi.StringMap{"clusterbench-swarm": pulumi.String(b.name)},
	}, b.parent)
	if err != nil {
		return err
	}
	version, err := secretmanager.NewSecretVersion(b.ctx, fmt.Sprintf("%s-%s", b.name, KeyDatadogAPIKey), &secretmanager.SecretVersionArgs{
		Secret:     secret.ID(),
		SecretData: pulumi.ToSecret(pulumi.String(b.s.Datadog.APIKey())).(pulumi.StringOutput),
	}, b.parent)
	if err != nil {
		return err
	}
	grant, err := secretmanager.NewSecretIamMember(b.ctx, fmt.Sprintf("%s-%s-%s-accessor", b.name, KeyDatadogAPIKey, RoleManager), &secretmanager.SecretIamMemberArgs{
		SecretId: secret.SecretId, Project: pulumi.String(b.s.Project),
		Role: pulumi.String(secretAccessor), Member: b.managerAccount.Member,
	}, b.parent)
	if err != nil {
		return err
	}
	b.iamReady = append(b.iamReady, version, grant)
	return nil
}
