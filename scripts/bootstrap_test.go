package scripts_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/clusterbench/clusterbench/scripts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderExportsSettingsAfterTheShebang(t *testing.T) {
	out, err := scripts.Render("#!/bin/bash\necho \"$CB_ROLE\"\n", map[string]string{"CB_ZONE": "us-east-1a", "CB_ROLE": "manager"})
	require.NoError(t, err)
	assert.Equal(t, "#!/bin/bash\n# clusterbench settings (rendered by the Pulumi program)\nexport CB_ROLE='manager'\nexport CB_ZONE='us-east-1a'\necho \"$CB_ROLE\"\n", out)
}

// A value is data, never shell: quotes, $() and newlines reach the script verbatim.
func TestRenderedValuesCannotInjectShell(t *testing.T) {
	evil := "a'b$(touch /tmp/pwned)\n`id`"
	out, err := scripts.Render("#!/bin/bash\nprintf %s \"$CB_X\"\n", map[string]string{"CB_X": evil})
	require.NoError(t, err)
	got, err := exec.Command("bash", "-c", out).Output()
	require.NoError(t, err)
	assert.Equal(t, evil, string(got))
}

func TestRenderRefusesBadNamesAndScripts(t *testing.T) {
	_, err := scripts.Render("#!/bin/bash\n", map[string]string{"PATH": "x"})
	assert.ErrorContains(t, err, `bootstrap setting "PATH"`)
	_, err = scripts.Render("echo hi\n", nil)
	assert.ErrorContains(t, err, "#! line")
}

// The Swarm bootstrap's token stores (ssm and gcp-secret against fakes that answer with
// the real error codes, and the dir store): one lock winner among racers, absent versus
// error, no secret on a command line. The script prints a plain "N passed, N failed".
func TestSwarmStores(t *testing.T) {
	out, err := exec.Command("bash", "swarm/test-stores.sh").CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Regexp(t, `(?m)^test-stores: [1-9][0-9]* passed, 0 failed$`, string(out))
}

func TestStripCommentsKeepsHereDocumentsAndCode(t *testing.T) {
	in := "#!/bin/bash\n# a comment\necho hi # trailing stays\n  # indented comment\ncat <<'EOF'\n# data, kept\nEOF\nread -r x <<<\"# not a heredoc\"\n# gone\n"
	assert.Equal(t, "#!/bin/bash\necho hi # trailing stays\ncat <<'EOF'\n# data, kept\nEOF\nread -r x <<<\"# not a heredoc\"\n", scripts.StripComments(in))
}

// The stripped bootstraps are still valid shell, and the Kubernetes bootstrap renders
// byte-for-byte the same files (kubeadm configs, API server files) in its dry run with
// and without its comments.
func TestStrippedBootstrapsBehaveTheSame(t *testing.T) {
	for name, script := range map[string]string{"swarm": scripts.SwarmBootstrap, "kubernetes": scripts.KubernetesBootstrap} {
		stripped := scripts.StripComments(script)
		assert.Less(t, len(stripped), len(script)*4/5, "%s: the comments are a fifth of the script or more", name)
		out, err := exec.Command("bash", "-n", "-c", stripped).CombinedOutput()
		require.NoError(t, err, "%s: %s", name, out)
	}
	dir := t.TempDir()
	// The dry run asks kubeadm only for its version: a stand-in answers.
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.MkdirAll(bin, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "kubeadm"), []byte("#!/bin/sh\necho v1.35.4\n"), 0o755))
	render := func(label, script string) string {
		path := filepath.Join(dir, label+".sh")
		require.NoError(t, os.WriteFile(path, []byte(script), 0o755))
		out := filepath.Join(dir, label)
		cmd := exec.Command("bash", path)
		cmd.Env = []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "HOME=" + dir,
			"CB_ROLE=control-plane", "CB_CLUSTER_NAME=c", "CB_MEMBER_NAME=cp-0", "CB_CONTROL_PLANE_MEMBERS=cp-0,cp-1,cp-2",
			"CB_ZONE=z", "CB_API_ENDPOINT=api.example:6443", "CB_KUBERNETES_VERSION=1.35", "CB_STORE=dir",
			"CB_STORE_PATH=" + filepath.Join(dir, "store"), "CB_CLOUD=aws", "CB_ETCD_VOLUMES=main=vol-1",
			"CB_REGION=us-east-1", "CB_INSTALL=false", "CB_DRY_RUN=true", "CB_OUT=" + out, "CB_NODE_IP=10.0.0.10"}
		msg, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s: %s", label, msg)
		return out
	}
	original := render("original", scripts.KubernetesBootstrap)
	stripped := render("stripped", scripts.StripComments(scripts.KubernetesBootstrap))
	files := 0
	require.NoError(t, filepath.WalkDir(original, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(original, path)
		want, _ := os.ReadFile(path)
		got, err := os.ReadFile(filepath.Join(stripped, rel))
		require.NoError(t, err, rel)
		if !bytes.Contains([]byte(rel), []byte("encryption-config")) { // a fresh random key each run
			assert.Equal(t, string(want), string(got), rel)
		}
		files++
		return nil
	}))
	assert.Greater(t, files, 3, "the dry run rendered the configuration files")
}
