// Package secretstore writes a secret the Pulumi program holds (clusterbench:datadogApiKey)
// into a cluster's store in the cloud, where only the nodes that need it may read it:
// an SSM SecureString parameter on AWS (whose readers the node roles' policies name), a
// Secret Manager secret with one version and per-secret accessor grants on GCP. The value
// is a Pulumi secret from the stack file to the store, never in user data, an output or
// a log. Swarm (the managers) and self-managed Kubernetes (the control-plane members)
// share it.
package secretstore

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DatadogAPIKey is the store key of the Datadog API key, in every cluster's store.
const DatadogAPIKey = "datadog-api-key"

// secretAccessor reads a secret's versions; it is the only role Reader grants.
const secretAccessor = "roles/secretmanager.secretAccessor"

// secret wraps a value as a Pulumi secret.
func secret(value string) pulumi.StringOutput {
	return pulumi.ToSecret(pulumi.String(value)).(pulumi.StringOutput)
}

// AwsArgs are one SecureString parameter.
type AwsArgs struct {
	// Parameter is the parameter's full name (<store path>/<key>).
	Parameter   pulumi.StringInput
	Value       string
	Description string
}

// NewAwsParameter makes the SecureString (encrypted with the AWS managed key aws/ssm,
// like the nodes' own parameters). Who may read it is the node roles' policies' business.
// Nodes that read it at boot must depend on the returned parameter.
func NewAwsParameter(ctx *pulumi.Context, name string, args AwsArgs, opts ...pulumi.ResourceOption) (*ssm.Parameter, error) {
	return ssm.NewParameter(ctx, name, &ssm.ParameterArgs{
		Name:        args.Parameter,
		Type:        pulumi.String("SecureString"),
		Value:       secret(args.Value),
		Description: pulumi.String(args.Description),
	}, opts...)
}

// Reader is a service account granted read access to one secret; Name is the role's
// short name in the grant's resource name.
type Reader struct {
	Name   string
	Member pulumi.StringInput
}

// GcpArgs are one Secret Manager secret.
type GcpArgs struct {
	Project  string
	SecretID pulumi.StringInput
	Labels   pulumi.StringMap
	Value    string
	// Readers are granted secretAccessor on this secret alone; nobody else is granted
	// anything (no version adder: the value is Pulumi's).
	Readers []Reader
}

// NewGcpSecret makes the secret (automatic replication), its one version and the
// readers' grants, named <name> and <name>-<reader>-accessor. It returns what a reading
// node must wait for at boot: the version and the grants.
func NewGcpSecret(ctx *pulumi.Context, name string, args GcpArgs, opts ...pulumi.ResourceOption) ([]pulumi.Resource, error) {
	s, err := secretmanager.NewSecret(ctx, name, &secretmanager.SecretArgs{
		SecretId:    args.SecretID,
		Project:     pulumi.String(args.Project),
		Replication: &secretmanager.SecretReplicationArgs{Auto: &secretmanager.SecretReplicationAutoArgs{}},
		Labels:      args.Labels,
	}, opts...)
	if err != nil {
		return nil, err
	}
	version, err := secretmanager.NewSecretVersion(ctx, name, &secretmanager.SecretVersionArgs{
		Secret:     s.ID(),
		SecretData: secret(args.Value),
	}, opts...)
	if err != nil {
		return nil, err
	}
	ready := []pulumi.Resource{version}
	for _, r := range args.Readers {
		grant, err := secretmanager.NewSecretIamMember(ctx, name+"-"+r.Name+"-accessor", &secretmanager.SecretIamMemberArgs{
			SecretId: s.SecretId, Project: pulumi.String(args.Project),
			Role: pulumi.String(secretAccessor), Member: r.Member,
		}, opts...)
		if err != nil {
			return nil, err
		}
		ready = append(ready, grant)
	}
	return ready, nil
}
