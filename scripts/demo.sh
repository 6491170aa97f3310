#!/usr/bin/env bash
# make demo: start the sandbox, run both operations from every binding, then the Hosted Session
# flow (create, update as the payment page would, retrieve and check, tokenize, retrieve and delete
# the token) from Rust, C and Python; stop the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/sandbox.sh
trap 'kill "$SANDBOX_PID" 2>/dev/null || true' EXIT
echo "== sandbox gateway at $MPGS_BASE_URL (CA $MPGS_CA_FILE)"
echo "== Rust (examples/quickstart.rs)"
target/release/examples/quickstart
echo "== C (examples/pos.c, built with pkg-config against the install in target/c/stage)"
mkdir -p target/c/bin
export PKG_CONFIG_PATH=target/c/stage/lib/pkgconfig
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc examples/pos.c $(pkg-config --cflags --libs mpgs) -o target/c/bin/pos
LD_LIBRARY_PATH=target/c/stage/lib target/c/bin/pos
echo "== Python (examples/quickstart.py)"
"${PY:-.venv/bin/python}" examples/quickstart.py
echo "== Python asyncio (examples/quickstart_async.py)"
"${PY:-.venv/bin/python}" examples/quickstart_async.py
echo "== Hosted Session flow, Rust (examples/hosted_session.rs)"
target/release/examples/hosted_session
echo "== Hosted Session flow, C (examples/hosted_session.c)"
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -std=c11 -Wall -Wextra -Werror examples/hosted_session.c $(pkg-config --cflags --libs mpgs) -o target/c/bin/hosted_session
LD_LIBRARY_PATH=target/c/stage/lib target/c/bin/hosted_session
echo "== Hosted Session flow, Python (examples/hosted_session.py)"
"${PY:-.venv/bin/python}" examples/hosted_session.py
