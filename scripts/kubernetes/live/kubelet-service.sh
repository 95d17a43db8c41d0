#!/usr/bin/env bash
# The kubelet service of a node in make test-kubeadm-live, where there is no systemd. It
# does what kubeadm's systemd drop-in (10-kubeadm.conf) does — wait for the configuration
# kubeadm writes, run the kubelet with kubeadm's flags, restart it whenever it exits — and
# adds, as flags (which take precedence over the KubeletConfiguration file), what this
# machine needs: the cgroupfs driver (containerd runs without systemd), cgroup v1 allowed,
# swap allowed, and the node's own cgroup root so nodes never share a kubepods hierarchy.
# SIGTERM stops the kubelet and the service, as `systemctl stop kubelet` would.
#
# Usage: kubelet-service.sh CGROUP_ROOT   (inside the node's namespaces)
set -uo pipefail
cgroup_root=$1
flags_file=/var/lib/kubelet/kubeadm-flags.env
kubelet_pid=""
trap '[[ -z $kubelet_pid ]] || kill -TERM "$kubelet_pid" 2>/dev/null; wait; exit 0' TERM INT
while :; do
  if [[ -f /var/lib/kubelet/config.yaml && -f $flags_file ]]; then
    KUBELET_KUBEADM_ARGS=""
    # shellcheck disable=SC1090 # written by kubeadm
    source "$flags_file"
    # shellcheck disable=SC2086 # kubeadm's flags are words
    kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf \
      --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml \
      $KUBELET_KUBEADM_ARGS --cgroup-driver=cgroupfs --fail-cgroupv1=false \
      --fail-swap-on=false --cgroup-root="$cgroup_root" &
    kubelet_pid=$!
    wait "$kubelet_pid"
    echo "kubelet-service: kubelet exited with $?; restarting" >&2
    kubelet_pid=""
  fi
  sleep 1
done
