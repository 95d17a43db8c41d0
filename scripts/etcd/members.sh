# shellcheck shell=bash
# etcd membership library: member health and stale-member removal for a replaced
# control-plane member. Sourced by scripts/kubernetes/bootstrap.sh (which embeds a copy of
# it on the node) and by scripts/etcd/test-etcd.sh, so the code the test proves against a
# real etcd cluster is the code a member runs when it boots.
#
# Inputs (environment):
#   ETCDCTL            etcdctl binary (default: etcdctl on PATH)
#   ETCDCTL_CACERT, ETCDCTL_CERT, ETCDCTL_KEY
#                      read by etcdctl itself: the cluster CA and a client certificate it
#                      signed (kubeadm's etcd requires client-certificate auth)
#   ETCD_TIMEOUT       seconds for one etcdctl call (default 5): no call waits longer
#
# Functions return 0 on success and non-zero with a message on stderr otherwise; they
# print results on stdout. Endpoints are client URLs (https://10.0.1.5:2379).
#
# The rule they enforce: a member that boots under the name of a previous incarnation
# removes that stale entry only through a healthy quorum, only if the entry is not itself
# healthy (a live member is never removed), and only if the members left after the
# removal still have a quorum. Anything else is refused, so a healthy quorum is never
# wiped and a lost quorum is left for a person to restore from a snapshot.

# etcd_ctl ARGS...: etcdctl with bounded dial and command timeouts.
etcd_ctl() {
  local timeout=${ETCD_TIMEOUT:-5}
  "${ETCDCTL:-etcdctl}" --dial-timeout="${timeout}s" --command-timeout="${timeout}s" "$@"
}

# etcd_healthy_endpoints ENDPOINT...: prints, one a line, the endpoints that answer a
# health check (a linearizable read through that member, so a member cut off from the
# quorum is not healthy).
etcd_healthy_endpoints() {
  (($# > 0)) || return 0
  # In parallel: an unreachable member costs one timeout, not one per member.
  local dir i
  local -a endpoints=("$@") pids=()
  dir=$(mktemp -d)
  for i in "${!endpoints[@]}"; do
    (etcd_ctl --endpoints="${endpoints[i]}" endpoint health >/dev/null 2>&1 && : >"$dir/$i") &
    pids+=($!)
  done
  wait "${pids[@]}" || true
  for i in "${!endpoints[@]}"; do
    [[ -e $dir/$i ]] && printf '%s\n' "${endpoints[i]}"
  done
  rm -rf "$dir"
  return 0
}

# etcd_members ENDPOINT...: prints the member list through the first endpoint that
# answers, one member a line: "ID NAME PEER_URLS CLIENT_URLS STARTED LEARNER" (URL lists
# comma-separated; NAME is "-" for a member added but never started, whose name etcd
# does not know yet; CLIENT_URLS "-" likewise).
etcd_members() {
  local endpoint out
  for endpoint in "$@"; do
    if out=$(etcd_ctl --endpoints="$endpoint" member list -w simple 2>/dev/null); then
      # simple format: "id, started|unstarted, name, peerURLs, clientURLs, isLearner"
      printf '%s\n' "$out" | awk -F', ' 'NF >= 6 {
        name = ($3 == "") ? "-" : $3; clients = ($5 == "") ? "-" : $5
        print $1, name, $4, clients, $2, $6 }'
      return 0
    fi
  done
  echo "etcd: no endpoint answered member list ($*)" >&2
  return 1
}

# etcd_quorum_size N: the votes a cluster of N voting members needs.
etcd_quorum_size() {
  echo $(($1 / 2 + 1))
}

# etcd_any_in URLS SET: 0 if one of the comma-separated URLS is a line of SET.
etcd_any_in() {
  local url
  local -a urls
  IFS=, read -r -a urls <<<"$1"
  for url in "${urls[@]}"; do
    [[ $url != - ]] && grep -qxF -- "$url" <<<"$2" && return 0
  done
  return 1
}

# etcd_remove_stale_member NAME ENDPOINT...: removes the member called NAME (a previous
# incarnation of the member now booting) through the endpoints of the other members.
# Prints "absent" (nothing to remove) or "removed ID". Refuses (returns 2) when:
#   - no endpoint is healthy or the healthy voters are no quorum (nothing can be changed
#     safely; restoring from a snapshot is a person's decision);
#   - the member called NAME is itself healthy (another incarnation is running);
#   - the voters left after the removal would have no quorum.
etcd_remove_stale_member() {
  local name=$1
  shift
  local -a healthy
  mapfile -t healthy < <(etcd_healthy_endpoints "$@")
  if ((${#healthy[@]} == 0)); then
    echo "etcd: no healthy endpoint among $*: refusing to change membership" >&2
    return 2
  fi
  local members
  members=$(etcd_members "${healthy[@]}") || return 2

  # Health of every member's client URLs, checked once, in parallel.
  local all_clients healthy_clients
  all_clients=$(awk '$4 != "-" { gsub(",", "\n", $4); print $4 }' <<<"$members")
  # shellcheck disable=SC2086 # one URL a word
  healthy_clients=$(etcd_healthy_endpoints $all_clients)

  local voters=0 healthy_voters=0 stale_id="" stale_clients="" id member_name _peers clients started learner
  while read -r id member_name _peers clients started learner; do
    [[ -n $id ]] || continue
    if [[ $member_name == "$name" ]]; then
      stale_id=$id
      stale_clients=$clients
    fi
    [[ $learner == true ]] && continue
    voters=$((voters + 1))
    if [[ $started == started ]] && etcd_any_in "$clients" "$healthy_clients"; then
      healthy_voters=$((healthy_voters + 1))
    fi
  done <<<"$members"

  if ((healthy_voters < $(etcd_quorum_size "$voters"))); then
    echo "etcd: $healthy_voters of $voters voting members healthy, no quorum: refusing to change membership" >&2
    return 2
  fi
  if [[ -z $stale_id ]]; then
    echo absent
    return 0
  fi
  if etcd_any_in "$stale_clients" "$healthy_clients"; then
    echo "etcd: member $name ($stale_id) is healthy at $stale_clients: another incarnation is running, refusing to remove it" >&2
    return 2
  fi
  # The stale member is not healthy, so it is not among healthy_voters: after removing
  # it, voters-1 members remain, of which healthy_voters are healthy.
  if ((healthy_voters < $(etcd_quorum_size $((voters - 1))))); then
    echo "etcd: removing $name would leave $healthy_voters healthy of $((voters - 1)): refusing" >&2
    return 2
  fi
  etcd_ctl --endpoints="$(
    IFS=,
    echo "${healthy[*]}"
  )" member remove "$stale_id" >/dev/null || return 2
  echo "removed $stale_id"
}

# etcd_add_member NAME PEER_URL ENDPOINT...: announces a new member (what `kubeadm join
# --control-plane` does before starting the member's etcd) and prints the
# ETCD_INITIAL_CLUSTER value the new member must start with. etcd refuses a member while
# any current member has been connected for less than its health interval (5 s), as
# right after a restart ("unhealthy cluster"), so this retries for up to 60 s.
etcd_add_member() {
  local name=$1 peer_url=$2 out deadline=$((SECONDS + 60))
  shift 2
  local endpoints
  endpoints=$(
    IFS=,
    echo "$*"
  )
  until out=$(etcd_ctl --endpoints="$endpoints" member add "$name" --peer-urls="$peer_url" 2>&1); do
    if ((SECONDS >= deadline)); then
      echo "etcd: member add $name refused: $out" >&2
      return 1
    fi
    sleep 2
  done
  sed -n 's/^ETCD_INITIAL_CLUSTER="\(.*\)"$/\1/p' <<<"$out"
}

# etcd_wait_healthy SECONDS ENDPOINT...: polls until every endpoint is healthy; returns 1
# (naming the unhealthy ones) when SECONDS pass first.
etcd_wait_healthy() {
  local deadline=$((SECONDS + $1))
  shift
  local -a healthy
  while :; do
    mapfile -t healthy < <(etcd_healthy_endpoints "$@")
    ((${#healthy[@]} == $#)) && return 0
    if ((SECONDS >= deadline)); then
      echo "etcd: not healthy after the wait: $(printf '%s\n' "$@" "${healthy[@]}" | sort | uniq -u | tr '\n' ' ')" >&2
      return 1
    fi
    sleep 1
  done
}

# etcd_issue_client_cert CA_CERT CA_KEY DIR: writes DIR/client.crt and DIR/client.key, a
# short-lived client certificate signed by the etcd CA, and prints the ETCDCTL_* exports
# for it. A replacement member has the etcd CA (downloaded with the certificate key)
# before it has any certificate of its own; this is how it talks to the quorum.
etcd_issue_client_cert() {
  local ca_cert=$1 ca_key=$2 dir=$3
  mkdir -p "$dir"
  (
    umask 077
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$dir/client.key" -out "$dir/client.csr" -subj "/CN=clusterbench-etcd-client" 2>/dev/null &&
      openssl x509 -req -in "$dir/client.csr" -CA "$ca_cert" -CAkey "$ca_key" -CAcreateserial \
        -CAserial "$dir/ca.srl" -days 1 -out "$dir/client.crt" \
        -extfile <(printf 'extendedKeyUsage=clientAuth\n') 2>/dev/null
  ) || {
    echo "etcd: could not issue a client certificate from $ca_cert" >&2
    return 1
  }
  rm -f "$dir/client.csr" "$dir/ca.srl"
  printf 'export ETCDCTL_CACERT=%q ETCDCTL_CERT=%q ETCDCTL_KEY=%q\n' "$ca_cert" "$dir/client.crt" "$dir/client.key"
}
