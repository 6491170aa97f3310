#!/usr/bin/env bash
# make install PREFIX=DIR: libmpgs.so (with its SONAME links), libmpgs.a, the headers and
# lib/pkgconfig/mpgs.pc (and lib/cmake/mpgs/: scripts/install-cmake.sh), from the release build
# in target/release (where cargo names them libmpgs_ffi.*: the crate `mpgs` is the core).
# MPGS_LIB_DIR names another build directory (make dist: the glibc 2.17 build). mpgs.pc is
# relocatable: its prefix is found from where the file is, so the tree may be moved or unpacked
# anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:?usage: install-c.sh PREFIX}
from=${MPGS_LIB_DIR:-target/release}
version=$(scripts/version.sh)
soname=$(readelf -d "$from/libmpgs_ffi.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ -n "$soname" ] || { echo "$from/libmpgs_ffi.so has no SONAME" >&2; exit 1; }
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
install -m 0755 "$from/libmpgs_ffi.so" "$prefix/lib/libmpgs.so.$version"
ln -sfn "libmpgs.so.$version" "$prefix/lib/$soname"
ln -sfn "$soname" "$prefix/lib/libmpgs.so"
install -m 0644 "$from/libmpgs_ffi.a" "$prefix/lib/libmpgs.a"
install -m 0644 include/mpgs.h include/mpgs.hpp "$prefix/include/"
# Libs.private: what a static link of the Rust standard library needs
# (cargo rustc -p mpgs-ffi --crate-type staticlib -- --print native-static-libs).
cat >"$prefix/lib/pkgconfig/mpgs.pc" <<'PC'
prefix=${pcfiledir}/../..
libdir=${prefix}/lib
includedir=${prefix}/include

PC
cat >>"$prefix/lib/pkgconfig/mpgs.pc" <<PC
Name: mpgs
Description: Mastercard Payment Gateway client (Create Session, Create or Update Token)
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -lmpgs
Libs.private: -lpthread -ldl -lm -lrt -lutil -lgcc_s
PC
scripts/install-cmake.sh "$prefix"
echo "installed libmpgs $version ($soname) into $(cd "$prefix" && pwd)"
