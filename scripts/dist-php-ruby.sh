#!/usr/bin/env bash
# make dist, after scripts/dist.sh has built libmpgs for glibc 2.17 into target/dist/: the PHP and
# Ruby packages, each with that libmpgs inside, then SHA256SUMS again over everything in dist/.
#   dist/mpgs-php-<v>.zip          Composer package (bindings/php): composer.json at the root with
#                                  the version written in, src/, lib/mpgs.h (FFI::cdef's header,
#                                  made by bindings/php/build.sh), lib/x86_64-unknown-linux-gnu/libmpgs.so
#   dist/mpgs-<v>-x86_64-linux.gem the gem (bindings/ruby, platform x86_64-linux): lib/, its
#                                  generated attach_function declarations, vendor/x86_64-linux-gnu/libmpgs.so
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(scripts/version.sh)
so=target/dist/libmpgs-$version-linux-x86_64/lib/libmpgs.so.$version
[ -f "$so" ] || { echo "dist-php-ruby: no $so (run scripts/dist.sh first)" >&2; exit 1; }
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
scripts/php-ruby-tools.sh

echo "== PHP package (Composer, FFI)"
stage=target/dist/php/mpgs-php-$version
rm -rf target/dist/php
mkdir -p "$stage"
cp -r bindings/php/src bindings/php/README.md bindings/php/CHANGELOG.md "$stage/"
install -m 0644 LICENSE "$stage/LICENSE"
bindings/php/build.sh "$so" "$stage"
# Packagist reads the version from the git tag; an artifact zip must carry it in composer.json.
python3 - bindings/php/composer.json "$stage/composer.json" "$version" <<'PY'
import json, sys
meta = json.load(open(sys.argv[1]))
out = {}
for key, value in meta.items():
    out[key] = value
    if key == "description":
        out["version"] = sys.argv[3]
out.pop("archive", None)
open(sys.argv[2], "w").write(json.dumps(out, indent=4, ensure_ascii=False) + "\n")
PY
find "$stage" -exec touch -h -d "@$epoch" {} +
rm -f "dist/mpgs-php-$version.zip"
(cd "$stage" && find . -type f | LC_ALL=C sort | zip -qX -@ "$OLDPWD/dist/mpgs-php-$version.zip")

echo "== Ruby gem (ffi)"
stage=target/dist/ruby/mpgs
rm -rf target/dist/ruby
mkdir -p "$stage"
cp -r bindings/ruby/lib bindings/ruby/mpgs.gemspec bindings/ruby/README.md bindings/ruby/CHANGELOG.md "$stage/"
install -m 0644 LICENSE "$stage/LICENSE"
ruby bindings/ruby/build.rb "$so" "$stage"
# gem build takes its dates from SOURCE_DATE_EPOCH: the same bytes from the same commit.
(cd "$stage" && SOURCE_DATE_EPOCH=$epoch gem build --quiet mpgs.gemspec)
mv "$stage/mpgs-$version-x86_64-linux.gem" dist/

(cd dist && sha256sum -- $(ls | grep -vx SHA256SUMS) >SHA256SUMS)
ls -l dist
