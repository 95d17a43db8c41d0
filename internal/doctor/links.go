package doctor

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/clusterbench/clusterbench/internal/faulttolerance"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// linked finds the resources of type typ that input prop of r refers to: by id, URN,
// logical name, name input or ARN/self-link tail (the harness and exports know them),
// else through the input's propertyDependencies (a preview knows no ids).
func linked(inv *inventory.Inventory, r inventory.Resource, prop, typ string) []inventory.Resource {
	v, _ := r.Path(prop)
	refs := inventory.Strings(v)
	var out []inventory.Resource
	seen := map[string]bool{}
	for _, c := range inv.OfType(typ) {
		for _, ref := range refs {
			if refersTo(ref, c) && !seen[c.URN+c.Name] {
				seen[c.URN+c.Name] = true
				out = append(out, c)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	top, _, _ := strings.Cut(prop, ".")
	for _, urn := range r.Dependencies[top] {
		if c, ok := inv.ByURN(urn); ok && c.Type == typ && !seen[urn] {
			seen[urn] = true
			out = append(out, c)
		}
	}
	return out
}

// refersTo reports whether a reference (an id, URN, name, ARN or self link) names c.
func refersTo(ref string, c inventory.Resource) bool {
	if ref == "" {
		return false
	}
	last := ref[strings.LastIndexAny(ref, "/:")+1:]
	for _, id := range []string{c.ID, c.URN, c.Name, c.String("name")} {
		if id != "" && (ref == id || last == id) {
			return true
		}
	}
	return false
}

// key identifies a resource within one inventory.
func key(r inventory.Resource) string { return r.Type + "::" + r.Name + "::" + r.URN }

// flag reads a boolean written as a bool or as "true"/"TRUE" (launch templates and GCE
// metadata write strings), and whether it is set at all.
func flag(r inventory.Resource, path string) (value, set bool) {
	v, ok := r.Path(path)
	if !ok {
		return false, false
	}
	switch t := v.(type) {
	case bool:
		return t, true
	case string:
		switch strings.ToLower(t) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// Machines: what launches instances, and what role they carry.

// launcherTypes launch instances: templates and single instances.
var launcherTypes = map[string]bool{
	"aws:ec2/launchTemplate:LaunchTemplate":                     true,
	"aws:ec2/launchConfiguration:LaunchConfiguration":           true,
	"aws:ec2/instance:Instance":                                 true,
	"gcp:compute/instanceTemplate:InstanceTemplate":             true,
	"gcp:compute/regionInstanceTemplate:RegionInstanceTemplate": true,
	"gcp:compute/instance:Instance":                             true,
}

func isAWS(r inventory.Resource) bool { return strings.HasPrefix(r.Type, "aws:") }

// launchers returns the resources that launch instances.
func launchers(inv *inventory.Inventory) []inventory.Resource {
	var out []inventory.Resource
	for _, r := range inv.Custom() {
		if launcherTypes[r.Type] {
			out = append(out, r)
		}
	}
	return out
}

// isControlPlane reports a launcher of control-plane members (or swarm managers).
func isControlPlane(r inventory.Resource) bool {
	return faulttolerance.Role(r) == faulttolerance.RoleControlPlane
}

// isWorkerLauncher reports a launcher of workers: neither control plane nor bastion.
func isWorkerLauncher(r inventory.Resource) bool {
	role := faulttolerance.Role(r)
	return role != faulttolerance.RoleControlPlane && role != faulttolerance.RoleBastion
}

// script returns the boot script a launcher carries, decoded (user data may be base64
// and gzipped, as cloud-init accepts it); "" when it has none or it is unknown or secret.
func (s *Subject) script(r inventory.Resource) string {
	for _, path := range []string{"userData", "userDataBase64", "metadataStartupScript", "metadata.startup-script", "metadata.user-data"} {
		if text := r.String(path); text != "" && text != inventory.SecretPlaceholder {
			return s.decode(text)
		}
	}
	return ""
}

// decodeScript undoes base64 and gzip where they apply; plain text stays.
func decodeScript(s string) string {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return s
	}
	if len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return s
		}
		text, err := io.ReadAll(io.LimitReader(zr, 16<<20))
		if err != nil {
			return s
		}
		return string(text)
	}
	if utf8.Valid(raw) {
		return string(raw)
	}
	return s
}

// commands returns a script's lines without comments (a "#" that starts a line or
// follows a blank), so a comment that mentions a flag never counts as the flag.
func commands(script string) []string {
	var out []string
	for _, line := range strings.Split(script, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			continue
		}
		if i := strings.Index(trimmed, " #"); i >= 0 {
			trimmed = trimmed[:i]
		}
		if trimmed != "" {
			out = append(out, trimmed)
		}
	}
	return out
}

// setting reads a setting a bootstrap exports ("export CB_ROLE='manager'").
func setting(script, name string) (string, bool) {
	for _, line := range commands(script) {
		rest, ok := strings.CutPrefix(line, "export "+name+"=")
		if ok {
			return strings.Trim(rest, `'"`), true
		}
	}
	return "", false
}

// isSwarmScript tells a Docker Swarm bootstrap (it inits or joins a swarm).
func isSwarmScript(s string) bool {
	if !strings.Contains(s, "swarm init") && !strings.Contains(s, "swarm join") {
		return false
	}
	for _, line := range commands(s) {
		if strings.Contains(line, "swarm init") || strings.Contains(line, "swarm join") {
			return true
		}
	}
	return false
}

// isKubeadmScript tells a kubeadm bootstrap (it runs a stacked etcd on the control plane).
func isKubeadmScript(s string) bool {
	if !strings.Contains(s, "kubeadm init") && !strings.Contains(s, "kubeadm join") {
		return false
	}
	for _, line := range commands(s) {
		if strings.Contains(line, "kubeadm init") || strings.Contains(line, "kubeadm join") {
			return true
		}
	}
	return false
}
