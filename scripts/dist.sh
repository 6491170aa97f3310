#!/usr/bin/env bash
# make dist: the release artefacts in dist/, none of which needs Rust to install.
#   mpgs-<v>-cp310-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl  (glibc >= 2.17)
#   mpgs-<v>.tar.gz                                                       (the sdist)
#   libmpgs-<v>-linux-x86_64.tar.gz                                       (C library, glibc >= 2.17)
#   mpgs-<v>.tgz, mpgs-<v>.jar + .pom, Mpgs.<v>.nupkg, mpgs-go-<v>.zip    (scripts/dist-languages.sh)
#   SHA256SUMS                                                            (every other file, in the end)
# Both binaries are linked by zig against glibc 2.17's symbols: maturin --zig for the wheel,
# cargo-zigbuild for libmpgs. The tools come from PyPI into a venv under target/ (cargo-zigbuild's
# wheel there is the same program as the crate, without compiling it).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(scripts/version.sh)
tools=target/dist-tools
pins=("maturin==1.16.0" "ziglang==0.17.1" "cargo-zigbuild==0.24.0" "auditwheel==6.8.2")
if [ "$(cat "$tools/pins" 2>/dev/null)" != "${pins[*]}" ]; then
  rm -rf "$tools"
  python3 -m venv "$tools"
  "$tools/bin/pip" install -q --disable-pip-version-check "${pins[@]}"
  echo "${pins[*]}" >"$tools/pins"
fi
# cargo-zigbuild and maturin find zig as `python3 -m ziglang`: the venv's python3 comes first.
export PATH="$PWD/$tools/bin:$PATH"
# The same bytes from the same commit (the archive's dates).
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH

rm -rf dist
mkdir -p dist

echo "== wheel (manylinux2014, abi3)"
maturin build -q --release --strip --zig --compatibility manylinux2014 \
  --target x86_64-unknown-linux-gnu -m python/Cargo.toml -o dist

echo "== sdist"
maturin sdist -m python/Cargo.toml -o dist

echo "== libmpgs for glibc 2.17"
triple=x86_64-unknown-linux-gnu
cargo zigbuild -q --release -p mpgs-ffi --target "$triple.2.17"
name=libmpgs-$version-linux-x86_64
tree=target/dist/$name
rm -rf "$tree"
MPGS_LIB_DIR="target/$triple/release" scripts/install-c.sh "$tree" >/dev/null
# The shared library keeps only its dynamic symbols (mpgs_*); the archive keeps its symbol
# tables (a static link needs them) and loses its debug sections.
strip --strip-all "$tree/lib/libmpgs.so.$version"
strip --strip-debug "$tree/lib/libmpgs.a"
install -m 0644 LICENSE "$tree/LICENSE"
install -m 0644 ffi/README.md "$tree/README.md"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -C target/dist -cf - "$name" | gzip -n -9 >"dist/$name.tar.gz"

(cd dist && sha256sum -- *.whl *.tar.gz >SHA256SUMS)
echo "== dist/"
ls -l dist
scripts/dist-cli.sh
scripts/dist-languages.sh
scripts/dist-php-ruby.sh
