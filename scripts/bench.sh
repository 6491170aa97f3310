#!/usr/bin/env bash
# make bench: installs what the benchmarks compare against (wrk and libcurl from Debian; requests,
# httpx, pydantic and jsonschema into the venv), builds the C benchmark, the wheel and the Go, C#
# and Java benchmarks against their installed packages (scripts/bench-languages.sh), and runs
# bench/bench.py, which writes BENCHMARKS.md, then bench/rtt.py (its "Round trips" section).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -f /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -f /usr/include/curl/curl.h ] || missing+=(libcurl4-openssl-dev)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
"$PY" -m pip install -q requests httpx "pydantic>=2" jsonschema
mkdir -p target/c/bin target/wheels
export PKG_CONFIG_PATH=target/c/stage/lib/pkgconfig
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -O2 -std=c11 -Wall -Wextra -Werror bench/c_bench.c $(pkg-config --cflags --libs mpgs) -lcurl -o target/c/bin/c_bench
# shellcheck disable=SC2046
cc -O2 -std=c11 -Wall -Wextra -Werror bench/c_rtt.c $(pkg-config --cflags --libs mpgs) -lcurl -lpthread -o target/c/bin/c_rtt
rm -f target/wheels/mpgs-*.whl
"$(dirname "$PY")/maturin" build -q --release -m python/Cargo.toml -o target/wheels
# The other languages: Go, Node.js, C# and Java benchmarks (bindings/*/bench), each against its
# package installed from dist/, each with its own client.
scripts/bench-languages.sh
scripts/bench-php-ruby.sh
"$PY" bench/bench.py "$@"
# Round trips on a simulated link (about 6 minutes): its own section of BENCHMARKS.md.
"$PY" bench/rtt.py
