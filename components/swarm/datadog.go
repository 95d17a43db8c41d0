package swarm

import (
	"fmt"

	"github.com/clusterbench/clusterbench/components/secretstore"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The Datadog API key (clusterbench:datadogApiKey, a Pulumi secret) travels as a secret
// only: Pulumi writes it into the swarm's store (an SSM SecureString / a Secret Manager
// secret, components/secretstore) that only the managers may read, and the init manager
// pipes it from there into the Swarm secret datadog_api_key. It is never in user data,
// an output or a log.

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
	p, err := secretstore.NewAwsParameter(b.ctx, b.name+"-"+KeyDatadogAPIKey, secretstore.AwsArgs{
		Parameter:   pulumi.Sprintf("%s/%s", b.storePath, KeyDatadogAPIKey),
		Value:       b.s.Datadog.APIKey(),
		Description: "Datadog API key of the swarm's agent (clusterbench:datadogApiKey); managers read it",
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
	ready, err := secretstore.NewGcpSecret(b.ctx, fmt.Sprintf("%s-%s", b.name, KeyDatadogAPIKey), secretstore.GcpArgs{
		Project:  b.s.Project,
		SecretID: pulumi.Sprintf("%s-%s", b.storePath, KeyDatadogAPIKey),
		Labels:   pulumi.StringMap{"clusterbench-swarm": pulumi.String(b.name)},
		Value:    b.s.Datadog.APIKey(),
		Readers:  []secretstore.Reader{{Name: RoleManager, Member: b.managerAccount.Member}},
	}, b.parent)
	if err != nil {
		return err
	}
	b.iamReady = append(b.iamReady, ready...)
	return nil
}
