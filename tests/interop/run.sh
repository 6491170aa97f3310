#!/usr/bin/env bash
# make interop: the client through Debian's nginx, HAProxy and Squid on 127.0.0.1 (tests/interop/).
#   tests/interop/run.sh [pytest arguments]
# Needs the servers (scripts/interop-tools.sh), the release sandbox and the `mpgs` package in
# $PY (make python). Every server the suite starts is its child and is stopped when the session
# ends; this script's trap also kills any that a killed or timed-out pytest left behind (by the
# pids the fixtures list in $MPGS_INTEROP_TMP/pids) and removes the suite's temporary files.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
tmp=$(mktemp -d /tmp/mpgs-interop.XXXXXX)
child=
cleanup() {
  [ -z "$child" ] || kill -TERM "$child" 2>/dev/null || true
  if [ -f "$tmp/pids" ]; then
    while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$tmp/pids"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export MPGS_INTEROP_TMP=$tmp MPGS_SANDBOX_BIN=${MPGS_SANDBOX_BIN:-$PWD/target/release/mpgs-sandbox}
# Bounded: a stuck server or call cannot hold make test (timeout ends pytest and its children).
timeout -k 5 240 "$PY" -m pytest tests/interop -q -p no:cacheprovider "$@" &
child=$!
status=0
wait "$child" || status=$?
child=
exit "$status"
