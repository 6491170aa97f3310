#!/usr/bin/env bash
# make test-php-ruby: the PHP and Ruby packages' tests from the repository (bindings/php,
# bindings/ruby), over the staged libmpgs (target/c/stage, `make c-stage`), against the sandbox.
# make dist-test runs the same tests through the installed packages (tests/dist/php-ruby.sh).
#   tests/bindings/php-ruby.sh [php] [ruby]     (default: both)
set -euo pipefail
cd "$(dirname "$0")/../.."
so=$PWD/target/c/stage/lib/libmpgs.so
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(php ruby)
scripts/php-ruby-tools.sh
set -- # scripts/sandbox.sh reads "$@" as sandbox flags
source scripts/sandbox.sh
sandbox_launch --fault closex1000000
fault_pid=$launched_pid
export MPGS_FAULT_URL=$launched_url MPGS_FAULT_CA=$launched_ca
sandbox_launch --latency-ms 200
slow_pid=$launched_pid
export MPGS_SLOW_URL=$launched_url MPGS_SLOW_CA=$launched_ca
trap 'kill "$SANDBOX_PID" "$fault_pid" "$slow_pid" 2>/dev/null || true' EXIT
unset MPGS_LIBRARY LD_LIBRARY_PATH
failed=0
for lang in "${langs[@]}"; do
  case $lang in
    php) echo "== php"; bindings/php/build.sh "$so" && (cd bindings/php && phpunit) || failed=1 ;;
    ruby) echo "== ruby"; ruby bindings/ruby/build.rb "$so" && (cd bindings/ruby && ruby -w -Ilib -e 'ARGV.each { |f| require File.expand_path(f) }' test/test_*.rb) || failed=1 ;;
    *) echo "unknown language $lang" >&2; exit 2 ;;
  esac
done
exit "$failed"
