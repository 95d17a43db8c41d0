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

failed=0
# verify evaluates the stacks under the harness: built next to the rig's program, from
# the same sources.
go build -o "$tmp/verify" ./internal/enginetest/verify
internal/enginetest/run.sh --up --out "$tmp/out" "${built[@]}" || failed=1
"$tmp/verify" --dir "$tmp/out" "${built[@]}" || failed=1

# json_number KEY FILE: the first numeric value of "KEY" in a JSON document.
json_number() { grep -Eo "\"$1\": *-?[0-9.]+" "$2" | head -1 | grep -Eo -- '-?[0-9.]+$'; }

for s in "${built[@]}"; do
  "$bin" compare --stack "$s" --format json --out "$tmp/$s.compare.json" || true
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
echo "test-engine: PASS (${#built[@]} stacks under the real engine, ${secs} s)"
