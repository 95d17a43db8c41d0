package main

import (
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/cost"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readDoc(t *testing.T, doc string) *inventory.Document {
	t.Helper()
	d, err := inventory.ReadPulumiDocument(strings.NewReader(doc))
	require.NoError(t, err)
	return d
}

const stackURN = "urn:pulumi:kops-gcp-monitored::clusterbench::pulumi:pulumi:Stack::clusterbench-kops-gcp-monitored"

// A document's monitoring is priced as compare prices the stack file: a preview by its
// configuration (read as the program reads it), an export by the program's "monitoring"
// output, since an export holds no configuration. Before, both fell back to a managed
// cluster's plan (a billed persistent volume on a self-managed or Swarm stack) and an
// export priced no monitoring at all.
func TestDocumentMonitoring(t *testing.T) {
	preview := readDoc(t, `{"config": {"gcp:project": "p", "gcp:region": "us-central1", "clusterbench:cloud": "gcp",
	  "clusterbench:orchestrator": "swarm", "clusterbench:zones": "3", "clusterbench:adminCidrs": "[\"203.0.113.0/24\"]",
	  "clusterbench:controlPlane": "{\"count\":3,\"machineType\":\"e2-medium\"}",
	  "clusterbench:workers": "{\"count\":3,\"machineType\":\"e2-standard-2\",\"diskGb\":50}",
	  "clusterbench:monitoring": "prometheus", "clusterbench:prometheus.volumeGb": "30", "clusterbench:demo": "true",
	  "clusterbench:swarm.managersRunWorkloads": "true"},
	  "steps": [{"op": "create", "newState": {"urn": "`+stackURN+`", "type": "pulumi:pulumi:Stack"}}]}`)
	monitoring, plan, demo := documentMonitoring(preview)
	assert.Equal(t, spec.MonitoringPrometheus, monitoring)
	assert.Equal(t, cost.PrometheusPlan{Orchestrator: spec.Swarm, VolumeGB: 30, HostType: "e2-medium"}, plan)
	assert.True(t, demo)

	export := readDoc(t, `{"deployment": {"resources": [{"urn": "`+stackURN+`", "type": "pulumi:pulumi:Stack",
	  "outputs": {"monitoring": {"choice": "prometheus", "orchestrator": "selfmanaged", "prometheusVolumeGb": 20, "prometheusHostType": "e2-standard-2"}}}]}}`)
	monitoring, plan, demo = documentMonitoring(export)
	assert.Equal(t, spec.MonitoringPrometheus, monitoring)
	assert.Equal(t, cost.PrometheusPlan{Orchestrator: spec.SelfManaged, VolumeGB: 20, HostType: "e2-standard-2"}, plan)
	assert.False(t, demo, "an export does not say")

	none := readDoc(t, `{"deployment": {"resources": [{"urn": "`+stackURN+`", "type": "pulumi:pulumi:Stack"}]}}`)
	monitoring, plan, _ = documentMonitoring(none)
	assert.Equal(t, spec.MonitoringNone, monitoring)
	assert.Equal(t, cost.DefaultPrometheusPlan(), plan)
}
