#!/usr/bin/env bash
# Renders `clusterbench compare --format html` in headless Chromium and checks the page:
#   - the DOM holds every stack's name (from stacks/Pulumi.<stack>.yaml), "Monthly cost"
#     and the chart's <svg>;
#   - the Capabilities table holds every capability row and a status cell per stack;
#   - a 1400x1000 screenshot is not blank (scripts/pngcheck counts colours and ink);
#   - every stack's architecture diagram is in the DOM (its title, zones and legend as
#     text) and visible: a probe copy of the page reports where each diagram's <svg>
#     sits, and that region of a screenshot is not blank and not tiny;
#   - every Mermaid diagram of `compare --format markdown` renders with mermaid
#     (MERMAID_VERSION, fetched once with npm into the cache), as GitHub would draw it.
# Installs Debian's chromium when it is missing (needs root). Every step is bounded by a
# timeout and the temporary directory is removed on every path.
# CLUSTERBENCH=path/to/binary uses an already built CLI instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."

MERMAID_VERSION=11.17.2
cache=${CLUSTERBENCH_CACHE:-$HOME/.cache/clusterbench}

tmp=$(mktemp -d)
trap '[[ -n ${KEEP_TMP:-} ]] || rm -rf "$tmp"' EXIT
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

step "diagrams in the DOM"
stacks=$(stack_names | wc -l)
diagrams=$(grep -o '<div class="diagram"' "$tmp/dom.html" | wc -l)
((diagrams == stacks)) || fail "want one diagram per stack ($stacks), the page has $diagrams"
missing=()
while read -r name; do
  # Graphviz writes each stack's title ("eks: Amazon EKS on AWS (us-east-1)") as SVG text.
  grep -qF -- ">$name: " "$tmp/dom.html" || missing+=("the diagram title of $name")
done < <(stack_names)
for want in "zone us-east-1a" "zone us-central1-a" ">Legend<" "admin networks (adminCidrs)"; do
  grep -qF -- "$want" "$tmp/dom.html" || missing+=("$want")
done
((${#missing[@]} == 0)) || fail "the diagrams lack: ${missing[*]}"

step "diagrams visible where they sit"
# A copy of the page with a probe script (the report itself has none) writes each
# diagram's box in page pixels into the DOM; a screenshot tall enough to hold them all
# is then checked region by region.
sed 's#</body>#<script>addEventListener("load",()=>{const p=document.createElement("pre");p.id="diagram-rects";p.textContent=[...document.querySelectorAll("div.diagram svg")].map(s=>{const r=s.getBoundingClientRect();return [r.left+scrollX,r.top+scrollY,r.width,r.height].map(Math.round).join(",")}).join(" ");document.body.append(p)})</script></body>#' \
  "$tmp/report.html" >"$tmp/probe.html"
probe() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --force-device-scale-factor=1 \
    --user-data-dir="$tmp/profile" "$@" "file://$tmp/probe.html" 2>>"$tmp/chromium.log"
}
probe --window-size=1400,1000 --virtual-time-budget=5000 --dump-dom >"$tmp/probe-dom.html" || fail "chromium --dump-dom on the probe"
read -r -a rects < <(sed -n 's#.*<pre id="diagram-rects">\([^<]*\)</pre>.*#\1#p' "$tmp/probe-dom.html")
((${#rects[@]} == stacks)) || fail "the probe found ${#rects[@]} diagram boxes, want $stacks"
bottom=0
for r in "${rects[@]}"; do
  IFS=, read -r x y w h <<<"$r"
  ((w >= 100 && h >= 40)) || fail "a diagram is too small to see: ${w}x${h} at $x,$y"
  ((y + h > bottom)) && bottom=$((y + h))
done
probe --window-size=1400,$((bottom + 40)) --screenshot="$tmp/diagrams.png" >/dev/null || fail "chromium --screenshot on the probe"
timeout 300 go build -o "$tmp/pngcheck" ./scripts/pngcheck || fail "go build ./scripts/pngcheck"
for r in "${rects[@]}"; do
  "$tmp/pngcheck" -min-colours 8 -min-non-white 0.01 -crop "$r" "$tmp/diagrams.png" || fail "the diagram at $r looks blank"
done

step "Mermaid of the Markdown report renders (mermaid $MERMAID_VERSION)"
mermaid_js=$cache/mermaid-$MERMAID_VERSION/mermaid.min.js
if [[ ! -s $mermaid_js ]]; then
  command -v npm >/dev/null || fail "npm (Node.js) is needed to fetch mermaid@$MERMAID_VERSION"
  mkdir -p "$tmp/npm" "${mermaid_js%/*}"
  (cd "$tmp/npm" && timeout 300 npm pack --silent "mermaid@$MERMAID_VERSION" >/dev/null) || fail "npm pack mermaid@$MERMAID_VERSION"
  tar -xzf "$tmp/npm/mermaid-$MERMAID_VERSION.tgz" -C "$tmp/npm" package/dist/mermaid.min.js || fail "unpacking mermaid"
  mv "$tmp/npm/package/dist/mermaid.min.js" "$mermaid_js"
fi
code=0
timeout 300 "$bin" compare --stacks stacks --format markdown --out "$tmp/report.md" || code=$?
((code <= 1)) || fail "clusterbench compare --format markdown exited $code"
{
  echo '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
  # Each ```mermaid block of the report, HTML-escaped, as a source to render.
  awk '/^```mermaid$/ {inside=1; printf "<pre class=\"source\" hidden>"; next}
       inside && /^```$/ {inside=0; print "</pre>"; next}
       inside {gsub(/&/, "\\&amp;"); gsub(/</, "\\&lt;"); gsub(/>/, "\\&gt;"); print}' "$tmp/report.md"
  echo "<script src=\"file://$mermaid_js\"></script>"
  cat <<'JS'
<div id="drawn"></div><pre id="results"></pre>
<script>
(async () => {
  mermaid.initialize({startOnLoad: false});
  const results = [];
  for (const [i, src] of [...document.querySelectorAll("pre.source")].entries()) {
    try {
      const {svg} = await mermaid.render("m" + i, src.textContent);
      document.getElementById("drawn").insertAdjacentHTML("beforeend", svg);
      results.push("OK");
    } catch (e) {
      results.push("ERR " + String(e.message || e).split("\n").join(" "));
    }
  }
  document.getElementById("results").textContent = results.join(" | ");
})();
</script></body></html>
JS
} >"$tmp/mermaid.html"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --allow-file-access-from-files \
  --user-data-dir="$tmp/profile" --virtual-time-budget=30000 --dump-dom "file://$tmp/mermaid.html" \
  >"$tmp/mermaid-dom.html" 2>>"$tmp/chromium.log" || fail "chromium --dump-dom on the Mermaid page"
results=$(sed -n 's#.*<pre id="results">\([^<]*\)</pre>.*#\1#p' "$tmp/mermaid-dom.html")
rendered=$(grep -o 'OK' <<<"$results" | wc -l)
if grep -q 'ERR' <<<"$results"; then fail "Mermaid refused a diagram: $results"; fi
((rendered == stacks)) || fail "want $stacks Mermaid diagrams rendered, got $rendered"
grep -qF "zone us-east-1a" "$tmp/mermaid-dom.html" || fail "the rendered Mermaid lacks the zones' text"

echo "test-browser: PASS ($stacks stacks in the DOM, $cells capability cells, screenshot not blank, $diagrams diagrams in the DOM and visible, $rendered Mermaid diagrams rendered, $((SECONDS - started))s)"
