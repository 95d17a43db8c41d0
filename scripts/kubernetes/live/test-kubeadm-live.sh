#!/usr/bin/env bash
# make test-kubeadm-live: the self-managed cluster's own bootstrap
# (scripts/kubernetes/bootstrap.sh, the file the cloud members run) brings up real
# Kubernetes v1.35.4 control planes on this machine with kubeadm, real kubelets,
# containerd and etcd, and the `dir` store; the test asserts what the bootstrap promises
# and tears everything down on every path.
#
# Usage: test-kubeadm-live.sh [1|3]...   (default: 1 then 3)
#   1  one member, its own address the API endpoint: the API answers on 6443, anonymous
#      requests are refused (but cluster-info), RBAC denies an identity without roles, a
#      ConfigMap round-trips, etcd holds a Secret encrypted (k8s:enc:secretbox:...), the
#      join material is in the store (0600), refresh-join replaces the token; the add-ons
#      (clusterbench:monitoring, clusterbench:demo) with the settings the program renders
#      for kops-aws (addons-*.env): datadog + demo at boot, then prometheus, datadog
#      again and none
#   3  three members booting at once behind a TCP load balancer (apilb): the election
#      picks one to init, the others join; the same checks on every member; then the
#      init member's instance is lost (quorum 2 of 3 keeps the API writable, secrets
#      still encrypted) and replaced (fresh instance, same name, same etcd volume: the
#      bootstrap removes the stale etcd member through the quorum and rejoins)
#
# A node is a network namespace (a veth into a private bridge, 10.215.0.0/24; the host
# does not forward, so nothing leaves the machine), a mount namespace (a private /run,
# overlays on /etc, /var/lib, /var/log and /usr/local/sbin so nothing the node writes
# reaches the host's tree, and its etcd volume directory bound at one path), a UTS
# namespace (hostname = member name) and a cgroup (every process it starts, the pods
# included, is found and killed through it). In it run Debian's containerd with the
# images build.sh packs imported (nothing is pulled) and the kubelet under
# kubelet-service.sh (no systemd). The bootstrap runs with CB_INSTALL=false (the binaries
# are there), CB_CLOUD=local, CB_STORE=dir. What the bootstrap has no setting for is
# supplied on the node's PATH (node-bin/): kubeadm init/join skip the SystemVerification
# preflight (cgroup v1 here) and init skips the CoreDNS add-on (no image); systemctl
# records calls (no systemd); curl serves a stand-in for Calico's manifest (no network).
#
# The add-ons' Helm charts come from a chart repository served on the bridge address
# (chartrepo/): no chart registry is reachable, so each chart is a stand-in of the pinned
# name and version, packaged by the real helm, whose one template records the values
# Helm was given. Helm, the API server, the Secret and the demo's objects are real.
#
# Cannot be proved here (printed at the end): Calico and pod networking, CoreDNS,
# kube-proxy's rules, cloud stores (ssm, gcp-secret), volume attachment, a cloud load
# balancer, systemd timers, the real charts (their templates and images) and the demo's
# pods running (no CNI data path, no images).
#
# Needs root. Installs containerd, runc, containernetworking-plugins, conntrack, socat,
# ethtool, iptables, busybox-static and openssl when missing; build.sh builds the rest
# once (12+ minutes cold). CB_TEST_WAIT (240) bounds every wait in seconds.
set -euo pipefail

[[ $EUID -eq 0 ]] || {
  echo "test-kubeadm-live: needs root (namespaces, containerd, kubelet)" >&2
  exit 2
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
# CB_LIVE_BOOTSTRAP: another copy of the bootstrap, to try a change before making it.
BOOTSTRAP=${CB_LIVE_BOOTSTRAP:-$REPO/scripts/kubernetes/bootstrap.sh}
TAG=cbkl$$ # bridge, namespace and cgroup prefix, unique per run
BR=$TAG
NET=10.215.0
RUN=/run/$TAG
CG=/sys/fs/cgroup/pids/$TAG
WAIT=${CB_TEST_WAIT:-240} # seconds any one condition may take
POD_CIDR=10.244.0.0/16    # not Calico's default, so the bootstrap's edit shows
ETCD_VOLUME=/var/lib/clusterbench/etcd-main # in each node: its own directory, bound there
CLUSTER=cbkl
# CB_TEST_LOGS=DIR keeps the node logs there (everything else is removed).
ROOT="" # this run's directory
T=""    # the current scenario's directory
KL=""
PASSED=0
FAILED=0
STARTED=$SECONDS
PHASE=""
PHASE_STARTED=$SECONDS
RULES=()
declare -A NODE_IP=([n1]=$NET.11 [n2]=$NET.12 [n3]=$NET.13)
declare -A NODE_ZONE=([n1]=z1 [n2]=z2 [n3]=z3)
declare -A SERVICE_PID=()
NODES=()
RESET=() # nodes kubeadm reset ran on
MEMBERS=""
ENDPOINT=""
INIT=""  # the member that won the election
KNODE="" # the member whose admin.conf and etcd client certificate the checks use
APILB_PID=""
CHART_PORT=8879
# The bootstrap applies a Calico manifest only if it has the pinned SHA-256: the stand-in's.
CALICO_STAND_IN_SHA256=$(sha256sum "$HERE/calico-stand-in.yaml" | cut -d' ' -f1)
CHARTREPO_PID=""
DATADOG_KEY=""
STOPPED=false # a require failed
WANTED=()
SANDBOX_IMAGE=""

say() { printf 'test-kubeadm-live: %s\n' "$*"; }
ok() {
  PASSED=$((PASSED + 1))
  printf '  ok    %s\n' "$*"
}
fail() {
  FAILED=$((FAILED + 1))
  printf '  FAIL  %s\n' "$*"
}
# check WHAT CMD...: one assertion.
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}
# require WHAT CMD...: an assertion the later phases depend on; stop at the first failure.
require() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else
    fail "$what"
    say "stopping: the remaining phases depend on this"
    STOPPED=true
    exit 1
  fi
}
# eventually CMD...: poll CMD until it succeeds, for at most $WAIT seconds.
eventually() {
  local until=$((SECONDS + WAIT))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < until)) || return 1
    sleep 1
  done
}
# eventually_output CMD...: CMD's output once it succeeds with some (empty after $WAIT s).
eventually_output() {
  local until=$((SECONDS + WAIT)) out
  while :; do
    if out=$("$@" 2>/dev/null) && [[ -n $out ]]; then
      printf '%s' "$out"
      return 0
    fi
    ((SECONDS < until)) || return 0
    sleep 1
  done
}
# phase NAME: ends the current phase (printing its time) and starts NAME.
phase() {
  [[ -z $PHASE ]] || say "phase $PHASE: $((SECONDS - PHASE_STARTED)) s"
  PHASE=$1
  PHASE_STARTED=$SECONDS
  [[ -z $PHASE ]] || say "phase $PHASE"
}

install_missing() {
  local want=() p
  for p in containerd runc containernetworking-plugins conntrack socat ethtool iptables busybox-static openssl; do
    dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || want+=("$p")
  done
  ((${#want[@]} == 0)) && return 0
  say "installing ${want[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}" >/dev/null
}

add_rule() {
  iptables -I "$@"
  RULES+=("$*")
}

network_up() {
  ! ip route | grep -q "^$NET\.0/24" || {
    say "$NET.0/24 is already routed on this machine (another run?)"
    exit 1
  }
  ip link add "$BR" type bridge
  ip addr add "$NET.1/24" dev "$BR"
  ip link set "$BR" up
  # Bridged node traffic passes (the FORWARD policy may be DROP); nothing leaves.
  add_rule FORWARD -i "$BR" -o "$BR" -j ACCEPT
  add_rule FORWARD -i "$BR" ! -o "$BR" -j DROP
}

# in_node NAME CMD...: runs CMD in the node's namespaces and cgroup with the node's PATH.
in_node() { (node_exec "$@"); }
# node_exec NAME CMD...: in_node replacing the calling (sub)shell, so that `node_exec ... &`
# leaves $! the PID of CMD itself.
node_exec() {
  local n=$1
  shift
  echo "$BASHPID" >"$CG/$n/cgroup.procs"
  exec nsenter --net="/run/netns/$TAG-$n" --mount="$RUN/$n.mnt" --uts="$RUN/$n.uts" \
    env PATH="$HERE/node-bin:$KL/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    CB_LIVE_KUBEADM="$KL/bin/kubeadm" CB_LIVE_SYSTEMCTL_LOG="$T/$n/systemctl.log" \
    CB_LIVE_CALICO_MANIFEST="$HERE/calico-stand-in.yaml" "$@"
}

# cgroup_up NAME: the node's cgroup in every hierarchy (the kubelet's cgroup root must
# exist in all of them; cpuset children start without CPUs and memory nodes).
cgroup_up() {
  local n=$1 h
  for h in /sys/fs/cgroup/*/; do
    [[ -e $h/cgroup.procs && $h != */unified/ ]] || continue
    mkdir -p "$h$TAG/$n"
    if [[ -e $h/cpuset.cpus ]]; then
      cat "$h/cpuset.cpus" >"$h$TAG/cpuset.cpus"
      cat "$h/cpuset.mems" >"$h$TAG/cpuset.mems"
      cat "$h/cpuset.cpus" >"$h$TAG/$n/cpuset.cpus"
      cat "$h/cpuset.mems" >"$h$TAG/$n/cpuset.mems"
    fi
  done
}

# node_up NAME: namespaces, filesystem, containerd with the images, the kubelet service.
node_up() {
  local n=$1 dir=$T/$1 ns=$TAG-$1 d
  mkdir -p "$dir" "$T/volumes/$n"
  cgroup_up "$n"
  ip netns add "$ns"
  ip link add "$TAG$n" type veth peer name eth0 netns "$ns"
  ip link set "$TAG$n" master "$BR" up
  ip -n "$ns" addr add "${NODE_IP[$n]}/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" route add default via "$NET.1"
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 # kubeadm's preflight; per namespace
  touch "$RUN/$n.mnt" "$RUN/$n.uts"
  unshare --mount="$RUN/$n.mnt" --uts="$RUN/$n.uts" --propagation private hostname "$n"
  local mounts="mount -t tmpfs -o mode=755 tmpfs /run"
  for d in /etc /var/lib /var/log /usr/local/sbin; do
    mkdir -p "$dir/fs$d/upper" "$dir/fs$d/work"
    mounts+=" && mount -t overlay overlay -o lowerdir=$d,upperdir=$dir/fs$d/upper,workdir=$dir/fs$d/work $d"
  done
  # The member's etcd "volume", at the same path on every member: a joining member runs
  # etcd with the cluster's ClusterConfiguration, whose dataDir is the init member's.
  mounts+=" && mkdir -p $ETCD_VOLUME && mount --bind $T/volumes/$n $ETCD_VOLUME"
  in_node "$n" sh -c "$mounts"
  # Members find each other by name without DNS.
  for d in "${!NODE_IP[@]}"; do echo "${NODE_IP[$d]} $d"; done >"$dir/hosts"
  in_node "$n" sh -c "cat $dir/hosts >>/etc/hosts"
  sed -e "s|@ROOT@|$dir/containerd|g" -e "s|@SANDBOX_IMAGE@|$SANDBOX_IMAGE|" "$HERE/containerd.toml" >"$dir/containerd.toml"
  node_exec "$n" containerd --config "$dir/containerd.toml" >>"$dir/containerd.log" 2>&1 &
  SERVICE_PID[$n-containerd]=$!
  disown # stopped by PID (node_down), not reported by the shell when killed
  eventually in_node "$n" ctr --address /run/containerd/containerd.sock version || {
    fail "containerd on $n did not start; log: $dir/containerd.log"
    tail -5 "$dir/containerd.log"
    exit 1
  }
  local archive want
  for archive in "$KL"/images/*.tar; do
    in_node "$n" ctr -n k8s.io images import "$archive" >/dev/null
  done
  # The names the bootstrap's configuration asks for (kubeadm config images list).
  for want in "${WANTED[@]}"; do
    [[ $want == "registry.local/${want##*/}" ]] ||
      in_node "$n" ctr -n k8s.io images tag --force "registry.local/${want##*/}" "$want" >/dev/null
  done
  node_exec "$n" "$HERE/kubelet-service.sh" "/$TAG/$n" >>"$dir/kubelet.log" 2>&1 &
  SERVICE_PID[$n-kubelet]=$!
  disown
}

node_pids() { find "$CG/$1" -name cgroup.procs -exec cat {} + 2>/dev/null; }

# stop_pid PID SECONDS: SIGTERM, then waits for PID to exit.
stop_pid() {
  local until=$((SECONDS + $2))
  kill -TERM "$1" 2>/dev/null || return 0
  while kill -0 "$1" 2>/dev/null && ((SECONDS < until)); do sleep 0.2; done
}

# node_down NAME: the kubelet service stopped, `kubeadm reset`, containerd stopped, then
# whatever is left in the node's cgroup killed, and its namespaces released.
node_down() {
  local n=$1 p until
  [[ -d $CG/$n ]] || return 0
  [[ -z ${SERVICE_PID[$n-kubelet]:-} ]] || stop_pid "${SERVICE_PID[$n-kubelet]}" 30
  if [[ -e $RUN/$n.mnt ]] && [[ -n ${SERVICE_PID[$n-containerd]:-} ]]; then
    RESET+=("$n")
    in_node "$n" timeout 180 kubeadm reset --force >>"$T/$n/reset.log" 2>&1 ||
      say "kubeadm reset on $n failed (log: $T/$n/reset.log)"
  fi
  [[ -z ${SERVICE_PID[$n-containerd]:-} ]] || stop_pid "${SERVICE_PID[$n-containerd]}" 30
  unset "SERVICE_PID[$n-kubelet]" "SERVICE_PID[$n-containerd]"
  for p in $(node_pids "$n"); do kill -KILL "$p" 2>/dev/null || true; done
  until=$((SECONDS + 30))
  while [[ -n $(node_pids "$n") ]] && ((SECONDS < until)); do sleep 0.2; done
  [[ -z $(node_pids "$n") ]] || say "processes left in node $n: $(node_pids "$n" | tr '\n' ' ')"
  umount "$RUN/$n.mnt" "$RUN/$n.uts" 2>/dev/null || true
  rm -f "$RUN/$n.mnt" "$RUN/$n.uts"
  ip link del "$TAG$n" 2>/dev/null || true
  ip netns del "$TAG-$n" 2>/dev/null || true
}

# scenario_teardown: every node of the scenario down (kubeadm reset where it is alive),
# the load balancer stopped, and what must be gone checked.
scenario_teardown() {
  local n r
  [[ -n $T ]] || return 0
  phase "teardown (${#NODES[@]} member$( ((${#NODES[@]} == 1)) || echo s))"
  for n in "${!NODE_IP[@]}"; do node_down "$n"; done
  [[ -z $APILB_PID ]] || stop_pid "$APILB_PID" 10
  APILB_PID=""
  for n in "${RESET[@]}"; do
    check "kubeadm reset on $n removed its static pod manifests" \
      test -z "$(ls -A "$T/$n/fs/etc/upper/kubernetes/manifests" 2>/dev/null)"
  done
  RESET=()
  check "no process left in the nodes' cgroups" test -z "$(find "$CG" -name cgroup.procs -exec cat {} + 2>/dev/null)"
  if [[ -n ${CB_TEST_LOGS:-} ]]; then
    mkdir -p "$CB_TEST_LOGS"
    for n in "${!NODE_IP[@]}"; do
      for r in "$T/$n"/*.log; do [[ -e $r ]] && cp "$r" "$CB_TEST_LOGS/${T##*/}-$n-${r##*/}"; done
    done
  fi
  rm -rf "$T"
  T=""
}

nothing_left() {
  ! grep -qE "$TAG|$ROOT/" /proc/self/mountinfo && ! ip netns list | grep -q "$TAG" &&
    [[ -z $(find /sys/fs/cgroup -maxdepth 2 -name "$TAG") ]] && ! ip link show "$BR" >/dev/null 2>&1
}

cleanup() {
  local rc=$? r
  set +e
  trap - EXIT INT TERM
  $STOPPED || ((rc == 0)) || fail "stopped by an unexpected error (exit $rc) in phase $PHASE"
  scenario_teardown
  [[ -z $CHARTREPO_PID ]] || stop_pid "$CHARTREPO_PID" 10
  find /sys/fs/cgroup -depth -type d \( -path "*/$TAG" -o -path "*/$TAG/*" \) -exec rmdir {} + 2>/dev/null
  ip link del "$BR" 2>/dev/null
  for r in "${RULES[@]}"; do
    # shellcheck disable=SC2086 # a rule is its words
    iptables -D $r
  done
  umount "$RUN" 2>/dev/null && rmdir "$RUN"
  check "no mount, namespace, link or cgroup of this run is left" nothing_left
  [[ -z $ROOT ]] || rm -rf "$ROOT"
  phase ""
  say "not proved here: Calico and pod networking, CoreDNS, kube-proxy's rules, cloud stores (ssm, gcp-secret), volume attachment, a cloud load balancer, systemd timers, the real monitoring charts, the demo's pods running"
  say "total $((SECONDS - STARTED)) s"
  echo "$PASSED passed, $FAILED failed"
  if ((rc == 0 && FAILED > 0)); then rc=1; fi
  exit "$rc"
}

# bootstrap NAME [COMMAND]: the project's bootstrap on the node, as its user data runs it.
bootstrap() {
  local n=$1
  in_node "$n" env CB_ROLE=control-plane CB_CLUSTER_NAME="$CLUSTER" CB_MEMBER_NAME="$n" \
    CB_CONTROL_PLANE_MEMBERS="$MEMBERS" CB_ZONE="${NODE_ZONE[$n]}" CB_API_ENDPOINT="$ENDPOINT" \
    CB_KUBERNETES_VERSION=1.35 CB_POD_CIDR="$POD_CIDR" CB_STORE=dir CB_STORE_PATH="$T/store" \
    CB_CLOUD=local CB_ETCD_VOLUMES="main=$ETCD_VOLUME" CB_INSTALL=false CB_NODE_IP="${NODE_IP[$n]}" \
    CB_CALICO_SHA256="$CALICO_STAND_IN_SHA256" CB_JOIN_WAIT_SECONDS="$WAIT" timeout 900 bash "$BOOTSTRAP" "${2:-bootstrap}"
}

# wanted_images: the images the bootstrap's rendered configuration asks for, from its own
# dry run (CoreDNS left out: its add-on is skipped).
wanted_images() {
  CB_DRY_RUN=true CB_OUT="$T/dry-run" CB_ROLE=control-plane CB_CLUSTER_NAME="$CLUSTER" \
    CB_MEMBER_NAME=n1 CB_CONTROL_PLANE_MEMBERS="$MEMBERS" CB_ZONE=z1 CB_API_ENDPOINT="$ENDPOINT" \
    CB_KUBERNETES_VERSION=1.35 CB_STORE=dir CB_STORE_PATH="$T/store" CB_CLOUD=local \
    CB_NODE_IP="${NODE_IP[n1]}" PATH="$KL/bin:$PATH" bash "$BOOTSTRAP" 2>/dev/null
  "$KL/bin/kubeadm" config images list --config "$T/dry-run/etc/kubernetes/clusterbench/kubeadm-init.yaml" 2>/dev/null |
    grep -v /coredns
}

# ---- assertions --------------------------------------------------------------------------
admin_conf() { echo "$T/$1/fs/etc/upper/kubernetes/admin.conf"; }
k() { "$KL/bin/kubectl" --kubeconfig "$(admin_conf "$KNODE")" --request-timeout=20s "$@"; }
# answers URL CODE: an anonymous request for URL gets the HTTP status CODE.
answers() { [[ $(curl -sk -o /dev/null -w '%{http_code}' --max-time 10 "$1") == "$2" ]]; }
pki() { echo "$T/$1/fs/etc/upper/kubernetes/pki"; }
# etcd_raw NODE KEY: the raw value etcd holds for KEY (NULs dropped), read with the API
# server's client certificate.
etcd_raw() {
  "$KL/bin/etcdctl" --endpoints "https://${NODE_IP[$1]}:2379" --cacert "$(pki "$1")/etcd/ca.crt" \
    --cert "$(pki "$1")/apiserver-etcd-client.crt" --key "$(pki "$1")/apiserver-etcd-client.key" \
    --dial-timeout=5s --command-timeout=10s get "$2" --print-value-only | head -c 65536 | tr -d '\0'
}
ca_hash() {
  echo "sha256:$(openssl x509 -pubkey -noout -in "$(pki "$INIT")/ca.crt" | openssl pkey -pubin -outform der 2>/dev/null |
    openssl dgst -sha256 -hex | sed 's/^.* //')"
}
# like VALUE PATTERN: VALUE matches the glob PATTERN; unlike: it does not.
# shellcheck disable=SC2053 # a glob on purpose
like() { [[ $1 == $2 ]]; }
# shellcheck disable=SC2053
unlike() { [[ $1 != $2 ]]; }
matches() { [[ $1 =~ $2 ]]; }

api_ready() { [[ $(curl -sk --max-time 5 "https://$1:6443/readyz") == ok ]]; }
pod_running() { [[ $(k get pod -n kube-system "$1" -o 'jsonpath={.status.phase}') == Running ]]; }
forbidden_without_roles() {
  local out
  out=$(k get secrets -n kube-system --as=clusterbench-live-nobody 2>&1) && return 1
  grep -q Forbidden <<<"$out" || {
    echo "        kubectl said: $out"
    return 1
  }
}
node_in_zone() { [[ $(k get node "$1" -o 'jsonpath={.metadata.labels.topology\.kubernetes\.io/zone}') == "$2" ]]; }
# audited_create RESOURCE NAME: an API server's audit log (any member's: the load balancer
# picks one) records the creation.
audited_create() {
  local n
  for n in "${NODES[@]}"; do
    grep -q "\"verb\":\"create\".*\"resource\":\"$1\".*\"name\":\"$2\"" \
      "$T/$n/fs/var/log/upper/kubernetes/audit/audit.log" 2>/dev/null && return 0
  done
  return 1
}
data_kept_aside() { compgen -G "$T/volumes/$1/data.stale-*/member" >/dev/null; }
store_value() { cat "$T/store/$1" 2>/dev/null || true; }
store_mode_600() { [[ $(stat -c %a "$T/store/$1") == 600 ]]; }
# token_live TOKEN: the cluster holds the bootstrap token (its Secret has TOKEN's secret).
token_live() {
  [[ $1 =~ ^([a-z0-9]{6})\.([a-z0-9]{16})$ ]] &&
    [[ $(k get secret -n kube-system "bootstrap-token-${BASH_REMATCH[1]}" -o 'jsonpath={.data.token-secret}' | base64 -d) == "${BASH_REMATCH[2]}" ]]
}
# configmap_round_trips NAME VALUE, secret_round_trips NAME VALUE: written (or already
# there from an earlier attempt) and read back.
configmap_round_trips() {
  k create configmap "$1" --from-literal=v="$2" >/dev/null 2>&1 || k get configmap "$1" >/dev/null
  [[ $(k get configmap "$1" -o 'jsonpath={.data.v}') == "$2" ]]
}
secret_round_trips() {
  k create secret generic "$1" --from-literal=password="$2" >/dev/null 2>&1 || k get secret "$1" >/dev/null
  [[ $(k get secret "$1" -o 'jsonpath={.data.password}' | base64 -d) == "$2" ]]
}
encryption_key_in_use() {
  [[ $(base64 -d <"$T/store/encryption-key" | wc -c) == 32 ]] &&
    grep -qF "secret: $(cat "$T/store/encryption-key")" "$T/$INIT/fs/etc/upper/kubernetes/clusterbench/apiserver/encryption-config.yaml"
}
cni_pool_set() {
  local env
  env=$(k get configmap -n kube-system clusterbench-live-calico-stand-in -o 'jsonpath={.data.calico-node-env}') &&
    grep -qx -- '- name: CALICO_IPV4POOL_CIDR' <<<"$env" && grep -qxF "  value: \"$POD_CIDR\"" <<<"$env"
}
# timer_enabled NODE NAME: the bootstrap wrote clusterbench-NAME.timer and enabled it.
timer_enabled() {
  [[ -f $T/$1/fs/etc/upper/systemd/system/clusterbench-$2.timer ]] &&
    grep -qE "^enable --now( [a-z.-]+)* clusterbench-$2\.timer( |$)" "$T/$1/systemctl.log"
}

check_control_plane() {
  local n=$1 ip=${NODE_IP[$1]} p
  require "the API answers on $ip:6443 (/readyz)" eventually api_ready "$ip"
  check "an unauthenticated request is refused (401)" \
    eventually answers "https://$ip:6443/api/v1/namespaces/kube-system/secrets" 401
  check "anonymous may read only what join needs: kube-public/cluster-info (200)" \
    eventually answers "https://$ip:6443/api/v1/namespaces/kube-public/configmaps/cluster-info" 200
  check "RBAC denies an identity without roles (403 on secrets)" eventually forbidden_without_roles
  for p in etcd kube-apiserver kube-controller-manager kube-scheduler; do
    check "static pod $p-$n is running" eventually pod_running "$p-$n"
  done
  check "node $n is registered with its zone label" eventually node_in_zone "$n" "${NODE_ZONE[$n]}"
}

# check_round_trips WHEN NAME: a ConfigMap and a Secret called NAME through the API, and
# how etcd (read through $KNODE) holds them. Each read is retried (a member may be busy),
# never the verdict on what was read.
check_round_trips() {
  local value=cbkl-$RANDOM-$RANDOM secret=cbkl-secret-$RANDOM$RANDOM raw
  check "$1: a ConfigMap round-trips through the API" eventually configmap_round_trips "$2" "$value"
  require "$1: a Secret is written and read back in plain text through the API" eventually secret_round_trips "$2" "$secret"
  raw=$(eventually_output etcd_raw "$KNODE" "/registry/secrets/default/$2")
  check "$1: etcd holds the Secret encrypted (k8s:enc:secretbox:v1:key1:)" like "$raw" 'k8s:enc:secretbox:v1:key1:*'
  check "$1: the Secret's value is not in etcd in plain text" unlike "$raw" "*$secret*"
  raw=$(eventually_output etcd_raw "$KNODE" "/registry/configmaps/default/$2")
  check "$1: the raw read tells them apart: a ConfigMap is stored in plain protobuf (k8s...)" \
    like "$raw" "k8s[!:]*$value*"
  check "$1: the audit log records the ConfigMap's creation" eventually audited_create configmaps "$2"
}

check_store() {
  local key
  check "store: lock names the member that ran init ($INIT)" grep -q "kubeadm init (this member won" "$T/$INIT/bootstrap.log"
  check "store: ca-cert-hash is the hash of the cluster CA's public key" test "$(store_value ca-cert-hash)" = "$(ca_hash)"
  check "store: join-token is a bootstrap token" matches "$(store_value join-token)" '^[a-z0-9]{6}\.[a-z0-9]{16}$'
  check "store: join-token is live in the cluster" eventually token_live "$(store_value join-token)"
  check "no join token, certificate key or encryption key in the bootstrap's output" no_join_material_in_logs
  check "store: certificate-key is a 32-byte hex key" grep -qxE '[0-9a-f]{64}' "$T/store/certificate-key"
  check "store: encryption-key is the API server's secretbox key" encryption_key_in_use
  check "store: admin-kubeconfig is the init member's admin.conf (what kubeconfigCommand fetches)" \
    test "$(store_value admin-kubeconfig)" = "$(cat "$(admin_conf "$INIT")")"
  for key in "${NODES[@]}"; do
    check "store: etcd-$key is $key's etcd client URL" test "$(cat "$T/store/etcd-$key" 2>/dev/null)" = "https://${NODE_IP[$key]}:2379"
  done
  for key in lock ca-cert-hash join-token certificate-key encryption-key admin-kubeconfig "${NODES[@]/#/etcd-}"; do
    check "store: $key is readable by its owner only (0600)" store_mode_600 "$key"
  done
}

check_bootstrap_extras() {
  check "the CNI manifest was applied with the pool set to the pod CIDR" eventually cni_pool_set
  local n
  for n in "${NODES[@]}"; do
    check "$n: the join-material refresh timer was installed and enabled" timer_enabled "$n" refresh-join
    check "$n: the add-ons timer was installed and enabled" timer_enabled "$n" addons
  done
}

# no_join_material_in_logs: the bootstrap promises that join material never appears in
# logs (on a cloud node its output lands in the cloud-init log and the serial console).
no_join_material_in_logs() {
  local n secret found=0
  for secret in "$(store_value join-token)" "$(store_value certificate-key)" "$(store_value encryption-key)"; do
    [[ -n $secret ]] || continue
    for n in "${NODES[@]}"; do
      if grep -qF -- "$secret" "$T/$n/bootstrap.log"; then
        echo "        $n's bootstrap output holds a stored secret (${secret:0:6}...)"
        found=1
      fi
    done
  done
  return "$found"
}

# The demo service's manifests (components/monitoring/kubernetes/demo.yaml), as the
# managed stacks apply them (the self-managed bootstrap's own variant is applied for real
# by the add-ons phase): the API server accepts them in a server-side dry run (schema,
# defaulting, admission), and Pod Security admission finds their pods within the
# namespace's "restricted" level. They go into a namespace of their own (demo-managed:
# the bootstrap has made "demo" already), created for real (a dry-run namespace would not
# exist for the objects in it). No pod runs: the demo's image is not here, and this
# control plane has no CNI data path or cloud load balancer.
DEMO_MANIFESTS=$HERE/../../../components/monitoring/kubernetes/demo.yaml
managed_demo() { sed -e 's/^  name: demo$/  name: demo-managed/' -e 's/^  namespace: demo$/  namespace: demo-managed/' "$DEMO_MANIFESTS"; }
demo_namespace() { managed_demo | awk 'BEGIN { RS = "\n---\n" } NR == 1' | k apply -f - >/dev/null; }
demo_dry_run() {
  local out
  out=$(managed_demo | k apply --dry-run=server -f - 2>&1) || {
    echo "        kubectl said: ${out:0:400}"
    return 1
  }
  DEMO_DRY_RUN=$out
}
demo_object_accepted() { grep -qx "$1 (server dry run)" <<<"$DEMO_DRY_RUN"; }
demo_restricted() { ! grep -qi 'would violate PodSecurity' <<<"$DEMO_DRY_RUN"; }
check_demo_manifests() {
  require "the demo's namespace is created (pod security: restricted)" demo_namespace
  check "the API server accepts the demo's manifests in a server-side dry run" demo_dry_run
  local obj
  for obj in deployment.apps/backend deployment.apps/web service/backend service/web \
    poddisruptionbudget.policy/backend poddisruptionbudget.policy/web; do
    check "dry run: $obj created" demo_object_accepted "$obj created"
  done
  check "the demo's pods meet Pod Security 'restricted' (no admission warning)" demo_restricted
}

# ---- add-ons: monitoring and the demo ------------------------------------------------------
# hh: the host's helm, its state in this run's directory; hk: against the cluster.
hh() { HELM_CACHE_HOME=$ROOT/helm/cache HELM_CONFIG_HOME=$ROOT/helm/config HELM_DATA_HOME=$ROOT/helm/data "$KL/bin/helm" "$@"; }
hk() { hh --kubeconfig "$(admin_conf "$KNODE")" "$@"; }

# chart_of NAME: "<chart> <version>" of addons-NAME.env's CB_MONITORING_CHART.
chart_of() { sed -n "s/^export CB_MONITORING_CHART='[^ ]* \(.*\)'$/\1/p" "$HERE/addons-$1.env"; }

# chart_repo_up: a stand-in chart of each pinned name and version, its one template a
# ConfigMap holding the values Helm was given, packaged and indexed by the real helm and
# served on the bridge address.
chart_repo_up() {
  local env name version dir=$ROOT/charts
  mkdir -p "$dir/repo"
  for env in prometheus datadog; do
    read -r name version <<<"$(chart_of "$env")"
    [[ -n $name && -n $version ]] || return 1
    mkdir -p "$dir/src/$name/templates"
    printf 'apiVersion: v2\nname: %s\nversion: %s\ndescription: stand-in for the pinned %s chart (make test-kubeadm-live)\n' \
      "$name" "$version" "$name" >"$dir/src/$name/Chart.yaml"
    cat >"$dir/src/$name/templates/values.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: clusterbench-live-values-{{ .Release.Name }}
data:
  values: {{ toJson .Values | quote }}
EOF
    hh package "$dir/src/$name" -d "$dir/repo" >/dev/null || return 1
  done
  hh repo index "$dir/repo" --url "http://$NET.1:$CHART_PORT" || return 1
  "$KL/bin/chartrepo" "$NET.1:$CHART_PORT" "$dir/repo" >>"$ROOT/chartrepo.log" 2>&1 &
  CHARTREPO_PID=$!
  disown
  eventually curl -sf --max-time 2 "http://$NET.1:$CHART_PORT/index.yaml"
}

# addon_env NAME: exports the member settings of addons-NAME.env (what the program renders
# for kops-aws; a Go test keeps the file current), the chart repository this test's.
addon_env() {
  addon_env_unset # exactly the file's settings, as a node's user data holds them
  # shellcheck source=/dev/null
  source "$HERE/addons-$1.env"
  export CB_MONITORING_CHART="http://$NET.1:$CHART_PORT ${CB_MONITORING_CHART#* }"
}
addon_env_none() {
  export CB_MONITORING=none CB_DEMO=false CB_MONITORING_CHART='' CB_MONITORING_RELEASE='' CB_MONITORING_VALUES='' \
    CB_MONITORING_MANIFESTS='' CB_DEMO_MANIFESTS=''
}
addon_env_unset() { unset CB_MONITORING CB_DEMO CB_MONITORING_CHART CB_MONITORING_RELEASE CB_MONITORING_VALUES CB_MONITORING_MANIFESTS CB_DEMO_MANIFESTS CB_HELM_VERSION CB_HELM_SHA256; }

# datadog_key_stored: the key where Pulumi puts it (the store's datadog-api-key, 0600).
datadog_key_stored() {
  DATADOG_KEY=cbkl-dd-$RANDOM$RANDOM$RANDOM
  (umask 077 && printf '%s' "$DATADOG_KEY" >"$T/store/datadog-api-key")
}

release_deployed() {
  local meta
  meta=$(hk get metadata "$1" -n monitoring -o json 2>/dev/null) || return 1
  grep -q "\"chart\":\"$2\"" <<<"$meta" && grep -q "\"version\":\"$3\"" <<<"$meta" && grep -q '"status":"deployed"' <<<"$meta"
}
release_absent() { ! hk status "$1" -n monitoring >/dev/null 2>&1; }
no_release() { [[ -z $(hk list -n monitoring -q 2>/dev/null) ]]; }
# values_passed RELEASE: what Helm gave the chart is CB_MONITORING_VALUES.
values_passed() { [[ $(k get configmap -n monitoring "clusterbench-live-values-$1" -o 'jsonpath={.data.values}') == "$CB_MONITORING_VALUES" ]]; }
# values_name_the_secret: the chart is told to read the Secret the bootstrap wrote.
values_name_the_secret() { grep -q '"apiKeyExistingSecret":"datadog-api-key"' <<<"$CB_MONITORING_VALUES"; }
datadog_secret_holds() { [[ $(k get secret -n monitoring datadog-api-key -o 'jsonpath={.data.api-key}' | base64 -d) == "$1" ]]; }
# secret_single_copy: the Secret holds the key in its data only (server-side apply keeps
# no last-applied-configuration annotation with a second copy).
secret_single_copy() {
  local meta
  meta=$(k get secret -n monitoring datadog-api-key -o 'jsonpath={.metadata.annotations}') &&
    [[ $meta != *"$(printf '%s' "$DATADOG_KEY" | base64 -w0)"* && $meta != *"$DATADOG_KEY"* ]]
}
stamp_of() { cat "$T/$1/fs/var/lib/upper/clusterbench/addons.sha256" 2>/dev/null; }
secret_absent() { ! k get secret -n monitoring datadog-api-key >/dev/null 2>&1; }
# key_nowhere_on_node: the Datadog key is in no log and no file the node wrote.
key_nowhere_on_node() { ! grep -qrF -- "$DATADOG_KEY" "$T/$1/bootstrap.log" "$T/$1/fs"; }
object_exists() { k get "$@" >/dev/null 2>&1; }
object_absent() { ! k get "$@" >/dev/null 2>&1; }
fails() { ! "$@"; }
ours_object() { [[ $(k get "$@" -o 'jsonpath={.metadata.labels.app\.kubernetes\.io/managed-by}' 2>/dev/null) == clusterbench ]]; }
web_is_node_port() { [[ $(k get service -n demo web -o 'jsonpath={.spec.type}') == NodePort ]]; }
# going NAMESPACE: deleted, or being deleted.
going() { ! k get namespace "$1" >/dev/null 2>&1 || [[ -n $(k get namespace "$1" -o 'jsonpath={.metadata.deletionTimestamp}') ]]; }
# scrape_target_served: the scrape job in the chart's values targets the exporter's
# Service on the port it serves.
scrape_target_served() {
  local port
  port=$(k get service -n monitoring events-exporter -o 'jsonpath={.spec.ports[0].port}') &&
    grep -qF "\"targets\":[\"events-exporter.monitoring.svc:$port\"]" <<<"$CB_MONITORING_VALUES"
}
cluster_role_absent() { ! k get clusterrole clusterbench-events-exporter >/dev/null 2>&1; }
addons_logged() { bootstrap "$1" addons >>"$T/$1/addons.log" 2>&1; }

# check_addons: the member that ran init installed datadog and the demo at boot (from the
# settings scenario 1 booted with); then the settings change twice, as a new launch
# template would change them, and `bootstrap.sh addons` converges each time.
check_addons() {
  local name version obj
  check "the bootstrap converged the add-ons at boot" grep -q 'addons: converged (monitoring datadog, demo true)' "$T/$INIT/bootstrap.log"
  read -r name version <<<"$(chart_of datadog)"
  check "datadog: Helm release $CB_MONITORING_RELEASE of the pinned chart $name $version is deployed" \
    eventually release_deployed "$CB_MONITORING_RELEASE" "$name" "$version"
  check "datadog: the chart got exactly the values the program rendered" eventually values_passed "$CB_MONITORING_RELEASE"
  check "datadog: the values name the Secret (apiKeyExistingSecret), never the key" values_name_the_secret
  check "datadog: Secret monitoring/datadog-api-key holds the store's key" eventually datadog_secret_holds "$DATADOG_KEY"
  check "datadog: the key is in no log and no file on the node" key_nowhere_on_node "$INIT"
  check "datadog: the Secret keeps no second copy in an annotation" secret_single_copy
  for obj in deployment/backend deployment/web service/backend service/web poddisruptionbudget/backend poddisruptionbudget/web; do
    check "demo: $obj created in namespace demo" eventually object_exists -n demo "$obj"
  done
  check "demo: the web tier is a NodePort Service (no cloud controller manager here)" web_is_node_port
  check "demo: its namespace carries the managed-by label the removal looks for" ours_object namespace demo

  datadog_key_stored
  check "a rotated key in the store reaches the Secret on the next run" addons_logged "$INIT"
  check "the rotated Secret holds the new key" datadog_secret_holds "$DATADOG_KEY"

  addon_env prometheus
  read -r name version <<<"$(chart_of prometheus)"
  check "switch to prometheus: bootstrap.sh addons ran" addons_logged "$INIT"
  check "prometheus: Helm release $CB_MONITORING_RELEASE of the pinned chart $name $version is deployed" \
    eventually release_deployed "$CB_MONITORING_RELEASE" "$name" "$version"
  check "prometheus: the chart got exactly the values the program rendered" eventually values_passed "$CB_MONITORING_RELEASE"
  check "prometheus: the datadog release is uninstalled" release_absent datadog
  check "prometheus: the Datadog Secret is deleted" secret_absent
  check "prometheus: the events exporter is applied (Deployment, ClusterRole)" \
    eventually ours_object deployment -n monitoring events-exporter
  check "prometheus: the events exporter's ClusterRole exists" object_exists clusterrole clusterbench-events-exporter
  check "prometheus: only Prometheus may reach the exporter (NetworkPolicy)" ours_object networkpolicy -n monitoring events-exporter
  check "prometheus: the chart's scrape job targets the exporter's Service and port" scrape_target_served

  addon_env datadog
  check "back to datadog: bootstrap.sh addons ran" addons_logged "$INIT"
  check "datadog again: its release is deployed" eventually release_deployed "$CB_MONITORING_RELEASE" "$(chart_of datadog | cut -d' ' -f1)" "$(chart_of datadog | cut -d' ' -f2)"
  check "datadog again: the kube-prometheus-stack release is uninstalled" release_absent kube-prometheus-stack
  check "datadog again: the Secret holds the store's key again" eventually datadog_secret_holds "$DATADOG_KEY"
  for obj in deployment service networkpolicy configmap serviceaccount; do
    check "datadog again: the events exporter's $obj is deleted" object_absent -n monitoring "$obj" events-exporter
  done
  check "datadog again: the events exporter's ClusterRole is deleted" eventually cluster_role_absent

  addon_env_none
  check "switch to none and no demo: bootstrap.sh addons ran" addons_logged "$INIT"
  check "none: no Helm release is left" eventually no_release
  check "none: the events exporter's ClusterRole is deleted" eventually cluster_role_absent
  check "none: namespace monitoring is deleted" eventually going monitoring
  check "no demo: namespace demo is deleted" eventually going demo
  check "unchanged settings: the next run changes nothing" addons_logged "$INIT"
  check "unchanged settings: it says so" grep -q 'addons: up to date (monitoring none, demo false)' "$T/$INIT/addons.log"

  # A run that fails half-way (the API refuses an object) writes no stamp: the next run
  # tries again instead of calling a half-done cluster up to date.
  local stamp demo
  stamp=$(stamp_of "$INIT")
  # shellcheck source=/dev/null
  demo=$(source "$HERE/addons-datadog.env" && printf '%s' "$CB_DEMO_MANIFESTS")
  export CB_DEMO=true CB_DEMO_MANIFESTS=$'apiVersion: clusterbench.example/v1\nkind: NoSuchKind\nmetadata:\n  name: refused\n'
  check "a run whose apply the API refuses fails" fails addons_logged "$INIT"
  check "the failed run wrote no stamp" test "$(stamp_of "$INIT")" = "$stamp"
  check "it says why" grep -q "addons: not converged\|error: resource mapping not found\|no matches for kind" "$T/$INIT/addons.log"
  export CB_DEMO_MANIFESTS=$demo
  check "the next run, with an object the API takes, converges" addons_logged "$INIT"
  check "and says so" grep -q 'addons: converged (monitoring none, demo true)' "$T/$INIT/addons.log"
  addon_env_unset
}

check_refresh_join() {
  local before after
  before=$(store_value join-token)
  check "bootstrap.sh refresh-join ran on $KNODE" bootstrap_logged "$KNODE" refresh-join
  after=$(store_value join-token)
  check "refresh-join replaced join-token" test "$after" != "$before"
  check "the refreshed token is live in the cluster" eventually token_live "$after"
}
bootstrap_logged() { bootstrap "$@" >>"$T/$1/bootstrap.log" 2>&1; }

# etcd_healthy_count NODE...: how many of the nodes' etcd members answer a health check.
etcd_healthy_count() {
  local n count=0
  for n in "$@"; do
    "$KL/bin/etcdctl" --endpoints "https://${NODE_IP[$n]}:2379" --cacert "$(pki "$KNODE")/etcd/ca.crt" \
      --cert "$(pki "$KNODE")/apiserver-etcd-client.crt" --key "$(pki "$KNODE")/apiserver-etcd-client.key" \
      --dial-timeout=3s --command-timeout=5s endpoint health >/dev/null 2>&1 && count=$((count + 1))
  done
  echo "$count"
}
etcd_voters() {
  "$KL/bin/etcdctl" --endpoints "https://${NODE_IP[$KNODE]}:2379" --cacert "$(pki "$KNODE")/etcd/ca.crt" \
    --cert "$(pki "$KNODE")/apiserver-etcd-client.crt" --key "$(pki "$KNODE")/apiserver-etcd-client.key" \
    --dial-timeout=3s --command-timeout=5s member list -w simple 2>/dev/null | grep -c ', started, .*, false$'
}
all_etcd_voters() { [[ $(etcd_voters) == "$1" ]]; }
all_etcd_healthy() { [[ $(etcd_healthy_count "${@:2}") == "$1" ]]; }

# start_apilb: the API load balancer (three members) on the bridge address.
start_apilb() {
  local backends=() n
  for n in "${NODES[@]}"; do backends+=("${NODE_IP[$n]}:6443"); done
  "$KL/bin/apilb" "$NET.1:6443" "${backends[@]}" >>"$T/apilb.log" 2>&1 &
  APILB_PID=$!
  disown
}

# bootstrap_all: every member boots at once, as instances of a new cluster do; the
# election decides which one runs kubeadm init.
bootstrap_all() {
  local n pids=() rc
  for n in "${NODES[@]}"; do
    bootstrap_logged "$n" &
    pids+=($!)
  done
  for n in "${!pids[@]}"; do
    rc=0
    wait "${pids[n]}" || rc=$?
    if ((rc == 0)); then ok "bootstrap.sh on ${NODES[n]} finished"; else
      fail "bootstrap.sh on ${NODES[n]} failed ($rc); last lines:"
      grep -v '^.\[0;37m' "$T/${NODES[n]}/bootstrap.log" | tail -15
    fi
  done
}

# lose NAME: the member's instance is gone (every process killed, no reset, its address
# unreachable), as when a VM dies.
lose() {
  local n=$1 p
  unset "SERVICE_PID[$n-kubelet]" "SERVICE_PID[$n-containerd]"
  for p in $(node_pids "$n"); do kill -KILL "$p" 2>/dev/null || true; done
  ip link set "$TAG$n" down
}

# scenario MEMBERS: a cluster of 1 member (its own address is the API endpoint) or 3
# (behind apilb; then the loss and the replacement of the member that ran init).
scenario() {
  T=$ROOT/members-$1
  mkdir -p "$T/store"
  case $1 in
  1)
    NODES=(n1)
    ENDPOINT=${NODE_IP[n1]}:6443
    ;;
  3)
    NODES=(n1 n2 n3)
    ENDPOINT=$NET.1:6443 # apilb
    ;;
  esac
  MEMBERS=$(IFS=, && echo "${NODES[*]}")
  phase "nodes ($MEMBERS)"
  local n
  for n in "${NODES[@]}"; do
    node_up "$n"
    ok "node $n: namespaces, containerd with ${#WANTED[@]} images, kubelet service"
  done
  ((${#NODES[@]} == 1)) || start_apilb
  if ((${#NODES[@]} == 1)); then
    addon_env datadog
    datadog_key_stored
  fi

  phase "bootstrap (bootstrap.sh on ${MEMBERS}: election, kubeadm init/join, store)"
  bootstrap_all
  INIT=$(cat "$T/store/lock" 2>/dev/null || true)
  require "the election chose one member to run kubeadm init ($INIT)" test -n "$INIT" -a -d "$T/$INIT"
  KNODE=$INIT

  phase checks
  for n in "${NODES[@]}"; do check_control_plane "$n"; done
  check_round_trips "$MEMBERS up" cbkl-roundtrip
  check_store
  check_bootstrap_extras
  ((${#NODES[@]} > 1)) || check_demo_manifests
  if ((${#NODES[@]} > 1)); then
    check "etcd has ${#NODES[@]} started voting members" eventually all_etcd_voters "${#NODES[@]}"
    check "every member's etcd is healthy" eventually all_etcd_healthy "${#NODES[@]}" "${NODES[@]}"
    check "exactly one member ran kubeadm init" test "$(grep -l 'kubeadm init (this member won' "$T"/n*/bootstrap.log | wc -l)" = 1
    for n in "${NODES[@]}"; do
      [[ $n == "$INIT" ]] && continue
      check "$n leaves the add-ons to the lock holder $INIT" grep -q "addons: left to the lock holder ($INIT)" "$T/$n/bootstrap.log"
    done
  fi

  phase refresh-join
  check_refresh_join

  if ((${#NODES[@]} == 1)); then
    phase "add-ons (datadog, rotated key, prometheus, datadog, none)"
    check_addons
  fi

  ((${#NODES[@]} > 1)) || return 0
  phase "loss of $INIT (the member that ran init)"
  local lost=$INIT survivors=()
  for n in "${NODES[@]}"; do [[ $n == "$lost" ]] || survivors+=("$n"); done
  lose "$lost"
  KNODE=${survivors[0]}
  check "$lost is gone: its etcd does not answer" eventually all_etcd_healthy 0 "$lost"
  check "the other members' etcd stay healthy (quorum 2 of 3)" eventually all_etcd_healthy 2 "${survivors[@]}"
  require "the API answers through the load balancer ($ENDPOINT)" eventually api_ready "$NET.1"
  check_round_trips "$lost lost" cbkl-after-loss

  phase "replacement of $lost (a fresh instance, same name, its etcd volume reattached)"
  node_down "$lost"
  rm -rf "${T:?}/$lost"
  node_up "$lost"
  if bootstrap_logged "$lost"; then ok "bootstrap.sh on the replacement $lost finished"; else
    fail "bootstrap.sh on the replacement $lost failed; last lines:"
    grep -v '^.\[0;37m' "$T/$lost/bootstrap.log" | tail -15
  fi
  check "the replacement joined (the lock it holds is spent: the cluster is ready)" \
    grep -q 'kubeadm join as control-plane' "$T/$lost/bootstrap.log"
  check "the replacement removed its stale etcd member through the quorum" \
    grep -q "stale etcd member $lost: removed" "$T/$lost/bootstrap.log"
  check "the previous incarnation's etcd data was kept aside, not deleted" data_kept_aside "$lost"
  check "etcd has ${#NODES[@]} started voting members again" eventually all_etcd_voters "${#NODES[@]}"
  check "every member's etcd is healthy again" eventually all_etcd_healthy "${#NODES[@]}" "${NODES[@]}"
  check_control_plane "$lost"
  KNODE=$lost
  check_round_trips "$lost replaced" cbkl-after-replacement
}

main() {
  local members scenarios=("$@")
  ((${#scenarios[@]} > 0)) || scenarios=(1 3)
  for members in "${scenarios[@]}"; do
    [[ $members == 1 || $members == 3 ]] || {
      echo "usage: $0 [1|3]...   (members of each cluster to bring up; default: 1 then 3)" >&2
      exit 2
    }
  done
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  phase prepare
  install_missing
  KL=$("$HERE/build.sh")
  ROOT=$(mktemp -d /tmp/cbkl.XXXXXX)
  T=$ROOT/prepare
  mkdir -p "$RUN"
  mount --bind "$RUN" "$RUN"
  mount --make-private "$RUN"
  NODES=(n1)
  MEMBERS=n1
  ENDPOINT=${NODE_IP[n1]}:6443
  mapfile -t WANTED < <(wanted_images)
  require "the bootstrap's dry run names the images to provide (${#WANTED[@]})" test "${#WANTED[@]}" -ge 5
  SANDBOX_IMAGE=$(printf '%s\n' "${WANTED[@]}" | grep '/pause:')
  rm -rf "$T"
  T=""
  network_up
  require "the stand-in chart repository serves the pinned charts on $NET.1:$CHART_PORT" chart_repo_up
  for members in "${scenarios[@]}"; do
    scenario "$members"
    scenario_teardown
  done
}

main "$@"
