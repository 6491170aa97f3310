#!/usr/bin/env bash
# make demo: start the sandbox, run both operations from every binding, stop the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/sandbox.sh
trap 'kill "$SANDBOX_PID" 2>/dev/null || true' EXIT
echo "== sandbox gateway at $MPGS_BASE_URL (CA $MPGS_CA_FILE)"
echo "== Rust (examples/quickstart.rs)"
target/release/examples/quickstart
echo "== Python (examples/quickstart.py)"
"${PY:-.venv/bin/python}" examples/quickstart.py
