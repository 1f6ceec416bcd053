#!/usr/bin/env bash
# Secrets in freed memory (issue 28, item 4): runs `gostcms key import` and
# `gostcms sign` on a CryptoPro container, a PFX and an encrypted PKCS#8
# under ct/free_scan.c, an LD_PRELOAD shim that scans every block passed to
# free() (and realloc's old block) for the private scalar, little- and
# big-endian, and aborts on the first hit.
#
#   scripts/free-scan.sh [path/to/gostcms]
#
# Without an argument the binary is built with the tests' test-release profile. A
# positive control runs first: a program that frees an unwiped copy of a
# key must be caught, so a shim that silently fails to load cannot pass.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-}
if [ -z "$bin" ]; then
  cargo build --profile test-release --bin gostcms
  bin=target/test-release/gostcms
fi
bin=$(realpath "$bin")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shim="$work/free_scan.so"
cc -shared -fPIC -O2 -Wall -Wextra -o "$shim" ct/free_scan.c

le_be() { # hex (little-endian) -> "le,be"
  local le=$1 be
  be=$(printf '%s' "$le" | fold -w2 | tac | tr -d '\n')
  printf '%s,%s' "$le" "$be"
}

fail=0
# Runs "$@" under the shim looking for key $1 (hex LE); $2 names the run.
scan() {
  local key=$1 what=$2
  shift 2
  local report="$work/report"
  : >"$report"
  local status=0
  FREE_SCAN_HEX=$(le_be "$key") FREE_SCAN_REPORT="$report" LD_PRELOAD="$shim" "$@" \
    >"$work/out" 2>"$work/err" || status=$?
  if [ -s "$report" ]; then
    echo "FAIL $what: $(cat "$report")"
    fail=1
  elif [ "$status" != 0 ]; then
    echo "FAIL $what: exit $status: $(head -c 400 "$work/err")"
    fail=1
  else
    echo "ok   $what"
  fi
}

# Positive control: a freed, unwiped copy of the key must be reported.
cat >"$work/leak.c" <<'C'
#include <stdlib.h>
#include <string.h>
int main(void) {
  static const unsigned char key[32] = {1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,
    17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32};
  unsigned char *p = malloc(100);
  memcpy(p + 7, key, 32);
  free(p);
  return 0;
}
C
cc -O0 -o "$work/leak" "$work/leak.c"
ctl_key=$(printf '%02x' $(seq 1 32))
if FREE_SCAN_HEX=$(le_be "$ctl_key") FREE_SCAN_REPORT="$work/ctl" LD_PRELOAD="$shim" \
  "$work/leak" 2>/dev/null || ! grep -q 'found in a freed block' "$work/ctl"; then
  echo "FAIL positive control: the shim did not catch a freed key" >&2
  exit 1
fi
echo "ok   positive control (a freed unwiped key is caught)"

vec=vectors/cryptopro
cp -r "$vec/ilimurzin-esia/otvconba.000" "$work/container"
printf 'the signed content\n' >"$work/content"

# d (little-endian) of each sample, from the sources' metadata.
esia_d=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["expected"]["private_key_d_little_endian_hex"])' \
  "$vec/ilimurzin-esia/meta.json")
pfx_d=f37f5ada95f8c09bb4de4a75834fdb57a450195ce68fb528f886087142a618f5

cert_esia="$vec/ilimurzin-esia/otvconba.cer"
cert_pfx="$vec/loadtestingru-crypto/pfx1.cert.der"

scan "$esia_d" "key import (container)" env GOSTCMS_PIN=1xqoyc4e \
  "$bin" key import --container "$work/container" --out "$work/k1.pem"
scan "$esia_d" "sign (container)" env GOSTCMS_PIN=1xqoyc4e \
  "$bin" sign --key "container:$work/container" --cert "$cert_esia" --out "$work/s1" "$work/content"
scan "$pfx_d" "key import (PFX)" env GOSTCMS_PASSWORD=12345 \
  "$bin" key import --pfx "$vec/loadtestingru-crypto/pfx1.pfx" --out "$work/k2.pem"
scan "$pfx_d" "sign (PFX)" env GOSTCMS_PASSWORD=12345 \
  "$bin" sign --key "$vec/loadtestingru-crypto/pfx1.pfx" --cert "$cert_pfx" --out "$work/s2" "$work/content"
scan "$esia_d" "key import (encrypted PKCS#8)" env GOSTCMS_PASSWORD=test \
  "$bin" key import --key "$vec/ilimurzin-esia/private.pem" --out "$work/k3.pem"
scan "$esia_d" "sign (encrypted PKCS#8)" env GOSTCMS_PASSWORD=test \
  "$bin" sign --key "$vec/ilimurzin-esia/private.pem" --cert "$cert_esia" --out "$work/s3" "$work/content"
scan "$esia_d" "sign (plain PKCS#8 written by key import)" \
  "$bin" sign --key "$work/k3.pem" --cert "$cert_esia" --out "$work/s4" "$work/content"

exit "$fail"
