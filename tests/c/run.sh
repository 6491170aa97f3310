#!/usr/bin/env bash
# make c-test: builds the C and C++ tests against the staged install (target/c/stage, made by
# `make install`) and runs them against the sandbox over TLS: linked to libmpgs.so, to
# libmpgs.a, under valgrind, and built with -fsanitize=address,undefined.
set -euo pipefail
cd "$(dirname "$0")/../.."
stage=target/c/stage
bin=target/c/bin
mkdir -p "$bin"
version=$(scripts/version.sh)
export PKG_CONFIG_PATH="$stage/lib/pkgconfig"
strict=(-Wall -Wextra -Werror -pedantic -g)
read -ra cflags <<<"$(pkg-config --cflags mpgs)"
read -ra libs <<<"$(pkg-config --libs mpgs)"
read -ra private <<<"$(pkg-config --static --libs-only-l mpgs | sed 's/-lmpgs//')"
static=("$stage/lib/libmpgs.a" "${private[@]}")
test_src=(tests/c/test_mpgs.c -DEXPECTED_VERSION="\"$version\"")

echo "== header: C11 and C++17, twice in one unit, two units"
gcc -std=c11 "${strict[@]}" "${cflags[@]}" tests/c/header_unit_a.c tests/c/header_unit_b.c "${libs[@]}" -o "$bin/header_c"
g++ -std=c++17 "${strict[@]}" "${cflags[@]}" -x c++ tests/c/header_unit_a.c -x c++ tests/c/header_unit_b.c \
  "${libs[@]}" -o "$bin/header_cpp"
g++ -std=c++17 "${strict[@]}" -fsyntax-only "${cflags[@]}" -x c++ include/mpgs.hpp

echo "== build tests and the POS example"
gcc -std=c11 "${strict[@]}" "${cflags[@]}" "${test_src[@]}" "${libs[@]}" -lpthread -o "$bin/test_so"
gcc -std=c11 "${strict[@]}" "${cflags[@]}" "${test_src[@]}" "${static[@]}" -o "$bin/test_a"
gcc -std=c11 "${strict[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
  "${cflags[@]}" "${test_src[@]}" "${static[@]}" -o "$bin/test_asan"
g++ -std=c++17 "${strict[@]}" "${cflags[@]}" tests/c/test_wrapper.cpp "${libs[@]}" -o "$bin/test_wrapper"
g++ -std=c++17 "${strict[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
  "${cflags[@]}" tests/c/test_wrapper.cpp "${static[@]}" -o "$bin/test_wrapper_asan"
cc -std=c11 "${strict[@]}" examples/pos.c $(pkg-config --cflags --libs mpgs) -o "$bin/pos"

# The .so test resolves libmpgs through its SONAME in the install; the .a test has no libmpgs.
export LD_LIBRARY_PATH="$stage/lib"
ldd "$bin/test_so" | grep >/dev/null "libmpgs.so.* => .*$stage/lib/libmpgs.so" || { echo "test_so is not linked to the staged libmpgs.so" >&2; exit 1; }
if ldd "$bin/test_a" | grep >/dev/null libmpgs; then echo "test_a is linked to libmpgs.so" >&2; exit 1; fi

# Two CONNECT proxies on loopback for the proxy tests: one tunnels, one refuses every tunnel.
proxy_out=$(mktemp) refusing_out=$(mktemp)
python3 tests/python/connect_proxy.py >"$proxy_out" &
proxy_pid=$!
python3 tests/python/connect_proxy.py --refuse >"$refusing_out" &
refusing_pid=$!
for _ in $(seq 1 100); do [ -s "$proxy_out" ] && [ -s "$refusing_out" ] && break; sleep 0.05; done
MPGS_PROXY_URL=$(head -1 "$proxy_out") MPGS_REFUSING_PROXY_URL=$(head -1 "$refusing_out")
export MPGS_PROXY_URL MPGS_REFUSING_PROXY_URL

set -- # scripts/sandbox.sh reads "$@" as sandbox flags
source scripts/sandbox.sh
trap 'kill "$SANDBOX_PID" "$proxy_pid" "$refusing_pid" 2>/dev/null || true' EXIT

# Runs a test with MPGS_FAULT_URL and MPGS_FAULT_CA: a second sandbox whose next answers are an
# HTML 500, a truncated body, a closed connection, a stall, a truncated body again, and a 201
# holding the request's secrets in clear that does not parse (a byte too many, then cut short);
# then its next connection drips its TLS handshake a byte at a time; then a normal answer
# (latency=0) and a connection closed unanswered.
with_faults() {
  local out pid
  out=$(mktemp)
  target/release/mpgs-sandbox --listen 127.0.0.1:0 \
    --fault html500 --fault truncate --fault close --fault stall=3000 --fault truncate \
    --fault trailing --fault cutjson --fault drip=20 --fault latency=0 --fault close >"$out" &
  pid=$!
  for _ in $(seq 1 100); do [ "$(wc -l <"$out")" -ge 2 ] && break; sleep 0.05; done
  local rc=0
  MPGS_FAULT_URL=$(sed -n '1s/^mpgs-sandbox listening on //p' "$out") \
    MPGS_FAULT_CA="$(sed -n '2s/^mpgs-sandbox tls-dir //p' "$out")/ca.pem" "$@" || rc=$?
  kill "$pid" 2>/dev/null || true
  return $rc
}

"$bin/header_c"
"$bin/header_cpp"
echo "== C, libmpgs.so";  with_faults "$bin/test_so"
echo "== C, libmpgs.a";   with_faults "$bin/test_a"
echo "== C, ASan+UBSan";  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 with_faults "$bin/test_asan"
echo "== C++ wrapper";    "$bin/test_wrapper"
echo "== C++ wrapper, ASan+UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 "$bin/test_wrapper_asan"
vg=(valgrind -q --suppressions=tests/c/valgrind.supp --show-possibly-lost=no --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1)
echo "== C under valgrind (8 threads x 100 calls, 16 x 25)"
MPGS_TEST_CALLS=100 MPGS_TEST_CALLS_16=25 with_faults "${vg[@]}" "$bin/test_so"
echo "== C++ wrapper under valgrind"
"${vg[@]}" "$bin/test_wrapper"
echo "c tests: all passed"
