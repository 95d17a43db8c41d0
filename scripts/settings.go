package scripts

import (
	"strings"
	"sync"
)

// Bootstrap names, as Identify returns them.
const (
	Kubernetes = "kubernetes"
	Swarm      = "swarm"
)

// settingsHeader is the line Render writes before the settings.
const settingsHeader = "# clusterbench settings (rendered by the Pulumi program)"

// ParseSettings reads back the CB_* settings Render wrote into a user-data script: name →
// value, with the shell quoting undone (a value may hold quotes and newlines). It stops
// at the first line after the settings block; a script Render did not write yields an
// empty map.
func ParseSettings(script string) map[string]string {
	out := map[string]string{}
	_, rest, ok := strings.Cut(script, "\n"+settingsHeader+"\n")
	if !ok {
		return out
	}
	for strings.HasPrefix(rest, "export CB_") {
		name, after, ok := strings.Cut(strings.TrimPrefix(rest, "export "), "=")
		if !ok || !settingName.MatchString(name) {
			break
		}
		value, tail, ok := unquote(after)
		if !ok || !strings.HasPrefix(tail, "\n") {
			break
		}
		out[name] = value
		rest = tail[1:]
	}
	return out
}

// unquote reads one value as quote writes it: single-quoted runs joined by \' escapes.
// It returns the value and the text after it.
func unquote(s string) (value, rest string, ok bool) {
	var b strings.Builder
	for {
		if !strings.HasPrefix(s, "'") {
			return "", "", false
		}
		end := strings.IndexByte(s[1:], '\'')
		if end < 0 {
			return "", "", false
		}
		b.WriteString(s[1 : 1+end])
		s = s[2+end:]
		if !strings.HasPrefix(s, `\''`) {
			return b.String(), s, true
		}
		b.WriteByte('\'')
		s = s[2:]
	}
}

// Identify tells which embedded bootstrap a user-data script is, and with what settings:
// the script must be exactly what Render makes of that bootstrap with those settings, so
// a script that was edited, or rendered from another version of the bootstrap, is not
// taken for it (name ""). Reports read what a node runs from this, not from the text.
func Identify(script string) (name string, settings map[string]string) {
	settings = ParseSettings(script)
	if len(settings) == 0 {
		return "", settings
	}
	for _, b := range strippedBootstraps() {
		if !strings.HasSuffix(script, b.rest) {
			continue
		}
		if rendered, err := render(b.shebang, b.rest, settings); err == nil && rendered == script {
			return b.name, settings
		}
	}
	return "", settings
}

type stripped struct{ name, shebang, rest string }

// strippedBootstraps are the embedded bootstraps as Render writes them after the
// settings, stripped once.
var strippedBootstraps = sync.OnceValue(func() []stripped {
	var out []stripped
	for _, b := range []struct{ name, body string }{{Kubernetes, KubernetesBootstrap}, {Swarm, SwarmBootstrap}} {
		shebang, rest, _ := strings.Cut(b.body, "\n")
		out = append(out, stripped{b.name, shebang, StripComments(rest)})
	}
	return out
})
