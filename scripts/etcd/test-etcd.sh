#!/usr/bin/env bash
# make test-etcd: real etcd clusters of 3 and 5 members on loopback, driven by the
# project's own membership library (scripts/etcd/members.sh, the code a control-plane
# member runs when it boots). For each size n it proves:
#   - writes succeed with floor((n-1)/2) members down, and fail with one more down;
#   - with no quorum, the library refuses to change membership;
#   - the library refuses to remove a member that is healthy (another incarnation);
#   - a replaced member (new address, fresh data dir, same name) removes its stale entry
#     through the healthy quorum and rejoins; the cluster is healthy again with n members.
# etcd and etcdctl v3.6.5 are built from the Go module proxy by tools/kube/build.sh (cached
# outside the clone). TLS everywhere, with client-certificate auth on client and peer
# ports, as kubeadm runs etcd. Members are processes tracked by PID; every wait is
# bounded; everything is torn down on every exit path.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
started_at=$SECONDS
command -v openssl >/dev/null || { apt-get update -qq && apt-get install -y -qq openssl >/dev/null; }
bin=$("$root/tools/kube/build.sh" etcd)
echo "etcd tools ready in $((SECONDS - started_at)) s: $("$bin/etcd" --version | head -1)"
export ETCDCTL=$bin/etcdctl ETCD_TIMEOUT=3
# shellcheck source=scripts/etcd/members.sh
source "$root/scripts/etcd/members.sh"

# Loopback addresses: member i at 127.0.0.(BASE+i); its replacement at 127.0.0.(BASE+10+i).
# Uncommon ports, so a kubeadm etcd on this machine (2379/2380) is never in the way.
BASE=${TEST_ETCD_IP_BASE:-60}
CLIENT_PORT=${TEST_ETCD_CLIENT_PORT:-12379}
PEER_PORT=${TEST_ETCD_PEER_PORT:-12380}

work=$(mktemp -d /tmp/test-etcd.XXXXXX)
declare -A pid=() ip=()
stop_member() {
  local name=$1 p=${pid[$1]:-}
  [[ -n $p ]] || return 0
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  unset "pid[$name]"
}
cleanup() {
  local name
  for name in "${!pid[@]}"; do stop_member "$name"; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0 failed=0
# check DESCRIPTION COMMAND...: runs COMMAND, counts and prints the outcome with its time.
check() {
  local what=$1 t=$SECONDS
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "  ok   $what ($((SECONDS - t)) s)"
  else
    failed=$((failed + 1))
    echo "  FAIL $what ($((SECONDS - t)) s)"
  fi
}

# --- PKI: one CA; one certificate for every member address (server and peer); a client
# certificate issued by the library, as a replacement member issues its own.
pki=$work/pki
mkdir -p "$pki"
# etcd checks a peer's certificate against the address it connects from, and outgoing
# loopback connections leave from 127.0.0.1.
sans="IP:127.0.0.1,"
for i in 0 1 2 3 4 10 11 12 13 14; do sans+="IP:127.0.0.$((BASE + i)),"; done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -keyout "$pki/ca.key" -out "$pki/ca.crt" -subj "/CN=test-etcd-ca" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$pki/member.key" -out "$pki/member.csr" -subj "/CN=test-etcd-member" 2>/dev/null
openssl x509 -req -in "$pki/member.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
  -days 1 -out "$pki/member.crt" 2>/dev/null \
  -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "${sans%,}")
eval "$(etcd_issue_client_cert "$pki/ca.crt" "$pki/ca.key" "$pki/client")"

client_url() { echo "https://${ip[$1]}:$CLIENT_PORT"; }
peer_url() { echo "https://${ip[$1]}:$PEER_PORT"; }

# start_member NAME STATE INITIAL_CLUSTER DATA_DIR: one etcd process, as kubeadm's static
# pod runs it (client and peer TLS, client-certificate auth on both).
start_member() {
  local name=$1 state=$2 cluster=$3 data=$4
  mkdir -p "$data"
  "$bin/etcd" --name "$name" --data-dir "$data" \
    --listen-client-urls "$(client_url "$name")" --advertise-client-urls "$(client_url "$name")" \
    --listen-peer-urls "$(peer_url "$name")" --initial-advertise-peer-urls "$(peer_url "$name")" \
    --initial-cluster "$cluster" --initial-cluster-state "$state" --initial-cluster-token "test-$$" \
    --client-cert-auth --trusted-ca-file "$pki/ca.crt" --cert-file "$pki/member.crt" --key-file "$pki/member.key" \
    --peer-client-cert-auth --peer-trusted-ca-file "$pki/ca.crt" --peer-cert-file "$pki/member.crt" \
    --peer-key-file "$pki/member.key" --log-level warn >>"$work/$name.log" 2>&1 &
  pid[$name]=$!
}

endpoints_of() {
  local name
  for name in "$@"; do client_url "$name"; done
}
put() { etcd_ctl --endpoints="$(endpoints_of "${@:3}" | paste -sd,)" put "$1" "$2" >/dev/null 2>&1; }
# put_within SECONDS KEY VALUE MEMBER...: the write succeeds within SECONDS (members just
# lost may have held the leadership: the rest need an election first).
put_within() {
  local deadline=$((SECONDS + $1))
  shift
  until put "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}
# put_refused_for SECONDS KEY VALUE MEMBER...: every attempt fails for SECONDS.
put_refused_for() {
  local deadline=$((SECONDS + $1))
  shift
  while ((SECONDS < deadline)); do
    put "$@" && return 1
  done
  return 0
}
get_is() {
  local got
  got=$(etcd_ctl --endpoints="$(endpoints_of "${@:3}" | paste -sd,)" get "$1" --print-value-only 2>/dev/null) &&
    [[ $got == "$2" ]]
}
member_count_is() { [[ $(etcd_members "$(client_url "$2")" | wc -l) -eq $1 ]]; }
member_named_once_and_started() {
  [[ $(etcd_members "$(client_url "$2")" | awk -v n="$1" '$2 == n && $5 == "started"' | wc -l) -eq 1 ]]
}
refuses() {
  local rc=0
  etcd_remove_stale_member "$@" >/dev/null 2>"$work/refusal" || rc=$?
  [[ $rc -eq 2 ]] && echo "       refused: $(cat "$work/refusal")"
  [[ $rc -eq 2 ]]
}
removes() { [[ $(etcd_remove_stale_member "$@") == removed\ * ]]; }

scenario() {
  local n=$1 t0=$SECONDS
  local tolerated=$(((n - 1) / 2)) i name
  local -a names=() cluster_parts=()
  for ((i = 0; i < n; i++)); do
    name=member-$i
    names+=("$name")
    ip[$name]=127.0.0.$((BASE + i))
    cluster_parts+=("$name=$(peer_url "$name")")
  done
  local cluster
  cluster=$(
    IFS=,
    echo "${cluster_parts[*]}"
  )
  echo "== $n members: tolerate $tolerated down"
  for name in "${names[@]}"; do start_member "$name" new "$cluster" "$work/data-$n-$name"; done
  # shellcheck disable=SC2046 # one endpoint a word
  check "$n members healthy" etcd_wait_healthy 60 $(endpoints_of "${names[@]}")
  check "write with all members up" put_within 20 k0 v0 "${names[@]}"

  local -a down=("${names[@]:n-tolerated}") up=("${names[@]:0:n-tolerated}")
  for name in "${down[@]}"; do stop_member "$name"; done
  check "write with $tolerated down (${down[*]})" put_within 20 k1 v1 "${up[@]}"
  check "read back with $tolerated down" get_is k1 v1 "${up[@]}"

  local extra=${up[-1]}
  stop_member "$extra"
  unset 'up[-1]'
  down+=("$extra")
  check "writes fail for 10 s with $((tolerated + 1)) down (${down[*]})" put_refused_for 10 k2 v2 "${up[@]}"
  # shellcheck disable=SC2046
  check "no quorum: library refuses to remove ${down[0]}" refuses "${down[0]}" $(endpoints_of "${up[@]}")

  for name in "${down[@]}"; do start_member "$name" existing "$cluster" "$work/data-$n-$name"; done
  # shellcheck disable=SC2046
  check "restarted members rejoin, all healthy" etcd_wait_healthy 60 $(endpoints_of "${names[@]}")
  check "write made with $tolerated down survived" get_is k1 v1 "${names[@]}"
  # shellcheck disable=SC2046
  check "library refuses to remove a healthy member (member-0)" refuses member-0 $(endpoints_of "${names[@]:1}")
  check "membership unchanged after refusals ($n)" member_count_is "$n" member-0

  # Replace the last member: its instance is gone; the new one has a new address, a fresh
  # data dir and the same name, as a control-plane group brings it back.
  local replaced=${names[-1]}
  local -a others=("${names[@]:0:n-1}")
  stop_member "$replaced"
  ip[$replaced]=127.0.0.$((BASE + 10 + n - 1))
  # shellcheck disable=SC2046
  check "replacement removes the stale $replaced through the quorum" removes "$replaced" $(endpoints_of "${others[@]}")
  check "stale entry gone ($((n - 1)) members)" member_count_is $((n - 1)) member-0
  # shellcheck disable=SC2046
  check "nothing left to remove: absent" test "$(etcd_remove_stale_member "$replaced" $(endpoints_of "${others[@]}"))" = absent
  local rejoin_cluster
  # shellcheck disable=SC2046
  rejoin_cluster=$(etcd_add_member "$replaced" "$(peer_url "$replaced")" $(endpoints_of "${others[@]}")) || true
  check "replacement announced to the quorum" test -n "$rejoin_cluster"
  start_member "$replaced" existing "$rejoin_cluster" "$work/data-$n-$replaced-replacement"
  # shellcheck disable=SC2046
  check "replacement joined, all $n healthy" etcd_wait_healthy 60 $(endpoints_of "${names[@]}")
  check "$n members, $replaced once and started" member_named_once_and_started "$replaced" member-0
  check "membership back to $n" member_count_is "$n" member-0
  check "replacement serves the data (k1)" get_is k1 v1 "$replaced"
  check "write after replacement" put_within 20 k3 v3 "${names[@]}"

  for name in "${names[@]}"; do stop_member "$name"; done
  echo "== $n members: $((SECONDS - t0)) s"
}

scenario 3
scenario 5
echo "test-etcd: $((SECONDS - started_at)) s"
echo "$passed passed, $failed failed"
((failed == 0))
