package doctor

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

// policyDocs lists a resource's IAM policy documents: its policy input, or a role's
// inline policies.
func policyDocs(r inventory.Resource) []any {
	if _, ok := awsPolicyInputs[r.Type]; ok {
		return []any{r.Inputs["policy"]}
	}
	if r.Type == "aws:iam/role:Role" {
		var out []any
		for _, p := range r.List("inlinePolicies") {
			if m, ok := p.(map[string]any); ok {
				out = append(out, m["policy"])
			}
		}
		return out
	}
	return nil
}

const gcpCustomRole = "gcp:projects/iAMCustomRole:IAMCustomRole"

// gcpBasicRoles grant everything in a project.
var gcpBasicRoles = []string{"roles/owner", "roles/editor"}

func checkIAMAdmin(s *Subject) []Result {
	var out []Result
	for _, r := range s.Inventory.Custom() {
		if r.Type == "aws:s3/bucketPolicy:BucketPolicy" {
			continue // a resource policy: judged by bucket-public-access
		}
		for _, doc := range policyDocs(r) {
			sts, ok := parsePolicy(doc)
			if !ok {
				out = append(out, Result{outcome: skipped, Resource: refOf(r), Detail: "its policy document is unknown here"})
				continue
			}
			admin := false
			for _, st := range sts {
				if st.allows() && (contains(st.Actions, "*") || contains(st.Actions, "*:*")) && contains(st.Resources, "*") {
					admin = true
				}
			}
			if admin {
				out = append(out, trip(refOf(r), `allows "*" on "*": full administrative access`))
			} else {
				out = append(out, pass(refOf(r), `no statement allows "*" on "*"`))
			}
		}
		switch r.Type {
		case "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/userPolicyAttachment:UserPolicyAttachment", "aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment":
			if contains(awsManagedAdmin, r.String("policyArn")) {
				out = append(out, trip(refOf(r), "attaches %s", r.String("policyArn")))
			} else {
				out = append(out, pass(refOf(r), "attaches %s", r.String("policyArn")))
			}
		case "gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding":
			role := r.String("role")
			switch custom := linked(s.Inventory, r, "role", gcpCustomRole); {
			case contains(gcpBasicRoles, role):
				out = append(out, trip(refOf(r), "grants the basic role %s: every permission in the project", role))
			case len(custom) == 1:
				// The custom role's name is the provider's: say which role of the stack it is.
				out = append(out, pass(refOf(r), "grants the stack's custom role %s (%s)", custom[0].Name, orNone(inventory.Strings(custom[0].Inputs["permissions"]))))
			default:
				out = append(out, pass(refOf(r), "grants %s", role))
			}
		}
	}
	if len(out) == 0 {
		return skip("no IAM policy, attachment or project grant in the inventory")
	}
	return out
}

// controlPlaneMaterial are the store keys only the control plane may read: kubeadm's
// certificate key (it decrypts the uploaded control-plane certificates), the secrets-at-
// rest key, the admin kubeconfig, etcd's own material, Swarm's manager token and unlock key.
var controlPlaneMaterial = []string{"certificate-key", "encryption-key", "admin-kubeconfig", "manager-token", "unlock-key"}

func isControlPlaneMaterial(name string) bool {
	name = strings.ToLower(name)
	for _, m := range controlPlaneMaterial {
		if strings.HasSuffix(name, m) {
			return true
		}
	}
	last := name[strings.LastIndexAny(name, "/:")+1:]
	return strings.HasPrefix(last, "etcd") || strings.Contains(name, "-etcd-")
}

// storeReadActions read a parameter or secret.
var storeReadActions = []string{"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "secretsmanager:GetSecretValue"}

// awsManagedStoreReaders are AWS managed policies that read every parameter or secret.
var awsManagedStoreReaders = []string{
	"arn:aws:iam::aws:policy/AdministratorAccess",
	"arn:aws:iam::aws:policy/AmazonSSMFullAccess",
	"arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess",
	"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
	"arn:aws:iam::aws:policy/SecretsManagerReadWrite",
}

// storeARNs are the parameter and secret ARNs the inventory's policies name.
var storeARN = regexp.MustCompile(`^arn:aws[a-z-]*:(ssm|secretsmanager):`)

// launcherRoles are the IAM roles of the launchers that match (through their instance
// profiles), plus EKS node groups' node roles for workers.
func launcherRoles(inv *inventory.Inventory, match func(inventory.Resource) bool) []inventory.Resource {
	seen := map[string]bool{}
	var out []inventory.Resource
	add := func(rs []inventory.Resource) {
		for _, r := range rs {
			if !seen[key(r)] {
				seen[key(r)] = true
				out = append(out, r)
			}
		}
	}
	for _, l := range awsLaunchers(inv) {
		if !match(l) {
			continue
		}
		for _, prop := range []string{"iamInstanceProfile.name", "iamInstanceProfile.arn", "iamInstanceProfile"} {
			for _, p := range linked(inv, l, prop, "aws:iam/instanceProfile:InstanceProfile") {
				add(linked(inv, p, "role", "aws:iam/role:Role"))
			}
		}
	}
	if match(inventory.Resource{}) { // workers: EKS node groups run as their node role
		for _, ng := range inv.OfType("aws:eks/nodeGroup:NodeGroup") {
			add(linked(inv, ng, "nodeRoleArn", "aws:iam/role:Role"))
		}
	}
	return out
}

// roleStatements are the statements of a role's inline and attached customer policies,
// with where each comes from; attached AWS managed policies are returned apart.
func roleStatements(inv *inventory.Inventory, role inventory.Resource) (map[string][]statement, []string) {
	docs := map[string][]statement{}
	for _, doc := range policyDocs(role) {
		if sts, ok := parsePolicy(doc); ok {
			docs[role.Name+" (inline)"] = append(docs[role.Name+" (inline)"], sts...)
		}
	}
	var managed []string
	for _, r := range inv.Custom() {
		switch r.Type {
		case "aws:iam/rolePolicy:RolePolicy":
			if refersToAny(inv, r, "role", role) {
				if sts, ok := parsePolicy(r.Inputs["policy"]); ok {
					docs[r.Name] = append(docs[r.Name], sts...)
				}
			}
		case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
			if !refersToAny(inv, r, "role", role) {
				continue
			}
			arn := r.String("policyArn")
			if strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") {
				managed = append(managed, arn)
				continue
			}
			for _, p := range linked(inv, r, "policyArn", "aws:iam/policy:Policy") {
				if sts, ok := parsePolicy(p.Inputs["policy"]); ok {
					docs[p.Name] = append(docs[p.Name], sts...)
				}
			}
		}
	}
	return docs, managed
}

func refersToAny(inv *inventory.Inventory, r inventory.Resource, prop string, target inventory.Resource) bool {
	for _, t := range linked(inv, r, prop, target.Type) {
		if key(t) == key(target) {
			return true
		}
	}
	return false
}

// grantsRead reports whether a statement lets its holder read the store entry arn.
func grantsRead(st statement, arn string) bool {
	if !st.allows() {
		return false
	}
	reads, byPath := false, false
	for _, a := range st.Actions {
		for _, want := range storeReadActions {
			if actionAllows(a, want) {
				reads = true
				byPath = byPath || want == "ssm:GetParametersByPath"
			}
		}
	}
	if !reads {
		return false
	}
	for _, res := range st.Resources {
		if globMatch(res, arn) {
			return true
		}
		// GetParametersByPath on a path reads everything under it.
		if byPath && strings.HasPrefix(arn, strings.TrimSuffix(strings.TrimSuffix(res, "*"), "/")+"/") {
			return true
		}
	}
	return false
}

// gcpReadRoles read secrets' payloads.
var gcpReadRoles = []string{"roles/secretmanager.secretAccessor", "roles/secretmanager.admin", "roles/owner", "roles/editor"}

func checkNodeReadsControlPlaneSecrets(s *Subject) []Result {
	inv := s.Inventory
	arns := storedMaterial(inv)
	var secrets []inventory.Resource
	for _, sec := range inv.OfType(gcpSecret) {
		if isControlPlaneMaterial(sec.String("secretId")) {
			secrets = append(secrets, sec)
		}
	}
	if len(arns) == 0 && len(secrets) == 0 {
		return skip("no control-plane join material in a parameter or secret store (managed clusters keep it with the provider)")
	}
	var out []Result
	if len(arns) > 0 {
		roles := launcherRoles(inv, isWorkerLauncher)
		if len(roles) == 0 {
			out = append(out, skip("no worker IAM role in the inventory")...)
		}
		for _, role := range roles {
			docs, managed := roleStatements(inv, role)
			var bad []string
			for _, m := range managed {
				if contains(awsManagedStoreReaders, m) {
					bad = append(bad, m+" reads every parameter")
				}
			}
			for _, name := range sortedKeys(docs) {
				for _, arn := range arns {
					for _, st := range docs[name] {
						if grantsRead(st, arn) {
							bad = append(bad, fmt.Sprintf("%s reads %s", name, arn))
							break
						}
					}
				}
			}
			if len(bad) > 0 {
				out = append(out, trip(refOf(role), "workers can read control-plane material: %s", strings.Join(bad, "; ")))
			} else {
				out = append(out, pass(refOf(role), "reads none of the %d control-plane entries", len(arns)))
			}
		}
	}
	if len(secrets) > 0 {
		out = append(out, gcpSecretReaders(inv, secrets)...)
	}
	return out
}

// storedMaterial is the control-plane material the stack keeps in SSM parameters: the
// entries its IAM policies name (the control plane's, which write them, and anyone
// else's), and under each parameter path a policy names, the material's names. The
// parameters are written at boot, so the policies are where the inventory names them.
func storedMaterial(inv *inventory.Inventory) []string {
	var arns []string
	add := func(a string) {
		if !contains(arns, a) {
			arns = append(arns, a)
		}
	}
	for _, r := range inv.Custom() {
		if r.Type == "aws:s3/bucketPolicy:BucketPolicy" {
			continue // a bucket's own policy names objects, not parameters
		}
		for _, doc := range policyDocs(r) {
			sts, _ := parsePolicy(doc)
			for _, st := range sts {
				for _, res := range st.Resources {
					if !storeARN.MatchString(res) {
						continue
					}
					if !strings.ContainsAny(res, "*?") && isControlPlaneMaterial(res) {
						add(res)
					}
					dir := strings.TrimSuffix(res, "/*")
					if dir == res {
						dir = res[:strings.LastIndex(res, "/")+1]
					}
					dir = strings.TrimSuffix(dir, "/")
					if strings.Contains(dir, ":parameter/") {
						for _, m := range controlPlaneMaterial {
							add(dir + "/" + m)
						}
						add(dir + "/etcd")
					}
				}
			}
		}
	}
	sort.Strings(arns)
	return arns
}

const (
	gcpAccount   = "gcp:serviceaccount/account:Account"
	gcpSecret    = "gcp:secretmanager/secret:Secret"
	gcpAccountAt = ".iam.gserviceaccount.com"
)

// identity is a service account machines run as: its email where the inventory knows it,
// and its account resource where the stack creates it.
type identity struct {
	email   string
	account *inventory.Resource
}

func (id identity) ref() Ref {
	if id.account != nil {
		return refOf(*id.account)
	}
	return Ref{Type: gcpAccount, Name: id.email}
}

// accountOf finds the service account an input names: by its email (the account's
// accountId and project), else through the input's dependencies (a preview knows no
// emails of accounts it creates).
func accountOf(inv *inventory.Inventory, r inventory.Resource, prop string) *inventory.Resource {
	email := strings.TrimPrefix(r.String(prop), "serviceAccount:")
	local, domain, ok := strings.Cut(email, "@")
	if ok {
		for _, a := range inv.OfType(gcpAccount) {
			if a.String("accountId") == local && (a.String("project") == "" || domain == a.String("project")+gcpAccountAt) {
				return &a
			}
		}
	}
	if found := linked(inv, r, prop, gcpAccount); len(found) == 1 {
		return &found[0]
	}
	return nil
}

// workerIdentities are the service accounts workers run as.
func workerIdentities(inv *inventory.Inventory) []identity {
	var out []identity
	seen := map[string]bool{}
	add := func(r inventory.Resource, prop string) {
		id := identity{email: r.String(prop), account: accountOf(inv, r, prop)}
		k := id.email
		if id.account != nil {
			k = key(*id.account)
		}
		if k != "" && !seen[k] {
			seen[k] = true
			out = append(out, id)
		}
	}
	for _, l := range gceLaunchers(inv) {
		if isWorkerLauncher(l) {
			add(l, "serviceAccount.email")
		}
	}
	for _, p := range inv.OfType(gkeNodePool) {
		add(p, "nodeConfig.serviceAccount")
	}
	return out
}

// grantedTo reports whether a grant's member input names the identity.
func grantedTo(inv *inventory.Inventory, grant inventory.Resource, id identity) bool {
	for _, prop := range []string{"member", "members"} {
		v, _ := grant.Path(prop)
		for _, m := range inventory.Strings(v) {
			if id.email != "" && m == "serviceAccount:"+id.email {
				return true
			}
		}
		if id.account == nil {
			continue
		}
		if a := accountOf(inv, grant, prop); a != nil && key(*a) == key(*id.account) {
			return true
		}
	}
	return false
}

// secretsOf are the secrets a grant's secretId names: by id (bare or as
// projects/P/secrets/ID) or through its dependencies.
func secretsOf(inv *inventory.Inventory, grant inventory.Resource, secrets []inventory.Resource) []inventory.Resource {
	id := grant.String("secretId")
	id = id[strings.LastIndex(id, "/")+1:]
	var out []inventory.Resource
	for _, sec := range secrets {
		if id != "" && sec.String("secretId") == id {
			out = append(out, sec)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, sec := range linked(inv, grant, "secretId", gcpSecret) {
		for _, want := range secrets {
			if key(sec) == key(want) {
				out = append(out, sec)
			}
		}
	}
	return out
}

func gcpSecretReaders(inv *inventory.Inventory, secrets []inventory.Resource) []Result {
	ids := workerIdentities(inv)
	if len(ids) == 0 {
		return skip("no worker service account in the inventory")
	}
	var out []Result
	for _, id := range ids {
		var bad []string
		for _, r := range inv.Custom() {
			if !contains(gcpReadRoles, r.String("role")) || !grantedTo(inv, r, id) {
				continue
			}
			switch r.Type {
			case "gcp:secretmanager/secretIamMember:SecretIamMember", "gcp:secretmanager/secretIamBinding:SecretIamBinding":
				for _, sec := range secretsOf(inv, r, secrets) {
					bad = append(bad, fmt.Sprintf("%s grants %s on %s", r.Name, r.String("role"), sec.String("secretId")))
				}
			case "gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding":
				cond := r.String("condition.expression")
				if cond == "" {
					bad = append(bad, fmt.Sprintf("%s grants %s on every secret of the project", r.Name, r.String("role")))
					continue
				}
				for _, sec := range secrets {
					if sid := sec.String("secretId"); strings.Contains(cond, sid) {
						bad = append(bad, fmt.Sprintf("%s grants %s on %s", r.Name, r.String("role"), sid))
					}
				}
			}
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			out = append(out, trip(id.ref(), "workers can read control-plane material: %s", strings.Join(bad, "; ")))
		} else {
			out = append(out, pass(id.ref(), "reads none of the %d control-plane secrets", len(secrets)))
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string { return inventory.SortedKeys(m) }
