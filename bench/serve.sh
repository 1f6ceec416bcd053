#!/usr/bin/env bash
# Load benchmark of `gostcms serve` with wrk on 127.0.0.1 (docs/serve.md):
# requests/s and p50/p99 latency of client-secret and sign at concurrency
# 1, 16 and 256, micro-batching on and off, against the baseline of one
# `openssl cms -sign` process (gost engine) per signature.
#
#   bash bench/serve.sh              # 5 s per measurement
#   SECONDS_PER=2 bash bench/serve.sh
#   SERVE_EXTRA='sign_threads = 1' bash bench/serve.sh   # more settings for serve.toml
#
# Needs wrk, openssl with libengine-gost-openssl, and a release build with
# the serve feature (built here if GOSTCMS is not given). wrk runs on the
# same machine and takes CPU from the service: the service's numbers are
# lower bounds.
set -euo pipefail
cd "$(dirname "$0")/.."

per=${SECONDS_PER:-5}
cpus=$(nproc)
if [ -z "${GOSTCMS:-}" ]; then
  cargo build --release --features serve --bin gostcms >&2
  GOSTCMS=$PWD/target/release/gostcms
fi
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 1; }
ossl() { OPENSSL_CONF="$PWD/tests/data/ossl.cnf" openssl "$@"; }

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$GOSTCMS" keygen --curve tc26-256-a --out "$work/key.pem" --cert "$work/cert.pem" --subject "CN=bench" >/dev/null
token=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
token_hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)

config() { # $1: batching true|false
  umask 077
  cat > "$work/serve-$1.toml" <<TOML
request_timeout_ms = 10000
audit_log = "$work/audit-$1.log"
batching = $1
${SERVE_EXTRA:-}

[keys.bench]
key = "$work/key.pem"
cert = "$work/cert.pem"

[[clients]]
name = "bench"
token_sha256 = "$token_hash"
keys = ["bench"]
operations = ["client-secret", "sign"]
TOML
}

start_server() { # $1: batching true|false
  config "$1"
  "$GOSTCMS" serve --config "$work/serve-$1.toml" --listen 127.0.0.1:0 2>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 100); do
    addr=$(sed -n 's/.*listening on http:\/\/\([^ ]*\).*/\1/p' "$work/server.log")
    [ -n "$addr" ] && return 0
    sleep 0.1
  done
  cat "$work/server.log" >&2
  exit 1
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=
}

data=$(printf 'a document of about a hundred bytes, signed detached as CMS SignedData by the service......' | base64 -w0)
cat > "$work/sign.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '{"key":"bench","data":"$data"}'
LUA
cat > "$work/client-secret.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '{"key":"bench","client_id":"TESTAPPLICATION","scope":"openid fullname","redirect_uri":"https://app.example/return"}'
LUA

# One wrk run: prints "rps p50 p99 errors".
measure() { # $1: endpoint lua name, $2: path, $3: connections
  local threads=$(( $3 < cpus ? $3 : cpus ))
  local out
  out=$(wrk -t "$threads" -c "$3" -d "${per}s" --latency -s "$work/$1.lua" "http://$addr$2")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ {print $5} /Socket errors:/ {print "socket-errors"}' <<<"$out" | paste -sd, -)
  echo "$rps $p50 $p99 ${errors:-0}"
}

echo "machine: $cpus CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')); wrk on the same CPUs; ${per} s per row"
echo
echo "| endpoint | batching | concurrency | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|---|"
for batching in true false; do
  start_server "$batching"
  if [ "$batching" = true ]; then levels="1 16 256"; else levels="1 256"; fi
  for ep in client-secret sign; do
    path=/v1/sign
    [ "$ep" = client-secret ] && path=/v1/esia/client-secret
    for c in $levels; do
      read -r rps p50 p99 errors < <(measure "$ep" "$path" "$c")
      label=on; [ "$batching" = false ] && label=off
      echo "| $ep | $label | $c | $rps | $p50 | $p99 | $errors |"
    done
  done
  batches=$(curl -s "http://$addr/metrics" 2>/dev/null | awk '/^gostcms_sign_batches_total/ {b=$2} /^gostcms_sign_batched_signatures_total/ {s=$2} END {if (b) printf "%.2f", s/b}')
  [ -n "$batches" ] && echo "|  (mean batch size, batching $batching: $batches) | | | | | | |"
  stop_server
done

# Baseline: one `openssl cms -sign` process per signature, $cpus workers
# in parallel for $per seconds.
ossl genpkey -algorithm gost2012_256 -pkeyopt paramset:A -out "$work/ossl.key" 2>/dev/null
ossl req -new -x509 -key "$work/ossl.key" -subj "/CN=bench" -days 2 -out "$work/ossl.crt" 2>/dev/null
printf 'a document of about a hundred bytes, signed detached as CMS SignedData by the service......' > "$work/msg"
ossl cms -sign -binary -in "$work/msg" -signer "$work/ossl.crt" -inkey "$work/ossl.key" -outform DER -out "$work/check.p7s"
ossl cms -verify -binary -inform DER -in "$work/check.p7s" -content "$work/msg" -noverify -out /dev/null 2>/dev/null
worker() {
  local n=0 end=$((SECONDS + per))
  while [ $SECONDS -lt $end ]; do
    OPENSSL_CONF="$PWD/tests/data/ossl.cnf" openssl cms -sign -binary -in "$work/msg" -signer "$work/ossl.crt" \
      -inkey "$work/ossl.key" -outform DER -out /dev/null
    n=$((n + 1))
  done
  echo "$n" > "$work/count.$1"
}
for i in $(seq "$cpus"); do worker "$i" & done
wait
total=$(cat "$work"/count.* | paste -sd+ - | bc)
echo
echo "baseline: openssl cms -sign, one process per signature, $cpus in parallel: $total in ${per} s = $(echo "scale=1; $total / $per" | bc) signatures/s"
