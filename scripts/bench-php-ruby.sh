#!/usr/bin/env bash
# make bench, rows 15 and 16: Debian's PHP (with its curl extension) and Ruby, and the native part
# of bindings/php and bindings/ruby made from the staged libmpgs (target/c/stage, make c-stage).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/php-ruby-tools.sh
bindings/php/build.sh target/c/stage/lib/libmpgs.so
ruby bindings/ruby/build.rb target/c/stage/lib/libmpgs.so >/dev/null
