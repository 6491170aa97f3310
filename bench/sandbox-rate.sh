#!/usr/bin/env bash
# Sandbox throughput with wrk: Create Session over 1 keep-alive connection and over 16.
# Usage: bench/sandbox-rate.sh [seconds]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
command -v wrk >/dev/null || { echo "wrk not installed (apt-get install wrk)"; exit 0; }
set --
source scripts/sandbox.sh
trap 'kill "$SANDBOX_PID" 2>/dev/null || true' EXIT
for conns in 1 16; do
  threads=$(( conns < 2 ? 1 : 2 ))
  echo "== wrk -t$threads -c$conns -d${secs}s, Create Session, HTTPS keep-alive"
  wrk -t"$threads" -c"$conns" -d"${secs}s" -s bench/wrk-session.lua "$MPGS_BASE_URL" | grep -E "Requests/sec|Latency|Non-2xx|Socket errors" || true
done
