#!/usr/bin/env bash
# Runs the project's program under the real Pulumi engine (../shared/engine-rig, stand-in
# providers, no cloud) for every stack whose orchestrator is built, then checks that:
#   - preview and up succeed, and the preview creates exactly the resources the mock
#     harness records (+ the stack resource);
#   - `clusterbench cost --preview` prices the real-format preview and export documents
#     to the same monthly total as `clusterbench compare` prices the stack.
# The first run builds the Pulumi CLI into ~/.cache/engine-rig (a few minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
rig=${ENGINE_RIG:-../shared/engine-rig/run.sh}
bin=bin/clusterbench
[[ -x $rig ]] || { echo "test-engine: FAIL: no engine rig at $rig"; exit 1; }
[[ -x $bin ]] || go build -o "$bin" ./cmd/clusterbench

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The stacks whose orchestrator is built: `inventory` exits 0 only for those.
built=()
for f in stacks/Pulumi.*.yaml; do
  s=${f#stacks/Pulumi.}; s=${s%.yaml}
  if "$bin" inventory --stack "$s" --format json >"$tmp/$s.inventory.json" 2>/dev/null; then
    built+=("$s")
  fi
done
((${#built[@]})) || { echo "test-engine: FAIL: no stack is built"; exit 1; }
echo "test-engine: stacks built: ${built[*]}"

RIG_INVOKES=internal/harness/invokes.json "$rig" --up --out "$tmp/out" "${built[@]}" | tee "$tmp/rig.log"

# json_number KEY FILE: the first numeric value of "KEY" in a JSON document.
json_number() { grep -Eo "\"$1\": *-?[0-9.]+" "$2" | head -1 | grep -Eo -- '-?[0-9.]+$'; }

failed=0
for s in "${built[@]}"; do
  recorded=$(grep -c '"type":' "$tmp/$s.inventory.json")
  created=$(grep -Eo "^$s: ok, preview creates [0-9]+" "$tmp/rig.log" | grep -Eo '[0-9]+$' || echo 0)
  if ((created != recorded + 1)); then
    echo "$s: FAIL: the engine's preview creates $created resources, the harness records $recorded (+1 stack)"; failed=1
  fi
  "$bin" compare --stack "$s" --format json --out "$tmp/$s.compare.json" || true
  want=$(json_number monthlyCostUSD "$tmp/$s.compare.json")
  for doc in preview export; do
    "$bin" cost --preview "$tmp/out/$s.$doc.json" --format json --out "$tmp/$s.$doc.cost.json" || true
    got=$(json_number monthlyCostUSD "$tmp/$s.$doc.cost.json" || echo missing)
    if [[ $got != "$want" ]]; then
      echo "$s: FAIL: cost --preview of the real $doc document gives $got, compare gives $want"; failed=1
    else
      echo "$s: $doc document priced at \$$got/month, as compare prices the stack"
    fi
  done
done
if ((failed)); then echo "test-engine: FAIL"; exit 1; fi
echo "test-engine: PASS (${#built[@]} stacks under the real engine)"
