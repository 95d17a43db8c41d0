#!/usr/bin/env bash
# make test-kubeadm: the configuration scripts/kubernetes/bootstrap.sh renders, checked by
# the real kubeadm v1.35.4 (built from the Go module proxy by tools/kube/build.sh, cached
# outside the clone). For clusters of 1, 3 and 5 members and every role:
#   - `kubeadm config validate` accepts every configuration a node renders;
#   - `kubeadm init --dry-run` runs each control-plane member's init configuration (any
#     member may win the init election) and the static pod manifests it writes show:
#     etcd with peer and client TLS and client-certificate auth, under the member's name,
#     on the member's volume; kube-apiserver with --authorization-mode Node,RBAC, the
#     NodeRestriction admission plugin, --encryption-provider-config (secretbox first),
#     --audit-log-path with a policy, anonymous requests refused outside the health
#     endpoints and cluster-info (--authentication-config; never --anonymous-auth=true);
#     kubeconfigs and the serving certificate on the load balancer's address;
#   - the API server's files, loaded by k8s.io/apiserver's own code (apiservercheck), do
#     what they say: Secrets stored as k8s:enc:secretbox:v1:..., anonymous requests
#     admitted only on the health endpoints and cluster-info, Secrets audited without
#     bodies;
#   - `kubeadm join --dry-run` runs every control-plane and worker join configuration;
#   - node labels carry the zone;
#   - the init election over the `dir` store picks exactly one of 5 concurrent members.
# Runs as root on this machine; nothing is started and nothing outside a temporary
# directory is written (kubeadm's dry-run directories are pointed there).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bootstrap=$root/scripts/kubernetes/bootstrap.sh
started_at=$SECONDS
[[ $(id -u) == 0 ]] || {
  echo "test-kubeadm: kubeadm's dry runs need root" >&2
  exit 2
}
command -v openssl >/dev/null || { apt-get update -qq && apt-get install -y -qq openssl >/dev/null; }
kubeadm_dir=$("$root/tools/kube/build.sh" kubeadm)
export PATH=$kubeadm_dir:$PATH
echo "kubeadm $(kubeadm version -o short) ready in $((SECONDS - started_at)) s"

work=$(mktemp -d /tmp/test-kubeadm.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# apiservercheck: the rendered API server files loaded by k8s.io/apiserver's own code
# (tools/kube/apiservercheck); Go's build cache makes this seconds after the first time.
t=$SECONDS
(cd "$root/tools/kube" && CGO_ENABLED=0 nice -n 10 go build -o "$work/apiservercheck" ./apiservercheck)
echo "apiservercheck built in $((SECONDS - t)) s"

# Preflight errors that are about this sandbox, not the configuration: no container
# runtime runs here (CRI, ContainerRuntimeVersion), no kubelet is installed
# (SystemVerification reads its version, KubeletVersion), IP forwarding is off on this
# shared machine (the bootstrap turns it on on a node: prepare_kernel), and the
# control-plane ports may be held by another real-system test on the same machine
# (test-kubeadm-live's load balancer listens on 6443) while a dry run binds none.
# Every other check stays fatal.
IGNORED_PREFLIGHT=CRI,ContainerRuntimeVersion,SystemVerification,KubeletVersion,FileContent--proc-sys-net-ipv4-ip_forward
IGNORED_PREFLIGHT+=,Port-6443,Port-10250,Port-10257,Port-10259,Port-2379,Port-2380

passed=0 failed=0
check() {
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "  FAIL $what"
  fi
}
has() { grep -qE -- "$2" "$1"; }
lacks() { ! grep -qE -- "$2" "$1"; }

# render OUT ROLE CLOUD COUNT INDEX: bootstrap.sh's dry run for one node.
API_HOST=api.kops-test.example
API_ENDPOINT=$API_HOST:6443
render() {
  local out=$1 role=$2 cloud=$3 count=$4 index=$5 members="" i volumes=""
  for ((i = 0; i < count; i++)); do members+="${members:+,}cp-$i"; done
  case $cloud in
  aws) volumes="main=vol-0abc$index,events=vol-0def$index" ;;
  gcp) volumes="main=etcd-main-cp-$index" ;;
  local) volumes="main=$work/volumes/cp-$index" ;;
  esac
  env -i PATH="$PATH" HOME="$HOME" \
    CB_ROLE="$role" CB_CLUSTER_NAME=kops-test CB_MEMBER_NAME="cp-$index" CB_CONTROL_PLANE_MEMBERS="$members" \
    CB_ZONE="zone-$((index % 3))" CB_API_ENDPOINT="$API_ENDPOINT" CB_KUBERNETES_VERSION=1.35 \
    CB_STORE=dir CB_STORE_PATH="$work/store" CB_CLOUD="$cloud" CB_ETCD_VOLUMES="$volumes" \
    CB_REGION=us-east-1 CB_INSTALL=false CB_DRY_RUN=true CB_OUT="$out" CB_NODE_IP="10.0.$((index % 3)).$((10 + index))" \
    "$bootstrap" 2>>"$work/render.log"
}

# check_init_manifests DIR MEMBER ZONE CLOUD INDEX OUT: kubeadm init --dry-run's output.
check_init_manifests() {
  local dir=$1 member=$2 zone=$3 cloud=$4 index=$5 out=$6 etcd=$1/etcd.yaml api=$1/kube-apiserver.yaml
  local data_dir=/var/lib/clusterbench/etcd-main/data apiserver_dir=/etc/kubernetes/clusterbench/apiserver
  [[ $cloud == local ]] && data_dir=$work/volumes/cp-$index/data
  local conf=$out$apiserver_dir
  check "$member etcd: client TLS" has "$etcd" '--cert-file=/etc/kubernetes/pki/etcd/server.crt'
  check "$member etcd: client certificate auth" has "$etcd" '--client-cert-auth=true'
  check "$member etcd: client CA" has "$etcd" '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt'
  check "$member etcd: clients only over https" lacks "$etcd" '--listen-client-urls=.*http://'
  check "$member etcd: peer TLS" has "$etcd" '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt'
  check "$member etcd: peer certificate auth" has "$etcd" '--peer-client-cert-auth=true'
  check "$member etcd: peer CA" has "$etcd" '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt'
  check "$member etcd: peers only over https" lacks "$etcd" '--listen-peer-urls=.*http://'
  check "$member etcd: named after the member" has "$etcd" "--name=$member\$"
  check "$member etcd: data on the member's volume" has "$etcd" "--data-dir=$data_dir\$"
  check "$member apiserver: authorization Node,RBAC" has "$api" '--authorization-mode=([A-Za-z,]*,)?Node,RBAC(,|$)'
  check "$member apiserver: NodeRestriction" has "$api" '--enable-admission-plugins=([A-Za-z,]*,)?NodeRestriction(,|$)'
  check "$member apiserver: encryption config" has "$api" "--encryption-provider-config=$apiserver_dir/encryption-config.yaml\$"
  check "$member apiserver: secrets encrypted with secretbox first" \
    grep -Pzq 'resources: \[secrets\]\n    providers:\n      - secretbox:' "$conf/encryption-config.yaml"
  check "$member apiserver: audit log" has "$api" '--audit-log-path=/var/log/kubernetes/audit/audit.log$'
  check "$member apiserver: audit policy" has "$api" "--audit-policy-file=$apiserver_dir/audit-policy.yaml\$"
  check "$member apiserver: audit policy has rules" has "$conf/audit-policy.yaml" '^kind: Policy$'
  check "$member apiserver: anonymous auth never enabled by flag" lacks "$api" '--anonymous-auth=true'
  check "$member apiserver: authentication config" has "$api" "--authentication-config=$apiserver_dir/authentication-config.yaml\$"
  check "$member apiserver: anonymous only for health and cluster-info" test \
    "$(grep -- '- path:' "$conf/authentication-config.yaml" | awk '{print $3}' | sort | paste -sd' ')" \
    = "/api/v1/namespaces/kube-public/configmaps/cluster-info /healthz /livez /readyz"
  check "$member apiserver: its files are mounted (read-only)" \
    grep -Pzq "mountPath: $apiserver_dir\n      name: clusterbench-apiserver\n      readOnly: true" "$api"
  check "$member apiserver: profiling off" has "$api" '--profiling=false$'
  check "$member kubeconfigs: the load balancer is the endpoint" has "$dir/admin.conf" "server: https://$API_ENDPOINT\$"
  # (kubelet.conf on a control-plane node points at its own API server, by kubeadm's design.)
  check "$member uploaded ClusterConfiguration: controlPlaneEndpoint" has "$out/init.log" "^    controlPlaneEndpoint: $API_ENDPOINT\$"
  check "$member cluster-info (join discovery): the load balancer" \
    grep -Pzq "server: https://$API_ENDPOINT\n[^\n]*\n[^\n]*\n[^\n]*\n[^\n]*\n[^\n]*\n[^\n]*\n[^\n]*\n  name: cluster-info" "$out/init.log"
  check "$member serving certificate: names the load balancer" \
    grep -q "DNS:$API_HOST" <(openssl x509 -in "$dir/apiserver.crt" -noout -ext subjectAltName)
  check "$member kubelet: zone label" has "$dir/kubeadm-flags.env" "--node-labels=topology.kubernetes.io/zone=$zone( |\")"
  check "$member kubelet: named after the member" has "$dir/kubeadm-flags.env" "--hostname-override=$member( |\")"
}

# check_apiserver_files DIR MEMBER: apiservercheck's checks, each counted.
check_apiserver_files() {
  local output rc=0
  output=$("$work/apiservercheck" "$1" 2>&1) || rc=$?
  passed=$((passed + $(grep -c '^  ok ' <<<"$output" || true)))
  failed=$((failed + $(grep -c '^  FAIL ' <<<"$output" || true)))
  grep '^  FAIL ' <<<"$output" | sed "s/^  FAIL /  FAIL $2 /" || true
  if [[ $rc -ne 0 ]] && ! grep -q '^  FAIL ' <<<"$output"; then
    failed=$((failed + 1))
    echo "  FAIL $2 apiservercheck: $output"
  fi
}

# scenario CLOUD COUNT: every member of a COUNT-member cluster and a worker.
scenario() {
  local cloud=$1 count=$2 t0=$SECONDS index member out dry
  for ((index = 0; index < count; index++)); do
    member=cp-$index
    out=$work/$cloud-$count/$member
    check "$member renders ($cloud, $count members)" render "$out" control-plane "$cloud" "$count" "$index"
    local init=$out/etc/kubernetes/clusterbench/kubeadm-init.yaml join=$out/etc/kubernetes/clusterbench/kubeadm-join.yaml
    check "$member init configuration valid" kubeadm config validate --config "$init" >/dev/null
    check "$member join configuration valid" kubeadm config validate --config "$join" >/dev/null
    check "$member init: controlPlaneEndpoint is the load balancer" has "$init" "^controlPlaneEndpoint: $API_ENDPOINT\$"
    check "$member join: discovery through the load balancer" has "$join" "apiServerEndpoint: $API_ENDPOINT\$"
    check "$member join: as control plane, with the certificate key" has "$join" '^  certificateKey: "[0-9a-f]{64}"$'
    check_apiserver_files "$out/etc/kubernetes/clusterbench/apiserver" "$member"
    dry=$out/init-dry-run
    mkdir -p "$dry"
    if KUBEADM_INIT_DRYRUN_DIR=$dry kubeadm init --dry-run --config "$init" \
      --ignore-preflight-errors="$IGNORED_PREFLIGHT" >"$out/init.log" 2>&1; then
      passed=$((passed + 1))
      check_init_manifests "$dry" "$member" "zone-$((index % 3))" "$cloud" "$index" "$out"
    else
      failed=$((failed + 1))
      echo "  FAIL $member kubeadm init --dry-run:"
      tail -5 "$out/init.log" | sed 's/^/       /'
    fi
    dry=$out/join-dry-run
    mkdir -p "$dry"
    check "$member kubeadm join --dry-run (control plane)" env KUBEADM_JOIN_DRYRUN_DIR="$dry" \
      kubeadm join --dry-run --config "$join" --ignore-preflight-errors="$IGNORED_PREFLIGHT" >"$out/join.log" 2>&1
    check "$member join: zone label" has "$dry/kubeadm-flags.env" "--node-labels=topology.kubernetes.io/zone=zone-$((index % 3))"
  done

  out=$work/$cloud-$count/worker
  check "worker renders ($cloud, $count members)" render "$out" worker "$cloud" "$count" 1
  join=$out/etc/kubernetes/clusterbench/kubeadm-join.yaml
  check "worker join configuration valid" kubeadm config validate --config "$join" >/dev/null
  check "worker join: discovery through the load balancer" has "$join" "apiServerEndpoint: $API_ENDPOINT\$"
  check "worker join: not as control plane" lacks "$join" 'controlPlane:|certificateKey'
  check "worker: no init configuration, no API server files" test ! -e "$out/etc/kubernetes/clusterbench/kubeadm-init.yaml" -a ! -e "$out/etc/kubernetes/clusterbench/apiserver"
  dry=$out/join-dry-run
  mkdir -p "$dry"
  check "worker kubeadm join --dry-run" env KUBEADM_JOIN_DRYRUN_DIR="$dry" \
    kubeadm join --dry-run --config "$join" --ignore-preflight-errors="$IGNORED_PREFLIGHT" >"$out/join.log" 2>&1
  check "worker join: zone label" has "$dry/kubeadm-flags.env" '--node-labels=topology.kubernetes.io/zone=zone-1'
  check "worker join: no control-plane manifests" test ! -e "$dry/kube-apiserver.yaml"
  echo "  $cloud, $count members + worker: $((SECONDS - t0)) s"
}

# The init election: 5 members race for the lock in the `dir` store at once.
election() {
  local t0=$SECONDS store=$work/election i
  local -a pids=()
  for i in 0 1 2 3 4; do
    env -i PATH="$PATH" CB_ROLE=control-plane CB_CLUSTER_NAME=kops-test CB_MEMBER_NAME="cp-$i" \
      CB_CONTROL_PLANE_MEMBERS=cp-0,cp-1,cp-2,cp-3,cp-4 CB_ZONE=zone-a CB_API_ENDPOINT="$API_ENDPOINT" \
      CB_KUBERNETES_VERSION=1.35 CB_STORE=dir CB_STORE_PATH="$store" CB_CLOUD=local \
      "$bootstrap" elect >"$work/elect-$i" 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"
  check "election: exactly one of 5 concurrent members inits" test "$(cat "$work"/elect-* | grep -c '^init$')" = 1
  check "election: the other 4 join" test "$(cat "$work"/elect-* | grep -c '^join$')" = 4
  local winner
  winner=$(grep -l '^init$' "$work"/elect-* | sed 's/.*elect-/cp-/')
  check "election: the lock names the winner" test "$(cat "$store/lock")" = "$winner"
  elect_as() { env -i PATH="$PATH" CB_ROLE=control-plane CB_CLUSTER_NAME=kops-test CB_MEMBER_NAME="$1" \
    CB_CONTROL_PLANE_MEMBERS=cp-0,cp-1,cp-2,cp-3,cp-4 CB_ZONE=zone-a CB_API_ENDPOINT="$API_ENDPOINT" \
    CB_KUBERNETES_VERSION=1.35 CB_STORE=dir CB_STORE_PATH="$store" CB_CLOUD=local "$bootstrap" elect 2>/dev/null; }
  check "election: the winner, rebooting before the cluster is ready, inits again" test "$(elect_as "$winner")" = init
  printf 'cbdry0.0123456789abcdef' >"$store/join-token"
  check "election: once join material exists, the winner's replacement joins" test "$(elect_as "$winner")" = join
  check "election: the lock is never overwritten" test "$(cat "$store/lock")" = "$winner"
  check "election: store values are private (0600)" test "$(stat -c %a "$store/lock")" = 600
  echo "  election: $((SECONDS - t0)) s"
}

check "bootstrap.sh carries scripts/etcd/members.sh verbatim" "$root/scripts/kubernetes/embed-members.sh" --check
check "bootstrap.sh refuses bad settings (exit 2)" test "$(
  env -i PATH="$PATH" CB_ROLE=manager "$bootstrap" >/dev/null 2>&1
  echo $?
)" = 2
election
scenario aws 1
scenario aws 3
scenario aws 5
scenario gcp 3
scenario local 1
echo "test-kubeadm: $((SECONDS - started_at)) s"
echo "$passed passed, $failed failed"
((failed == 0))
