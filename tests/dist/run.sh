#!/usr/bin/env bash
# make dist-test: the artefacts in dist/ (made by `make dist`) as a user gets them.
#  - the wheel: its tags, metadata and glibc ceiling; installed into a fresh venv with no cargo,
#    rustc or maturin on PATH, and the Python quickstart run against the sandbox;
#  - the C tarball: its contents, SONAME, exports and glibc ceiling; unpacked into a fresh prefix
#    outside the source tree, examples/pos.c and examples/quickstart.cpp built with pkg-config
#    against it, shared and static, and run against the sandbox;
#  - one version everywhere: Cargo.toml's, in every file name, the metadata, mpgs.__version__,
#    the header's macros, mpgs_version(), mpgs.pc, the SONAME and CHANGELOG.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
version=$(scripts/version.sh)
IFS=. read -r major minor _patch <<<"$version"
if [ "$major" = 0 ]; then soname=libmpgs.so.0.$minor; else soname=libmpgs.so.$major; fi
checks=0
fail() { echo "dist-test: FAILED: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "ok - $*"; }
work=$(mktemp -d /tmp/mpgs-dist-test.XXXXXX)
trap 'kill "${SANDBOX_PID:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

# The newest GLIBC_x.y an ELF file asks for must be at most 2.17.
glibc_ceiling() {
  local newest
  newest=$(objdump -T "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/^GLIBC_//' | sort -uV | tail -1)
  [ -n "$newest" ] || fail "$1 has no versioned glibc symbol (not a glibc binary?)"
  [ "$(printf '%s\n2.17\n' "$newest" | sort -V | tail -1)" = 2.17 ] ||
    fail "$1 needs GLIBC_$newest, newer than 2.17: $(objdump -T "$1" | grep -F "GLIBC_$newest" | head -3 | tr -s " \n" " ")"
  ok "$(basename "$1"): newest glibc symbol version $newest <= 2.17"
}

echo "== dist/: the four files, checksums"
wheel=dist/mpgs-$version-cp310-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl
sdist=dist/mpgs-$version.tar.gz
tarball=dist/libmpgs-$version-linux-x86_64.tar.gz
for f in "$wheel" "$sdist" "$tarball" dist/SHA256SUMS; do [ -f "$f" ] || fail "missing $f (ls dist: $(ls dist 2>&1 | tr '\n' ' '))"; done
[ "$(awk '{print $2}' dist/SHA256SUMS | sort | tr '\n' ' ')" = "$(cd dist && ls | grep -vx SHA256SUMS | sort | tr '\n' ' ')" ] ||
  fail "SHA256SUMS does not list exactly the files of dist/ (the packages' own scripts check each is there)"
(cd dist && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not match"
ok "SHA256SUMS covers and matches every file of dist/"

echo "== the version: Cargo.toml says $version"
grep -q '^dynamic = \["version"\]' python/pyproject.toml && ! grep -q '^version *=' python/pyproject.toml ||
  fail "python/pyproject.toml must take its version from Cargo.toml (dynamic = [\"version\"])"
for part in MAJOR:"$major" MINOR:"$minor" PATCH:"$_patch"; do
  grep -q "^#define MPGS_VERSION_${part%%:*} ${part#*:}\$" include/mpgs.h ||
    fail "include/mpgs.h: MPGS_VERSION_${part%%:*} is not ${part#*:}"
done
for member in core ffi python sandbox; do
  grep -qx 'version.workspace = true' "$member/Cargo.toml" || fail "$member/Cargo.toml does not take the workspace's version"
done
grep -q "^## $version\b" CHANGELOG.md || fail "CHANGELOG.md has no '## $version' section"
ok "crates and pyproject.toml inherit it, header macros $version, CHANGELOG.md section $version"

echo "== the wheel: tags, metadata, contents, glibc ceiling"
mkdir -p "$work/wheel"
python3 -m zipfile -e "$wheel" "$work/wheel"
info=$work/wheel/mpgs-$version.dist-info
grep -qx 'Root-Is-Purelib: false' "$info/WHEEL" && grep -qx 'Tag: cp310-abi3-manylinux2014_x86_64' "$info/WHEEL" &&
  grep -qx 'Tag: cp310-abi3-manylinux_2_17_x86_64' "$info/WHEEL" || fail "WHEEL tags: $(cat "$info/WHEEL")"
ok "wheel tagged cp310-abi3-manylinux2014_x86_64 / manylinux_2_17_x86_64"
meta=$info/METADATA
for line in "Name: mpgs" "Version: $version" "Requires-Python: >=3.10" "License: Apache-2.0" \
  "License-File: LICENSE" "Classifier: Typing :: Typed" \
  "Classifier: License :: OSI Approved :: Apache Software License" \
  "Classifier: Programming Language :: Python :: 3 :: Only"; do
  grep -qxF "$line" "$meta" || fail "METADATA lacks '$line'"
done
for field in Summary Description-Content-Type Project-URL Keywords; do
  grep -q "^$field: ." "$meta" || fail "METADATA lacks $field"
done
grep -q '^with mpgs.Client(' "$meta" || fail "METADATA carries no readme (long description)"
[ -f "$info/licenses/LICENSE" ] && grep -q 'Apache License' "$info/licenses/LICENSE" || fail "the wheel has no LICENSE"
[ -f "$work/wheel/mpgs/py.typed" ] && [ -f "$work/wheel/mpgs/_native.pyi" ] || fail "the wheel is not typed (py.typed, _native.pyi)"
ok "METADATA: summary, readme, license, classifiers, project URLs, Requires-Python; py.typed"
ext=$work/wheel/mpgs/_native.abi3.so
glibc_ceiling "$ext"
[ "$(nm -D --defined-only "$ext" | awk '{print $NF}')" = PyInit__native ] ||
  fail "_native.abi3.so exports more than PyInit__native: $(nm -D --defined-only "$ext" | head)"
! readelf -S --wide "$ext" | grep -qE '\.symtab|\.debug_' || fail "_native.abi3.so is not stripped"
ok "_native.abi3.so: stripped, exports only PyInit__native"
target/dist-tools/bin/auditwheel show "$wheel" >"$work/auditwheel.txt" 2>&1 || { cat "$work/auditwheel.txt"; fail "auditwheel show"; }
tr -s ' \n' ' ' <"$work/auditwheel.txt" | grep -q 'is consistent with the following platform tag: "manylinux_2_17_x86_64"' ||
  { cat "$work/auditwheel.txt"; fail "auditwheel does not find the wheel manylinux2014 (manylinux_2_17) compliant"; }
ok "auditwheel show: consistent with manylinux_2_17_x86_64 (manylinux2014)"

echo "== the sdist: same version"
tar xzf "$sdist" -C "$work" "mpgs-$version/PKG-INFO" || fail "$sdist has no mpgs-$version/PKG-INFO"
grep -qx "Version: $version" "$work/mpgs-$version/PKG-INFO" || fail "the sdist's PKG-INFO is not version $version"
ok "sdist mpgs-$version.tar.gz, PKG-INFO version $version"

echo "== the wheel in a fresh venv, with no cargo, rustc or maturin on PATH"
bare_path=
while IFS= read -r -d: dir; do
  [ -n "$dir" ] || continue
  [ -e "$dir/cargo" ] || [ -e "$dir/rustc" ] || [ -e "$dir/maturin" ] || bare_path+=$dir:
done <<<"$PATH:"
python3 -m venv "$work/venv"
bare() { env -u CARGO -u RUSTC -u CARGO_HOME -u RUSTUP_HOME -u VIRTUAL_ENV PATH="$work/venv/bin:${bare_path%:}" "$@"; }
# shellcheck disable=SC2016 # expanded by the inner shell
bare sh -c '! command -v cargo && ! command -v rustc && ! command -v maturin' >/dev/null ||
  fail "cargo, rustc or maturin is still on the bare PATH"
bare "$work/venv/bin/pip" install -q --disable-pip-version-check --no-index --only-binary :all: "$wheel"
installed=$(cd "$work" && bare python -c "import importlib.metadata as m, mpgs, os; print(m.version('mpgs'), mpgs.__version__, os.path.isfile(os.path.join(os.path.dirname(mpgs.__file__), 'py.typed')), mpgs.__file__)")
read -r dist_version module_version typed where <<<"$installed"
[ "$dist_version $module_version $typed" = "$version $version True" ] || fail "installed wheel says: $installed"
case $where in "$work/venv/"*) ;; *) fail "mpgs was imported from $where, not the fresh venv" ;; esac
ok "pip installed the wheel without Rust: version $version, mpgs.__version__ $version, py.typed"

set -- # scripts/sandbox.sh reads "$@" as sandbox flags
source scripts/sandbox.sh
(cd "$work" && bare python "$repo/examples/quickstart.py") >"$work/quickstart.txt" 2>&1 ||
  { cat "$work/quickstart.txt"; fail "the Python quickstart from the wheel failed"; }
cat "$work/quickstart.txt"
for label in password certificate; do
  grep -q "^\[python/$label\] token .* 512345xxxxxx0008" "$work/quickstart.txt" || fail "no $label token in the quickstart's output"
done
grep -q 'refused before sending: INVALID sourceOfFunds.provided.ach.routingNumber' "$work/quickstart.txt" ||
  fail "the quickstart's ACH request was not refused before sending"
ok "the Python quickstart ran from the wheel against the sandbox (password and certificate)"

echo "== the C tarball: contents, SONAME, exports, glibc ceiling"
name=libmpgs-$version-linux-x86_64
expected="$name/ $name/LICENSE $name/README.md $name/bin/ $name/bin/mpgs $name/bin/mpgs-sandbox $name/include/ $name/include/mpgs.h $name/include/mpgs.hpp $name/lib/ $name/lib/libmpgs.a $name/lib/libmpgs.so $name/lib/$soname $name/lib/libmpgs.so.$version $name/lib/pkgconfig/ $name/lib/pkgconfig/mpgs.pc $name/lib/cmake/ $name/lib/cmake/mpgs/ $name/lib/cmake/mpgs/mpgsConfig.cmake $name/lib/cmake/mpgs/mpgsConfigVersion.cmake"
[ "$(tar tzf "$tarball" | sort | tr '\n' ' ')" = "$(tr ' ' '\n' <<<"$expected" | sort | tr '\n' ' ')" ] ||
  fail "the tarball holds: $(tar tzf "$tarball" | tr '\n' ' ')"
mkdir -p "$work/opt"
tar xzf "$tarball" -C "$work/opt"
prefix=$work/opt/$name
lib=$prefix/lib
ok "the tarball holds exactly the libraries, headers, mpgs.pc, the CMake package, LICENSE and README.md"
cmp -s "$prefix/include/mpgs.h" include/mpgs.h && cmp -s "$prefix/include/mpgs.hpp" include/mpgs.hpp ||
  fail "the tarball's headers differ from include/"
[ "$(readlink "$lib/libmpgs.so")" = "$soname" ] && [ "$(readlink "$lib/$soname")" = "libmpgs.so.$version" ] ||
  fail "symlinks: libmpgs.so -> $(readlink "$lib/libmpgs.so"), $soname -> $(readlink "$lib/$soname")"
so=$lib/libmpgs.so.$version
[ "$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')" = "$soname" ] || fail "$so has not the SONAME $soname"
ok "SONAME $soname, links libmpgs.so -> $soname -> libmpgs.so.$version"
glibc_ceiling "$so"
others=$(nm -D --defined-only "$so" | awk '{print $NF}' | grep -v '^mpgs_' || true)
[ -z "$others" ] || fail "libmpgs.so exports more than mpgs_*: $(head -5 <<<"$others" | tr '\n' ' ')"
[ "$(nm -D --defined-only "$so" | grep -c ' mpgs_')" -gt 50 ] || fail "libmpgs.so exports too few mpgs_* functions"
needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -vxE 'libc\.so\.6|libpthread\.so\.0|libdl\.so\.2|libm\.so\.6|librt\.so\.1|ld-linux-x86-64\.so\.2' || true)
[ -z "$needed" ] || fail "libmpgs.so needs more than glibc: $needed"
! readelf -S --wide "$so" | grep -qE '\.symtab|\.debug_' || fail "libmpgs.so is not stripped"
! readelf -S --wide "$lib/libmpgs.a" | grep -q '\.debug_' || fail "libmpgs.a has debug sections"
ok "libmpgs.so: stripped, exports only mpgs_*, needs only glibc; libmpgs.a without debug sections"

echo "== build with pkg-config against the unpacked prefix"
export PKG_CONFIG_PATH=$lib/pkgconfig
[ "$(pkg-config --modversion mpgs)" = "$version" ] || fail "mpgs.pc version $(pkg-config --modversion mpgs)"
read -ra cflags <<<"$(pkg-config --cflags mpgs)"
read -ra libs <<<"$(pkg-config --libs mpgs)"
read -ra private <<<"$(pkg-config --static --libs-only-l mpgs | sed 's/-lmpgs//')"
libdir=$(pkg-config --variable=libdir mpgs)
[ "$(cd "$libdir" && pwd -P)" = "$(cd "$lib" && pwd -P)" ] || fail "mpgs.pc's libdir $libdir is not the unpacked lib/"
case "${cflags[*]} ${libs[*]}" in *"$repo"* | *target/*) fail "pkg-config points into the source tree: ${cflags[*]} ${libs[*]}" ;; esac
ok "mpgs.pc relocated to the unpacked prefix, version $version"
strict=(-Wall -Wextra -Werror -pedantic)
cc -std=c11 "${strict[@]}" "${cflags[@]}" tests/dist/version.c "${libs[@]}" -Wl,-rpath,"$libdir" -o "$work/version"
cc -std=c11 "${strict[@]}" "${cflags[@]}" examples/pos.c "${libs[@]}" -Wl,-rpath,"$libdir" -o "$work/pos"
c++ -std=c++17 "${strict[@]}" "${cflags[@]}" examples/quickstart.cpp "${libs[@]}" -Wl,-rpath,"$libdir" -o "$work/quickstart_cpp"
cc -std=c11 "${strict[@]}" "${cflags[@]}" examples/pos.c "$libdir/libmpgs.a" "${private[@]}" -o "$work/pos_static"
c++ -std=c++17 "${strict[@]}" "${cflags[@]}" examples/quickstart.cpp "$libdir/libmpgs.a" "${private[@]}" -o "$work/quickstart_cpp_static"
for b in version pos quickstart_cpp; do
  loaded=$(ldd "$work/$b" | sed -n "s/^[[:space:]]*$soname => \(.*\) (0x.*/\1/p")
  [ -n "$loaded" ] && [ "$(cd "$(dirname "$loaded")" && pwd -P)" = "$(cd "$lib" && pwd -P)" ] ||
    fail "$b does not load libmpgs from the unpacked prefix: $(ldd "$work/$b")"
done
for b in pos_static quickstart_cpp_static; do
  ! ldd "$work/$b" | grep -q libmpgs || fail "$b is linked to libmpgs.so"
done
ok "pos.c and quickstart.cpp built against the prefix, shared (loading its $soname) and static"
[ "$("$work/version")" = "$version $version" ] || fail "mpgs_version() and the header's macros say $("$work/version"), not $version"
ok "mpgs_version() and MPGS_VERSION_* of the shipped library: $version"

echo "== run them against the sandbox"
for b in pos pos_static; do
  "$work/$b" >"$work/$b.txt" 2>&1 || { cat "$work/$b.txt"; fail "$b failed"; }
  grep -q "^\[c/pos\] libmpgs $version\$" "$work/$b.txt" && grep -q "^\[c/pos\] card .* 512345xxxxxx0008 .* -> token " "$work/$b.txt" ||
    { cat "$work/$b.txt"; fail "$b did not tokenize the card"; }
done
cat "$work/pos.txt"
for b in quickstart_cpp quickstart_cpp_static; do
  "$work/$b" >"$work/$b.txt" 2>&1 || { cat "$work/$b.txt"; fail "$b failed"; }
  grep -q "^\[c++\] token .* for 512345xxxxxx0008\$" "$work/$b.txt" &&
    grep -q '^\[c++\] refused before sending: INVALID sourceOfFunds.provided.ach.routingNumber' "$work/$b.txt" ||
    { cat "$work/$b.txt"; fail "$b did not do what it should"; }
done
cat "$work/quickstart_cpp.txt"
ok "pos.c and quickstart.cpp ran against the sandbox, shared and static"
echo "dist-test: $checks passed, 0 failed"
tests/dist/languages.sh
tests/dist/php-ruby.sh
tests/dist/cmake.sh
source tests/dist/cli.sh
