#!/usr/bin/env bash
# Renders `clusterbench compare --format html` in headless Chromium and checks the page:
#   - the DOM holds every stack's name (from stacks/Pulumi.<stack>.yaml), "Monthly cost"
#     and the chart's <svg>;
#   - the Capabilities table holds every capability row and a status cell per stack;
#   - a 1400x1000 screenshot is not blank (scripts/pngcheck counts colours and ink).
# Installs Debian's chromium when it is missing (needs root). Every step is bounded by a
# timeout and the temporary directory is removed on every path.
# CLUSTERBENCH=path/to/binary uses an already built CLI instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
started=$SECONDS

fail() { echo "test-browser: FAIL: $*"; exit 1; }
step() { echo "test-browser: [$((SECONDS - started))s] $*"; }

# ensure_chromium installs Debian's chromium package when there is no chromium.
ensure_chromium() {
  command -v chromium >/dev/null && return
  if ((EUID != 0)); then
    fail "chromium is not installed and installing it needs root (apt-get install -y chromium)"
  fi
  step "installing chromium"
  timeout 600 apt-get update -qq || fail "apt-get update"
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq chromium >/dev/null ||
    fail "apt-get install chromium"
}

# headless CHROMIUM-ARGS...: one bounded headless Chromium run on the report, no network,
# a throwaway profile; Chromium's own chatter (dbus, GPU) goes to $tmp/chromium.log.
headless() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/profile" "$@" "file://$tmp/report.html" 2>>"$tmp/chromium.log"
}

# stack_names prints the name of every stack file's stack.
stack_names() {
  local f name
  for f in stacks/*.yaml; do
    name=${f##*/}; name=${name#Pulumi.}; echo "${name%.yaml}"
  done
}

ensure_chromium
bin=${CLUSTERBENCH:-}
if [[ -z $bin ]]; then
  step "building ./cmd/clusterbench"
  bin=$tmp/clusterbench
  timeout 900 go build -o "$bin" ./cmd/clusterbench || fail "go build ./cmd/clusterbench"
fi

step "clusterbench compare --format html"
code=0
timeout 300 "$bin" compare --stacks stacks --format html --out "$tmp/report.html" || code=$?
# Exit 1 is findings (unpriced items, a failed stack): the report is still written.
((code <= 1)) || fail "clusterbench compare exited $code"
[[ -s $tmp/report.html ]] || fail "clusterbench compare wrote no report"

step "chromium --dump-dom"
headless --dump-dom >"$tmp/dom.html" || fail "chromium --dump-dom (see its log below)"$'\n'"$(tail -5 "$tmp/chromium.log")"
# Stack names are checked as whole element texts (">eks<"), not as parts of other words.
missing=()
while read -r want; do
  grep -qF -- "$want" "$tmp/dom.html" || missing+=("$want")
done < <(stack_names | sed 's/.*/>&</'; echo "Monthly cost"; echo "<svg")
((${#missing[@]} == 0)) || fail "the rendered page lacks: ${missing[*]}"

# The Capabilities section: its table, every row's label, and one status-classed cell per
# stack and capability (what Chromium parsed, not what the binary wrote).
capability_labels=("Application definition" "Pod autoscaling" "Node autoscaling" "Application availability"
  "Load balancing" "Service discovery" "Secrets at rest" "Network policy" "Access control" "Upgrades" "Observability")
grep -qF '<table class="summary capabilities">' "$tmp/dom.html" || fail "the rendered page has no capabilities table"
for label in "${capability_labels[@]}"; do
  grep -qF "<th scope=\"row\">$label</th>" "$tmp/dom.html" || missing+=("capability row '$label'")
done
((${#missing[@]} == 0)) || fail "the rendered page lacks: ${missing[*]}"
stacks=$(stack_names | wc -l)
cells=$(grep -oE '<td class="cap-(provided|deployed|yours|none)">' "$tmp/dom.html" | wc -l)
((cells == stacks * ${#capability_labels[@]})) ||
  fail "the capabilities table has $cells status cells, want $((stacks * ${#capability_labels[@]})) ($stacks stacks × ${#capability_labels[@]} capabilities)"

step "chromium --screenshot"
headless --screenshot="$tmp/shot.png" --window-size=1400,1000 >/dev/null || fail "chromium --screenshot"
[[ -s $tmp/shot.png ]] || fail "chromium wrote no screenshot"
timeout 300 go run ./scripts/pngcheck "$tmp/shot.png" || fail "the screenshot looks blank"

echo "test-browser: PASS ($(stack_names | wc -l) stacks in the DOM, $cells capability cells, screenshot not blank, $((SECONDS - started))s)"
