#!/usr/bin/env bash
# make dist-test, for the C tarball's CMake package (lib/cmake/mpgs, scripts/install-cmake.sh):
# the tarball unpacked into a fresh prefix outside the repository, examples/pos.c built by
# Debian's cmake through find_package(mpgs) against it, once with mpgs::mpgs (the shared library,
# loaded from the prefix) and once with mpgs::mpgs_static (no libmpgs.so needed), both run against
# the sandbox; find_package refuses a version the prefix does not satisfy.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
version=$(scripts/version.sh)
IFS=. read -r major minor patch <<<"$version"
checks=0
fail() { echo "dist-test (cmake): FAILED: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "ok - $*"; }
scripts/php-ruby-tools.sh
name=libmpgs-$version-linux-x86_64
tarball=$repo/dist/$name.tar.gz
[ -f "$tarball" ] || fail "no $tarball"
work=$(mktemp -d /tmp/mpgs-dist-cmake.XXXXXX)
set -- # scripts/sandbox.sh reads "$@" as sandbox flags
source scripts/sandbox.sh
trap 'kill "$SANDBOX_PID" 2>/dev/null || true; rm -rf "$work"' EXIT
unset LD_LIBRARY_PATH PKG_CONFIG_PATH CMAKE_PREFIX_PATH

echo "== the C tarball's CMake package: find_package(mpgs) in a fresh project"
mkdir -p "$work/opt" "$work/app"
tar xzf "$tarball" -C "$work/opt"
prefix=$work/opt/$name
[ -f "$prefix/lib/cmake/mpgs/mpgsConfig.cmake" ] && [ -f "$prefix/lib/cmake/mpgs/mpgsConfigVersion.cmake" ] ||
  fail "the tarball has no lib/cmake/mpgs/mpgsConfig.cmake and mpgsConfigVersion.cmake"
cp examples/pos.c "$work/app/"
cat >"$work/app/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.13)
project(till C)
find_package(mpgs $major.$minor REQUIRED)
if(NOT mpgs_VERSION STREQUAL "$version")
  message(FATAL_ERROR "mpgs_VERSION is \${mpgs_VERSION}")
endif()
add_executable(pos_shared pos.c)
target_link_libraries(pos_shared PRIVATE mpgs::mpgs)
add_executable(pos_static pos.c)
target_link_libraries(pos_static PRIVATE mpgs::mpgs_static)
foreach(t pos_shared pos_static)
  set_target_properties(\${t} PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON)
  target_compile_options(\${t} PRIVATE -Wall -Wextra -Werror -pedantic)
endforeach()
CMAKE
(cd "$work/app" && cmake -S . -B build -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >"$work/configure.txt" 2>&1 &&
  cmake --build build >"$work/build.txt" 2>&1) || { cat "$work/configure.txt" "$work/build.txt" 2>/dev/null; fail "cmake could not build pos.c against the prefix"; }
ok "cmake: find_package(mpgs $major.$minor) found $version; pos.c built with mpgs::mpgs and mpgs::mpgs_static"
bin=$work/app/build
loaded=$(ldd "$bin/pos_shared" | sed -n "s/^[[:space:]]*libmpgs\.so[^ ]* => \(.*\) (0x.*/\1/p")
[ -n "$loaded" ] && [ "$(cd "$(dirname "$loaded")" && pwd -P)" = "$(cd "$prefix/lib" && pwd -P)" ] ||
  fail "pos_shared does not load libmpgs from the prefix: $(ldd "$bin/pos_shared")"
! ldd "$bin/pos_static" | grep -q libmpgs || fail "pos_static is linked to libmpgs.so: $(ldd "$bin/pos_static")"
ok "mpgs::mpgs loads the prefix's libmpgs.so; mpgs::mpgs_static needs no libmpgs.so"
for b in pos_shared pos_static; do
  "$bin/$b" >"$work/$b.txt" 2>&1 || { cat "$work/$b.txt"; fail "$b failed"; }
  grep -q "^\[c/pos\] libmpgs $version\$" "$work/$b.txt" && grep -q "^\[c/pos\] card .* 512345xxxxxx0008 .* -> token " "$work/$b.txt" ||
    { cat "$work/$b.txt"; fail "$b did not tokenize the card"; }
done
ok "both ran against the sandbox and tokenized the card"

# Which requests the version file satisfies.
probe() { # VERSION-ARGUMENTS -> 0 when find_package accepts them
  mkdir -p "$work/probe"
  printf 'cmake_minimum_required(VERSION 3.19)\nproject(p C)\nfind_package(mpgs %s REQUIRED)\n' "$1" >"$work/probe/CMakeLists.txt"
  rm -rf "$work/probe/build"
  cmake -S "$work/probe" -B "$work/probe/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null 2>&1
}
for want in "" "$major.$minor" "$version" "$version EXACT" "$major.$minor...$major.$((minor + 1))"; do
  probe "$want" || fail "find_package(mpgs $want) refused $version"
done
for want in "$major.$((minor + 1))" "$major.$minor.$((patch + 1))" "$((major + 1))" "$major.$((minor - 1 < 0 ? 0 : minor - 1)).$((patch + 99))"; do
  ! probe "$want" || fail "find_package(mpgs $want) accepted $version"
done
# glibc 2.34+ (this machine) links a static Rust library with no extra -l at all, so the build
# above cannot catch a missing system library: compare the list with mpgs.pc's Libs.private
# (rustc's --print native-static-libs), which an older glibc needs.
mkdir -p "$work/libs"
printf 'cmake_minimum_required(VERSION 3.13)\nproject(p C)\nfind_package(mpgs REQUIRED)\nget_target_property(l mpgs::mpgs_static INTERFACE_LINK_LIBRARIES)\nmessage(STATUS "LIBS=${l}")\n' >"$work/libs/CMakeLists.txt"
got=$(cmake -S "$work/libs" -B "$work/libs/build" -DCMAKE_PREFIX_PATH="$prefix" 2>&1 | sed -n 's/^-- LIBS=//p')
want=$(sed -n 's/^Libs.private: *//p' "$prefix/lib/pkgconfig/mpgs.pc" | sed 's/-lpthread/Threads::Threads/; s/-l//g' | tr ' ' ';')
[ -n "$got" ] && [ "$got" = "$want" ] || fail "mpgs::mpgs_static links '$got', mpgs.pc's Libs.private says '$want'"
ok "mpgs::mpgs_static links $got (mpgs.pc's Libs.private)"
ok "find_package(mpgs) accepts $major.$minor, $version (EXACT) and a range, refuses $major.$((minor + 1)), a newer patch and $((major + 1))"
echo "dist-test (cmake): $checks passed, 0 failed"
