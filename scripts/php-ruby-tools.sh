#!/usr/bin/env bash
# The tools the PHP and Ruby packages (bindings/php, bindings/ruby) and the CMake package test
# need, installed from Debian when missing: php-cli (with FFI), php-zip (Composer's artifact
# repositories), php-curl (make bench), php-mbstring and php-xml (PHPUnit), composer, phpunit;
# ruby with ruby-ffi (its minitest comes with it); cmake. Idempotent: apt runs only when
# something is missing.
set -euo pipefail
missing=()
command -v php >/dev/null || missing+=(php-cli)
php -r 'exit(extension_loaded("zip") ? 0 : 1);' 2>/dev/null || missing+=(php-zip)
php -r 'exit(extension_loaded("curl") ? 0 : 1);' 2>/dev/null || missing+=(php-curl)
php -r 'exit(extension_loaded("mbstring") ? 0 : 1);' 2>/dev/null || missing+=(php-mbstring)
php -r 'exit(extension_loaded("dom") ? 0 : 1);' 2>/dev/null || missing+=(php-xml)
command -v composer >/dev/null || missing+=(composer)
command -v phpunit >/dev/null || missing+=(phpunit)
command -v ruby >/dev/null || missing+=(ruby)
ruby -e 'require "ffi"' 2>/dev/null || missing+=(ruby-ffi)
command -v cmake >/dev/null || missing+=(cmake)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
