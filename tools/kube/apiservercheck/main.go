// Command apiservercheck loads the API server configuration files that
// scripts/kubernetes/bootstrap.sh renders with kube-apiserver's own code (k8s.io/apiserver
// v0.35.4) and checks what they do, not only their text:
//
//   - encryption-config.yaml: a Secret written through the loaded transformers is stored
//     as k8s:enc:secretbox:v1:key1:... and reads back; other resources are not encrypted;
//   - authentication-config.yaml: decodes strictly and validates as --authentication-config
//     does; its anonymous authenticator admits /livez, /readyz, /healthz and the
//     cluster-info document and nothing else;
//   - audit-policy.yaml: loads as --audit-policy-file does; reads of Secrets are audited
//     at Metadata (never with bodies), RBAC changes at Request, anything else at least
//     Metadata.
//
// Usage: apiservercheck DIR (the directory holding the three files). Prints one line per
// check and exits 1 if any fails.
package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	apiserverapi "k8s.io/apiserver/pkg/apis/apiserver"
	"k8s.io/apiserver/pkg/apis/apiserver/install"
	"k8s.io/apiserver/pkg/apis/apiserver/validation"
	auditinternal "k8s.io/apiserver/pkg/apis/audit"
	"k8s.io/apiserver/pkg/audit/policy"
	authenticationcel "k8s.io/apiserver/pkg/authentication/cel"
	"k8s.io/apiserver/pkg/authentication/request/anonymous"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/server/options/encryptionconfig"
	"k8s.io/apiserver/pkg/storage/value"
)

type checker struct{ failed int }

func (c *checker) check(ok bool, format string, args ...any) {
	status := "ok  "
	if !ok {
		status = "FAIL"
		c.failed++
	}
	fmt.Printf("  %s %s\n", status, fmt.Sprintf(format, args...))
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: apiservercheck DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	c := &checker{}
	c.encryption(filepath.Join(dir, "encryption-config.yaml"))
	c.authentication(filepath.Join(dir, "authentication-config.yaml"))
	c.audit(filepath.Join(dir, "audit-policy.yaml"))
	if c.failed > 0 {
		os.Exit(1)
	}
}

func (c *checker) encryption(path string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	config, err := encryptionconfig.LoadEncryptionConfig(ctx, path, false, "apiservercheck")
	c.check(err == nil, "encryption config loads (%v)", err)
	if err != nil {
		return
	}
	secrets, ok := config.Transformers[schema.GroupResource{Resource: "secrets"}]
	c.check(ok, "encryption config covers secrets")
	if !ok {
		return
	}
	plain := []byte(`{"kind":"Secret","data":{"password":"aHVudGVyMg=="}}`)
	dataCtx := value.DefaultContext("/registry/secrets/default/s")
	stored, err := secrets.TransformToStorage(ctx, plain, dataCtx)
	c.check(err == nil && bytes.HasPrefix(stored, []byte("k8s:enc:secretbox:v1:key1:")) && !bytes.Contains(stored, []byte("aHVudGVyMg")),
		"a Secret is stored as k8s:enc:secretbox:v1:key1:<ciphertext> (%q...)", prefix(stored))
	back, _, err := secrets.TransformFromStorage(ctx, stored, dataCtx)
	c.check(err == nil && bytes.Equal(back, plain), "the stored Secret reads back (%v)", err)
	_, configMapsEncrypted := config.Transformers[schema.GroupResource{Resource: "configmaps"}]
	c.check(!configMapsEncrypted, "only Secrets are encrypted (ConfigMaps stay readable to etcd tools)")
}

func prefix(b []byte) []byte {
	if len(b) > 26 {
		return b[:26]
	}
	return b
}

func (c *checker) authentication(path string) {
	data, err := os.ReadFile(path)
	c.check(err == nil, "authentication config reads (%v)", err)
	if err != nil {
		return
	}
	// Decoded as kube-apiserver decodes --authentication-config: strictly, every version
	// of apiserver.config.k8s.io installed.
	scheme := runtime.NewScheme()
	install.Install(scheme)
	obj, err := runtime.Decode(serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDecoder(), data)
	config, ok := obj.(*apiserverapi.AuthenticationConfiguration)
	c.check(err == nil && ok, "authentication config decodes strictly (%v)", err)
	if !ok {
		return
	}
	errs := validation.ValidateAuthenticationConfiguration(authenticationcel.NewDefaultCompiler(), config, nil)
	c.check(len(errs) == 0, "authentication config validates (%v)", errs.ToAggregate())
	c.check(config.Anonymous != nil && config.Anonymous.Enabled && len(config.Anonymous.Conditions) > 0,
		"anonymous access is restricted by conditions")
	if config.Anonymous == nil {
		return
	}
	auth := anonymous.NewAuthenticator(config.Anonymous.Conditions)
	for _, tc := range []struct {
		path  string
		admit bool
	}{
		{"/livez", true}, {"/readyz", true}, {"/healthz", true},
		{"/api/v1/namespaces/kube-public/configmaps/cluster-info", true},
		{"/api/v1/namespaces/kube-system/secrets", false},
		{"/api/v1/namespaces/kube-public/configmaps", false},
		{"/apis/rbac.authorization.k8s.io/v1/clusterroles", false},
		{"/metrics", false}, {"/version", false}, {"/openapi/v2", false}, {"/", false},
	} {
		path, want := tc.path, tc.admit
		req, _ := http.NewRequest(http.MethodGet, "https://api.example:6443"+path, nil)
		_, admitted, _ := auth.AuthenticateRequest(req)
		c.check(admitted == want, "anonymous GET %s admitted: %v", path, admitted)
	}
}

func (c *checker) audit(path string) {
	p, err := policy.LoadPolicyFromFile(path)
	c.check(err == nil, "audit policy loads (%v)", err)
	if err != nil {
		return
	}
	eval := policy.NewPolicyRuleEvaluator(p)
	alice := &user.DefaultInfo{Name: "alice", Groups: []string{"system:authenticated"}}
	for _, tc := range []struct {
		what string
		attr authorizer.AttributesRecord
		want auditinternal.Level
	}{
		{"reading a Secret: Metadata, no body", authorizer.AttributesRecord{User: alice, Verb: "get", Resource: "secrets", Namespace: "default", ResourceRequest: true}, auditinternal.LevelMetadata},
		{"writing a Secret: Metadata, no body", authorizer.AttributesRecord{User: alice, Verb: "create", Resource: "secrets", Namespace: "default", ResourceRequest: true}, auditinternal.LevelMetadata},
		{"changing RBAC: Request", authorizer.AttributesRecord{User: alice, Verb: "create", APIGroup: "rbac.authorization.k8s.io", Resource: "clusterrolebindings", ResourceRequest: true}, auditinternal.LevelRequest},
		{"deleting a Pod: Metadata", authorizer.AttributesRecord{User: alice, Verb: "delete", Resource: "pods", Namespace: "default", ResourceRequest: true}, auditinternal.LevelMetadata},
		{"health probes: None", authorizer.AttributesRecord{User: &user.DefaultInfo{Name: "system:anonymous"}, Verb: "get", Path: "/livez"}, auditinternal.LevelNone},
	} {
		got := eval.EvaluatePolicyRule(tc.attr).Level
		c.check(got == tc.want, "audit %s (got %s)", tc.what, got)
	}
}
