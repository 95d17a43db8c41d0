#!/usr/bin/env bash
# Builds the Kubernetes and etcd tools the real-system tests need, from the Go module
# proxy (this directory's go.mod pins them), and caches each one outside the clone,
# keyed by version, so a machine builds each version once:
#
#   ${CLUSTERBENCH_CACHE:-$HOME/.cache/clusterbench}/kubeadm-v1.35.4/kubeadm
#   ${CLUSTERBENCH_CACHE:-$HOME/.cache/clusterbench}/etcd-v3.6.5/{etcd,etcdctl}
#
# Usage: tools/kube/build.sh kubeadm|etcd    (prints the directory holding the binaries)
#
# Static binaries (CGO_ENABLED=0); kubeadm carries its release version through the
# -ldflags Kubernetes' own build sets (component-base/version), without which it reports
# v0.0.0 and picks the wrong default images and etcd version.
set -euo pipefail

KUBERNETES_VERSION=v1.35.4
ETCD_VERSION=v3.6.5
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${CLUSTERBENCH_CACHE:-$HOME/.cache/clusterbench}

# build_into DIR BINARY PACKAGE [go build flags...]: builds PACKAGE into DIR/BINARY unless
# it is already there. The binary is written next to its final name and renamed, so an
# interrupted build never leaves a half-written tool in the cache.
build_into() {
  local dir=$1 binary=$2 package=$3
  shift 3
  [[ -x $dir/$binary ]] && return 0
  mkdir -p "$dir"
  echo "building $binary ($package) into $dir (first time on this machine: minutes)" >&2
  local started=$SECONDS
  local tmp=$dir/.$binary.$$.tmp # unique: two tests may build at once
  if ! (cd "$here" && CGO_ENABLED=0 nice -n 10 go build -trimpath "$@" -o "$tmp" "$package"); then
    rm -f "$tmp"
    return 1
  fi
  mv -f "$tmp" "$dir/$binary"
  echo "built $binary in $((SECONDS - started)) s" >&2
}

case ${1:-} in
kubeadm)
  dir=$cache/kubeadm-$KUBERNETES_VERSION
  minor=${KUBERNETES_VERSION#v1.}
  minor=${minor%%.*}
  build_into "$dir" kubeadm k8s.io/kubernetes/cmd/kubeadm -ldflags "-s -w \
-X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION \
-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
  ;;
etcd)
  dir=$cache/etcd-$ETCD_VERSION
  build_into "$dir" etcd go.etcd.io/etcd/server/v3 -ldflags "-s -w"
  build_into "$dir" etcdctl go.etcd.io/etcd/etcdctl/v3 -ldflags "-s -w"
  ;;
*)
  echo "usage: $0 kubeadm|etcd" >&2
  exit 2
  ;;
esac
echo "$dir"
