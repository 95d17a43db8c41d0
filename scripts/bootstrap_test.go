package scripts_test

import (
	"os/exec"
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
