#!/usr/bin/env bash
# Regenerates the real-format Pulumi documents the cost and inventory tests read
# (internal/cost/testdata/<stack>.preview.json and .export.json) with the engine rig:
#
#   internal/enginetest/fixtures.sh [STACK...]
#
# Default: eks, gke and every stack whose documents are already in testdata (name a new
# stack once to add it).
# Run it after a change to the program or the stack files; `go test ./internal/cost`
# fails while the committed documents no longer match what the program registers.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
stacks=("$@")
if ((${#stacks[@]} == 0)); then
  shopt -s nullglob
  stacks=(eks gke)
  for f in "$root"/internal/cost/testdata/*.preview.json; do
    s=$(basename "$f" .preview.json)
    [[ " ${stacks[*]} " == *" $s "* ]] || stacks+=("$s")
  done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$root/internal/enginetest/run.sh" --up --out "$tmp" "${stacks[@]}"
cd "$root"
go run ./internal/enginetest/fixtures --from "$tmp" --to internal/cost/testdata "${stacks[@]}"
