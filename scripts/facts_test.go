package scripts_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/scripts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// dryRunEnv is a control-plane member's settings for the bootstrap's dry run, which asks
// kubeadm only for its version (a stand-in in dir/bin answers).
func dryRunEnv(t *testing.T, dir string, extra ...string) []string {
	t.Helper()
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.MkdirAll(bin, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "kubeadm"), []byte("#!/bin/sh\necho v1.35.4\n"), 0o755))
	return append([]string{"PATH=" + bin + ":" + os.Getenv("PATH"), "HOME=" + dir,
		"CB_ROLE=control-plane", "CB_CLUSTER_NAME=c", "CB_MEMBER_NAME=cp-0", "CB_CONTROL_PLANE_MEMBERS=cp-0",
		"CB_ZONE=zone-a", "CB_API_ENDPOINT=api.example:6443", "CB_KUBERNETES_VERSION=1.35", "CB_STORE=dir",
		"CB_STORE_PATH=" + filepath.Join(dir, "store"), "CB_CLOUD=aws", "CB_REGION=us-east-1",
		"CB_INSTALL=false", "CB_DRY_RUN=true", "CB_OUT=" + filepath.Join(dir, "out"), "CB_NODE_IP=10.0.0.10"}, extra...)
}

// yamlDocs decodes every document of a multi-document YAML file, by kind.
func yamlDocs(t *testing.T, path string) map[string]map[string]any {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	out := map[string]map[string]any{}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			break
		}
		out[doc["kind"].(string)] = doc
	}
	return out
}

// extraArgs turns kubeadm's v1beta4 [{name, value}] list into a map.
func extraArgs(t *testing.T, component map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, a := range component["extraArgs"].([]any) {
		arg := a.(map[string]any)
		out[arg["name"].(string)] = arg["value"].(string)
	}
	return out
}

// Every fact in scripts.KubernetesFacts is what the bootstrap renders for kubeadm.
func TestKubernetesFactsAreWhatTheBootstrapRenders(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("bash", "-c", scripts.KubernetesBootstrap)
	cmd.Env = dryRunEnv(t, dir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	conf := filepath.Join(dir, "out", "etc", "kubernetes", "clusterbench")
	facts := scripts.KubernetesFacts

	docs := yamlDocs(t, filepath.Join(conf, "kubeadm-init.yaml"))
	api := extraArgs(t, docs["ClusterConfiguration"]["apiServer"].(map[string]any))
	assert.Equal(t, facts.Authorization, api["authorization-mode"])
	assert.Equal(t, facts.AdmissionPlugins, api["enable-admission-plugins"])
	assert.Equal(t, facts.AuditLogPath, api["audit-log-path"])
	assert.Equal(t, facts.AuditLogMaxAgeDays, atoi(t, api["audit-log-maxage"]))
	anonymous := docs["KubeletConfiguration"]["authentication"].(map[string]any)["anonymous"].(map[string]any)
	assert.Equal(t, facts.KubeletAnonymousOff, !anonymous["enabled"].(bool))
	initLabels := extraArgs(t, map[string]any{"extraArgs": docs["InitConfiguration"]["nodeRegistration"].(map[string]any)["kubeletExtraArgs"]})
	assert.Equal(t, facts.ZoneLabel+"=zone-a", initLabels["node-labels"])
	join := yamlDocs(t, filepath.Join(conf, "kubeadm-join.yaml"))
	joinLabels := extraArgs(t, map[string]any{"extraArgs": join["JoinConfiguration"]["nodeRegistration"].(map[string]any)["kubeletExtraArgs"]})
	assert.Equal(t, facts.ZoneLabel+"=zone-a", joinLabels["node-labels"])

	// The encryption config the API server is pointed at encrypts these resources, and
	// its first provider (the one that writes) is the stated one.
	require.Equal(t, filepath.Join("/etc/kubernetes/clusterbench/apiserver", "encryption-config.yaml"), api["encryption-provider-config"])
	enc := yamlDocs(t, filepath.Join(conf, "apiserver", "encryption-config.yaml"))["EncryptionConfiguration"]
	rule := enc["resources"].([]any)[0].(map[string]any)
	var resources []string
	for _, r := range rule["resources"].([]any) {
		resources = append(resources, r.(string))
	}
	assert.Equal(t, facts.EncryptedResources, resources)
	first := rule["providers"].([]any)[0].(map[string]any)
	assert.Contains(t, first, facts.SecretsProvider)
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		require.True(t, c >= '0' && c <= '9', s)
		n = n*10 + int(c-'0')
	}
	return n
}

// CB_CNI takes calico or none; anything else is refused before anything happens.
func TestKubernetesBootstrapRefusesAnUnknownCNI(t *testing.T) {
	for _, cni := range []string{"calico", "none"} {
		dir := t.TempDir()
		cmd := exec.Command("bash", "-c", scripts.KubernetesBootstrap)
		cmd.Env = dryRunEnv(t, dir, "CB_CNI="+cni)
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, "%s: %s", cni, out)
	}
	dir := t.TempDir()
	cmd := exec.Command("bash", "-c", scripts.KubernetesBootstrap)
	cmd.Env = dryRunEnv(t, dir, "CB_CNI=flannel")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Contains(t, string(out), "CB_CNI=flannel: want calico or none")
}

// The Swarm facts are the script's own definitions: the overlay it creates (encrypted)
// and the label it puts the zone in.
func TestSwarmFactsAreTheScripts(t *testing.T) {
	script := scripts.SwarmBootstrap
	assert.Contains(t, script, "\nOVERLAY="+scripts.SwarmFacts.Overlay+"\n")
	assert.Contains(t, script, `network create --driver overlay --opt encrypted --attachable "$OVERLAY"`)
	assert.Contains(t, script, `--label-add "`+scripts.SwarmFacts.ZoneLabel+`=$CB_ZONE"`)
	// The engine label carries the zone for nodes that cannot label themselves.
	assert.Contains(t, script, `"labels": ["`+scripts.SwarmFacts.ZoneLabel+`=%s"]`)
	// CB_AUTOLOCK decides swarm init's --autolock.
	assert.Contains(t, script, `swarm init "--autolock=$CB_AUTOLOCK"`)
	assert.True(t, strings.Contains(script, `CB_AUTOLOCK must be true or false`))
}

// Identify recognises each bootstrap as Render made it, with its settings; an edited
// script is not taken for either.
func TestIdentifyReadsBackRenderedBootstraps(t *testing.T) {
	settings := map[string]string{"CB_ROLE": "manager", "CB_AUTOLOCK": "true", "CB_X": "it's\nmultiline"}
	for name, body := range map[string]string{scripts.Swarm: scripts.SwarmBootstrap, scripts.Kubernetes: scripts.KubernetesBootstrap} {
		rendered, err := scripts.Render(body, settings)
		require.NoError(t, err)
		got, gotSettings := scripts.Identify(rendered)
		assert.Equal(t, name, got)
		assert.Equal(t, settings, gotSettings)
		edited, _ := scripts.Identify(rendered + "\necho extra\n")
		assert.Empty(t, edited, "an edited %s bootstrap", name)
	}
	got, s := scripts.Identify("#!/bin/sh\necho hello\n")
	assert.Empty(t, got)
	assert.Empty(t, s)
}
