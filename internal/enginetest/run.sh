#!/usr/bin/env bash
# The engine rig: runs the project's Pulumi program under the real Pulumi engine, with
# stand-in providers and no cloud.
#
#   internal/enginetest/run.sh [--up] [--out DIR] [--variant NEW=BASE]...
#                              [--set STACK:KEY=VALUE]... [--secret STACK:KEY=VALUE]... STACK...
#
# Builds the Pulumi CLI at the version go.mod pins for github.com/pulumi/pulumi/sdk/v3,
# from the Go module proxy (internal/enginetest/tools), once per machine into
# ${CLUSTERBENCH_CACHE:-~/.cache/clusterbench}/pulumi-<version>/; then, every run, the
# program, the language host (langhost) and the stand-in providers (standin, installed as
# pulumi-resource-<pkg> for every provider SDK go.mod requires). In a throwaway copy of
# Pulumi.yaml and stacks/ with a throwaway file backend, for each STACK it runs
# `pulumi preview --json` into DIR/<stack>.preview.json, and with --up also `pulumi up`
# and `pulumi stack export` into DIR/<stack>.export.json and (--show-secrets)
# DIR/<stack>.export-secrets.json (fake secrets of stand-ins, in plaintext: keep DIR out of
# the repository). Without --out, DIR is a new temporary directory, named at the end.
# --variant NEW=BASE adds a stack NEW to the throwaway project whose file starts as a copy
# of stacks/Pulumi.BASE.yaml (name NEW among the STACKs to run it); --set and --secret run
# `pulumi config set [--secret] KEY` on a stack before its preview (the secret's value
# through stdin, so the CLI encrypts it with the rig's passphrase). Every stack's file as
# the CLI last wrote it (salt, secure values) goes to DIR/Pulumi.<stack>.yaml, for
# checks that evaluate the same file (compare --stacks DIR, verify --stacks DIR).
# Invokes are answered from internal/harness/invokes.json, as under the mock harness.
# Exit status: 0 when every stack previews (and deploys, with --up); 1 otherwise; 2 usage.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
up=0 out="" stacks=() variants=() settings=()
while (($#)); do
  case $1 in
    --up) up=1 ;;
    --out) out=${2:?--out needs a directory}; shift ;;
    --variant)
      [[ ${2:-} =~ ^[A-Za-z0-9_.-]+=[A-Za-z0-9_.-]+$ ]] || { echo "run.sh: --variant needs NEW=BASE, got '${2:-}'" >&2; exit 2; }
      variants+=("$2"); shift ;;
    --set|--secret)
      [[ ${2:-} =~ ^[A-Za-z0-9_.-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_.-]+=.*$ ]] || { echo "run.sh: $1 needs STACK:NAMESPACE:KEY=VALUE, got '${2:-}'" >&2; exit 2; }
      settings+=("$1 $2"); shift ;;
    -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "run.sh: unknown flag $1" >&2; exit 2 ;;
    *) stacks+=("$1") ;;
  esac
  shift
done
((${#stacks[@]})) || { echo "usage: run.sh [--up] [--out DIR] [--variant NEW=BASE]... [--set|--secret STACK:KEY=VALUE]... STACK..." >&2; exit 2; }
[[ -n $out ]] || out=$(mktemp -d -t enginetest-out.XXXXXX)
[[ $out = /* ]] || out="$PWD/$out"
mkdir -p "$out"
now() { echo "${EPOCHREALTIME/./}"; }   # microseconds
since() { local d=$(( ($(now) - $1) / 100000 )); echo "$((d / 10)).$((d % 10)) s"; }

# The CLI version is the SDK version go.mod requires; the tools module must pin the same.
# required MODULE GOMOD: the version GOMOD requires of MODULE (in a block or a one-line require).
required() { awk -v m="$1" '$1 == "require" { $1 = ""; $0 = $0 } $1 == m { print $2; exit }' "$2"; }
version=$(required github.com/pulumi/pulumi/sdk/v3 "$root/go.mod")
tools=$root/internal/enginetest/tools
pinned=$(required github.com/pulumi/pulumi/pkg/v3 "$tools/go.mod")
[[ -n $version ]] || { echo "run.sh: go.mod requires no github.com/pulumi/pulumi/sdk/v3" >&2; exit 1; }
if [[ $pinned != "$version" ]]; then
  echo "run.sh: go.mod requires pulumi/sdk/v3 $version but $tools/go.mod builds the CLI from pkg/v3 $pinned;" >&2
  echo "        run: (cd internal/enginetest/tools && go get github.com/pulumi/pulumi/pkg/v3@$version && go mod tidy)" >&2
  exit 1
fi
cache=${CLUSTERBENCH_CACHE:-$HOME/.cache/clusterbench}/pulumi-$version
if [[ ! -x $cache/pulumi ]]; then
  echo "run.sh: building the Pulumi CLI $version into $cache (once per machine: several minutes on 2 cores)" >&2
  t=$(now)
  mkdir -p "$cache"
  # Built under a temporary name and renamed: a run that stops half-way leaves no
  # broken binary, and two runs building at once each rename a whole one.
  (cd "$tools" && nice -n 10 go build -o "$cache/.pulumi.$$" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  mv -f "$cache/.pulumi.$$" "$cache/pulumi"
  echo "run.sh: built the Pulumi CLI in $(since "$t")" >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/project" "$work/state" "$work/home"

# The program, the language host and the stand-ins are built from this checkout every run.
t=$(now)
(cd "$root" && go build -o "$work/bin/program" . \
  && go build -o "$work/bin/pulumi-language-go" ./internal/enginetest/langhost \
  && go build -o "$work/bin/standin" ./internal/enginetest/standin)
# One stand-in per provider SDK go.mod requires (github.com/pulumi/pulumi-aws/sdk/v6 v6.83.4
# → pulumi-resource-aws, version 6.83.4): the versions the program asks the engine for.
# Installed as plugins, as `pulumi plugin install` would, so the engine checks the versions.
versions=()
while read -r pkg pkgversion; do
  mkdir -p "$work/home/plugins/resource-$pkg-$pkgversion"
  ln -s "$work/bin/standin" "$work/home/plugins/resource-$pkg-$pkgversion/pulumi-resource-$pkg"
  versions+=("$pkg=${pkgversion#v}")
done < <(awk '$1 ~ /^github\.com\/pulumi\/pulumi-[a-z0-9-]+\/sdk(\/v[0-9]+)?$/ {
  split($1, p, "/"); sub(/^pulumi-/, "", p[3]); print p[3], $2 }' "$root/go.mod")
echo "run.sh: built the program, language host and stand-ins (${versions[*]}) in $(since "$t")" >&2

# A copy of what the CLI reads (stack init writes the passphrase salt into stack files).
cp "$root/Pulumi.yaml" "$work/project/"
cp -r "$root/stacks" "$work/project/"
for v in "${variants[@]}"; do
  base=$work/project/stacks/Pulumi.${v#*=}.yaml new=$work/project/stacks/Pulumi.${v%%=*}.yaml
  [[ -f $base ]] || { echo "run.sh: --variant $v: no stack file stacks/Pulumi.${v#*=}.yaml" >&2; exit 2; }
  [[ ! -e $new ]] || { echo "run.sh: --variant $v: stacks/Pulumi.${v%%=*}.yaml exists already" >&2; exit 2; }
  cp "$base" "$new"
done

joined=$(IFS=,; echo "${versions[*]}")
# Secrets in stack files (`secure:` values) must be encrypted with the passphrase engine-rig.
# The CLI finds the language host beside itself (a link, not a copy: 170 MB).
ln "$cache/pulumi" "$work/bin/pulumi" 2>/dev/null || ln -s "$cache/pulumi" "$work/bin/pulumi"
export PATH="$work/bin:$PATH" PULUMI_HOME="$work/home" PULUMI_BACKEND_URL="file://$work/state" \
  PULUMI_CONFIG_PASSPHRASE=engine-rig PULUMI_SKIP_UPDATE_CHECK=1 PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
  CLUSTERBENCH_ENGINE_PROGRAM="$work/bin/program" CLUSTERBENCH_STANDIN_VERSIONS="$joined"
cd "$work/project"

# run LOG CMD...: runs a CLI command, its output in LOG; on failure says which and why.
run() {
  local log=$1; shift
  if "$@" >>"$log" 2>&1; then return 0; fi
  echo "    $* failed:"
  grep -E 'error:|panic|no answer for invoke' "$log" | head -15 | sed 's/^/    /'
  return 1
}

failed=0
for s in "${stacks[@]}"; do
  t=$(now) log=$work/$s.log
  if ! run "$log" pulumi stack select --create "$s" --non-interactive; then
    echo "$s: FAIL (stack select)"; failed=1; continue
  fi
  configured=1
  for setting in "${settings[@]}"; do
    flag=${setting%% *} setting=${setting#* }
    [[ ${setting%%:*} == "$s" ]] || continue
    setting=${setting#*:} key=${setting%%=*} value=${setting#*=}
    if [[ $flag == --secret ]]; then
      printf '%s' "$value" | run "$log" pulumi config set --secret "$key" || configured=0
    else
      run "$log" pulumi config set "$key" -- "$value" || configured=0
    fi
  done
  cp "stacks/Pulumi.$s.yaml" "$out/"
  if ((!configured)); then echo "$s: FAIL (config set)"; failed=1; continue; fi
  if ! pulumi preview --json --non-interactive >"$out/$s.preview.json" 2>>"$log"; then
    echo "$s: FAIL (preview)"; grep -hE 'error:|panic' "$out/$s.preview.json" "$log" | head -15 | sed 's/^/    /'
    failed=1; continue
  fi
  msg="preview ok"
  if ((up)); then
    if ! run "$log" pulumi up --yes --skip-preview --non-interactive; then
      echo "$s: FAIL (up)"; failed=1; continue
    fi
    if ! pulumi stack export >"$out/$s.export.json" 2>>"$log" ||
      ! pulumi stack export --show-secrets >"$out/$s.export-secrets.json" 2>>"$log"; then
      echo "$s: FAIL (stack export)"; sed 's/^/    /' "$log" | tail -5; failed=1; continue
    fi
    msg="$msg, up ok, exported"
  fi
  echo "$s: $msg ($(since "$t"))"
done
echo "run.sh: documents in $out" >&2
exit $failed
