#!/usr/bin/env bash
# Re-runs the kernel generators into a temporary folder and fails when their
# output differs from the checked-in files (as ffi/run-tests.sh does for the
# C header), so a hand edit or a stale generator cannot reach a release:
#   bash scripts/check-generated.sh
# The IFMA kernels are checked in rustfmt-formatted; the ADX ones as printed.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/gostcms-gen.XXXXXX")
trap 'rm -rf "$work"' EXIT

status=0
check() { # $1: generator, $2: checked-in file, $3: "fmt" to rustfmt the output
  local out="$work/$(basename "$2")"
  python3 "$1" > "$out"
  if [ "${3:-}" = fmt ]; then
    rustfmt --edition 2024 "$out"
  fi
  if diff -u "$2" "$out"; then
    echo "check-generated: $2 matches $1"
  else
    echo "check-generated: $2 differs from the output of $1 (run it again, see its doc)" >&2
    status=1
  fi
}

check scripts/gen-adx-kernels.py src/field/x86_64/adx_kernels.rs
check scripts/gen-ifma-kernels.py src/field/x86_64/ifma_kernels.rs fmt
exit $status
