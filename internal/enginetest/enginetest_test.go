package enginetest_test

import (
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/enginetest"
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	vpcURN     = "urn:pulumi:eks::clusterbench::clusterbench:network:AwsNetwork$aws:ec2/vpc:Vpc::eks"
	networkURN = "urn:pulumi:eks::clusterbench::clusterbench:network:AwsNetwork::eks"
)

func resources() []inventory.Resource {
	return []inventory.Resource{
		{URN: networkURN, Type: "clusterbench:network:AwsNetwork", Name: "eks", Component: true},
		{URN: vpcURN, Type: "aws:ec2/vpc:Vpc", Name: "eks", Parent: "clusterbench:network:AwsNetwork", ParentURN: networkURN},
	}
}

func TestSameResources(t *testing.T) {
	harness := &inventory.Inventory{Resources: resources()}
	stack := inventory.Resource{URN: "urn:pulumi:eks::clusterbench::pulumi:pulumi:Stack::clusterbench-eks", Type: inventory.StackType, Component: true}
	for name, tc := range map[string]struct {
		doc  []inventory.Resource
		want []string
	}{
		"the same resources, and the engine's stack resource": {doc: append(resources(), stack)},
		"a resource the engine did not create":                {doc: resources()[:1], want: []string{"missing from the document: " + vpcURN}},
		"a resource the harness never saw": {
			doc:  append(resources(), inventory.Resource{URN: vpcURN + "2", Type: "aws:ec2/vpc:Vpc"}),
			want: []string{"not registered under the harness: " + vpcURN + "2"},
		},
		"a different parent": {
			doc: []inventory.Resource{resources()[0], {URN: vpcURN, Type: "aws:ec2/vpc:Vpc", Parent: "clusterbench:managed:EksCluster"}},
			want: []string{vpcURN + `: parent "clusterbench:managed:EksCluster" component false in the document, ` +
				`parent "clusterbench:network:AwsNetwork" component false under the harness`},
		},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, enginetest.SameResources(harness, &inventory.Inventory{Resources: tc.doc}))
		})
	}
}

func TestPreviewCreatesReadsTheSummary(t *testing.T) {
	n, err := enginetest.PreviewCreates([]byte(`{"steps": [], "changeSummary": {"create": 49}}`))
	require.NoError(t, err)
	assert.Equal(t, 49, n)
	_, err = enginetest.PreviewCreates([]byte(`{"steps": []}`))
	assert.ErrorContains(t, err, "no changeSummary")
}

// A kubeconfig is a multi-line string: inside a JSON document it is escaped.
const kubeconfig = "apiVersion: v1\nclusters:\n- cluster:\n    server: \"https://EKS.example\"\n"

func TestSecretValuesAndLeaks(t *testing.T) {
	plain := []byte(`{"deployment": {"resources": [{"outputs": {
	  "kubeconfig": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "plaintext": "\"apiVersion: v1\\nclusters:\\n- cluster:\\n    server: \\\"https://EKS.example\\\"\\n\""},
	  "tokens": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "plaintext": "{\"worker\": \"SWMTKN-1-abc\"}"},
	  "flag": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "plaintext": "true"},
	  "endpoint": "https://EKS.example"}}]}}`)
	secrets, err := enginetest.SecretValues(plain)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"$.deployment.resources[0].outputs.kubeconfig": kubeconfig,
		"$.deployment.resources[0].outputs.tokens":     `{"worker":"SWMTKN-1-abc"}`,
		"$.deployment.resources[0].outputs.flag":       "true",
	}, secrets)

	encrypted := `{"outputs": {"kubeconfig": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}, "endpoint": "https://EKS.example", "ok": true}}`
	assert.Empty(t, enginetest.Leaks(secrets, []byte(encrypted)), "ciphertext, and short values found by chance, are no leak")
	escaped := `{"outputs": {"kubeconfig": "apiVersion: v1\nclusters:\n- cluster:\n    server: \"https://EKS.example\"\n"}}`
	assert.Equal(t, []string{"$.deployment.resources[0].outputs.kubeconfig"}, enginetest.Leaks(secrets, []byte(escaped)))
	assert.Equal(t, []string{"$.deployment.resources[0].outputs.kubeconfig"}, enginetest.Leaks(secrets, []byte(kubeconfig)), "verbatim")

	_, err = enginetest.SecretValues([]byte(`{"x": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}}`))
	assert.ErrorContains(t, err, "$.x: a secret without its plaintext")
}

func TestUnencryptedOutputs(t *testing.T) {
	export := []byte(`{"deployment": {"resources": [
	  {"type": "pulumi:pulumi:Stack", "outputs": {
	    "kubeconfig": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"},
	    "workerJoinToken": "SWMTKN-1-plain",
	    "endpoint": "https://EKS.example",
	    "kubeconfigCommand": "ssh admin@203.0.113.10 sudo cat /etc/kubernetes/admin.conf",
	    "joinTokenSecretName": "swarm-join-tokens"}},
	  {"type": "aws:ssm/parameter:Parameter", "outputs": {"secretValue": "not a stack output"}}]}}`)
	plain, encrypted, err := enginetest.UnencryptedOutputs(export)
	require.NoError(t, err)
	assert.Equal(t, []string{"workerJoinToken"}, plain)
	assert.Equal(t, []string{"kubeconfig"}, encrypted)
}

func TestSameInputs(t *testing.T) {
	harness := &inventory.Inventory{Resources: resources()}
	harness.Resources[1].Inputs = map[string]any{"cidrBlock": "10.0.0.0/16", "tags": map[string]any{"Name": "eks"},
		"ipv6": nil, "launchTemplate": map[string]any{"id": "lt-id"}}
	for name, tc := range map[string]struct {
		doc  map[string]any
		want []string
	}{
		"the same inputs": {doc: map[string]any{"cidrBlock": "10.0.0.0/16", "tags": map[string]any{"Name": "eks"}, "launchTemplate": map[string]any{"id": "lt-id"}}},
		"values unknown under the harness (nil or absent) match anything": {
			doc: map[string]any{"cidrBlock": "10.0.0.0/16", "tags": map[string]any{"Name": "eks"}, "ipv6": true,
				"launchTemplate": map[string]any{"id": "lt-id", "version": "1"}},
		},
		"a long value, cut": {
			doc:  map[string]any{"cidrBlock": strings.Repeat("x", 150), "tags": map[string]any{"Name": "eks"}, "launchTemplate": map[string]any{"id": "lt-id"}},
			want: []string{vpcURN + ": cidrBlock: 10.0.0.0/16 under the harness, " + strings.Repeat("x", 100) + "... (150 bytes) in the document"},
		},
		"a changed value": {
			doc:  map[string]any{"cidrBlock": "10.1.0.0/16", "tags": map[string]any{"Name": "eks"}, "launchTemplate": map[string]any{"id": "lt-id"}},
			want: []string{vpcURN + ": cidrBlock: 10.0.0.0/16 under the harness, 10.1.0.0/16 in the document"},
		},
		"a value the document lacks": {
			doc:  map[string]any{"cidrBlock": "10.0.0.0/16", "launchTemplate": map[string]any{}},
			want: []string{vpcURN + ": launchTemplate: map[id:lt-id] under the harness, map[] in the document; tags: map[Name:eks] under the harness, <nil> in the document"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			doc := &inventory.Inventory{Resources: resources()}
			doc.Resources[1].Inputs = tc.doc
			assert.Equal(t, tc.want, enginetest.SameInputs(harness, doc))
		})
	}
}

func TestPlaintextCredentials(t *testing.T) {
	for doc, want := range map[string][]string{
		`{"userData": "docker swarm join --token SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx 10.0.0.5:2377"}`: {"a Docker Swarm join token"},
		`{"script": "kubeadm join 10.0.0.5:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:x"}`:                              {"a kubeadm bootstrap token"},
		"{\"config\": \"bootstrapTokens:\\n- token: \\\"abcdef.0123456789abcdef\\\"\"}":                                                                 {"a kubeadm bootstrap token"},
		`{"script": "render_init_config \"$version\" \"$ip\" cbdry0.0123456789abcdef \"$placeholder_key\""}`:                                            nil,
		`{"key": "-----BEGIN RSA PRIVATE KEY-----\nMIIE"}`:                                                                                              {"a PEM private key"},
		`{"kubeconfig": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:Sg5m9r5k3W7qhz2W:nAmW"},
		  "endpoint": "https://CLUSTER.gr7.us-east-1.eks.amazonaws.com", "ca": "-----BEGIN CERTIFICATE-----"}`: nil,
	} {
		assert.Equal(t, want, enginetest.PlaintextCredentials([]byte(doc)), doc)
	}
}

func TestSameProviders(t *testing.T) {
	const addons = "urn:pulumi:eks::clusterbench::clusterbench:kubeaddons:Addons::addons"
	const k8s = "urn:pulumi:eks::clusterbench::clusterbench:kubeaddons:Addons$pulumi:providers:kubernetes::addons-k8s"
	harness := &inventory.Inventory{Resources: append(resources(),
		inventory.Resource{URN: addons, Type: "clusterbench:kubeaddons:Addons", Component: true},
		inventory.Resource{URN: k8s, Type: "pulumi:providers:kubernetes", ParentURN: addons})}
	stack := `{"urn": "urn:pulumi:eks::clusterbench::pulumi:pulumi:Stack::clusterbench-eks", "type": "pulumi:pulumi:Stack"}`
	defaultAWS := `{"urn": "urn:pulumi:eks::clusterbench::pulumi:providers:aws::default_6_83_4", "type": "pulumi:providers:aws"}`
	for name, tc := range map[string]struct {
		doc  string
		want []string
	}{
		"an export with the program's provider, the engine's default one ignored": {
			doc: `{"deployment": {"resources": [` + stack + `, ` + defaultAWS + `,
			  {"urn": "` + k8s + `", "type": "pulumi:providers:kubernetes", "parent": "` + addons + `"}]}}`,
		},
		"a preview without it": {
			doc:  `{"steps": [{"newState": ` + stack + `}, {"newState": ` + defaultAWS + `}]}`,
			want: []string{"provider missing from the document: " + k8s},
		},
		"a provider under another parent, and one the harness never saw": {
			doc: `{"steps": [{"newState": {"urn": "` + k8s + `", "type": "pulumi:providers:kubernetes",
			  "parent": "urn:pulumi:eks::clusterbench::pulumi:pulumi:Stack::clusterbench-eks"}},
			  {"newState": {"urn": "urn:pulumi:eks::clusterbench::pulumi:providers:kubernetes::extra", "type": "pulumi:providers:kubernetes"}}]}`,
			want: []string{"provider " + k8s + `: parent "" in the document, "` + addons + `" under the harness`,
				"provider not registered under the harness: urn:pulumi:eks::clusterbench::pulumi:providers:kubernetes::extra"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := enginetest.SameProviders(harness, []byte(tc.doc))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	// SameResources leaves providers to SameProviders: a document's inventory never holds them.
	assert.Empty(t, enginetest.SameResources(harness, &inventory.Inventory{Resources: harness.Resources[:3]}))
	assert.Empty(t, enginetest.SameResources(harness, &inventory.Inventory{Resources: harness.Resources}))
	_, err := enginetest.SameProviders(harness, []byte(`{`))
	assert.ErrorContains(t, err, "not a JSON document")
}
