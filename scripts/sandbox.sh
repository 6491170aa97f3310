#!/usr/bin/env bash
# Starts the release mpgs-sandbox on a free loopback port and exports what clients need:
#   source scripts/sandbox.sh [extra sandbox flags]   -> MPGS_BASE_URL, MPGS_CA_FILE, ...; SANDBOX_PID
# Stop it with: kill "$SANDBOX_PID"
SANDBOX_BIN=${SANDBOX_BIN:-target/release/mpgs-sandbox}
SANDBOX_OUT=$(mktemp)
"$SANDBOX_BIN" --listen 127.0.0.1:0 --cert-merchant CERTMERCHANT "$@" >"$SANDBOX_OUT" &
SANDBOX_PID=$!
for _ in $(seq 1 100); do
  [ "$(wc -l <"$SANDBOX_OUT")" -ge 2 ] && break
  sleep 0.05
done
MPGS_BASE_URL=$(sed -n '1s/^mpgs-sandbox listening on //p' "$SANDBOX_OUT")
tls_dir=$(sed -n '2s/^mpgs-sandbox tls-dir //p' "$SANDBOX_OUT")
if [ -z "$MPGS_BASE_URL" ]; then
  echo "mpgs-sandbox did not start" >&2
  kill "$SANDBOX_PID" 2>/dev/null
  return 1 2>/dev/null || exit 1
fi
export MPGS_BASE_URL MPGS_MERCHANT_ID=TESTMERCHANT MPGS_PASSWORD=sandbox-password \
  MPGS_CA_FILE="$tls_dir/ca.pem" MPGS_CERT_MERCHANT_ID=CERTMERCHANT \
  MPGS_CLIENT_CERT="$tls_dir/client.pem" MPGS_CLIENT_KEY="$tls_dir/client.key" SANDBOX_PID
