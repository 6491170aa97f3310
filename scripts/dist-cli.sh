#!/usr/bin/env bash
# A step of `make dist` (called by scripts/dist.sh once dist/ holds the main artefacts, before
# the language packages, which take libmpgs from the tarball it repacks):
#   mpgs_cli-<v>-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl      the `mpgs` command
#   mpgs_sandbox-<v>-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl  the local gateway
# binary wheels (maturin "bin" bindings, linked by zig against glibc 2.17 as the main wheel is),
# installed by `pip install "mpgs[cli]"` / `"mpgs[testing]"`; the same two programs put into the
# C tarball's bin/ (taken out of those wheels: one build each); SHA256SUMS written again.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(scripts/version.sh)
tools=target/dist-tools
export PATH="$PWD/$tools/bin:$PATH"
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH

echo "== binary wheels: mpgs-cli, mpgs-sandbox (manylinux2014)"
for crate in cli sandbox; do
  maturin build -q --release --strip --zig --compatibility manylinux2014 \
    --target x86_64-unknown-linux-gnu -m "$crate/Cargo.toml" -o dist
done

echo "== bin/mpgs, bin/mpgs-sandbox into the C tarball"
name=libmpgs-$version-linux-x86_64
tree=target/dist/$name
rm -rf "$tree"
tar xzf "dist/$name.tar.gz" -C target/dist
mkdir -p "$tree/bin"
for pair in mpgs_cli:mpgs mpgs_sandbox:mpgs-sandbox; do
  dist_name=${pair%%:*} program=${pair#*:}
  wheel=$(ls "dist/$dist_name-$version-"*.whl)
  python3 - "$wheel" "$dist_name-$version.data/scripts/$program" "$tree/bin/$program" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[3], "wb") as out:
    out.write(z.read(sys.argv[2]))
PY
  chmod 0755 "$tree/bin/$program"
done
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -C target/dist -cf - "$name" | gzip -n -9 >"dist/$name.tar.gz"

(cd dist && sha256sum -- *.whl *.tar.gz >SHA256SUMS)
ls -l dist
