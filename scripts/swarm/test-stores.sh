#!/usr/bin/env bash
# The token stores of scripts/swarm/bootstrap.sh (ssm, gcp-secret, dir) against fakes of the
# `aws ssm` and `gcloud secrets` commands that keep parameters and secrets in files and
# answer with the clouds' error codes: absent vs. error, exactly one winner among racing
# lockers (SSM create without --overwrite; Secret Manager create, and the etag precondition
# on a pre-created secret), no rewrite of unchanged values, no secret on a command line.
# No root, no network; about a second. Also run by scripts/swarm/test-swarm.sh.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PASSED=0
FAILED=0
check() {
	local what=$1
	shift
	if "$@"; then
		PASSED=$((PASSED + 1))
		printf '  ok    %s\n' "$what"
	else
		FAILED=$((FAILED + 1))
		printf '  FAIL  %s\n' "$what"
	fi
}

# --- fakes --------------------------------------------------------------------------------
export FAKE_CLOUD=$WORK/cloud
mkdir -p "$FAKE_CLOUD/ssm" "$FAKE_CLOUD/gcp" "$WORK/bin"

cat >"$WORK/bin/aws" <<'EOF'
#!/usr/bin/env bash
# fake `aws ssm get-parameter|put-parameter`: one file per parameter
set -euo pipefail
printf '%s\n' "$*" >>"$FAKE_CLOUD/argv.log"
[[ $1 == ssm ]] || exit 2
op=$2
shift 2
name="" value="" overwrite=false
while (($#)); do
	case $1 in
	--name) name=$2 && shift 2 ;;
	--value) value=$2 && shift 2 ;;
	--overwrite) overwrite=true && shift ;;
	--with-decryption) shift ;;
	--type | --region | --query | --output) shift 2 ;;
	*) echo "fake aws: unexpected $1" >&2 && exit 2 ;;
	esac
done
if [[ -n ${FAKE_DENY:-} ]]; then
	echo "An error occurred (AccessDeniedException) when calling the ${op} operation: not authorized" >&2
	exit 254
fi
f=$FAKE_CLOUD/ssm/$(printf '%s' "$name" | tr / %)
case $op in
get-parameter)
	[[ -f $f ]] || { echo "An error occurred (ParameterNotFound) when calling the GetParameter operation: Parameter $name not found." >&2 && exit 254; }
	cat "$f" && echo
	;;
put-parameter)
	[[ $value != file://* ]] || value=$(cat "${value#file://}")
	echo put >>"$FAKE_CLOUD/puts.log"
	if $overwrite; then
		printf '%s' "$value" >"$f.$$" && mv "$f.$$" "$f"
	elif ! (set -o noclobber && printf '%s' "$value" >"$f") 2>/dev/null; then
		echo "An error occurred (ParameterAlreadyExists) when calling the PutParameter operation: The parameter already exists." >&2
		exit 254
	fi
	echo '{"Version": 1}'
	;;
esac
EOF

cat >"$WORK/bin/gcloud" <<'EOF'
#!/usr/bin/env bash
# fake `gcloud secrets ...`: a directory per secret with numbered versions, labels and an etag
set -euo pipefail
printf '%s\n' "$*" >>"$FAKE_CLOUD/argv.log"
[[ $1 == secrets ]] || exit 2
shift
op=$1
shift
if [[ $op == versions ]]; then op="versions-$1" && shift; fi
name="" data="" labels="" etag="" secret=""
while (($#)); do
	case $1 in
	--data-file) data=$2 && shift 2 ;;
	--labels | --update-labels) labels=$2 && shift 2 ;;
	--etag) etag=$2 && shift 2 ;;
	--secret) secret=$2 && shift 2 ;;
	--project | --replication-policy | --format) shift 2 ;;
	--quiet) shift ;;
	latest) shift ;;
	-*) echo "fake gcloud: unexpected $1" >&2 && exit 2 ;;
	*) name=$1 && shift ;;
	esac
done
[[ -z $secret ]] || name=$secret
d=$FAKE_CLOUD/gcp/$name
notfound() { echo "ERROR: (gcloud.secrets.$op) NOT_FOUND: Secret [projects/p/secrets/$name] not found or has no versions." >&2 && exit 1; }
read_data() { if [[ $data == - ]]; then cat; else cat "$data"; fi; }
lock() { until mkdir "$d/.mutex" 2>/dev/null; do sleep 0.01; done; }
unlock() { rmdir "$d/.mutex"; }
add_version() {
	local n
	n=$(find "$d" -maxdepth 1 -name 'v*' | wc -l)
	read_data >"$d/v$((n + 1))"
	echo add >>"$FAKE_CLOUD/puts.log"
}
case $op in
versions-access)
	[[ -d $d ]] || notfound
	last=$(find "$d" -maxdepth 1 -name 'v*' -printf '%f\n' | sed 's/^v//' | sort -n | tail -1)
	[[ -n $last ]] || notfound
	cat "$d/v$last"
	;;
versions-add)
	[[ -d $d ]] || notfound
	lock && add_version && unlock
	;;
create)
	# 409, worded as gcloud does, without the status name: callers must not rely on it
	# built aside, then renamed into place: the create is atomic, as the API's is
	t=$FAKE_CLOUD/gcp/.new.$$
	mkdir -p "$t"
	printf '%s' "${labels#holder=}" >"$t/holder"
	echo "e$RANDOM$RANDOM" >"$t/etag"
	[[ -z $data ]] || d=$t add_version
	if ! mv -T "$t" "$d" 2>/dev/null; then
		rm -rf "$t"
		echo "ERROR: (gcloud.secrets.create) Resource in projects [p] is the subject of a conflict: Secret [projects/p/secrets/$name] already exists." >&2
		exit 1
	fi
	;;
describe)
	[[ -d $d ]] || notfound
	printf '%s\t%s\n' "$(cat "$d/etag")" "$(cat "$d/holder")"
	;;
update)
	[[ -d $d ]] || notfound
	lock
	if [[ -n $etag && $etag != "$(cat "$d/etag")" ]]; then
		unlock
		echo "ERROR: (gcloud.secrets.update) ABORTED: etag mismatch" >&2
		exit 1
	fi
	printf '%s' "${labels#holder=}" >"$d/.holder" && mv -f "$d/.holder" "$d/holder"
	echo "e$RANDOM$RANDOM" >"$d/.etag" && mv -f "$d/.etag" "$d/etag"
	unlock
	;;
*) echo "fake gcloud: unexpected secrets $op" >&2 && exit 2 ;;
esac
EOF
chmod +x "$WORK/bin/aws" "$WORK/bin/gcloud"
export PATH="$WORK/bin:$PATH"

# --- the bootstrap's functions --------------------------------------------------------------
export CB_BOOTSTRAP_LIBRARY=1 CB_ROLE=manager CB_ZONE=z1 CB_REGION=us-east-1 CB_PROJECT=p CB_NODE_NAME=tester
# shellcheck source=/dev/null # bootstrap.sh is checked on its own
source "$HERE/bootstrap.sh"
set +e # the checks look at exit statuses themselves

rc_of() { "$@" >/dev/null 2>&1 && echo 0 || echo $?; }

# race N: N concurrent lockers (each its own TMP, as separate nodes); prints the winners' count
race() {
	local i
	rm -rf "$WORK/race" && mkdir -p "$WORK/race"
	for ((i = 0; i < $1; i++)); do
		(
			TMP=$(mktemp -d)
			store_try_lock "node$i $(date +%s%N)" >/dev/null 2>&1
			echo $? >"$WORK/race/$i"
			rm -rf "$TMP"
		) &
	done
	wait
	grep -lx 0 "$WORK/race"/* | wc -l
}

# writes: a counter that changes with every write to the store (dir: the file's inode).
writes() {
	if [[ $CB_STORE == dir ]]; then
		stat -c %i "$CB_STORE_PATH/worker-token"
	else
		wc -l <"$FAKE_CLOUD/puts.log"
	fi
}

# Predicates (globals: CB_STORE, CB_STORE_PATH, SECRET, BEFORE).
absent_is_absent() { [[ $(rc_of store_get worker-token) == 1 ]]; }
reads_back() { [[ $(store_get worker-token) == "$1" ]]; }
not_on_argv() { ! grep -qF "$SECRET" "$FAKE_CLOUD/argv.log" 2>/dev/null; }
not_rewritten() { [[ $(writes) == "$BEFORE" ]]; }
one_winner() { [[ $(race 8) == 1 ]]; }
losers_lost() { [[ $(grep -Lx 0 "$WORK/race"/* | xargs cat | sort -u) == 1 ]]; }
late_loses() { [[ $(rc_of store_try_lock late) == 1 ]]; }
dir_private() { [[ $(stat -c %a "$CB_STORE_PATH/worker-token" "$CB_STORE_PATH/lock" | sort -u) == 600 ]]; }
denied_is_error() {
	[[ $(FAKE_DENY=1 rc_of store_get worker-token) == 2 && $(FAKE_DENY=1 rc_of store_try_lock x) == 2 ]]
}

# shellcheck disable=SC2016 # a value that would run commands if ever evaluated
SECRET='SWMTKN-1-abc$(id)`x`'"'q"
for CB_STORE in ssm gcp-secret dir; do
	case $CB_STORE in
	ssm) CB_STORE_PATH=/clusterbench/test/swarm ;;
	gcp-secret) CB_STORE_PATH=test-swarm ;;
	dir) CB_STORE_PATH=$WORK/dir && mkdir -p "$CB_STORE_PATH" ;;
	esac
	(validate) || FAILED=$((FAILED + 1))
	: >"$FAKE_CLOUD/argv.log"
	TMP=$(mktemp -d)
	echo "store $CB_STORE ($CB_STORE_PATH)"
	check "$CB_STORE: an absent key reads as absent (1), not as an error" absent_is_absent
	printf '%s' "$SECRET" | store_put worker-token
	check "$CB_STORE: a value reads back byte for byte" reads_back "$SECRET"
	check "$CB_STORE: the value never appears on a command line" not_on_argv
	BEFORE=$(writes)
	store_update worker-token "$SECRET" 2>/dev/null
	check "$CB_STORE: an unchanged value is not written again" not_rewritten
	store_update worker-token "${SECRET}2" 2>/dev/null
	check "$CB_STORE: a changed value is written" reads_back "${SECRET}2"
	check "$CB_STORE: 8 racing lockers, exactly one wins" one_winner
	check "$CB_STORE: the 7 others see the lock as taken (1), not as an error" losers_lost
	check "$CB_STORE: a later locker loses" late_loses
	if [[ $CB_STORE == dir ]]; then
		check "dir: files are mode 0600" dir_private
	fi
	if [[ $CB_STORE == ssm ]]; then
		check "ssm: access denied is an error (2), neither absent nor a lost lock" denied_is_error
	fi
	if [[ $CB_STORE == gcp-secret ]]; then
		# The Pulumi program pre-creates the lock secret, without a holder: the etag decides.
		CB_STORE_PATH=test-precreated
		mkdir -p "$FAKE_CLOUD/gcp/$CB_STORE_PATH-lock" && : >"$FAKE_CLOUD/gcp/$CB_STORE_PATH-lock/holder" &&
			echo e1 >"$FAKE_CLOUD/gcp/$CB_STORE_PATH-lock/etag"
		check "gcp-secret, lock secret pre-created: 8 racing lockers, exactly one wins (etag)" one_winner
		check "gcp-secret, lock secret pre-created: the others see it taken" losers_lost
	fi
	rm -rf "$TMP"
done

# settings_valid NAME=VALUE...: validate() accepts valid settings with these overrides.
settings_valid() {
	# shellcheck disable=SC2016 # $0 is the inner shell's
	env CB_BOOTSTRAP_LIBRARY=1 CB_ROLE=worker CB_ZONE=z1 CB_STORE=dir CB_STORE_PATH=/srv/store CB_REGION= "$@" \
		bash -c '. "$0" && validate' "$HERE/bootstrap.sh" >/dev/null 2>&1
}
settings_refused() { ! settings_valid "$@"; }
check "settings: a valid worker on the dir store is accepted" settings_valid
check "settings: a bad role is refused" settings_refused CB_ROLE=boss
check "settings: a Docker API on TCP is refused" settings_refused CB_DOCKER="docker -H tcp://10.0.0.1:2375"
check "settings: ssm without a region is refused" settings_refused CB_STORE=ssm CB_REGION=
check "settings: a relative dir store is refused" settings_refused CB_STORE=dir CB_STORE_PATH=rel/dir

echo "test-stores: $PASSED passed, $FAILED failed"
((FAILED == 0))
