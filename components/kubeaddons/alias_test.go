package kubeaddons_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/harness"
	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// aliasRecorder is the harness's recorder that also keeps each Kubernetes object's
// aliases as the engine receives them.
type aliasRecorder struct {
	*harness.Recorder
	mu      sync.Mutex
	aliases map[string][]string // type/name → aliases (URNs or name and parent)
}

func (r *aliasRecorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if rpc := args.RegisterRPC; rpc != nil && strings.HasPrefix(args.TypeToken, "kubernetes:") {
		var got []string
		got = append(got, rpc.GetAliasURNs()...)
		for _, a := range rpc.GetAliases() {
			if spec := a.GetSpec(); spec != nil {
				got = append(got, spec.GetName()+" parent "+spec.GetParentUrn())
			} else {
				got = append(got, a.GetUrn())
			}
		}
		r.mu.Lock()
		r.aliases[args.TypeToken+"/"+args.Name] = got
		r.mu.Unlock()
	}
	return r.Recorder.NewResource(args)
}

// The events exporter's objects keep the URNs they had as typed resources (named
// addons-events-exporter, children of the component) through aliases: a stack deployed
// before they became one YAML file is not replaced.
func TestEventsExporterObjectsKeepTheirFormerURNs(t *testing.T) {
	in, err := stackfile.Read(filepath.Join("..", "..", "stacks", "Pulumi.eks.yaml"))
	require.NoError(t, err)
	in.Config["clusterbench:monitoring"] = spec.MonitoringPrometheus
	rec := &aliasRecorder{Recorder: harness.NewRecorder(harness.Project, in.Stack, map[string]string{"aws": in.Config["aws:region"]}, ""),
		aliases: map[string][]string{}}
	ctx, err := pulumi.NewContext(context.Background(), pulumi.RunInfo{
		Project: harness.Project, Stack: in.Stack, Config: in.Config, ConfigSecretKeys: in.SecretKeys,
		Parallel: 16, DryRun: true, Mocks: rec,
	})
	require.NoError(t, err)
	require.NoError(t, pulumi.RunWithContext(spec.WithInput(ctx, in), program.Run))
	found := 0
	for key, aliases := range rec.aliases {
		for _, typ := range []string{"core/v1:ServiceAccount", "rbac.authorization.k8s.io/v1:ClusterRole", "rbac.authorization.k8s.io/v1:ClusterRoleBinding", "core/v1:ConfigMap", "apps/v1:Deployment"} {
			if strings.HasPrefix(key, "kubernetes:"+typ+"/") {
				found++
				require.Len(t, aliases, 1, key)
				assert.Contains(t, aliases[0], "addons-events-exporter", key)
				assert.Contains(t, aliases[0], "clusterbench:kubeaddons:Addons", key)
			}
		}
	}
	assert.Equal(t, 5, found)
}
