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
			if role := r.String("role"); contains(gcpBasicRoles, role) {
				out = append(out, trip(refOf(r), "grants the basic role %s: every permission in the project", role))
			} else {
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
	// What control-plane material the stack keeps in a store: the entries the control
	// plane's roles name, and under each store path they grant the material's names.
	var arns []string
	addARN := func(a string) {
		if !contains(arns, a) {
			arns = append(arns, a)
		}
	}
	for _, role := range launcherRoles(inv, isControlPlane) {
		docs, _ := roleStatements(inv, role)
		for _, sts := range docs {
			for _, st := range sts {
				for _, res := range st.Resources {
					if !storeARN.MatchString(res) {
						continue
					}
					if !strings.ContainsAny(res, "*?") && isControlPlaneMaterial(res) {
						addARN(res)
					}
					dir := strings.TrimSuffix(res, "/*")
					if dir == res {
						dir = res[:strings.LastIndex(res, "/")+1]
					}
					dir = strings.TrimSuffix(dir, "/")
					if strings.Contains(dir, ":parameter/") {
						for _, m := range controlPlaneMaterial {
							addARN(dir + "/" + m)
						}
						addARN(dir + "/etcd")
					}
				}
			}
		}
	}
	var secrets []inventory.Resource
	for _, sec := range inv.OfType("gcp:secretmanager/secret:Secret") {
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
		sort.Strings(arns)
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

// workerAccounts are the service accounts workers run as.
func workerAccounts(inv *inventory.Inventory) []string {
	var out []string
	for _, l := range gceLaunchers(inv) {
		if sa := l.String("serviceAccount.email"); isWorkerLauncher(l) && sa != "" && !contains(out, sa) {
			out = append(out, sa)
		}
	}
	for _, p := range inv.OfType(gkeNodePool) {
		if sa := p.String("nodeConfig.serviceAccount"); sa != "" && !contains(out, sa) {
			out = append(out, sa)
		}
	}
	return out
}

func gcpSecretReaders(inv *inventory.Inventory, secrets []inventory.Resource) []Result {
	accounts := workerAccounts(inv)
	if len(accounts) == 0 {
		return skip("no worker service account in the inventory")
	}
	ids := map[string]bool{}
	for _, sec := range secrets {
		ids[sec.String("secretId")] = true
	}
	var out []Result
	for _, sa := range accounts {
		member := "serviceAccount:" + sa
		var bad []string
		for _, r := range inv.Custom() {
			members := append(stringsIn(r.Inputs["members"]), r.String("member"))
			if !contains(members, member) || !contains(gcpReadRoles, r.String("role")) {
				continue
			}
			switch r.Type {
			case "gcp:secretmanager/secretIamMember:SecretIamMember", "gcp:secretmanager/secretIamBinding:SecretIamBinding":
				id := r.String("secretId")
				if ids[id] || ids[id[strings.LastIndex(id, "/")+1:]] {
					bad = append(bad, fmt.Sprintf("%s grants %s on %s", r.Name, r.String("role"), id))
				}
			case "gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding":
				cond := r.String("condition.expression")
				if cond == "" {
					bad = append(bad, fmt.Sprintf("%s grants %s on every secret of the project", r.Name, r.String("role")))
					continue
				}
				for id := range ids {
					if strings.Contains(cond, id) {
						bad = append(bad, fmt.Sprintf("%s grants %s on %s", r.Name, r.String("role"), id))
					}
				}
			}
		}
		ref := Ref{Type: "gcp:serviceaccount/account:Account", Name: sa}
		if len(bad) > 0 {
			sort.Strings(bad)
			out = append(out, trip(ref, "workers can read control-plane material: %s", strings.Join(bad, "; ")))
		} else {
			out = append(out, pass(ref, "reads none of the %d control-plane secrets", len(ids)))
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string { return inventory.SortedKeys(m) }
