#!/usr/bin/env bash
# The PHP package's tests (PHPUnit) against both back ends, from anywhere:
#   bash bindings/php/run-tests.sh
#
# Uses libgostcms.so from target/release (built by ffi/run-tests.sh)
# and the gostcms binary from target/test-release (built by the tests' cargo
# build in .ci/run); builds what is missing, with that test-release profile. PHP's FFI
# is enabled on the command line (-d ffi.enable=1); OpenSSL with the gost
# engine checks what the adapters sign (OSSL_CNF, read by the tests for
# their openssl commands only: cargo must never see OPENSSL_CONF).
# CI=1 makes a missing php, phpunit or FFI extension a failure.
set -euo pipefail
cd "$(dirname "$0")"
PKG=$PWD
ROOT=$(cd ../.. && pwd)
LIB=${GOSTCMS_LIB:-$ROOT/target/release/libgostcms.so}
BIN=${GOSTCMS_BIN:-$ROOT/target/test-release/gostcms}

missing() {
  if [ "${CI:-}" = 1 ]; then
    echo "php: $1 is required in CI" >&2
    exit 1
  fi
  printf '\n*** SKIPPED: %s is not available ***\n' "$1"
  exit 0
}
command -v php >/dev/null || missing php-cli
command -v phpunit >/dev/null || missing phpunit
php -m | grep -x FFI >/dev/null || missing "php's FFI extension"

if [ ! -f "$LIB" ]; then
  (cd "$ROOT/ffi" && CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo build --release)
fi
if [ ! -x "$BIN" ]; then
  (cd "$ROOT" && cargo build --profile test-release --bin gostcms)
fi

for f in $(find src tests tools preload.php -name '*.php'); do
  php -l "$f" >/dev/null
done
php -r 'json_decode(file_get_contents("composer.json"), false, 512, JSON_THROW_ON_ERROR);'

export GOSTCMS_LIB="$LIB" GOSTCMS_BIN="$BIN" GOSTCMS_ROOT="$ROOT" OSSL_CNF="$ROOT/tests/data/ossl.cnf"
php -d ffi.enable=1 -d zend.assertions=1 "$(command -v phpunit)" -c "$PKG/phpunit.xml.dist" "$@"

# docs/php.md's example, as written, on both back ends.
EXAMPLE=$(mktemp -d "${TMPDIR:-/tmp}/gostcms-php-example.XXXXXX")
trap 'rm -rf "$EXAMPLE"' EXIT
awk '/<!-- php-example -->/ { take = 1; next } take && /^```php/ { open = 1; next }
     open && /^```/ { exit } open { print }' "$ROOT/docs/php.md" >"$EXAMPLE/example.php"
[ -s "$EXAMPLE/example.php" ] || { echo "php: docs/php.md has no <!-- php-example --> block" >&2; exit 1; }
cp "$ROOT/vectors/cms/sender256_key.pem" "$EXAMPLE/key.pem"
cp "$ROOT/vectors/cms/sender256_cert.pem" "$EXAMPLE/cert.pem"
mkdir -p "$EXAMPLE/vendor"
printf '<?php require %s;\n' "'$PKG/tests/bootstrap.php'" >"$EXAMPLE/vendor/autoload.php"
(cd "$EXAMPLE" && LD_LIBRARY_PATH="$(dirname "$LIB")" php -d ffi.enable=1 example.php | tee out.txt)
grep -q '^client_secret=[A-Za-z0-9_-]\{86\}$' "$EXAMPLE/out.txt"
sed 's/Gostcms::ffi()/Gostcms::cli()/' "$EXAMPLE/example.php" >"$EXAMPLE/example-cli.php"
(cd "$EXAMPLE" && PATH="$(dirname "$BIN"):$PATH" php example-cli.php | tee out-cli.txt)
grep -q '^client_secret=[A-Za-z0-9_-]\{86\}$' "$EXAMPLE/out-cli.txt"
echo "php: all checks passed"
