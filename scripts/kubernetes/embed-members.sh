#!/usr/bin/env bash
# Copies scripts/etcd/members.sh, verbatim, between the "# BEGIN members.sh" and
# "# END members.sh" lines of scripts/kubernetes/bootstrap.sh. User data is one file, so
# the etcd membership library travels inside the bootstrap; test-etcd proves the library
# and test-kubeadm fails when the copy differs from it. Run after editing members.sh.
#
# Usage: scripts/kubernetes/embed-members.sh [--check]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bootstrap=$here/bootstrap.sh
library=$here/../etcd/members.sh

embedded() {
  awk -v lib="$library" '
    /^# BEGIN members.sh$/ { print; while ((getline line < lib) > 0) print line; skip = 1; next }
    /^# END members.sh$/ { skip = 0 }
    !skip' "$bootstrap"
}

if [[ ${1:-} == --check ]]; then
  if ! diff -u "$bootstrap" <(embedded) >/dev/null; then
    echo "scripts/kubernetes/bootstrap.sh: its copy of scripts/etcd/members.sh is out of date; run scripts/kubernetes/embed-members.sh" >&2
    exit 1
  fi
  exit 0
fi
updated=$(embedded)
printf '%s\n' "$updated" >"$bootstrap"
