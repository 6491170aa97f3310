#!/usr/bin/env bash
# Starts the release mpgs-sandbox on a free loopback port and exports what clients need:
#   source scripts/sandbox.sh [extra sandbox flags]   -> MPGS_BASE_URL, MPGS_CA_FILE, ...; SANDBOX_PID
# Stop it with: kill "$SANDBOX_PID"
# It also defines sandbox_launch, for scripts that need a second sandbox.
SANDBOX_BIN=${SANDBOX_BIN:-target/release/mpgs-sandbox}

# sandbox_launch [sandbox flags]: starts a sandbox on a free loopback port and waits (up to 5 s)
# for its ready file (`--ready-file`). Sets launched_pid, launched_url, launched_ca and
# launched_tls_dir; returns 1 if it did not start.
sandbox_launch() {
  local ready
  ready=$(mktemp -u)
  "$SANDBOX_BIN" --listen 127.0.0.1:0 --ready-file "$ready" "$@" >/dev/null &
  launched_pid=$!
  for _ in $(seq 1 100); do
    [ -f "$ready" ] && break
    sleep 0.05
  done
  launched_url=$(sed -n 's/^url=//p' "$ready" 2>/dev/null || true)
  launched_ca=$(sed -n 's/^ca=//p' "$ready" 2>/dev/null || true)
  launched_tls_dir=$(sed -n 's/^tls_dir=//p' "$ready" 2>/dev/null || true)
  rm -f "$ready"
  if [ -z "$launched_url" ]; then
    echo "mpgs-sandbox did not start" >&2
    kill "$launched_pid" 2>/dev/null
    return 1
  fi
}

sandbox_launch --cert-merchant CERTMERCHANT "$@" || return 1 2>/dev/null || exit 1
SANDBOX_PID=$launched_pid
export MPGS_BASE_URL=$launched_url MPGS_MERCHANT_ID=TESTMERCHANT MPGS_PASSWORD=sandbox-password \
  MPGS_CA_FILE=$launched_ca MPGS_CERT_MERCHANT_ID=CERTMERCHANT \
  MPGS_CLIENT_CERT="$launched_tls_dir/client.pem" MPGS_CLIENT_KEY="$launched_tls_dir/client.key" SANDBOX_PID
