#!/usr/bin/env bash
# Runs the libFuzzer targets in fuzz/ (see fuzz/README.md).
#
#   scripts/fuzz.sh [--seconds S] [--runs N] [--sanitizer none|address]
#                   [--no-trace-compares] [TARGET...]
#
# Each target (all of them when none is named) runs for S seconds (default
# 20) or N executions, whichever comes first, from a corpus seeded with
# vectors/ (fuzz/corpus/TARGET, kept between runs, git-ignored). Crashes
# land in fuzz/artifacts/TARGET/, logs in fuzz/logs/TARGET.log. A summary
# line per target shows libFuzzer's own execution count; the script exits
# 1 if any target crashed, leaked, timed out or ran out of memory.
#
# --no-trace-compares builds without libFuzzer's comparison tracing: about
# four times the executions per second on arithmetic-heavy targets
# (raw_verify), with less guidance through parsers.
# --sanitizer none (default) works on the stable toolchain; address needs
# a nightly toolchain (`cargo +nightly fuzz`). Builds use `cargo fuzz`
# (`cargo install cargo-fuzz` once).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=20
runs=0
sanitizer=none
targets=()
build_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --sanitizer) sanitizer=$2; shift 2 ;;
    --no-trace-compares) build_flags+=(--no-trace-compares); shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
all_targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^gostcms-fuzz$')
[ ${#targets[@]} -gt 0 ] || mapfile -t targets <<<"$all_targets"

# Seeds per target, beside vectors/fuzz/seeds/TARGET and every past crash.
seeds() {
  case "$1" in
    ber_normalize) ls vectors/x509/*.der vectors/gost3410/certs/*.der vectors/esia/request-data-sign/*.ber ;;
    cms_attached) ls vectors/cms/signed_*.pem vectors/cms/hashed_*.pem vectors/x509/tk26cms_*.der ;;
    cms_detached) ls vectors/esia/request-data-sign/request_data_sign.* ;;
    certificate) ls vectors/x509/*cert.der vectors/gost3410/certs/* vectors/esia/*.cer vectors/esia/client-test/*.cer vectors/cms/*cert.pem vectors/pfx/expected_certificate.* ;;
    pkcs8) ls vectors/x509/*key.* vectors/cms/*key.pem vectors/esia/client-test/*.key vectors/pfx/expected_private_key_info.* ;;
    spki) ls vectors/esia/*.public.key vectors/esia/client-test/*.public.key ;;
    pem) ls vectors/x509/*.pem vectors/cms/*.pem vectors/esia/*.cer vectors/esia/client-test/* ;;
    base64) ls vectors/esia/request-data-sign/*.b64u vectors/cms/*.pem ;;
    raw_verify) ;;
    jwt_verify) ;;
    pfx) find vectors/pfx vectors/cryptopro -name "*.pfx" ;;
    container) ;;
    envelope) ;;
  esac
  for d in "vectors/fuzz/seeds/$1" "vectors/fuzz/regressions/$1"; do
    [ -d "$d" ] && find "$d" -type f ! -name README.md
  done
  return 0
}

max_len() {
  case "$1" in
    cms_*|ber_normalize|pem|base64) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

toolchain=()
if [ "$sanitizer" != none ]; then toolchain=(+nightly); fi
command -v cargo-fuzz >/dev/null || { echo "fuzz.sh: cargo-fuzz missing: cargo install cargo-fuzz" >&2; exit 2; }
echo "== building ${#targets[@]} targets (sanitizer: $sanitizer)"
for t in "${targets[@]}"; do
  (cd fuzz && cargo "${toolchain[@]}" fuzz build -s "$sanitizer" "${build_flags[@]}" "$t") >fuzz/build.log 2>&1 ||
    { tail -30 fuzz/build.log >&2; echo "fuzz.sh: building $t failed" >&2; exit 2; }
done
triple=$(rustc -vV | sed -n 's/^host: //p')
bindir=fuzz/target/$triple/release

failed=0
summary=()
for t in "${targets[@]}"; do
  corpus=fuzz/corpus/$t
  artifacts=fuzz/artifacts/$t
  mkdir -p "$corpus" "$artifacts" fuzz/logs
  while read -r f; do
    [ -n "$f" ] && cp -f "$f" "$corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
  done < <(seeds "$t")
  before=$(find "$artifacts" -type f | wc -l)
  log=fuzz/logs/$t.log
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")"
        -print_final_stats=1 -artifact_prefix="$root/$artifacts/")
  [ "$runs" -gt 0 ] && args+=(-runs="$runs")
  echo "== $t: ${args[*]}"
  set +e
  "$bindir/$t" "${args[@]}" "$corpus" >"$log" 2>&1
  code=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -1 || true)
  after=$(find "$artifacts" -type f | wc -l)
  crashes=$((after - before))
  line="$t: exit $code, ${execs:-?} executions, $crashes new crash artifacts, corpus $(find "$corpus" -type f | wc -l) files${done_line:+ ($done_line)}"
  summary+=("$line")
  if [ "$code" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    failed=1
    echo "!! $line" >&2
    grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
  fi
done

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $failed
