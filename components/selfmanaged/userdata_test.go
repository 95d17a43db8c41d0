package selfmanaged_test

import (
	"fmt"
	"github.com/clusterbench/clusterbench/internal/harness"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/selfmanaged"
	"github.com/clusterbench/clusterbench/scripts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every node's user data is the one bootstrap script with its role's settings: the
// load balancer's endpoint, the spec's version, the member's name, zone and etcd
// volumes, the store; nothing else (no secret can hide in an extra setting).
func TestUserDataPerRole(t *testing.T) {
	cases := []struct {
		stack, version  string
		common          map[string]string
		volume          func(member, v string) string
		templateName    func(member string) string
		workersTemplate string
	}{
		{
			stack: "kops-aws", version: "1.34",
			common: map[string]string{
				"CB_CLOUD": "aws", "CB_CLUSTER_NAME": "kops-aws-cluster", "CB_API_ENDPOINT": "cluster-api" + awsLBSuffix + ":6443",
				"CB_STORE": "ssm", "CB_STORE_PATH": awsStorePath, "CB_REGION": "us-east-1",
				"CB_POD_CIDR": selfmanaged.DefaultPodCidr, "CB_SERVICE_CIDR": selfmanaged.DefaultServiceCidr,
				"CB_SNAPSHOT_BUCKET": "cluster-etcd-snapshots-id", "CB_INSTALL": "true", "CB_CNI": "calico",
			},
			volume:          func(member, v string) string { return fmt.Sprintf("cluster-%s-etcd-%s-id", member, v) },
			templateName:    func(member string) string { return "cluster-" + member + "-lt" },
			workersTemplate: "cluster-workers-lt",
		},
		{
			stack: "kops-gcp", version: "1.34",
			common: map[string]string{
				"CB_CLOUD": "gcp", "CB_CLUSTER_NAME": "kops-gcp-cluster", "CB_API_ENDPOINT": gcpAPIAddress + ":6443",
				"CB_STORE": "gcp-secret", "CB_STORE_PATH": gcpStorePath, "CB_REGION": "us-central1", "CB_PROJECT": "clusterbench-demo",
				"CB_POD_CIDR": "10.0.128.0/17", "CB_SERVICE_CIDR": "10.0.64.0/20",
				"CB_SNAPSHOT_BUCKET": harness.AutoName("cluster-etcd-snapshots"), "CB_INSTALL": "true", "CB_CNI": "calico",
			},
			volume:          func(member, v string) string { return "etcd-" + v },
			templateName:    func(member string) string { return "cluster-" + member + "-tpl" },
			workersTemplate: "cluster-workers-tpl",
		},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			res := run(t, stack(t, tc.stack, "clusterbench:kubernetesVersion", tc.version))
			zones := res.exports["zones"].([]string)
			for i, zone := range zones {
				member := fmt.Sprintf("control-plane-%d", i)
				script, ok := res.scripts[tc.templateName(member)]
				require.True(t, ok, "%s has user data", member)
				var volumes []string
				for _, v := range selfmanaged.EtcdVolumes {
					volumes = append(volumes, v+"="+tc.volume(member, v))
				}
				want := with(tc.common, "CB_ROLE", "control-plane", "CB_KUBERNETES_VERSION", tc.version,
					"CB_MEMBER_NAME", member, "CB_ZONE", zone, "CB_ETCD_VOLUMES", strings.Join(volumes, ","),
					"CB_CONTROL_PLANE_MEMBERS", "control-plane-0,control-plane-1,control-plane-2",
					"CB_MONITORING", "none", "CB_DEMO", "false")
				assert.Equal(t, want, selfmanaged.ParseSettings(script), member)
				assertIsTheBootstrap(t, script)
			}
			script, ok := res.scripts[tc.workersTemplate]
			require.True(t, ok, "workers have user data")
			assert.Equal(t, with(tc.common, "CB_ROLE", "worker", "CB_KUBERNETES_VERSION", tc.version), selfmanaged.ParseSettings(script))
			assertIsTheBootstrap(t, script)
		})
	}
}

// assertIsTheBootstrap: after the settings comes the embedded script, without its
// comment lines.
func assertIsTheBootstrap(t *testing.T, script string) {
	t.Helper()
	_, body, _ := strings.Cut(scripts.KubernetesBootstrap, "\n")
	body = scripts.StripComments(body)
	assert.True(t, strings.HasSuffix(script, body), "the rendered script ends with scripts/kubernetes/bootstrap.sh")
	assert.True(t, strings.HasPrefix(script, "#!"))
}

func with(m map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// ParseSettings reads back exactly what Render wrote, quotes included.
func TestParseSettingsRoundTrips(t *testing.T) {
	in := map[string]string{"CB_A": "it's", "CB_B": "x=y,z", "CB_C": ""}
	out, err := scripts.Render("#!/bin/bash\necho\n", in)
	require.NoError(t, err)
	assert.Equal(t, in, selfmanaged.ParseSettings(out))
}
