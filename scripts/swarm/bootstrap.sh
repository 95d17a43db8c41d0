#!/usr/bin/env bash
# clusterbench Docker Swarm node bootstrap: one script for managers and workers.
#
# The Pulumi components embed this file (scripts.SwarmBootstrap) and render it into EC2 user
# data / GCE startup scripts with scripts.Render, which inserts `export CB_...='value'` lines
# right after the shebang. `make test-swarm` runs the same file against local dockerds with
# the `dir` store. Running it again on a node is always safe: it never initialises a second
# swarm and only converges (unlock, labels, store contents).
#
# Settings (environment):
#   CB_ROLE                    manager | worker (required)
#   CB_STORE                   ssm | gcp-secret | dir (required): where the join tokens live
#   CB_STORE_PATH              ssm: parameter prefix, e.g. /clusterbench/<stack>/swarm
#                              gcp-secret: secret-name prefix, e.g. <stack>-swarm
#                              dir: an absolute directory shared by the nodes (local tests)
#   CB_REGION                  ssm: the AWS region for the aws cli (required for ssm)
#   CB_PROJECT                 gcp-secret: the GCP project (optional: gcloud's default)
#   CB_ZONE                    the node's zone; becomes the node label `zone`. Empty (a
#                              worker group spanning zones): read from the instance
#                              metadata (ssm: EC2 IMDSv2; gcp-secret: the GCE metadata
#                              server); required with the dir store
#   CB_NODE_NAME               the name recorded as lock holder and in logs (default: hostname)
#   CB_ADVERTISE_ADDR          the swarm address (default: the IPv4 address of the
#                              default-route interface)
#   CB_MANAGERS_RUN_WORKLOADS  true | false (default false: managers get availability drain)
#   CB_JOIN_TIMEOUT            seconds to wait for the store, the daemon and the swarm (600)
#   CB_DOCKER                  the docker command (default "docker"); the local test passes
#                              e.g. "docker -H unix:///run/cbtest/m1.sock". Unix sockets only.
#   CB_INSTALL                 true | false (default false). true (cloud): apt-get install
#                              docker.io, write /etc/docker/daemon.json with the engine label
#                              zone=CB_ZONE, and install a systemd timer that reruns this
#                              script at boot and every 2 minutes (unlock after a restart,
#                              labels for late joiners).
#   CB_AUTOLOCK                true | false (default true): `swarm init --autolock`, so a
#                              restarted manager's Raft keys stay encrypted until it is
#                              unlocked (with the key from the store). Read at init only.
#   CB_ADDR_POOL               optional: `swarm init --default-addr-pool` (e.g. 10.128.0.0/12);
#                              set it when the VPC overlaps Docker's default 10.0.0.0/8 pool.
#   CB_MONITORING              none | prometheus | datadog (default none). prometheus: dockerd
#                              serves its metrics on the node's private address only
#                              (daemon.json metrics-addr <addr>:9323, CB_INSTALL=true).
#   CB_MONITORING_STACK        managers: the monitoring stack file (components/monitoring/swarm)
#   CB_PROMETHEUS_CONFIG       managers, prometheus: prometheus-config.yml
#   CB_PROMETHEUS_RULES        managers, prometheus: prometheus-rules.yml
#   CB_DEMO                    true | false (default false); CB_DEMO_STACK: demo.yml
#   CB_RESOLVE_IMAGE           `docker stack deploy --resolve-image` (default always; the local
#                              test, which reaches no registry, passes never)
#   CB_STATE_DIR               where the deployed stack files are kept (/var/lib/clusterbench-swarm)
#   The stacks' own variables (CB_PROMETHEUS_RETENTION_DAYS, CB_PROMETHEUS_VOLUME_GB,
#   CB_DATADOG_SITE, CB_DEMO_IMAGE) reach `docker stack deploy` through the environment.
#
# Store keys (names under CB_STORE_PATH; ssm: <prefix>/<key>, gcp-secret: <prefix>-<key>,
# dir: <dir>/<key>):
#   lock           who initialised the swarm; created once, atomically, by the winner
#   manager-token  `docker swarm join-token -q manager`   (managers only)
#   worker-token   `docker swarm join-token -q worker`    (managers write, workers read)
#   unlock-key     `docker swarm unlock-key -q` (autolock) (managers only)
#   manager-addrs  comma-separated reachable manager addresses (managers write, all read)
#   datadog-api-key  written by Pulumi (a secret), read by managers only: the init manager
#                  pipes it into the Swarm secret datadog_api_key (never argv, logs or files)
#
# Lifecycle (DESIGN.md, Swarm facts; Docker's swarm admin guide):
# - The node whose conditional create of `lock` succeeds runs `swarm init --autolock` and
#   publishes the tokens. Everyone else waits, bounded, for the tokens and joins. A node
#   never runs `swarm init` once the lock exists (split brain in public Terraform modules),
#   and never when it is already in a swarm.
# - A manager whose daemon restarted locked (autolock) unlocks with the key from the store.
# - A manager that has just joined removes at most one ghost (moby/moby#30847): the manager
#   it replaces, found as a manager that is Down AND unreachable, in the joiner's own zone
#   (each manager is an autoscaling group / MIG of one pinned to a zone), the longest-down
#   first; only while the swarm has a leader and the joiner is reachable. Reachable managers
#   are never touched, so the manager count returns to its size before the failure and never
#   drops below it; a manager that is merely rebooting in another zone is never removed.
# - Zone: every engine carries the label zone=<CB_ZONE> (daemon.json; a worker cannot label
#   itself in the swarm), and every manager pass copies it to the node label `zone` on nodes
#   that lack one (a manager labels itself from CB_ZONE). Placement uses node.labels.zone.
#   Engine labels are self-reported, so a node could claim another zone: that only skews
#   spreading, and an operator's correction of the node label sticks (never overwritten).
# Limits (need an operator): a lock winner that dies between the lock and `swarm init`
# leaves a lock without tokens; every node then times out rather than init (delete the lock
# once no swarm exists). A manager removed as a ghost that comes back must
# `docker swarm leave --force` and rerun this script.
# - Overlay networks: the manager pass creates the attachable overlay `cb-overlay` with
#   `--opt encrypted` (IPsec ESP between nodes); create other overlays with --opt encrypted.
# - The Docker API is never configured on TCP (2375/2376): no "hosts" in daemon.json and
#   CB_DOCKER may only name unix sockets.
set -euo pipefail

CB_NODE_NAME=${CB_NODE_NAME:-$(hostname)}
CB_ADVERTISE_ADDR=${CB_ADVERTISE_ADDR:-}
CB_MANAGERS_RUN_WORKLOADS=${CB_MANAGERS_RUN_WORKLOADS:-false}
CB_JOIN_TIMEOUT=${CB_JOIN_TIMEOUT:-600}
CB_DOCKER=${CB_DOCKER:-docker}
CB_INSTALL=${CB_INSTALL:-false}
CB_REGION=${CB_REGION:-}
CB_PROJECT=${CB_PROJECT:-}
CB_ADDR_POOL=${CB_ADDR_POOL:-}
CB_MONITORING=${CB_MONITORING:-none}
CB_DEMO=${CB_DEMO:-false}
CB_RESOLVE_IMAGE=${CB_RESOLVE_IMAGE:-always}
CB_STATE_DIR=${CB_STATE_DIR:-/var/lib/clusterbench-swarm}
CB_AUTOLOCK=${CB_AUTOLOCK:-true}

OVERLAY=cb-overlay
DOCKER_CALL_TIMEOUT=60 # seconds for one docker CLI call (no leader can make calls hang)
POLL=2

log() { printf '%s clusterbench-swarm[%s %s]: %s\n' "$(date -u +%H:%M:%S)" "${CB_ROLE:-?}" "$CB_NODE_NAME" "$*" >&2; }
die() {
	log "FATAL: $*"
	exit 1
}

validate() {
	[[ ${CB_ROLE:-} == manager || ${CB_ROLE:-} == worker ]] || die "CB_ROLE must be manager or worker, got '${CB_ROLE:-}'"
	[[ ${CB_ZONE:-} =~ ^[A-Za-z0-9._-]+$ ]] || die "CB_ZONE must be set to a zone name ([A-Za-z0-9._-]), got '${CB_ZONE:-}'"
	[[ $CB_JOIN_TIMEOUT =~ ^[0-9]+$ ]] || die "CB_JOIN_TIMEOUT must be a number of seconds"
	[[ $CB_MANAGERS_RUN_WORKLOADS == true || $CB_MANAGERS_RUN_WORKLOADS == false ]] || die "CB_MANAGERS_RUN_WORKLOADS must be true or false"
	[[ $CB_INSTALL == true || $CB_INSTALL == false ]] || die "CB_INSTALL must be true or false"
	[[ $CB_MONITORING =~ ^(none|prometheus|datadog)$ ]] || die "CB_MONITORING must be none, prometheus or datadog"
	[[ $CB_DEMO == true || $CB_DEMO == false ]] || die "CB_DEMO must be true or false"
	[[ $CB_RESOLVE_IMAGE =~ ^(always|changed|never)$ ]] || die "CB_RESOLVE_IMAGE must be always, changed or never"
	[[ $CB_AUTOLOCK == true || $CB_AUTOLOCK == false ]] || die "CB_AUTOLOCK must be true or false"
	[[ $CB_DOCKER != *tcp://* && $CB_DOCKER != *:237[56]* ]] || die "CB_DOCKER must not reach the Docker API over TCP"
	case ${CB_STORE:-} in
	ssm)
		[[ ${CB_STORE_PATH:-} =~ ^/[A-Za-z0-9_./-]+$ ]] || die "ssm: CB_STORE_PATH must be a parameter path like /clusterbench/<stack>/swarm"
		[[ -n $CB_REGION ]] || die "ssm: CB_REGION is required"
		;;
	gcp-secret)
		[[ ${CB_STORE_PATH:-} =~ ^[A-Za-z0-9_-]+$ ]] || die "gcp-secret: CB_STORE_PATH must be a secret-name prefix ([A-Za-z0-9_-])"
		;;
	dir)
		[[ ${CB_STORE_PATH:-} == /* ]] || die "dir: CB_STORE_PATH must be an absolute directory"
		;;
	*) die "CB_STORE must be ssm, gcp-secret or dir, got '${CB_STORE:-}'" ;;
	esac
	read -r -a DOCKER <<<"$CB_DOCKER"
}

# d runs one docker CLI call, bounded.
d() { timeout "$DOCKER_CALL_TIMEOUT" "${DOCKER[@]}" "$@"; }

deadline_passed() { ((SECONDS >= DEADLINE)); }

# ---------------------------------------------------------------------------------------
# Token store. store_get KEY prints the value: 0 found, 1 absent, 2 store error.
# store_put KEY reads the value from stdin (secrets never go on a command line).
# store_try_lock HOLDER: 0 this node created the lock, 1 the lock already exists, 2 error.
# ---------------------------------------------------------------------------------------

# secret_file VALUE-ON-STDIN: a 0600 temporary file holding stdin, without a newline added.
secret_file() {
	local f
	f=$(umask 077 && mktemp "$TMP/value.XXXXXX")
	cat >"$f"
	printf '%s' "$f"
}

aws_ssm() { aws ssm "$@" --region "$CB_REGION"; }

ssm_get() {
	local out err=0
	out=$(aws_ssm get-parameter --name "$CB_STORE_PATH/$1" --with-decryption \
		--query Parameter.Value --output text 2>"$TMP/err") || err=1
	if ((err)); then
		grep -q ParameterNotFound "$TMP/err" && return 1
		log "ssm get $1: $(head -c 300 "$TMP/err")"
		return 2
	fi
	printf '%s' "$out"
}

ssm_put() {
	local f rc=0
	f=$(secret_file)
	aws_ssm put-parameter --name "$CB_STORE_PATH/$1" --type SecureString --overwrite \
		--value "file://$f" >/dev/null 2>"$TMP/err" || rc=2
	rm -f "$f"
	((rc == 0)) || log "ssm put $1: $(head -c 300 "$TMP/err")"
	return "$rc"
}

# Without --overwrite, put-parameter is a conditional create: exactly one node succeeds and
# every other one gets ParameterAlreadyExists. The holder string is unique (name and time),
# so a create whose response was lost (the CLI retries) still reads as won.
ssm_try_lock() {
	local holder
	if aws_ssm put-parameter --name "$CB_STORE_PATH/lock" --type String --value "$1" >/dev/null 2>"$TMP/err"; then
		return 0
	fi
	if grep -q ParameterAlreadyExists "$TMP/err"; then
		holder=$(ssm_get lock) || return 2
		[[ $holder == "$1" ]] && return 0
		return 1
	fi
	log "ssm lock: $(head -c 300 "$TMP/err")"
	return 2
}

gcloud_secrets() {
	if [[ -n $CB_PROJECT ]]; then
		gcloud secrets "$@" --project "$CB_PROJECT" --quiet
	else
		gcloud secrets "$@" --quiet
	fi
}

gcp_get() {
	local out err=0
	out=$(gcloud_secrets versions access latest --secret "$CB_STORE_PATH-$1" 2>"$TMP/err") || err=1
	if ((err)); then
		grep -Eqi 'NOT_FOUND|not found' "$TMP/err" && return 1
		log "gcp-secret get $1: $(head -c 300 "$TMP/err")"
		return 2
	fi
	printf '%s' "$out"
}

# gcp_put adds a version; a secret the Pulumi program did not pre-create is created first.
gcp_put() {
	local f rc=0 name="$CB_STORE_PATH-$1"
	f=$(secret_file)
	if ! gcloud_secrets versions add "$name" --data-file "$f" >/dev/null 2>"$TMP/err"; then
		if grep -Eqi 'NOT_FOUND|not found' "$TMP/err"; then
			gcloud_secrets create "$name" --replication-policy automatic --data-file "$f" >/dev/null 2>"$TMP/err" ||
				gcloud_secrets versions add "$name" --data-file "$f" >/dev/null 2>"$TMP/err" || rc=2
		else
			rc=2
		fi
	fi
	rm -f "$f"
	((rc == 0)) || log "gcp-secret put $1: $(head -c 300 "$TMP/err")"
	return "$rc"
}

# The lock is the label `holder` on the secret <prefix>-lock. Secret Manager offers two
# atomic operations and the lock uses whichever applies: CreateSecret fails with
# ALREADY_EXISTS for all but one caller (secret not pre-created), and UpdateSecret with the
# etag read before fails for all but one caller when several race to set the label on a
# pre-created secret (the etag changes with the first update). The Pulumi program should
# pre-create the secret (so IAM can be granted per secret) and ignore changes to its labels.
gcp_try_lock() {
	local name="$CB_STORE_PATH-lock" label etag holder
	label=$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9_-' '-' | cut -c1-63)
	if gcp_lock_holder; then
		if [[ -n $holder ]]; then
			[[ $holder == "$label" ]] && return 0 # our earlier attempt in this run did land
			return 1
		fi
		gcloud_secrets update "$name" --update-labels "holder=$label" --etag "$etag" >/dev/null 2>"$TMP/err"
	elif grep -Eqi 'NOT_FOUND|not found' "$TMP/err"; then
		printf '%s' "$1" | gcloud_secrets create "$name" --replication-policy automatic \
			--labels "holder=$label" --data-file - >/dev/null 2>"$TMP/err"
	else
		false
	fi && return 0
	# Whatever the error text: the lock is ours if our label is on it, taken if another is.
	local why
	why=$(head -c 300 "$TMP/err")
	gcp_lock_holder || return 2
	[[ $holder == "$label" ]] && return 0
	[[ -n $holder ]] && return 1
	log "gcp-secret lock: $why"
	return 2
}

# gcp_lock_holder sets etag and holder from the lock secret; fails if it cannot be read.
gcp_lock_holder() {
	gcloud_secrets describe "$CB_STORE_PATH-lock" --format 'value(etag,labels.holder)' >"$TMP/out" 2>"$TMP/err" || return 1
	etag="" holder=""
	IFS=$'\t' read -r etag holder <"$TMP/out" || true
}

dir_get() {
	[[ -f $CB_STORE_PATH/$1 ]] || return 1
	cat "$CB_STORE_PATH/$1"
}

dir_put() {
	local tmp
	tmp=$(umask 077 && mktemp "$CB_STORE_PATH/.$1.XXXXXX")
	cat >"$tmp"
	mv -f "$tmp" "$CB_STORE_PATH/$1" # rename: readers see the old or the new value, never half
}

# noclobber opens with O_EXCL: exactly one creator wins.
dir_try_lock() {
	if (
		set -o noclobber
		umask 077
		printf '%s\n' "$1" >"$CB_STORE_PATH/lock"
	) 2>/dev/null; then
		return 0
	fi
	[[ -e $CB_STORE_PATH/lock ]] && return 1
	return 2
}

store_get() {
	case $CB_STORE in
	ssm) ssm_get "$1" ;;
	gcp-secret) gcp_get "$1" ;;
	dir) dir_get "$1" ;;
	esac
}

store_put() {
	case $CB_STORE in
	ssm) ssm_put "$1" ;;
	gcp-secret) gcp_put "$1" ;;
	dir) dir_put "$1" ;;
	esac
}

store_try_lock() {
	case $CB_STORE in
	ssm) ssm_try_lock "$1" ;;
	gcp-secret) gcp_try_lock "$1" ;;
	dir) dir_try_lock "$1" ;;
	esac
}

# store_update KEY VALUE writes only when the value changed (no version churn on reruns).
store_update() {
	local current rc=0
	current=$(store_get "$1") || rc=$?
	((rc == 2)) && return 2
	if ((rc == 1)) || [[ $current != "$2" ]]; then
		printf '%s' "$2" | store_put "$1" && log "store: $1 updated"
	fi
}

# store_wait KEY prints the value once present; fails at the deadline.
store_wait() {
	local v
	until v=$(store_get "$1"); do
		deadline_passed && {
			log "timed out waiting for '$1' in the $CB_STORE store at $CB_STORE_PATH"
			return 1
		}
		sleep "$POLL"
	done
	printf '%s' "$v"
}

# ---------------------------------------------------------------------------------------
# Node setup (cloud only: CB_INSTALL=true).
# ---------------------------------------------------------------------------------------

# daemon_json ADDR prints /etc/docker/daemon.json. With Prometheus, dockerd serves its
# metrics on the node's private address only (never 0.0.0.0): managers' Prometheus
# scrapes ADDR:9323, which the firewall opens between the swarm's nodes alone.
daemon_json() {
	if [[ $CB_MONITORING == prometheus ]]; then
		printf '{\n  "labels": ["zone=%s"],\n  "metrics-addr": "%s:9323"\n}\n' "$CB_ZONE" "$1"
	else
		printf '{\n  "labels": ["zone=%s"]\n}\n' "$CB_ZONE"
	fi
}

install_docker() {
	export DEBIAN_FRONTEND=noninteractive
	local want=()
	command -v dockerd >/dev/null || want+=(docker.io)
	[[ $CB_STORE != ssm ]] || command -v aws >/dev/null || want+=(awscli)
	if ((${#want[@]})); then
		apt-get update -qq
		apt-get install -y -qq "${want[@]}"
	fi
	# The engine label carries the zone into the swarm (managers copy it to the node label).
	# No "hosts": the API stays on the local unix socket; no live-restore (swarm refuses it).
	local conf=/etc/docker/daemon.json want_conf
	want_conf=$(daemon_json "${CB_ADVERTISE_ADDR:-$(default_addr)}")
	mkdir -p /etc/docker
	if [[ ! -f $conf || $(cat "$conf") != "$want_conf" ]]; then
		printf '%s\n' "$want_conf" >"$conf"
		systemctl restart docker
	fi
	systemctl enable --now docker >/dev/null
}

# install_timer makes this script (with its rendered settings) rerun at boot and every two
# minutes: a manager restarted with autolock is unlocked, late workers get their zone label,
# and the store follows token and manager changes.
install_timer() {
	local self=/usr/local/sbin/clusterbench-swarm-bootstrap unit=/etc/systemd/system/clusterbench-swarm
	if [[ -f $0 ]] && ! cmp -s "$0" "$self"; then
		install -m 0700 "$0" "$self"
	fi
	cat >"$unit.service.new" <<EOF
[Unit]
Description=clusterbench swarm bootstrap (join, unlock, labels)
After=docker.service network-online.target
Wants=network-online.target
[Service]
Type=oneshot
ExecStart=$self
EOF
	cat >"$unit.timer.new" <<'EOF'
[Unit]
Description=rerun the clusterbench swarm bootstrap
[Timer]
OnBootSec=30s
OnUnitActiveSec=2min
[Install]
WantedBy=timers.target
EOF
	local f changed=false
	for f in service timer; do
		if cmp -s "$unit.$f.new" "$unit.$f"; then rm -f "$unit.$f.new"; else
			mv -f "$unit.$f.new" "$unit.$f"
			changed=true
		fi
	done
	if $changed; then systemctl daemon-reload; fi
	systemctl enable --now clusterbench-swarm.timer >/dev/null 2>&1
}

# ---------------------------------------------------------------------------------------
# Swarm.
# ---------------------------------------------------------------------------------------

wait_for_docker() {
	until d version >/dev/null 2>&1; do
		deadline_passed && die "the docker daemon ($CB_DOCKER) did not answer within ${CB_JOIN_TIMEOUT}s"
		sleep "$POLL"
	done
}

default_addr() {
	local dev addr
	dev=$(ip -4 route show default | awk '{for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit }}')
	[[ -n $dev ]] || die "no default route: set CB_ADVERTISE_ADDR"
	addr=$(ip -4 -o addr show dev "$dev" scope global | awk '{split($4, a, "/"); print a[1]; exit}')
	[[ -n $addr ]] || die "no IPv4 address on $dev: set CB_ADVERTISE_ADDR"
	printf '%s' "$addr"
}

local_state() { d info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown; }

# wait_state_settles [SECONDS] waits while the node is pending (joining or reconnecting), at
# most SECONDS (default: until the deadline), and prints the state.
wait_state_settles() {
	local s until=$((SECONDS + ${1:-$CB_JOIN_TIMEOUT}))
	while s=$(local_state) && [[ $s == pending || $s == unknown ]]; do
		if deadline_passed || ((SECONDS >= until)); then break; fi
		sleep "$POLL"
	done
	printf '%s' "$s"
}

init_swarm() {
	log "won the store lock: initialising the swarm (autolock $CB_AUTOLOCK) on $ADDR"
	local args=(swarm init "--autolock=$CB_AUTOLOCK" --advertise-addr "$ADDR" --listen-addr "$ADDR:2377")
	[[ -z $CB_ADDR_POOL ]] || args+=(--default-addr-pool "$CB_ADDR_POOL")
	d "${args[@]}" >/dev/null
	# The key first and the manager token last: a present manager token means "complete".
	publish_swarm_facts || die "could not write the tokens to the store; rerun to retry"
}

# join_swarm TOKEN-KEY tries each stored manager address until one accepts the join.
join_swarm() {
	local token addrs addr s
	token=$(store_wait "$1") || die "no $1 in the store within ${CB_JOIN_TIMEOUT}s"
	while :; do
		addrs=$(store_wait manager-addrs) || die "no manager-addrs in the store within ${CB_JOIN_TIMEOUT}s"
		for addr in ${addrs//,/ }; do
			log "joining as $CB_ROLE via $addr"
			if d swarm join --token "$token" --advertise-addr "$ADDR" --listen-addr "$ADDR:2377" "$addr" >/dev/null 2>"$TMP/err"; then
				return 0
			fi
			log "join via $addr: $(head -c 300 "$TMP/err")"
			# A join that timed out goes on in the background: let it finish or fail.
			s=$(wait_state_settles 30)
			[[ $s == active ]] && return 0
			[[ $s == inactive ]] || d swarm leave --force >/dev/null 2>&1 || true
		done
		deadline_passed && die "could not join any manager in '$addrs' within ${CB_JOIN_TIMEOUT}s. If the store is left over from a destroyed swarm, delete it (never init over it)"
		sleep "$POLL"
		token=$(store_get "$1") || true
	done
}

unlock_swarm() {
	log "daemon is locked (autolock): unlocking with the key from the store"
	local key
	key=$(store_wait unlock-key) || die "no unlock-key in the store"
	printf '%s\n' "$key" | d swarm unlock >/dev/null 2>"$TMP/err" ||
		die "unlock failed (was the key rotated outside this script?): $(head -c 300 "$TMP/err")"
}

inactive_node() {
	local rc=0
	if [[ $CB_ROLE == worker ]]; then
		join_swarm worker-token
		return
	fi
	# A swarm exists once the lock does: never init then, even if the tokens are missing.
	if store_get manager-token >/dev/null; then
		join_swarm manager-token
		JOINED_AS_MANAGER=true
		return
	fi
	# One holder string per run: a retry recognises a create of its own that did land.
	local holder
	holder="$CB_NODE_NAME $(date -u +%FT%TZ)"
	while :; do
		rc=0
		store_try_lock "$holder" || rc=$?
		case $rc in
		0)
			init_swarm
			return
			;;
		1)
			log "another node holds the store lock: joining"
			join_swarm manager-token
			JOINED_AS_MANAGER=true
			return
			;;
		esac
		deadline_passed && die "the $CB_STORE store lock could not be read or written"
		sleep "$POLL"
	done
}

# wait_for_control waits (30 s at most) until this node runs the manager components.
wait_for_control() {
	local until=$((SECONDS + 30))
	until [[ $(d info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null) == true ]]; do
		((SECONDS < until)) && ! deadline_passed || return 1
		sleep "$POLL"
	done
}

# wait_for_leader waits until this manager can read the raft store (a leader exists).
wait_for_leader() {
	until [[ $(d info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null) == true ]] &&
		d node ls --filter role=manager --format '{{.ManagerStatus}}' 2>/dev/null | grep -q Leader; do
		deadline_passed && return 1
		sleep "$POLL"
	done
}

# manager_ids / node_ids print the swarm's (manager) node IDs, one a line.
manager_ids() { d node ls -q --filter role=manager; }
node_ids() { d node ls -q; }

# publish_swarm_facts stores what other nodes need: unlock key, reachable manager addresses,
# worker and manager tokens (only the values that changed).
publish_swarm_facts() {
	local key addrs
	if key=$(d swarm unlock-key -q 2>/dev/null) && [[ -n $key ]]; then
		store_update unlock-key "$key" || return 1
	fi
	local ids
	mapfile -t ids < <(manager_ids)
	addrs=$(d node inspect --format '{{if .ManagerStatus}}{{if eq (printf "%s" .ManagerStatus.Reachability) "reachable"}}{{.ManagerStatus.Addr}}{{end}}{{end}}' \
		"${ids[@]}" | grep . | sort | paste -sd, -)
	[[ -n $addrs ]] || addrs="$ADDR:2377"
	store_update manager-addrs "$addrs" || return 1
	store_update worker-token "$(d swarm join-token -q worker)" || return 1
	store_update manager-token "$(d swarm join-token -q manager)" || return 1
}

# node_update ARGS...: `docker node update`, retried when several managers update the same
# node at once and the swarm's optimistic concurrency answers "update out of sequence".
node_update() {
	local i
	for i in 1 2 3 4 5; do
		d node update "$@" >/dev/null 2>"$TMP/err" && return 0
		grep -q "out of sequence" "$TMP/err" || break
		sleep "$i"
	done
	log "node update $*: $(head -c 300 "$TMP/err")"
	return 1
}

# label_zones: this manager's zone from CB_ZONE; other nodes without a `zone` node label get
# the one their engine reports (daemon.json labels), since a worker cannot label itself.
label_zones() {
	local id node_zone engine_zone ids
	mapfile -t ids < <(node_ids)
	node_update --label-add "zone=$CB_ZONE" "$SELF" || true # retried on the next run
	while IFS='|' read -r id node_zone engine_zone; do
		[[ -n $id && -z $node_zone && -n $engine_zone ]] || continue
		[[ $engine_zone =~ ^[A-Za-z0-9._-]+$ ]] || continue
		if node_update --label-add "zone=$engine_zone" "$id"; then log "labelled node $id zone=$engine_zone"; fi
	done < <(d node inspect --format '{{.ID}}|{{index .Spec.Labels "zone"}}|{{with .Description.Engine}}{{index .Labels "zone"}}{{end}}' "${ids[@]}")
}

ensure_overlay() {
	d network inspect "$OVERLAY" >/dev/null 2>&1 && return 0
	if d network create --driver overlay --opt encrypted --attachable "$OVERLAY" >/dev/null 2>&1; then
		log "created the encrypted overlay network $OVERLAY"
	fi
	d network inspect "$OVERLAY" >/dev/null 2>&1 # another manager may have won the race
}

# replaced_manager prints the Down manager this join replaces (empty: none) once quorum is
# healthy (a leader, and this node reachable); fails while it is not.
replaced_manager() {
	local ids id is_leader reach state zone since leader=false self_ok=false best="" best_since=""
	mapfile -t ids < <(manager_ids 2>/dev/null)
	((${#ids[@]})) || return 1
	while IFS='|' read -r id is_leader reach state zone since; do
		[[ -n $id ]] || continue
		[[ $is_leader == true ]] && leader=true
		if [[ $id == "$SELF" ]]; then
			[[ $reach == reachable ]] && self_ok=true
			continue
		fi
		[[ $reach == unreachable && $state == down && $zone == "$CB_ZONE" ]] || continue
		if [[ -z $best ]] || ((since < best_since)); then best=$id best_since=$since; fi
	done < <(d node inspect --format '{{.ID}}|{{.ManagerStatus.Leader}}|{{.ManagerStatus.Reachability}}|{{.Status.State}}|{{or (index .Spec.Labels "zone") (index .Description.Engine.Labels "zone")}}|{{.UpdatedAt.Unix}}' "${ids[@]}" 2>/dev/null)
	$leader && $self_ok || return 1
	printf '%s' "$best"
}

# remove_replaced_manager: see "Lifecycle" at the top for the rule. A node counts as removed
# by this join only when its own `node rm` succeeded: if a concurrent replacement removed
# the same ghost first, this one looks again (there may be a second ghost in the zone).
remove_replaced_manager() {
	local target=""
	while :; do
		if [[ -z $target ]]; then
			if target=$(replaced_manager); then
				if [[ -z $target ]]; then
					log "no Down manager in zone $CB_ZONE: this join replaced nobody"
					return 0
				fi
				log "removing the Down manager $target that this node replaces (demote, then node rm)"
			fi
		fi
		if [[ -n $target ]]; then
			if d node demote "$target" >/dev/null 2>"$TMP/err" && d node rm "$target" >/dev/null 2>"$TMP/err"; then
				log "removed the replaced manager $target"
				return 0
			fi
			d node inspect "$target" >/dev/null 2>&1 || target="" # removed meanwhile: look again
		fi
		deadline_passed && die "could not remove the replaced manager ${target:-(quorum not healthy)}: $(head -c 300 "$TMP/err" 2>/dev/null)"
		sleep "$POLL"
	done
}

manager_pass() {
	wait_for_leader || die "no swarm leader within ${CB_JOIN_TIMEOUT}s (quorum lost?); the timer retries"
	SELF=$(d info --format '{{.Swarm.NodeID}}')
	if [[ $CB_MANAGERS_RUN_WORKLOADS == false && $(d node inspect --format '{{.Spec.Availability}}' "$SELF") != drain ]]; then
		node_update --availability drain "$SELF" || die "could not drain this manager"
		log "drained this manager of workloads"
	fi
	label_zones
	ensure_overlay || log "could not create $OVERLAY (retried on the next run)"
	if [[ $JOINED_AS_MANAGER == true ]]; then remove_replaced_manager; fi
	publish_swarm_facts || log "could not update the store (retried on the next run)"
	deploy_stacks || log "could not deploy the stacks (retried on the next run)"
}

# deploy_stacks: the manager that initialised the swarm (the lock's holder) deploys the
# monitoring and demo stacks, and deploys again when their files change. Other managers
# leave them alone (one deployer, no races).
deploy_stacks() {
	[[ $CB_MONITORING != none || $CB_DEMO == true ]] || return 0
	local holder dir=$CB_STATE_DIR/stacks
	holder=$(store_get lock) || return 1
	[[ ${holder%% *} == "$CB_NODE_NAME" ]] || return 0
	mkdir -p "$dir"
	chmod 0700 "$dir"
	if [[ $CB_MONITORING != none ]]; then
		[[ -n ${CB_MONITORING_STACK:-} ]] || die "CB_MONITORING is $CB_MONITORING but CB_MONITORING_STACK is empty"
		mkdir -p "$dir/monitoring"
		printf '%s\n' "$CB_MONITORING_STACK" >"$dir/monitoring/stack.yml"
		if [[ $CB_MONITORING == prometheus ]]; then
			printf '%s\n' "${CB_PROMETHEUS_CONFIG:-}" >"$dir/monitoring/prometheus-config.yml"
			printf '%s\n' "${CB_PROMETHEUS_RULES:-}" >"$dir/monitoring/prometheus-rules.yml"
		else
			ensure_datadog_secret || return 1
		fi
		deploy_stack monitoring "$dir/monitoring" || return 1
	fi
	if [[ $CB_DEMO == true ]]; then
		[[ -n ${CB_DEMO_STACK:-} ]] || die "CB_DEMO is true but CB_DEMO_STACK is empty"
		mkdir -p "$dir/demo"
		printf '%s\n' "$CB_DEMO_STACK" >"$dir/demo/stack.yml"
		deploy_stack demo "$dir/demo" || return 1
	fi
}

# ensure_datadog_secret creates the Swarm secret datadog_api_key from the store: the key
# goes from the store's output straight into docker's standard input.
ensure_datadog_secret() {
	d secret inspect datadog_api_key >/dev/null 2>&1 && return 0
	store_get datadog-api-key | d secret create --label clusterbench=datadog datadog_api_key - >/dev/null || {
		log "could not create the Swarm secret datadog_api_key from the store key datadog-api-key"
		return 1
	}
	log "created the Swarm secret datadog_api_key from the store"
}

# deploy_stack NAME DIR deploys DIR/stack.yml as stack NAME when the files changed since
# the last deployment or the stack is missing; --prune removes services a new file drops
# (monitoring switched from prometheus to datadog).
deploy_stack() {
	local name=$1 dir=$2 sum
	sum=$(cat "$dir"/*.yml | sha256sum | cut -c1-12)
	if [[ $(cat "$dir.deployed" 2>/dev/null) == "$sum" ]] && d stack ls --format '{{.Name}}' | grep -qx "$name"; then
		return 0
	fi
	if ! (cd "$dir" && CB_CONFIG_HASH=$sum d stack deploy --prune --resolve-image "$CB_RESOLVE_IMAGE" -c stack.yml "$name") >"$TMP/deploy" 2>&1; then
		log "docker stack deploy $name failed: $(tail -c 400 "$TMP/deploy")"
		return 1
	fi
	printf '%s' "$sum" >"$dir.deployed"
	log "deployed the stack $name ($sum)"
}

# discover_zone: a worker group spans zones, so its nodes are rendered with CB_ZONE empty
# and read their zone from the instance metadata: IMDSv2 on EC2 (a session token first;
# the launch templates require it), the metadata server on GCE ("projects/N/zones/Z").
discover_zone() {
	[[ -z ${CB_ZONE:-} ]] || return 0
	local token
	case ${CB_STORE:-} in
	ssm)
		token=$(curl -fsS -m 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token) ||
			die "CB_ZONE is empty and the EC2 metadata service (IMDSv2) did not answer"
		CB_ZONE=$(curl -fsS -m 5 -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/placement/availability-zone) ||
			die "CB_ZONE is empty and the EC2 metadata service gave no availability zone"
		;;
	gcp-secret)
		CB_ZONE=$(curl -fsS -m 5 -H 'Metadata-Flavor: Google' http://metadata.google.internal/computeMetadata/v1/instance/zone) ||
			die "CB_ZONE is empty and the GCE metadata server gave no zone"
		CB_ZONE=${CB_ZONE##*/}
		;;
	esac
	export CB_ZONE
}

main() {
	discover_zone
	validate
	DEADLINE=$((SECONDS + CB_JOIN_TIMEOUT))
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	if [[ $CB_INSTALL == true ]]; then
		exec 9>/run/clusterbench-swarm.lock
		flock 9 # the first-boot run and the timer never overlap
		install_docker
	fi
	if [[ $CB_STORE == dir ]]; then
		mkdir -p "$CB_STORE_PATH"
		chmod 0700 "$CB_STORE_PATH"
	fi
	wait_for_docker
	ADDR=${CB_ADVERTISE_ADDR:-$(default_addr)}
	JOINED_AS_MANAGER=false
	local state
	state=$(wait_state_settles)
	case $state in
	inactive) inactive_node ;;
	locked)
		[[ $CB_ROLE == manager ]] || die "a worker cannot be locked"
		unlock_swarm
		;;
	active) log "already in a swarm: not initialising or joining" ;;
	*) die "unexpected swarm state '$state' (docker info); not touching it" ;;
	esac
	if [[ $CB_ROLE == manager ]]; then
		if wait_for_control; then
			manager_pass
		else
			log "CB_ROLE is manager but this node is a worker in the swarm: leaving its role alone"
		fi
	fi
	if [[ $CB_INSTALL == true ]]; then install_timer; fi
	log "done: node $(d info --format '{{.Swarm.NodeID}}' 2>/dev/null || true) is in the swarm as $CB_ROLE"
}

# CB_BOOTSTRAP_LIBRARY=1 only defines the functions (scripts/swarm/test-stores.sh sources it).
[[ ${CB_BOOTSTRAP_LIBRARY:-} == 1 ]] || main "$@"
