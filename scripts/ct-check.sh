#!/usr/bin/env bash
# The constant-time check (see ct/README.md):
#   scripts/ct-check.sh
# 1. builds ct/ (gostcms with getrandom's custom backend, every random byte
#    and every loaded key byte marked secret) and runs it under valgrind
#    memcheck: any branch or memory address depending on a secret is an
#    error, except the declassifications listed in ct/declassify.supp;
# 2. runs the same program with --leaky (a branch on a secret bit, a
#    secret-indexed table, variable-time verification fed a secret) and
#    requires memcheck to report each of them: the check can fail.
# Needs valgrind and its headers (Debian: valgrind). Exit 0 when both hold.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || { echo "ct-check: valgrind is not installed" >&2; exit 2; }
[ -f /usr/include/valgrind/memcheck.h ] || { echo "ct-check: <valgrind/memcheck.h> missing" >&2; exit 2; }
valgrind --version

echo "== building ct/ (release, as shipped, with debug info)"
(cd ct && cargo build --release --locked 2>&1 | tail -2)
bin=ct/target/release/gostcms-ct
log=ct/target/memcheck.log
memcheck=(valgrind --tool=memcheck --error-exitcode=99 --num-callers=40 --track-origins=yes
          --suppressions=ct/declassify.supp)

# Runs the program under memcheck, with the given environment, memcheck's
# report into LOG and the program's own lines into STDOUT; exits when
# memcheck reports anything.
#   must_be_clean LOG STDOUT [VAR=VALUE ...]
must_be_clean() {
  local out=$1 lines=$2; shift 2
  set +e
  # "-" keeps the program's lines on our stdout (reopening /dev/stdout
  # would truncate a log file that stdout is redirected to).
  if [ "$lines" = "-" ]; then
    env "$@" "${memcheck[@]}" "$bin" 2>"$out"
  else
    env "$@" "${memcheck[@]}" "$bin" >"$lines" 2>"$out"
  fi
  local code=$?
  set -e
  grep -E 'ERROR SUMMARY' "$out" | sed 's/^==[0-9]*== //'
  if [ "$code" -ne 0 ]; then
    echo "ct-check: FAILED (exit $code, $*): secret-dependent branches or indices; first reports:" >&2
    grep -A12 -E 'Conditional jump|Use of uninitialised' "$out" | head -80 >&2
    exit 1
  fi
}

echo "== secrets through keygen, signing, key loading and unmasking, CMS signing"
must_be_clean "$log" -
# valgrind shows the program AVX2 (not AVX-512, BMI2 or ADX), so the run
# above took the AVX2 table scan; this one takes the portable scan that
# machines without AVX2 run.
echo "== the same with the portable code forced (GOSTCMS_PORTABLE=1: the portable table scan)"
must_be_clean "$log.portable" /dev/null GOSTCMS_PORTABLE=1
echo "== self-test: deliberately variable-time code must be caught"
set +e
"${memcheck[@]}" "$bin" --leaky 2>"$log.leaky"
code=$?
set -e
grep -E 'ERROR SUMMARY' "$log.leaky" | sed 's/^==[0-9]*== //'
missing=0
for f in leaky_branch leaky_table_index verify_combination; do
  if grep -q "$f" "$log.leaky"; then echo "caught: $f"; else echo "NOT caught: $f" >&2; missing=1; fi
done
if [ "$code" -ne 99 ] || [ "$missing" -ne 0 ]; then
  echo "ct-check: the self-test did not fail as it must (exit $code): the check is blind" >&2
  exit 1
fi
echo "ct-check: OK (no secret-dependent branch or index; the self-test fails as it must)"
