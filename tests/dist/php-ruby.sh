#!/usr/bin/env bash
# make dist-test, for the PHP and Ruby packages in dist/ (scripts/dist-php-ruby.sh made them): each
# installed as a user installs it, in an empty folder outside the repository, with no Rust on
# PATH, no LD_LIBRARY_PATH and no MPGS_LIBRARY, then its till flow run against the sandbox
# (bindings/<language>/tests: session, token, every field error of a refused request, a 401 as an
# authentication error, a closed connection as outcome unknown, the workflow calls, one client
# in forked workers (PHP) or threads (Ruby), no growth over 10,000 calls, no secret in any error
# text; the on_call hook's events, the client certificate's expiry, a NUL refused). Also the
# packages' metadata and contents.
#   tests/dist/php-ruby.sh [php] [ruby]     (default: both)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
version=$(scripts/version.sh)
checks=0
fail() { echo "dist-test (php/ruby): FAILED: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "ok - $*"; }
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(php ruby)
scripts/php-ruby-tools.sh
work=$(mktemp -d /tmp/mpgs-dist-php-ruby.XXXXXX)
set -- # scripts/sandbox.sh reads "$@" as sandbox flags
source scripts/sandbox.sh
sandbox_launch --fault closex1000000
fault_pid=$launched_pid
export MPGS_FAULT_URL=$launched_url MPGS_FAULT_CA=$launched_ca
sandbox_launch --latency-ms 200
slow_pid=$launched_pid
export MPGS_SLOW_URL=$launched_url MPGS_SLOW_CA=$launched_ca
trap 'kill "$SANDBOX_PID" "$fault_pid" "$slow_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
# As a user's machine: Debian's tools only, nothing of the repository's build.
bare() { env -u LD_LIBRARY_PATH -u MPGS_LIBRARY -u CARGO -u RUSTC -u CARGO_HOME -u RUSTUP_HOME -u GEM_HOME -u GEM_PATH \
  PATH=/usr/local/bin:/usr/bin:/bin HOME="$work/home" "$@"; }
mkdir -p "$work/home"
bare sh -c '! command -v cargo && ! command -v rustc' >/dev/null || fail "cargo or rustc is on the bare PATH"

for lang in "${langs[@]}"; do
  case $lang in
  php)
    echo "== PHP: dist/mpgs-php-$version.zip through composer install (artifact repository)"
    zipfile=$repo/dist/mpgs-php-$version.zip
    [ -f "$zipfile" ] || fail "no $zipfile"
    unzip -p "$zipfile" composer.json >"$work/meta.json" || fail "the zip has no composer.json at its root"
    python3 - "$work/meta.json" "$version" <<'PY' || fail "composer.json metadata"
import json, sys
m = json.load(open(sys.argv[1]))
want = {"name": "mpgs/mpgs", "version": sys.argv[2], "type": "library", "license": "Apache-2.0"}
bad = {k: m.get(k) for k, v in want.items() if m.get(k) != v}
assert not bad, f"composer.json: {bad}"
assert m["require"] == {"php": ">=8.1", "ext-ffi": "*"}, m["require"]
assert m["autoload"] == {"psr-4": {"Mpgs\\": "src/"}}, m["autoload"]
for k in ("description", "homepage", "support", "keywords"):
    assert m.get(k), f"composer.json has no {k}"
PY
    for f in LICENSE README.md CHANGELOG.md lib/mpgs.h lib/VERSION lib/x86_64-unknown-linux-gnu/libmpgs.so src/Client.php; do
      unzip -l "$zipfile" "$f" >/dev/null || fail "the zip lacks $f"
    done
    ! unzip -l "$zipfile" | grep -qE ' (tests|vendor)/' || fail "the zip holds tests or vendor"
    ok "mpgs-php-$version.zip: composer.json (mpgs/mpgs $version, php >= 8.1, ext-ffi, Apache-2.0), LICENSE, README, CHANGELOG, lib/mpgs.h, libmpgs.so"
    app=$work/php-app
    mkdir -p "$app"
    cat >"$app/composer.json" <<JSON
{"repositories": [{"type": "artifact", "url": "$repo/dist"}, {"packagist.org": false}],
 "require": {"mpgs/mpgs": "$version"}}
JSON
    (cd "$app" && bare COMPOSER_HOME="$work/composer" COMPOSER_CACHE_DIR="$work/composer-cache" \
      composer install --no-interaction --no-progress -q) || fail "composer install"
    installed=$app/vendor/mpgs/mpgs
    [ -f "$installed/lib/x86_64-unknown-linux-gnu/libmpgs.so" ] && [ ! -L "$installed/lib/x86_64-unknown-linux-gnu/libmpgs.so" ] ||
      fail "composer installed no libmpgs.so (a real file) into vendor/mpgs/mpgs/lib/x86_64-unknown-linux-gnu/"
    ok "composer install from the artifact repository: vendor/mpgs/mpgs with its libmpgs.so"
    mkdir -p "$app/tests"
    cp bindings/php/tests/*.php "$app/tests/"
    cp bindings/php/phpunit.xml.dist "$app/"
    (cd "$app" && bare MPGS_AUTOLOAD="$app/vendor/autoload.php" MPGS_EXPECT_VERSION="$version" php -d ffi.enable=preload \
      /usr/bin/phpunit -c phpunit.xml.dist) >"$work/php.txt" 2>&1 || { cat "$work/php.txt"; fail "the PHP till flow"; }
    cat "$work/php.txt"
    grep -q '^OK (' "$work/php.txt" || fail "PHPUnit did not pass every test"
    ok "the PHP till flow (PHPUnit, TillTest and ObserveTest) passed against the sandbox, through the installed package"
    ;;
  ruby)
    echo "== Ruby: dist/mpgs-$version-x86_64-linux.gem through gem install --local into a fresh GEM_HOME"
    gemfile=$repo/dist/mpgs-$version-x86_64-linux.gem
    [ -f "$gemfile" ] || fail "no $gemfile"
    ruby -rrubygems/package -e '
      spec = Gem::Package.new(ARGV[0]).spec
      want = { name: "mpgs", version: Gem::Version.new(ARGV[1]), platform: "x86_64-linux", license: "Apache-2.0" }
      bad = want.reject { |k, v| (k == :platform ? spec.platform.to_s : spec.public_send(k)) == v }
      abort "gemspec: #{bad.keys.map { |k| "#{k} is #{spec.public_send(k).inspect}" }.join(", ")}" unless bad.empty?
      %w[source_code_uri changelog_uri bug_tracker_uri].each { |k| abort "gemspec metadata lacks #{k}" unless spec.metadata[k] }
      abort "gemspec: summary, description, homepage, authors" if [spec.summary, spec.description, spec.homepage].any?(&:nil?) || spec.authors.empty?
      dep = spec.runtime_dependencies.map { |d| [d.name, d.requirement.to_s] }
      abort "gemspec dependencies: #{dep}" unless dep == [["ffi", "~> 1.15"]]
      abort "the gem compiles something: #{spec.extensions}" unless spec.extensions.empty?
      %w[lib/mpgs.rb lib/mpgs/native_functions.rb lib/mpgs/version.rb vendor/x86_64-linux-gnu/libmpgs.so LICENSE README.md CHANGELOG.md].each do |f|
        abort "the gem lacks #{f}" unless spec.files.include?(f)
      end
      abort "the gem holds tests" if spec.files.any? { |f| f.start_with?("test/") }
    ' "$gemfile" "$version" || fail "the gem's metadata or contents"
    ok "mpgs-$version-x86_64-linux.gem: mpgs $version, platform x86_64-linux, Apache-2.0, ffi ~> 1.15, libmpgs.so and generated declarations inside, nothing to compile"
    gems=$work/gems
    bare GEM_HOME="$gems" gem install --local --no-document --quiet "$gemfile" >/dev/null || fail "gem install --local"
    lib=$gems/gems/mpgs-$version-x86_64-linux/vendor/x86_64-linux-gnu/libmpgs.so
    [ -f "$lib" ] && [ ! -L "$lib" ] || fail "gem install put no libmpgs.so (a real file) at $lib"
    ok "gem install --local into a fresh GEM_HOME: mpgs $version with its libmpgs.so"
    app=$work/ruby-app
    mkdir -p "$app"
    cp bindings/ruby/test/test_*.rb "$app/"
    (cd "$app" && bare GEM_HOME="$gems" MPGS_EXPECT_VERSION="$version" ruby -w -e 'ARGV.each { |f| require File.expand_path(f) }' test_*.rb) >"$work/ruby.txt" 2>&1 ||
      { cat "$work/ruby.txt"; fail "the Ruby till flow"; }
    cat "$work/ruby.txt"
    grep -q ' 0 failures, 0 errors, 0 skips' "$work/ruby.txt" || fail "Minitest did not pass every test"
    ok "the Ruby till flow (Minitest, test_till.rb and test_observe.rb) passed against the sandbox, through the installed gem"
    ;;
  *) echo "unknown language $lang" >&2; exit 2 ;;
  esac
done
echo "dist-test (php/ruby): $checks passed, 0 failed"
