#!/usr/bin/env bash
# Runs the project's program under the real Pulumi engine (internal/enginetest/run.sh:
# stand-in providers, no cloud) for every stack whose orchestrator is built, then checks:
#   - preview and up succeed; the preview creates exactly the resources the mock harness
#     records (+ the stack resource), and the preview and the export hold the harness's
#     URNs, types and parents (internal/enginetest/verify);
#   - no secret value (kubeconfig, join tokens...) appears in plaintext in the preview or
#     the export, and every stack output named like a credential is stored as ciphertext;
#   - `clusterbench cost --preview` prices the real-format preview and export documents
#     to the same monthly total as `clusterbench compare` prices the stack.
# Besides the shipped stacks, it runs variants of the built ones with monitoring and the
# demo switched on (<stack>-prometheus, <stack>-datadog: a copy of its stack file in the
# rig's throwaway project, set with `pulumi config set`; Datadog's API key a Pulumi
# secret, a fake made up per run), checked the same way, and checks that the key reaches the state only as a
# secret: nowhere in plaintext in the preview or the export, in the --show-secrets export.
# The first run on a machine builds the Pulumi CLI (several minutes; cached outside the
# clone in ${CLUSTERBENCH_CACHE:-~/.cache/clusterbench}/pulumi-<version>/).
set -euo pipefail
cd "$(dirname "$0")/.."
start=${EPOCHREALTIME/./}
bin=bin/clusterbench
[[ -x $bin ]] || go build -o "$bin" ./cmd/clusterbench

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The stacks whose orchestrator is built: `inventory` exits 0 only for those.
built=()
for f in stacks/Pulumi.*.yaml; do
  s=${f#stacks/Pulumi.}; s=${s%.yaml}
  if "$bin" inventory --stack "$s" --format json >/dev/null 2>&1; then
    built+=("$s")
  fi
done
((${#built[@]})) || { echo "test-engine: FAIL: no stack is built"; exit 1; }
echo "test-engine: stacks built: ${built[*]}"

# The monitored variants, <stack>-<monitoring>, the demo on in each: both choices on each
# cloud and orchestrator, and the Datadog key in every kind of store (a Kubernetes
# Secret, an SSM parameter, a Secret Manager secret).
monitored=(eks:prometheus gke:datadog kops-aws:datadog kops-gcp:prometheus kops-gcp:datadog
  swarm-aws:datadog swarm-gcp:prometheus swarm-gcp:datadog)
# A fake Datadog API key, distinct per run: found anywhere, it can only have come from here.
ddkey=cbfake-dd-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
variants=() datadog=() rig=()
for m in "${monitored[@]}"; do
  s=${m%%:*} choice=${m#*:} v=${m/:/-}
  [[ " ${built[*]} " == *" $s "* ]] || continue
  variants+=("$v")
  rig+=(--variant "$v=$s" --set "$v:clusterbench:monitoring=$choice" --set "$v:clusterbench:demo=true")
  if [[ $choice == datadog ]]; then
    datadog+=("$v")
    rig+=(--secret "$v:clusterbench:datadogApiKey=$ddkey")
  fi
  if [[ $s == swarm-* ]]; then rig+=(--set "$v:clusterbench:swarm.managersRunWorkloads=true"); fi
done
echo "test-engine: monitored variants: ${variants[*]}"
all=("${built[@]}" "${variants[@]}")

failed=0
# verify evaluates the stacks under the harness: built next to the rig's program, from
# the same sources. The rig writes every stack's file as the CLI ran it into its output
# directory; verify and compare read those.
go build -o "$tmp/verify" ./internal/enginetest/verify
internal/enginetest/run.sh --up --out "$tmp/out" "${rig[@]}" "${all[@]}" || failed=1
"$tmp/verify" --dir "$tmp/out" --stacks "$tmp/out" "${all[@]}" || failed=1

# The Datadog key: a secret in the stack file, in the state only as ciphertext.
for v in "${datadog[@]}"; do
  ok=1
  for doc in Pulumi.$v.yaml $v.preview.json $v.export.json; do
    if [[ ! -f $tmp/out/$doc ]] || grep -qF -- "$ddkey" "$tmp/out/$doc"; then
      echo "$v: FAIL: the fake Datadog API key is in plaintext in $doc (or the rig wrote no $doc)"; ok=0
    fi
  done
  if ! grep -qF -- "$ddkey" "$tmp/out/$v.export-secrets.json" 2>/dev/null; then
    echo "$v: FAIL: the --show-secrets export does not hold the Datadog API key: it never reached the state as a secret"; ok=0
  fi
  if ((ok)); then
    echo "$v: the Datadog API key is a secret: in no plaintext in the stack file, the preview or the export; in the --show-secrets export"
  else
    failed=1
  fi
done

# json_number KEY FILE: the first numeric value of "KEY" in a JSON document.
json_number() { grep -Eo "\"$1\": *-?[0-9.]+" "$2" | head -1 | grep -Eo -- '-?[0-9.]+$'; }

for s in "${all[@]}"; do
  "$bin" compare --stacks "$tmp/out" --stack "$s" --format json --out "$tmp/$s.compare.json" || true
  want=$(json_number monthlyCostUSD "$tmp/$s.compare.json" || echo missing)
  for doc in preview export; do
    got=missing
    if [[ -f $tmp/out/$s.$doc.json ]]; then
      "$bin" cost --preview "$tmp/out/$s.$doc.json" --format json --out "$tmp/$s.$doc.cost.json" || true
      got=$(json_number monthlyCostUSD "$tmp/$s.$doc.cost.json" || echo missing)
    fi
    if [[ $got == missing || $got != "$want" ]]; then
      echo "$s: FAIL: cost --preview of the real $doc document gives $got, compare gives $want"; failed=1
    else
      echo "$s: $doc document priced at \$$got/month, as compare prices the stack"
    fi
  done
done
secs=$(( (${EPOCHREALTIME/./} - start) / 1000000 ))
if ((failed)); then echo "test-engine: FAIL (${secs} s)"; exit 1; fi
echo "test-engine: PASS (${#built[@]} stacks and ${#variants[@]} monitored variants under the real engine, ${secs} s)"
