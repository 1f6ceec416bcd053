#!/usr/bin/env bash
# Builds and tests the C ABI (ffi/), from anywhere:  bash ffi/run-tests.sh
#
#  1. fmt, clippy and unit tests of the ffi crate; release build of
#     libgostcms.so / libgostcms.a;
#  2. the checked-in include/gostcms.h equals a fresh cbindgen run;
#  3. a staged install (lib, include, pkg-config file) that the C tests
#     compile against, statically and dynamically;
#  4. tests/test_api.c (both links) and tests/test_hostile.c under valgrind
#     (zero errors, zero leaks of any kind), tests/test_freed.c natively;
#  5. OpenSSL's gost engine checks what the library wrote, and the library
#     checks what OpenSSL wrote;
#  6. the Python (ctypes) and PHP (FFI) examples, their outputs checked by
#     OpenSSL too.
#
# CI=1 makes a missing tool (valgrind, cbindgen, php, the gost engine) a
# failure instead of a skip. OPENSSL_CONF is set per openssl command only:
# cargo's linked OpenSSL crashes when it loads Debian's gost engine.
set -euo pipefail
cd "$(dirname "$0")"
FFI=$PWD
ROOT=$(cd .. && pwd)
CNF="$ROOT/tests/data/ossl.cnf"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gostcms-ffi.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

step() { printf '\n=== ffi: %s\n' "$*"; }
ossl() { OPENSSL_CONF="$CNF" openssl "$@"; }
missing() {
  if [ "${CI:-}" = 1 ]; then
    echo "ffi: $1 is required in CI" >&2
    exit 1
  fi
  printf '\n*** SKIPPED: %s is not available ***\n' "$1"
}
b64u_decode() { # base64url (padded or not) file -> bytes on stdout
  local s
  s=$(tr -- '-_' '+/' <"$1" | tr -d '=\n')
  while [ $((${#s} % 4)) -ne 0 ]; do s="$s="; done
  printf '%s' "$s" | openssl base64 -d -A
}
b64u_encode() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

KEY="$ROOT/vectors/cms/sender256_key.pem"
CERT="$ROOT/vectors/cms/sender256_cert.pem"
ROOTCERT="$ROOT/vectors/cms/root256_cert.pem"

step "cargo fmt, clippy, unit tests, release build"
cargo fmt --check
cargo clippy --release --all-targets -- -D warnings
cargo test --release
cargo build --release

step "include/gostcms.h is what cbindgen generates"
if command -v cbindgen >/dev/null; then
  cbindgen --quiet --config cbindgen.toml --output "$WORK/gostcms.h"
  diff -u include/gostcms.h "$WORK/gostcms.h" || {
    echo "ffi: include/gostcms.h is stale: run (cd ffi && cbindgen --config cbindgen.toml --output include/gostcms.h)" >&2
    exit 1
  }
  echo "header up to date"
else
  missing cbindgen
fi

step "staged install with pkg-config"
STAGE="$WORK/stage"
mkdir -p "$STAGE/lib/pkgconfig" "$STAGE/include"
cp target/release/libgostcms.so target/release/libgostcms.a "$STAGE/lib/"
cp include/gostcms.h "$STAGE/include/"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
sed -e "s|@PREFIX@|$STAGE|" -e "s|@VERSION@|$version|" gostcms.pc.in >"$STAGE/lib/pkgconfig/gostcms.pc"
export PKG_CONFIG_PATH="$STAGE/lib/pkgconfig"
pkg-config --modversion gostcms
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -g -O1 $(pkg-config --cflags gostcms) -I$FFI/tests"
static_libs() { pkg-config --static --libs gostcms | sed -e 's/-L[^ ]*//g' -e 's/-lgostcms//'; }
build() { # name: shared and static binaries
  # shellcheck disable=SC2086
  cc $CFLAGS "tests/$1.c" -o "$WORK/$1-shared" $(pkg-config --libs gostcms) \
    -Wl,-rpath,"$STAGE/lib" -lpthread
  # shellcheck disable=SC2086
  cc $CFLAGS "tests/$1.c" -o "$WORK/$1-static" "$STAGE/lib/libgostcms.a" $(static_libs)
}
for t in test_api test_hostile test_freed; do build "$t"; done
if ldd "$WORK/test_api-static" | grep -q libgostcms; then
  echo "ffi: the static test binary links libgostcms.so" >&2
  exit 1
fi
ldd "$WORK/test_api-shared" | grep libgostcms

engine=1
if ! ossl list -digest-algorithms 2>/dev/null | grep -qi streebog; then
  engine=0
  missing "openssl with the gost engine (libengine-gost-openssl)"
fi

step "OpenSSL-made inputs"
OSSL="$WORK/ossl"
mkdir -p "$OSSL"
printf 'Message for the gostcms C ABI test, signed by OpenSSL and by gostcms.\n' >"$OSSL/msg"
if [ "$engine" = 1 ]; then
  ossl dgst -md_gost12_256 -sign "$KEY" -out "$OSSL/raw.sig" "$OSSL/msg"
  ossl cms -sign -binary -in "$OSSL/msg" -signer "$CERT" -inkey "$KEY" \
    -outform DER -out "$OSSL/detached.cms"
  header='{"alg":"GOST3410_2012_256","typ":"JWT","ver":0,"sbt":"access"}'
  claims='{"nbf":1699999990,"iat":1699999990,"exp":1700003600,"scope":"openid","iss":"http://esia.gosuslugi.ru/","urn:esia:sid":"dfa8dfe4","urn:esia:sbj_id":1000299526,"client_id":"TESTAPPLICATION"}'
  input="$(printf '%s' "$header" | b64u_encode).$(printf '%s' "$claims" | b64u_encode)"
  printf '%s' "$input" >"$OSSL/jwt-input"
  ossl dgst -md_gost12_256 -sign "$KEY" -out "$OSSL/jwt-sig" "$OSSL/jwt-input"
  printf '%s.%s' "$input" "$(b64u_encode <"$OSSL/jwt-sig")" >"$OSSL/jwt"
fi

VALGRIND=(valgrind -q --leak-check=full --show-leak-kinds=all
  --errors-for-leak-kinds=all --error-exitcode=99
  --suppressions="$FFI/tests/valgrind.supp")
if ! command -v valgrind >/dev/null; then
  missing valgrind
  VALGRIND=()
fi

# What OpenSSL must accept from a test_api output directory.
openssl_checks() {
  local out=$1 msg="$OSSL/msg"
  ossl dgst -md_gost12_256 -verify "$out/pub.pem" -signature "$out/raw.sig" "$msg"
  ossl dgst -md_gost12_256 -verify "$out/pub.pem" -signature "$out/batch2.sig" "$msg"
  ossl dgst -md_gost12_512 -verify "$out/pub512.pem" -signature "$out/raw512.sig" "$msg"
  local want
  want=$(ossl x509 -in "$CERT" -outform DER | ossl dgst -md_gost12_256 -r | cut -d' ' -f1 | tr a-f A-F)
  [ "$want" = "$(cat "$out/cert_hash.txt")" ] || { echo "cert hash differs from OpenSSL's $want" >&2; return 1; }
  echo "client_certificate_hash = OpenSSL's md_gost12_256 of the DER"
  cms_ok() { ossl cms -verify -binary -noverify -out /dev/null "$@" && echo "  ^ $*"; }
  cms_ok -inform DER -in "$out/detached.der" -content "$msg"
  cms_ok -inform DER -in "$out/cades.der" -content "$msg"
  ossl cms -verify -binary -noverify -inform PEM -in "$out/attached.pem" -out "$out/attached.content"
  cmp "$out/attached.content" "$msg"
  openssl base64 -d -A <"$out/noattrs.b64" >"$out/noattrs.der"
  cms_ok -inform DER -in "$out/noattrs.der" -content "$msg"
  for v in v2 v3; do
    b64u_decode "$out/${v}_secret.txt" >"$out/${v}_secret.bin"
    ossl dgst -md_gost12_256 -verify "$out/pub.pem" -signature "$out/${v}_secret.bin" "$out/${v}_signed.txt"
    echo "  ^ $v client_secret over: $(cat "$out/${v}_signed.txt")"
  done
  b64u_decode "$out/legacy_secret.txt" >"$out/legacy_secret.der"
  cms_ok -inform DER -in "$out/legacy_secret.der" -content "$out/legacy_signed.txt"
  b64u_decode "$out/request_data.txt" | cmp - "$out/request_data.json"
  b64u_decode "$out/request_data_sign.txt" >"$out/request_data_sign.der"
  cms_ok -inform DER -in "$out/request_data_sign.der" -content "$out/request_data.json"
  b64u_decode "$out/uuid_sig.txt" >"$out/uuid_sig.der"
  cms_ok -inform DER -in "$out/uuid_sig.der" -content "$out/uuid.txt"
}

if [ "$engine" = 1 ]; then
  for link in shared static; do
    step "test_api ($link) under valgrind; OpenSSL checks its outputs"
    mkdir -p "$WORK/out-$link"
    "${VALGRIND[@]}" "$WORK/test_api-$link" "$KEY" "$CERT" "$ROOTCERT" "$OSSL" "$WORK/out-$link"
    openssl_checks "$WORK/out-$link"
  done
fi

for link in shared static; do
  step "test_hostile ($link) under valgrind"
  "${VALGRIND[@]}" "$WORK/test_hostile-$link" "$KEY" "$CERT"
  step "test_freed ($link), natively"
  "$WORK/test_freed-$link"
done

LIB="$STAGE/lib/libgostcms.so"
check_example_outputs() { # dir: client_secret + CMS written by an example
  local out=$1
  b64u_decode "$out/client_secret.txt" >"$out/client_secret.bin"
  ossl dgst -md_gost12_256 -verify "$out/pub.pem" -signature "$out/client_secret.bin" "$out/signed_string.txt"
  ossl cms -verify -binary -noverify -inform DER -in "$out/signature.der" -content "$out/document.txt" -out /dev/null
  echo "OpenSSL verified the example's client_secret and CMS"
}

step "Python ctypes example"
if command -v python3 >/dev/null && [ "$engine" = 1 ]; then
  mkdir -p "$WORK/py"
  python3 examples/python/esia_example.py "$LIB" "$KEY" "$CERT" "$OSSL/detached.cms" "$OSSL/msg" "$WORK/py"
  check_example_outputs "$WORK/py"
else
  missing "python3 (and the gost engine)"
fi

step "PHP FFI example"
if command -v php >/dev/null && php -m | grep -qx FFI && [ "$engine" = 1 ]; then
  mkdir -p "$WORK/php"
  php -d ffi.enable=1 examples/php/esia_example.php "$LIB" "$FFI/include/gostcms.h" "$KEY" "$CERT" "$OSSL/detached.cms" "$OSSL/msg" "$WORK/php"
  check_example_outputs "$WORK/php"
else
  missing "php-cli with FFI (and the gost engine)"
fi

step "all ffi checks passed"
