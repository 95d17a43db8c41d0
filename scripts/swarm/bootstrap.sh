#!/usr/bin/env bash
# Placeholder: being written (issue 8/9).
set -euo pipefail
echo "not written yet" >&2
exit 1
