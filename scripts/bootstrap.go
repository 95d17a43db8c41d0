// Package scripts embeds the node bootstrap scripts that the components render into user
// data (AWS) and startup scripts (GCE). The same files run unchanged in the local
// real-system tests (make test-swarm, test-kubeadm, test-etcd) with the `dir` store, so
// what the tests prove is what a cloud node runs.
package scripts

import (
	_ "embed"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// SwarmBootstrap is scripts/swarm/bootstrap.sh: one script for managers and workers.
//
//go:embed swarm/bootstrap.sh
var SwarmBootstrap string

// KubernetesBootstrap is scripts/kubernetes/bootstrap.sh: one script for control-plane
// members and workers.
//
//go:embed kubernetes/bootstrap.sh
var KubernetesBootstrap string

var settingName = regexp.MustCompile(`^CB_[A-Z0-9_]+$`)

// Render returns a user-data script: the body's shebang, then each setting as an
// exported, single-quoted shell assignment (sorted, so the rendering is deterministic),
// then the rest of the body. Setting names must be CB_*; values are quoted so that no
// value can inject shell.
func Render(body string, settings map[string]string) (string, error) {
	shebang, rest, ok := strings.Cut(body, "\n")
	if !ok || !strings.HasPrefix(shebang, "#!") {
		return "", fmt.Errorf("bootstrap script: want a #! line first")
	}
	return render(shebang, StripComments(rest), settings)
}

// render writes the shebang, the settings and the (already stripped) rest of a script.
func render(shebang, rest string, settings map[string]string) (string, error) {
	names := make([]string, 0, len(settings))
	for name := range settings {
		if !settingName.MatchString(name) {
			return "", fmt.Errorf("bootstrap setting %q: want CB_ followed by A-Z, 0-9 or _", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(shebang + "\n# clusterbench settings (rendered by the Pulumi program)\n")
	for _, name := range names {
		fmt.Fprintf(&b, "export %s=%s\n", name, quote(settings[name]))
	}
	b.WriteString(rest)
	return b.String(), nil
}

// heredocStart finds a here-document operator (<<WORD, <<'WORD', <<-"WORD"), not a
// here-string (<<<).
var heredocStart = regexp.MustCompile(`(?:^|[^<])<<-?\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?`)

// StripComments drops the comment-only lines of a shell script, outside here-documents
// (whose text is data): user data is limited (EC2: 16 KB), and the bootstraps' comments
// are for the reader of the repository. The shebang stays. A test checks that the
// stripped Kubernetes bootstrap renders the same files as the original.
func StripComments(script string) string {
	lines := strings.Split(script, "\n")
	out := make([]string, 0, len(lines))
	terminator := ""
	for i, line := range lines {
		if terminator != "" {
			out = append(out, line)
			if strings.TrimLeft(line, "\t") == terminator {
				terminator = ""
			}
			continue
		}
		if trimmed := strings.TrimSpace(line); strings.HasPrefix(trimmed, "#") && !(i == 0 && strings.HasPrefix(trimmed, "#!")) {
			continue
		}
		// Most lines have no "<<": the regexp (a quarter of evaluating a Swarm stack under
		// mocks, measured by `recommend`'s benchmark) only runs on the lines that do.
		if strings.Contains(line, "<<") {
			if m := heredocStart.FindStringSubmatch(line); m != nil {
				terminator = m[1]
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// quote single-quotes a value for POSIX shells.
func quote(v string) string {
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
