#!/usr/bin/env bash
# Builds everything make test-kubeadm-live runs, from the Go module proxy and this
# repository only, and caches it outside the clone keyed by version, so a machine builds
# each version once:
#
#   $CACHE/kubeadm-v1.35.4/kubeadm, $CACHE/etcd-v3.6.5/{etcd,etcdctl}   (tools/kube/build.sh)
#   $CACHE/kube-live-v1.35.4/bin/{kubelet,kube-apiserver,kube-controller-manager,
#                                 kube-scheduler,kube-proxy,kubectl,pause,apilb,chartrepo}
#   $CACHE/helm-<version>/helm   the Helm CLI the program pins (CB_HELM_VERSION in
#                                addons-prometheus.env), built from the module proxy;
#                                linked into the kube-live bin directory
#   $CACHE/kube-live-v1.35.4/images/<name>_<tag>.tar   OCI image archives for ctr import
#
# CACHE is ${CLUSTERBENCH_CACHE:-$HOME/.cache/clusterbench}. Usage: build.sh (prints the
# kube-live directory). A cold build takes 12+ minutes on two cores.
#
# The Kubernetes binaries come from the tools module tools/kube (k8s.io/kubernetes with
# its staging modules pinned); its go.sum covers kubeadm only, so the module is copied
# into the cache and built there with -mod=mod, which completes the copy's go.sum from the
# module proxy (checked against the checksum database) and never touches tools/kube.
#
# Images: one uncompressed layer (the static binary in /usr/local/bin, busybox in /bin,
# a /tmp) in an OCI archive written by hand, named as `kubeadm config images list
# --image-repository registry.local` prints it. No registry, no docker daemon. There is
# no CoreDNS image (the test skips that add-on), and the etcd image carries the tools
# module's etcd (v3.6.5) under the tag kubeadm v1.35.4 expects (3.6.6-0).
set -euo pipefail

KUBERNETES_VERSION=v1.35.4
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
CACHE=${CLUSTERBENCH_CACHE:-$HOME/.cache/clusterbench}
OUT=$CACHE/kube-live-$KUBERNETES_VERSION
BUSYBOX=/bin/busybox
COMMANDS=(kubelet kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubectl)

say() { printf 'build: %s\n' "$*" >&2; }

# build_kubernetes: the Kubernetes commands the tools module does not build, in one go
# build (they share most packages), each renamed into place only when all are built.
build_kubernetes() {
  local missing=() c
  for c in "${COMMANDS[@]}"; do [[ -x $OUT/bin/$c ]] || missing+=("$c"); done
  ((${#missing[@]} > 0)) || return 0
  mkdir -p "$OUT/src" "$OUT/bin"
  cmp -s "$REPO/tools/kube/go.mod" "$OUT/src/go.mod" || cp "$REPO/tools/kube/go.mod" "$REPO/tools/kube/go.sum" "$OUT/src/"
  local minor=${KUBERNETES_VERSION#v1.} packages=() started=$SECONDS
  minor=${minor%%.*}
  for c in "${missing[@]}"; do packages+=("k8s.io/kubernetes/cmd/$c"); done
  say "building ${missing[*]} $KUBERNETES_VERSION into $OUT/bin (first time on this machine: 12+ minutes)"
  rm -rf "$OUT/bin/.tmp"
  (cd "$OUT/src" && CGO_ENABLED=0 nice -n 10 go build -mod=mod -trimpath -ldflags "-s -w \
-X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION \
-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" \
    -o "$OUT/bin/.tmp/" "${packages[@]}")
  for c in "${missing[@]}"; do mv -f "$OUT/bin/.tmp/$c" "$OUT/bin/$c"; done
  rmdir "$OUT/bin/.tmp"
  say "built ${missing[*]} in $((SECONDS - started)) s"
}

# build_own PROGRAM: one of this directory's Go programs (pause, apilb), rebuilt when its
# source changes (the cache key is the source's hash).
build_own() {
  local sum
  sum=$(cat "$HERE/$1"/*.go | sha256sum | cut -c1-16)
  [[ -x $OUT/bin/$1 && $(cat "$OUT/bin/.$1.sum" 2>/dev/null) == "$sum" ]] && return 0
  mkdir -p "$OUT/bin"
  (cd "$REPO" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$OUT/bin/.$1.tmp" "./scripts/kubernetes/live/$1")
  mv -f "$OUT/bin/.$1.tmp" "$OUT/bin/$1"
  echo "$sum" >"$OUT/bin/.$1.sum"
}

# build_helm: the Helm CLI at the version the program pins (the nodes of a cloud stack
# download the release tarball of that version; here it is built from its module), its
# version stamped as a release build stamps it.
build_helm() {
  local version dir
  version=$(sed -n "s/^export CB_HELM_VERSION='\(v3\.[0-9]*\.[0-9]*\)'$/\1/p" "$HERE/addons-prometheus.env")
  [[ -n $version ]] || {
    say "no CB_HELM_VERSION in $HERE/addons-prometheus.env"
    exit 1
  }
  dir=$CACHE/helm-$version
  if [[ ! -x $dir/helm ]]; then
    local started=$SECONDS
    say "building helm $version into $dir (first time on this machine: about 2 minutes)"
    mkdir -p "$dir/.tmp"
    (cd "$dir/.tmp" && CGO_ENABLED=0 GOBIN="$dir/.tmp" nice -n 10 go install -trimpath \
      -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$version" "helm.sh/helm/v3/cmd/helm@$version")
    mv -f "$dir/.tmp/helm" "$dir/helm"
    rm -rf "$dir/.tmp"
    say "built helm $version in $((SECONDS - started)) s"
  fi
  ln -sf "$dir/helm" "$OUT/bin/helm"
}

# blob DIR MEDIA_TYPE FILE [EXTRA_JSON]: moves FILE into the OCI layout DIR's blobs and
# prints its descriptor (EXTRA_JSON: more members, with a leading comma).
blob() {
  local digest size
  digest=$(sha256sum "$3" | cut -d' ' -f1)
  size=$(stat -c %s "$3")
  mv "$3" "$1/blobs/sha256/$digest"
  printf '{"mediaType":"%s","digest":"sha256:%s","size":%d%s}' "$2" "$digest" "$size" "${4:-}"
}

# oci_image NAME BINARY [ENTRYPOINT]: writes $OUT/images/<name>_<tag>.tar, the image
# registry.local/NAME (NAME is name:tag) with BINARY in /usr/local/bin.
oci_image() {
  local name=$1 binary=$2 entrypoint=${3:-} archive
  archive=$OUT/images/${name/:/_}.tar
  [[ -s $archive && $archive -nt $binary ]] && return 0 # rebuilt when the binary changes
  local work layout
  work=$(mktemp -d)
  layout=$work/layout
  mkdir -p "$work/rootfs/usr/local/bin" "$work/rootfs/bin" "$work/rootfs/tmp" "$work/rootfs/etc" "$layout/blobs/sha256"
  chmod 1777 "$work/rootfs/tmp"
  install -m 755 "$binary" "$work/rootfs/usr/local/bin/"
  install -m 755 "$BUSYBOX" "$work/rootfs/bin/busybox"
  ln -s busybox "$work/rootfs/bin/sh"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$work/rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$work/rootfs/etc/group"
  tar -C "$work/rootfs" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$work/layer.tar" .
  local diff_id entry="" layer config manifest
  diff_id=sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  [[ -z $entrypoint ]] || entry=",\"Entrypoint\":[\"$entrypoint\"]"
  printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/bin:/usr/bin:/bin"]%s},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
    "$entry" "$diff_id" >"$work/config.json"
  layer=$(blob "$layout" application/vnd.oci.image.layer.v1.tar "$work/layer.tar")
  config=$(blob "$layout" application/vnd.oci.image.config.v1+json "$work/config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":%s,"layers":[%s]}' \
    "$config" "$layer" >"$work/manifest.json"
  manifest=$(blob "$layout" application/vnd.oci.image.manifest.v1+json "$work/manifest.json" \
    ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},\"annotations\":{\"io.containerd.image.name\":\"registry.local/$name\",\"org.opencontainers.image.ref.name\":\"${name#*:}\"}")
  printf '{"schemaVersion":2,"manifests":[%s]}' "$manifest" >"$layout/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
  mkdir -p "$OUT/images"
  tar -C "$layout" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$archive.tmp" .
  mv -f "$archive.tmp" "$archive"
  rm -rf "$work"
}

main() {
  local started=$SECONDS kubeadm_dir etcd_dir
  kubeadm_dir=$("$REPO/tools/kube/build.sh" kubeadm)
  etcd_dir=$("$REPO/tools/kube/build.sh" etcd)
  build_kubernetes
  build_own pause
  build_own apilb
  build_own chartrepo
  build_helm
  [[ -x $BUSYBOX ]] || die_busybox
  local image name
  while read -r image; do
    name=${image#registry.local/}
    case ${name%%:*} in
    kube-*) oci_image "$name" "$OUT/bin/${name%%:*}" ;;
    etcd) oci_image "$name" "$etcd_dir/etcd" ;;
    pause) oci_image "$name" "$OUT/bin/pause" /usr/local/bin/pause ;;
    coredns) ;; # not built: the test skips the CoreDNS add-on
    *)
      say "unexpected image $image"
      exit 1
      ;;
    esac
  done < <("$kubeadm_dir/kubeadm" config images list --kubernetes-version "$KUBERNETES_VERSION" --image-repository registry.local)
  ln -sf "$kubeadm_dir/kubeadm" "$OUT/bin/kubeadm"
  ln -sf "$etcd_dir/etcdctl" "$OUT/bin/etcdctl"
  say "ready in $((SECONDS - started)) s: $OUT"
  echo "$OUT"
}

die_busybox() {
  say "busybox-static is missing (apt-get install busybox-static)"
  exit 1
}

main "$@"
