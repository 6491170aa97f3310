#!/usr/bin/env bash
# Makes the package's native part in lib/, from the repository:
#   lib/mpgs.h                              include/mpgs.h as FFI::cdef reads it: the system
#                                           includes dropped, preprocessor lines resolved and
#                                           comments removed by `cpp -P` (C11: cbindgen's C23
#                                           `enum … : uint32_t` branches go), nothing else changed
#   lib/VERSION                             the header's version, checked against mpgs_version()
#   lib/x86_64-unknown-linux-gnu/libmpgs.so a copy of LIBMPGS (a real file, no symlink)
#     bindings/php/build.sh LIBMPGS [DIR]  (e.g. target/c/stage/lib/libmpgs.so.0.1.0; writes
#                                           DIR/lib, by default this folder's lib/)
# Every function the header declares is therefore declared to PHP: the binding is complete by
# construction (make bindings-check checks that src/ wraps each one).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
so=${1:?usage: build.sh LIBMPGS [DIR]}
out=$(mkdir -p "${2:-$here}" && cd "${2:-$here}" && pwd)
mkdir -p "$out/lib/x86_64-unknown-linux-gnu"
grep -v '^#include' "$root/include/mpgs.h" | cpp -P -std=c11 -nostdinc - | grep -v '^[[:space:]]*$' >"$out/lib/mpgs.h.tmp"
mv "$out/lib/mpgs.h.tmp" "$out/lib/mpgs.h"
sed -n 's/^#define MPGS_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$root/include/mpgs.h" | paste -sd. >"$out/lib/VERSION"
install -m 0644 "$(readlink -f "$so")" "$out/lib/x86_64-unknown-linux-gnu/libmpgs.so"
# The generated header must parse as FFI::cdef reads it, over the library just copied.
if command -v php >/dev/null; then
  php -r '$f = FFI::cdef(file_get_contents($argv[1]), $argv[2]); exit($f->mpgs_version() === trim(file_get_contents($argv[3])) ? 0 : 1);' \
    "$out/lib/mpgs.h" "$out/lib/x86_64-unknown-linux-gnu/libmpgs.so" "$out/lib/VERSION" ||
    { echo "build.sh: lib/mpgs.h does not parse with FFI::cdef, or the library is not version $(cat "$out/lib/VERSION")" >&2; exit 1; }
fi
