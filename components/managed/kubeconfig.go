package managed

import (
	"encoding/json"
)

// execCredential is how kubectl gets a token: a command the user already has
// (`aws eks get-token`, `gke-gcloud-auth-plugin`), never a long-lived key in the file.
type execCredential struct {
	Command string
	Args    []string
	Hint    string
}

// kubeconfig renders a kubeconfig for one cluster. JSON is valid YAML, and json.Marshal
// quotes every value, so no endpoint or name can break the document.
func kubeconfig(name, server, caData string, exec execCredential) (string, error) {
	doc := map[string]any{
		"apiVersion":      "v1",
		"kind":            "Config",
		"current-context": name,
		"clusters": []any{map[string]any{"name": name, "cluster": map[string]any{
			"server": server, "certificate-authority-data": caData,
		}}},
		"contexts": []any{map[string]any{"name": name, "context": map[string]any{"cluster": name, "user": name}}},
		"users": []any{map[string]any{"name": name, "user": map[string]any{"exec": map[string]any{
			"apiVersion":         "client.authentication.k8s.io/v1beta1",
			"command":            exec.Command,
			"args":               exec.Args,
			"installHint":        exec.Hint,
			"provideClusterInfo": true,
			"interactiveMode":    "Never",
		}}}},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	return string(b), err
}
