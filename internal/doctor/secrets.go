package doctor

import (
	"regexp"
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

// credentialPatterns recognise credentials by their shape.
// hint is a substring (of the lower-cased text) every match contains: texts without it
// skip the regular expression.
var credentialPatterns = []struct {
	what, hint string
	re         *regexp.Regexp
}{
	{"a Swarm join token", "swmtkn-1-", regexp.MustCompile(`SWMTKN-1-[0-9a-z]{20,}`)},
	{"a Swarm unlock key", "swmkey-1-", regexp.MustCompile(`SWMKEY-1-[0-9A-Za-z+/]{20,}`)},
	// A token's shape where a token goes (--token, token:, TOKEN=): scripts also carry
	// placeholders of that shape for dry runs.
	{"a kubeadm bootstrap token", "token", regexp.MustCompile(`(?i)token["']?\s*[=:\s]\s*["']?[a-z0-9]{6}\.[a-z0-9]{16}\b`)},
	{"a private key", "private key-----", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)},
	// kind: Config, not kind: ConfigMap (the self-managed members' user data carries
	// ConfigMaps: CB_MONITORING_MANIFESTS).
	{"a kubeconfig with credentials", "kind:", regexp.MustCompile(`(?s)kind:\s*Config\b.*(client-key-data|token):`)},
}

// credentialIn names the credential a text carries, if any.
func credentialIn(text string) string {
	lower := strings.ToLower(text)
	for _, p := range credentialPatterns {
		if strings.Contains(lower, p.hint) && p.re.MatchString(text) {
			return p.what
		}
	}
	return ""
}

// sensitiveOutput matches outputs named like credentials (a command that fetches one,
// such as kubeconfigCommand, is not one).
var sensitiveOutput = regexp.MustCompile(`(?i)^(kubeconfig|.*token|.*password|.*secret|.*privatekey|.*unlockkey|.*joinkey)$`)

// secretInputs are inputs that hold a secret value by design.
var secretInputs = map[string][]string{
	"aws:ssm/parameter:Parameter":                                   {"value"},
	"aws:secretsmanager/secretVersion:SecretVersion":                {"secretString"},
	"gcp:secretmanager/secretVersion:SecretVersion":                 {"secretData"},
	"gcp:compute/instanceTemplate:InstanceTemplate":                 {},
	"aws:ec2/launchTemplate:LaunchTemplate":                         {},
	"gcp:secretmanager/regionalSecretVersion:RegionalSecretVersion": {"secretData"},
}

// walkStrings calls fn with every string in an input value, boot scripts decoded.
func (s *Subject) walkStrings(v any, fn func(string)) {
	switch t := v.(type) {
	case string:
		fn(t)
		if d := s.decode(t); d != t {
			fn(d)
		}
	case map[string]any:
		for _, e := range t {
			s.walkStrings(e, fn)
		}
	case []any:
		for _, e := range t {
			s.walkStrings(e, fn)
		}
	}
}

func checkSecretsArePulumiSecrets(s *Subject) []Result {
	inv := s.Inventory
	var out []Result
	// Outputs.
	outputsRef := Ref{Name: "stack outputs"}
	if inv.Outputs == nil {
		out = append(out, Result{outcome: skipped, Resource: outputsRef, Detail: "the source records no outputs (a preview computes none)"})
	} else {
		plainHits := 0
		for _, name := range inventory.SortedKeys(inv.Outputs) {
			v := inv.Outputs[name]
			ref := Ref{Type: "output", Name: name}
			if v == inventory.SecretPlaceholder {
				if sensitiveOutput.MatchString(name) {
					out = append(out, pass(ref, "a Pulumi secret (encrypted in the state)"))
				}
				continue
			}
			what := ""
			s.walkStrings(v, func(text string) {
				if what == "" {
					what = credentialIn(text)
				}
			})
			switch {
			case what != "":
				out = append(out, trip(ref, "holds %s in plaintext", what))
				plainHits++
			case sensitiveOutput.MatchString(name) && v != nil:
				out = append(out, trip(ref, "named like a credential but not a Pulumi secret: the state holds it in plaintext"))
				plainHits++
			}
		}
		if plainHits == 0 {
			out = append(out, pass(outputsRef, "no output holds a credential in plaintext (%d outputs)", len(inv.Outputs)))
		}
	}
	// Inputs.
	bad := 0
	for _, r := range inv.Custom() {
		for _, in := range secretInputs[r.Type] {
			if v, ok := r.Inputs[in]; ok && v != nil && v != inventory.SecretPlaceholder {
				out = append(out, trip(refOf(r), "input %s holds a secret value but is not a Pulumi secret", in))
				bad++
			}
		}
		for _, name := range inventory.SortedKeys(r.Inputs) {
			what := ""
			s.walkStrings(r.Inputs[name], func(text string) {
				if what == "" {
					what = credentialIn(text)
				}
			})
			if what != "" {
				out = append(out, trip(refOf(r), "input %s holds %s in plaintext", name, what))
				bad++
			}
		}
	}
	if bad == 0 {
		out = append(out, pass(Ref{Name: "resource inputs"}, "no input holds a join token, unlock key, private key or kubeconfig in plaintext (%d resources, boot scripts decoded)", len(inv.Custom())))
	}
	return out
}

// managerScripts are the Swarm managers' boot scripts, by launcher.
func (s *Subject) managerScripts() ([]inventory.Resource, []string) {
	var ls []inventory.Resource
	var scripts []string
	for _, l := range launchers(s.Inventory) {
		if sc := s.script(l); isControlPlane(l) && isSwarmScript(sc) {
			ls, scripts = append(ls, l), append(scripts, sc)
		}
	}
	return ls, scripts
}

// isLogLine tells a line that only prints (its text may name a command).
func isLogLine(line string) bool {
	for _, p := range []string{"log ", "echo ", "printf ", "die ", "warn "} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

var encryptedOpt = regexp.MustCompile(`(--opt|-o)[ =]encrypted`)

func checkSwarmOverlayEncrypted(s *Subject) []Result {
	ls, scripts := s.managerScripts()
	if len(ls) == 0 {
		return skip("no Swarm manager in the inventory")
	}
	var out []Result
	for i, l := range ls {
		var plain []string
		created := 0
		for _, line := range commands(scripts[i]) {
			if isLogLine(line) || !strings.Contains(line, "network create") || !strings.Contains(line, "overlay") {
				continue
			}
			created++
			if !encryptedOpt.MatchString(line) {
				plain = append(plain, line)
			}
		}
		switch {
		case created == 0:
			out = append(out, Result{outcome: skipped, Resource: refOf(l), Detail: "its boot script creates no overlay network"})
		case len(plain) > 0:
			out = append(out, trip(refOf(l), "creates an overlay network without --opt encrypted: %s", plain[0]))
		default:
			out = append(out, pass(refOf(l), "%d overlay network(s) created with --opt encrypted", created))
		}
	}
	return out
}

func checkSwarmAutolock(s *Subject) []Result {
	ls, scripts := s.managerScripts()
	if len(ls) == 0 {
		return skip("no Swarm manager in the inventory")
	}
	var out []Result
	for i, l := range ls {
		inits, locked := 0, 0
		for _, line := range commands(scripts[i]) {
			if isLogLine(line) {
				continue
			}
			if strings.Contains(line, "swarm init") {
				inits++
				// The bootstrap passes --autolock=$CB_AUTOLOCK: read the rendered setting.
				if strings.Contains(line, "$CB_AUTOLOCK") || strings.Contains(line, "${CB_AUTOLOCK}") {
					v, ok := setting(scripts[i], "CB_AUTOLOCK")
					if !ok && strings.Contains(scripts[i], "CB_AUTOLOCK=${CB_AUTOLOCK:-true}") {
						v = "true" // the script's own default
					}
					if v == "true" {
						locked++
					}
				} else if strings.Contains(line, "--autolock") && !strings.Contains(line, "--autolock=false") {
					locked++
				}
			}
			if strings.Contains(line, "swarm update") && strings.Contains(line, "--autolock=true") {
				locked = inits
			}
		}
		switch {
		case inits == 0:
			out = append(out, Result{outcome: skipped, Resource: refOf(l), Detail: "its boot script never inits a swarm"})
		case locked < inits:
			out = append(out, trip(refOf(l), "swarm init without --autolock: the Raft keys sit unencrypted on the manager's disk"))
		default:
			out = append(out, pass(refOf(l), "swarm init --autolock: a restarted manager needs the unlock key"))
		}
	}
	return out
}
