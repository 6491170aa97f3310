#!/usr/bin/env bash
# make interop: the client through Debian's nginx, HAProxy and Squid on 127.0.0.1 (tests/interop/).
#   tests/interop/run.sh [pytest arguments]
# Needs the servers (scripts/interop-tools.sh), the release sandbox and the `mpgs` package in
# $PY (make python). Every server the suite starts is its child; this trap also ends any that a
# killed pytest left behind, by the pids the fixtures listed.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
pids=$(mktemp)
cleanup() {
  while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$pids"
  rm -f "$pids"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export MPGS_INTEROP_PIDS=$pids MPGS_SANDBOX_BIN=${MPGS_SANDBOX_BIN:-$PWD/target/release/mpgs-sandbox}
# The whole suite is bounded: a stuck server or call cannot hold make test.
timeout --foreground -k 5 240 "$PY" -m pytest tests/interop -q -p no:cacheprovider "$@"
