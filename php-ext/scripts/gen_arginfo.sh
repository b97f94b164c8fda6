#!/usr/bin/env bash
# Regenerates opa_arginfo.h from opa.stub.php with PHP's own build/gen_stub.php.
# gen_stub.php downloads PHP-Parser from GitHub; offline we point it at Debian's php-parser package.
set -euo pipefail
cd "$(dirname "$0")/.."
gen_stub="$(php-config --extension-dir)/build/gen_stub.php"
[ -f "$gen_stub" ] || gen_stub="$(php-config --prefix)/lib/php/build/gen_stub.php"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$gen_stub" "$work/gen_stub.php"
version="$(grep -o '\$version = "[0-9.]*"' "$work/gen_stub.php" | grep -o '[0-9.]*[0-9]')"
if [ -d /usr/share/php/PhpParser ]; then
  mkdir -p "$work/PHP-Parser-$version/lib"
  ln -s /usr/share/php/PhpParser "$work/PHP-Parser-$version/lib/PhpParser"
fi
php "$work/gen_stub.php" -f opa.stub.php
